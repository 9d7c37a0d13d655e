#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The forwarding benchmark, inside the VM (run by selftests/bench/bench.sh
# through selftests/vm/run-vm.sh; it can run on any host with xtfw
# loadable, as root):
#
#   selftests/bench/guest.sh RULES_DIR
#
# RULES_DIR holds the rulesets of rules.py. One path per firewall, each in
# its own namespaces, so that no firewall's hooks are in another's way
# (path.sh, shared with insns/guest.sh):
#
#   gen (10.0.1.1) --veth-- lan0 router wan0 --veth-- sink (10.0.2.2)
#
# none (no hooks at all: the baseline), xtfw (xtctl restore), legacy
# (iptables-legacy-restore), nftcompat (iptables-nft-restore) and nftset
# (nft -f, addresses in sets). pktgen writes 64-byte UDP packets
# 10.0.1.1:9 -> 10.0.2.2:9 into the router's lan0 (xmit_mode
# netif_receive: the router's receive path as if they came from gen, in
# step with how fast the router forwards them). The router forwards them
# to the sink, addressed to a MAC that is not the sink's, so the sink drops
# them on arrival at no cost; the sink's veth0 rx_packets counts what was
# delivered over a fixed window after a warm-up.
#
# For each profile (empty: no rules, FORWARD policy ACCEPT, at 0 only;
# stateless; stateful) and rule count, every firewall loads its ruleset (timed, bounded by BENCH_LOAD_TIMEOUT), then the
# firewalls are measured in turn, BENCH_REPS rounds. In the stateful
# profile the flow is answered once first (gen -> sink, sink -> gen), so
# that its packets are ESTABLISHED; UDP timeouts are an hour so that the
# entry outlives the run.
#
# Then the conntrack new-connection rate: every packet a new flow (source
# address and port vary), ruleset "ESTABLISHED,RELATED accept, then
# accept 10.0.1.0/24 -> 10.0.2.2 udp dport 9", on fresh namespaces each
# round; the entries made and what they cost in memory.
#
# Results are lines "BENCH<TAB>kind<TAB>..." on stdout (see bench.sh).
#
# Environment: BENCH_SIZES ("0 100 1000 10000 100000"), BENCH_REPS (3),
# BENCH_SECS (2, the measured window), BENCH_WARMUP (0.5),
# BENCH_LOAD_TIMEOUT (240 s), BENCH_FWS ("none xtfw legacy nftcompat
# nftset"), BENCH_PROFILES ("empty stateless stateful"; empty is measured
# at 0 rules only), BENCH_CTRATE (1),
# BENCH_PERF (firewalls to profile with perf after each first round: none),
# BENCH_PERF_CALLERS (functions whose callers the profile shows: none).

# $XTCTL is used unquoted, as in the selftests: it may be a command with
# arguments.
# shellcheck disable=SC2086
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../lib.sh"
# shellcheck source=selftests/bench/path.sh
source "$(dirname "$0")/path.sh"

RULES=${1:?usage: guest.sh RULES_DIR}
read -ra SIZES <<<"${BENCH_SIZES:-0 100 1000 10000 100000}"
REPS=${BENCH_REPS:-3}
SECS=${BENCH_SECS:-2}
WARMUP=${BENCH_WARMUP:-0.5}
LOAD_TIMEOUT=${BENCH_LOAD_TIMEOUT:-240}
read -ra FWS <<<"${BENCH_FWS:-none xtfw legacy nftcompat nftset}"
read -ra PROFILES <<<"${BENCH_PROFILES:-empty stateless stateful}"
XTCTL=${XTFW_XTCTL:-$SELFTESTS_DIR/../tools/xtctl/xtctl}
export XTFW_KO=${XTFW_KO:-$SELFTESTS_DIR/../build/$(uname -r)/xtfw.ko}
declare -A DEAD		# "fw profile": a smaller load timed out or failed

out()
{
	local IFS=$'\t'

	echo "BENCH	$*"
}

log()
{
	echo "bench: $*" >&2
}

now()
{
	echo "$EPOCHREALTIME"
}

elapsed()
{
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'
}

mem_available_kb()
{
	awk '$1 == "MemAvailable:" { print $2 }' /proc/meminfo
}

# --- measuring --------------------------------------------------------------------

# pktgen_start FW / pktgen_stop FW: the flood into FW's router (start
# returns at once; stop waits for it)
pktgen_start()
{
	ip netns exec "${ROUTER[$1]}" sh -c 'echo start > /proc/net/pktgen/pgctrl' &
	PKTGEN_PID=$!
}

pktgen_stop()
{
	ip netns exec "${ROUTER[$1]}" sh -c 'echo stop > /proc/net/pktgen/pgctrl'
	wait "$PKTGEN_PID"
}

# perf_lines PREFIX ARG...: perf report --stdio of the profile, its
# header and blank lines left out, each line as "PREFIX: ..." on stderr
perf_lines()
{
	local prefix=$1
	shift

	perf report -i /tmp/bench-perf.data --stdio -n -g none --sort sym \
		"$@" 2>/dev/null | grep -v -e '^#' -e '^$' |
		sed "s/^/$prefix: /" >&2
}

# profile FW WHAT: with FW in BENCH_PERF, another window of traffic after
# the measured one, sampled by perf (the whole guest, call graphs) and
# reported as "perf: WHAT: ..." lines on the console (bench.sh keeps them
# in its console.log). Not in the measured window: perf's start costs the
# guest about a second of instructions, and its sampling slows the rate.
profile()
{
	local fw=$1 what=$2

	[[ " ${BENCH_PERF:-} " == *" $fw "* ]] || return 0
	pktgen_start "$fw"
	perf record -q -a -g -F 2000 -o /tmp/bench-perf.data \
		-- sleep "$SECS" >/dev/null 2>&1
	pktgen_stop "$fw"
	perf_lines "perf: $what" --no-children --percent-limit 0.3
	perf_lines "perf-children: $what" --children --percent-limit 1
	for f in ${BENCH_PERF_CALLERS:-}; do
		perf report -i /tmp/bench-perf.data --stdio --no-children -G \
			-S "$f" --percent-limit 0.05 2>/dev/null |
			grep -v -e '^#' -e '^$' |
			sed "s/^/perf-callers: $what: $f: /" >&2
	done
	rm -f /tmp/bench-perf.data
}

# measure FW: packets per second delivered to the sink while pktgen runs
measure()
{
	local fw=$1 rate

	pktgen_start "$fw"
	sleep "$WARMUP"
	# shellcheck disable=SC2016 # expanded by the inner bash
	rate=$(ip netns exec "${SINK[$fw]}" bash -c '
		f=/sys/class/net/veth0/statistics/rx_packets
		read -r a <$f; t1=$EPOCHREALTIME
		sleep "$1"
		read -r b <$f; t2=$EPOCHREALTIME
		awk -v n=$((b - a)) -v t1="$t1" -v t2="$t2" \
			"BEGIN { printf \"%.0f\", n / (t2 - t1) }"' _ "$SECS")
	pktgen_stop "$fw"
	echo "${rate:-0}"
}

# --- rulesets ---------------------------------------------------------------------

# flush FW: empty the filter table (untimed, before a timed load)
flush()
{
	case $1 in
	xtfw)		in_router "$1" $XTCTL -F ;;
	legacy)		in_router "$1" iptables-legacy -F ;;
	nftcompat)	in_router "$1" iptables-nft -F ;;
	nftset)		in_router "$1" nft flush ruleset ;;
	esac
}

# loader FW PROFILE N: the command that loads the ruleset (run in the router)
loader()
{
	local f

	case $1 in
	xtfw)		f=$RULES/ipt-$2-$3; echo "$XTCTL restore $f" ;;
	legacy)		f=$RULES/ipt-$2-$3; echo "iptables-legacy-restore $f" ;;
	nftcompat)	f=$RULES/ipt-$2-$3; echo "iptables-nft-restore $f" ;;
	nftset)		f=$RULES/nft-$2-$3; echo "nft -f $f" ;;
	esac
}

# child_cpu: user and system CPU seconds of the children waited for
# between the two "times" of load()
child_cpu()
{
	awk 'function sec(t) { split(t, a, "m"); return a[1] * 60 + a[2] }
	     FNR == 2 { u[FILENAME] = sec($1); s[FILENAME] = sec($2) }
	     END { f0 = "/tmp/bench-times.0"; f1 = "/tmp/bench-times.1"
		   printf "%.3f\t%.3f", u[f1] - u[f0], s[f1] - s[f0] }' \
		/tmp/bench-times.0 /tmp/bench-times.1
}

# The kernel's own time for a load: kprobes on the kernel functions that
# take each loader's requests, entry and return, summed per task over the
# load. genl_rcv: xtctl's generic netlink batches (parse, rule build,
# commit); nfnetlink_rcv: nft's and iptables-nft's batches;
# nf_setsockopt/nf_getsockopt: iptables-legacy's table get and replace.
# Unlike the loading process's system time, this leaves out its page
# faults, reads and memory management. What each frees later in an RCU
# callback or a work item is not counted, for any of them (a load after a
# flush frees next to nothing). KTRACE is empty if tracefs or kprobes are
# missing.
KTRACE=
KPROBED="genl_rcv nfnetlink_rcv nf_setsockopt nf_getsockopt"

ktrace_setup()
{
	local t=/sys/kernel/tracing f

	mountpoint -q $t || mount -t tracefs nodev $t 2>/dev/null || return 0
	[[ -w $t/kprobe_events ]] || return 0
	modprobe nfnetlink 2>/dev/null
	for f in $KPROBED; do
		if ! { echo "p:xtbench/${f}_in $f" >>$t/kprobe_events &&
		       echo "r:xtbench/${f}_out $f" >>$t/kprobe_events; }; then
			log "no kprobe on $f: no kernel time of the loads"
			echo "-:xtbench/${f}_in" >>$t/kprobe_events 2>/dev/null
			return 0
		fi
	done
	echo 0 >$t/tracing_on
	echo 1 >$t/events/xtbench/enable || return 0
	KTRACE=$t
}

ktrace_start()
{
	[[ -n $KTRACE ]] || return 0
	echo >"$KTRACE/trace"
	echo 1 >"$KTRACE/tracing_on"
}

# ktrace_stop: the seconds between each probed entry and its return
ktrace_stop()
{
	[[ -n $KTRACE ]] || return 0
	echo 0 >"$KTRACE/tracing_on"
	awk '/^#/ { next }
	     { task = $1; ts = ""; ev = ""
	       for (i = 2; i <= NF; i++)
		       if ($i ~ /^[0-9]+\.[0-9]+:$/) { ts = $i; ev = $(i + 1); break }
	       if (ts == "") next
	       sub(/:$/, "", ts); sub(/:$/, "", ev) }
	     ev ~ /_in$/ { t0[task] = ts; next }
	     ev ~ /_out$/ && (task in t0) { s += ts - t0[task]; delete t0[task] }
	     END { printf "%.3f", s }' "$KTRACE/trace"
}

# The kernel memory a load leaves behind, exactly: the loader runs in a
# memory cgroup of its own, whose memory.stat "kernel" counts the slab,
# per-CPU and vmalloc memory allocated in its context with __GFP_ACCOUNT
# (xtfw, x_tables and nf_tables all allocate their rulesets so), while its
# own stack and page tables are given back when it exits and its file
# reads are "file", not "kernel". The statistics are flushed every two
# seconds and on read once enough changed; load() waits past the two
# seconds for the large rulesets. MEMCG is empty without cgroup2's memory
# controller (MemAvailable is reported either way).
MEMCG=

memcg_setup()
{
	local root=/sys/fs/cgroup

	mountpoint -q $root || mount -t cgroup2 none $root 2>/dev/null ||
		return 0
	grep -qsw memory $root/cgroup.controllers || return 0
	echo +memory >$root/cgroup.subtree_control 2>/dev/null || return 0
	mkdir -p $root/xtbench-load 2>/dev/null || return 0
	[[ -r $root/xtbench-load/memory.stat ]] || return 0
	MEMCG=$root/xtbench-load
}

memcg_kernel()
{
	[[ -n $MEMCG ]] || return 0
	awk '$1 == "kernel" { print $2 }' "$MEMCG/memory.stat"
}

# loader FW CMD...: in the router namespace, in MEMCG; run in a subshell
loader_run()
{
	if [[ -n $MEMCG ]]; then
		echo "$BASHPID" >"$MEMCG/cgroup.procs" || return 1
	fi
	in_router "$@"
}

# load FW PROFILE N: load, timed; the memory it took. Returns 1 on failure
# or timeout (and marks FW PROFILE dead for the larger rule counts).
load()
{
	local fw=$1 prof=$2 n=$3 t0 t1 m0 m1 k0 k1 rc=0 cmd kt

	[[ $fw == none ]] && return 0
	if [[ -n ${DEAD[$fw $prof]:-} ]]; then
		out load "$prof" "$n" "$fw" "${DEAD[$fw $prof]}"
		return 1
	fi
	flush "$fw" || log "$fw: flush failed"
	cmd=$(loader "$fw" "$prof" "$n")
	# what the flush frees comes back after an RCU grace period or a work
	# item: let it, or it would be taken off the new ruleset's share
	((n < 10000)) || sleep 2
	m0=$(mem_available_kb)
	k0=$(memcg_kernel)
	times >/tmp/bench-times.0
	ktrace_start
	t0=$(now)
	(loader_run "$fw" timeout -k 5 "$LOAD_TIMEOUT" $cmd) || rc=$?
	t1=$(now)
	kt=$(ktrace_stop)
	times >/tmp/bench-times.1
	((n < 10000)) || sleep 3
	m1=$(mem_available_kb)
	k1=$(memcg_kernel)
	if ((rc == 124 || rc == 137)); then
		log "$fw $prof $n: load timed out after ${LOAD_TIMEOUT}s"
		DEAD[$fw $prof]="skipped"
		out load "$prof" "$n" "$fw" "timeout>${LOAD_TIMEOUT}s"
		flush "$fw"
		return 1
	elif ((rc)); then
		log "$fw $prof $n: load failed ($rc)"
		DEAD[$fw $prof]="skipped"
		out load "$prof" "$n" "$fw" "failed"
		return 1
	fi
	out load "$prof" "$n" "$fw" "$(elapsed "$t0" "$t1")"
	out loadcpu "$prof" "$n" "$fw" "$(child_cpu)"
	[[ -z $kt ]] || out loadkern "$prof" "$n" "$fw" "$kt"
	out mem "$prof" "$n" "$fw" "$(((m0 - m1) * 1024))"
	[[ -z $k0 || -z $k1 ]] || out memcg "$prof" "$n" "$fw" "$((k1 - k0))"
	return 0
}

# --- the benchmark ------------------------------------------------------------------

run_group()
{
	local prof=$1 n=$2 fw rep pps live=()

	log "== $prof, $n rules"
	for fw in "${FWS[@]}"; do
		load "$fw" "$prof" "$n" || continue
		if [[ $prof == stateful && $fw != none ]]; then
			long_udp_timeouts "$fw" || log "$fw: cannot set UDP timeouts"
			prime "$fw" || out note "$prof" "$n" "$fw" "flow-not-established"
		fi
		live+=("$fw")
	done
	for ((rep = 1; rep <= REPS; rep++)); do
		for fw in "${live[@]}"; do
			pps=$(measure "$fw")
			log "$prof $n $fw #$rep: $pps pps"
			out pps "$prof" "$n" "$fw" "$rep" "$pps"
			((rep > 1)) || profile "$fw" "$fw $prof $n"
		done
	done
}

slab_line()
{
	awk -v n="$1" '$1 == n { print $2, $4 }' /proc/slabinfo
}

# A namespace's conntrack entries are freed by a work item after it is
# gone: wait for that (up to 60s), or the memory they give back would be
# taken off the next round's entries.
wait_ct_freed()
{
	local i

	for ((i = 0; i < 600; i++)); do
		awk '($1 == "xtfw_conn" || $1 == "nf_conntrack") && $2 > 2000 { busy = 1 }
		     END { exit busy }' /proc/slabinfo && break
		sleep 0.1
	done
	sleep 1
}

# ctrate FW REP: new connections per second, and memory per entry
ctrate_round()
{
	local fw=$1 rep=$2 m0 m1 s0 s1 count pps slab cmd

	make_path "$fw"
	pg "$fw" lan0 "src_max 10.0.1.254"
	pg "$fw" lan0 "udp_src_min 1024"
	pg "$fw" lan0 "udp_src_max 65535"
	unreach "$fw"
	case $fw in
	xtfw)	cmd="$XTCTL restore $RULES/ipt-ctrate" ;;
	legacy)	cmd="iptables-legacy-restore $RULES/ipt-ctrate" ;;
	nftcompat) cmd="iptables-nft-restore $RULES/ipt-ctrate" ;;
	nftset)	cmd="nft -f $RULES/nft-ctrate" ;;
	esac
	in_router "$fw" $cmd || ksft_fail "$fw: cannot load the ctrate ruleset"
	if [[ $fw == xtfw ]]; then
		in_router "$fw" $XTCTL ct set max 4000000
		slab=xtfw_conn
	else
		slab=nf_conntrack
	fi
	m0=$(mem_available_kb)
	s0=$(slab_line "$slab")
	pps=$(measure "$fw")
	s1=$(slab_line "$slab")
	m1=$(mem_available_kb)
	if [[ $fw == xtfw ]]; then
		count=$(in_router "$fw" $XTCTL ct count)
	else
		count=$(in_router "$fw" cat /proc/sys/net/netfilter/nf_conntrack_count)
	fi
	log "ctrate $fw #$rep: $pps new flows/s, $count entries, slab $s0 -> $s1"
	# slab: active objects before and after, object size
	out ctrate "$fw" "$rep" "$pps" "$count" "$(((m0 - m1) * 1024))" \
		"${s0% *}" "${s1% *}" "${s1#* }"
	drop_path "$fw"
	wait_ct_freed
}

main()
{
	local prof n fw rep

	require_root
	require_cmd ip socat iptables-legacy-restore iptables-nft-restore nft
	modprobe pktgen || ksft_skip "no pktgen module"
	xtfw_load
	modprobe nf_conntrack || ksft_fail "no nf_conntrack"
	# room for the conntrack rate test, for both implementations
	sysctl -qw net.netfilter.nf_conntrack_max=4000000
	echo 262144 >/sys/module/nf_conntrack/parameters/hashsize

	out meta kernel "$(uname -r)"
	out meta cpus "$(nproc)"
	out meta cpu "$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)"
	out meta memtotal_kb "$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
	out meta clock "${BENCH_CLOCK:-wallclock}"
	out meta window_s "$SECS"
	out meta reps "$REPS"
	out meta load_timeout_s "$LOAD_TIMEOUT"
	ktrace_setup
	memcg_setup
	[[ -n $MEMCG ]] || log "no memory cgroup: memory per rule from MemAvailable only"
	for fw in "${FWS[@]}"; do
		make_path "$fw"
		unreach "$fw"
	done

	for prof in "${PROFILES[@]}"; do
		for n in "${SIZES[@]}"; do
			# the empty ruleset has no rule count
			[[ $prof == empty && $n != 0 ]] || run_group "$prof" "$n"
		done
	done

	if [[ ${BENCH_CTRATE:-1} == 1 ]]; then
		for fw in "${FWS[@]}"; do
			drop_path "$fw"
		done
		wait_ct_freed
		log "== conntrack: new connections per second"
		for ((rep = 1; rep <= REPS; rep++)); do
			for fw in "${FWS[@]}"; do
				[[ $fw == none || $fw == nftcompat ]] && continue
				ctrate_round "$fw" "$rep"
			done
		done
	fi
	out "done"
	ksft_exit
}

main "$@"
