# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the connection tracking tests (5x-ct-*), sourced after lib.sh
# and mt_lib.sh. The tests count packets by state with -m conntrack, which
# iptables-legacy has too, so they also run against the kernel's own
# conntrack (XTFW_SKIP_LOAD=1 XTFW_XTCTL=selftests/xtctl-iptables.sh):
# what they expect is what Linux does. Checks of "xtctl ct" are xtfw's only
# and guarded by xtfw_native.

CT_STATES=(NEW ESTABLISHED RELATED INVALID UNTRACKED)

# Skip unless this xtfw has connection tracking: the conntrack match is
# accepted and "xtctl ct" answers.
ct_require()
{
	local ns out ctprobe

	require_xtctl
	setup_ns ctprobe
	ns=$ctprobe
	# shellcheck disable=SC2086 # $XTCTL may be a command with arguments
	if ! out=$(ip netns exec "$ns" $XTCTL -A INPUT -m conntrack --ctstate NEW 2>&1); then
		ksft_skip "no connection tracking in this xtfw: $out"
	fi
	# shellcheck disable=SC2086
	if xtfw_native && ! out=$(ip netns exec "$ns" $XTCTL ct count 2>&1); then
		ksft_skip "xtctl ct does not work here: $out"
	fi
	cleanup_ns "$ns"
}

# ct_router: three namespaces in a row, routed both ways, IPv4 and IPv6:
#
#   client                  router                     server
#   veth0 10.0.1.1 ──── lan0 10.0.1.2  wan0 10.0.2.1 ──── veth0 10.0.2.2
#         fd00:1::1          fd00:1::2       fd00:2::1          fd00:2::2
#
# It sets the variables client, router and server.
# shellcheck disable=SC2154 # setup_ns sets them
ct_router()
{
	setup_ns client router server
	connect_ns "$client" veth0 "$router" lan0 1
	connect_ns "$router" wan0 "$server" veth0 2
	if ! ip -n "$client" route add 10.0.2.0/24 via 10.0.1.2 ||
	   ! ip -n "$client" -6 route add fd00:2::/64 via fd00:1::2 ||
	   ! ip -n "$server" route add 10.0.1.0/24 via 10.0.2.1 ||
	   ! ip -n "$server" -6 route add fd00:1::/64 via fd00:2::1 ||
	   ! ip netns exec "$router" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1; then
		ksft_fail "cannot route through $router"
	fi
}

# ct_state_chain NS FAMILY CHAIN: a user chain with one rule per state that
# counts and returns, in the order of CT_STATES.
ct_state_chain()
{
	local ns=$1 fam=$2 chain=$3 state

	ns_xtctl "$ns" "$fam" -N "$chain" || return 1
	for state in "${CT_STATES[@]}"; do
		ns_xtctl "$ns" "$fam" -A "$chain" -m conntrack --ctstate "$state" \
			-j RETURN || return 1
	done
}

# ct_state_counts NS FAMILY CHAIN: "NEW=n ESTABLISHED=n ..." of the chain.
ct_state_counts()
{
	local counts i out=

	read -r -a counts <<<"$(rule_counts "$1" "$2" filter "$3")"
	for i in "${!CT_STATES[@]}"; do
		out+="${out:+ }${CT_STATES[i]}=${counts[i]:-?}"
	done
	echo "$out"
}

# ct_entries NS ARGS...: "xtctl ct list ARGS", the lines sorted, with the
# timeout column (which counts down) replaced by "T".
ct_entries()
{
	local ns=$1
	shift

	ns_xtctl "$ns" ct list "$@" 2>/dev/null |
		awk '{ $3 = "T"; print }' | sort
}

# ct_count NS: the number of entries.
ct_count()
{
	ns_xtctl "$1" ct count 2>/dev/null
}

_ct_counts_are()
{
	[[ $(ct_state_counts "$1" "$2" "$3") == "$4" ]]
}

# ct_check_counts NAME NS FAMILY CHAIN EXPECTED: wait up to 2s for the
# chain's counts to be EXPECTED ("NEW=1 ESTABLISHED=0 ..."), then check.
ct_check_counts()
{
	local name=$1 ns=$2 fam=$3 chain=$4 expected=$5

	busywait 2000 _ct_counts_are "$ns" "$fam" "$chain" "$expected" >/dev/null
	check_eq "$name" "$expected" "$(ct_state_counts "$ns" "$fam" "$chain")"
}

# ct_counts N E R I U: the ct_state_counts line of those numbers.
ct_counts()
{
	echo "NEW=$1 ESTABLISHED=$2 RELATED=$3 INVALID=$4 UNTRACKED=$5"
}

# ct_stat_of NS NAME: one counter of "xtctl ct stats" in NS (found, new,
# invalid, insert_failed, drop, early_drop, search_restart).
ct_stat_of()
{
	ns_xtctl "$1" ct stats 2>/dev/null | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# ct_stats_of NS NAME...: "NAME=n ..." of those counters, for deltas.
ct_stats_of()
{
	local ns=$1 name out=
	shift

	for name in "$@"; do
		out+="${out:+ }$name=$(ct_stat_of "$ns" "$name")"
	done
	echo "$out"
}

# ct_stats_delta BEFORE AFTER: "NAME=n ..." of AFTER minus BEFORE (both
# from ct_stats_of with the same names).
ct_stats_delta()
{
	local -a b a
	local i out=

	read -r -a b <<<"$1"
	read -r -a a <<<"$2"
	for i in "${!a[@]}"; do
		out+="${out:+ }${a[i]%%=*}=$((${a[i]#*=} - ${b[i]#*=}))"
	done
	echo "$out"
}

# ct_serve_start FAMILY: start "ct_tcp.py --serve" between $client and
# $server, counting at $router's CTSTATE chain (ct_state_chain), so that
# ct_step sends crafted packets without starting python each time. Stopped
# by ct_serve_stop, or when the test exits.
ct_serve_start()
{
	[[ -z ${CT_SERVE_PID:-} ]] || ct_serve_stop
	# shellcheck disable=SC2086,SC2154 # $XTCTL may have arguments
	coproc CT_SERVE { exec taskset -c 0 "$PYTHON" "$SELFTESTS_DIR/ct_tcp.py" \
		--serve "$1" "$client" "$router" "$server" $XTCTL; }
	# shellcheck disable=SC2034 # bash sets CT_SERVE_PID
	CT_SERVE_FDS=("${CT_SERVE[@]}")
	if [[ -z ${CT_SERVE_DEFERRED:-} ]]; then
		CT_SERVE_DEFERRED=1
		defer ct_serve_stop
	fi
}

ct_serve_stop()
{
	local fd=${CT_SERVE_FDS[1]:-}

	[[ -n ${CT_SERVE_PID:-} ]] || return 0
	[[ -z $fd ]] || exec {fd}>&-
	kill "$CT_SERVE_PID" 2>/dev/null
	wait "$CT_SERVE_PID" 2>/dev/null
	CT_SERVE_PID=
	CT_SERVE_FDS=()
}

# ct_step NAME SIDE EXPR EXPECTED: send the packets of the scapy EXPR from
# SIDE (c: $client, s: $server) and check how far the router's CTSTATE
# counters moved: EXPECTED is a ct_counts line. The check is named
# "$fam: NAME".
ct_step()
{
	local name=$1 side=$2 expr=$3 expected=$4 actual

	echo "[+] ct_step $side: $expr" >&2
	[[ -n ${CT_SERVE_FDS[1]:-} ]] || ksft_fail "ct_tcp.py --serve is not running"
	printf '%s\t%s\n' "$side" "$expr" >&"${CT_SERVE_FDS[1]}"
	read -r -t 60 actual <&"${CT_SERVE_FDS[0]}" ||
		ksft_fail "ct_tcp.py --serve did not answer"
	check_eq "${fam:+$fam: }$name" "$expected" "$actual"
}

# ct_static_arp: static IPv4 neighbours on both links of ct_router (IPv6
# has them already), so that no ARP traffic is counted and no burst of
# first packets overflows the queue of a neighbour being resolved.
ct_static_arp()
{
	if ! ip -n "$client" neigh replace 10.0.1.2 lladdr 02:00:00:00:01:02 \
		dev veth0 nud permanent ||
	   ! ip -n "$router" neigh replace 10.0.1.1 lladdr 02:00:00:00:01:01 \
		dev lan0 nud permanent ||
	   ! ip -n "$router" neigh replace 10.0.2.2 lladdr 02:00:00:00:02:02 \
		dev wan0 nud permanent ||
	   ! ip -n "$server" neigh replace 10.0.2.1 lladdr 02:00:00:00:02:01 \
		dev veth0 nud permanent; then
		ksft_fail "cannot set static ARP entries"
	fi
}

# ct_shield NS...: drop every IPv4 and IPv6 packet that arrives on veth0 of
# each NS, at tc ingress, before any netfilter hook: such an end never
# answers the packets a test crafts, and needs no firewall of its own (so
# no conntrack of its own, and fragments leave it as they were crafted).
# ARP still passes. Nor does such an end send IPv6 router solicitations,
# which it would otherwise repeat, backing off, for as long as the test
# runs: what leaves it is what the test sends.
ct_shield()
{
	local ns proto

	for ns in "$@"; do
		ip netns exec "$ns" sysctl -qw \
			net.ipv6.conf.veth0.router_solicitations=0 ||
			ksft_fail "cannot stop router solicitations in $ns"
		tc -n "$ns" qdisc add dev veth0 ingress ||
			ksft_fail "cannot add an ingress qdisc in $ns"
		for proto in ip ipv6; do
			tc -n "$ns" filter add dev veth0 ingress protocol "$proto" \
				matchall action drop ||
				ksft_fail "cannot shield $ns with tc"
		done
	done
}

# ct_family FAMILY (-4 or -6): the addresses of ct_router's ends and the
# scapy headers between them: fam, C (client), C2 (a second client
# address), S (server), IP_CS, IP_C2S, IP_SC; ICMP_PROTO, ICMP_NAME, and NH
# (the scapy field of the next protocol: proto or nh).
# shellcheck disable=SC2034 # for the tests
ct_family()
{
	fam=$1
	if [[ $fam == -4 ]]; then
		C=10.0.1.1 C2=10.0.1.3 S=10.0.2.2
		IP_CS="IP(src=\"$C\", dst=\"$S\")"
		IP_C2S="IP(src=\"$C2\", dst=\"$S\")"
		IP_SC="IP(src=\"$S\", dst=\"$C\")"
		ICMP_PROTO=1 ICMP_NAME=icmp NH=proto
	else
		C=fd00:1::1 C2=fd00:1::3 S=fd00:2::2
		IP_CS="IPv6(src=\"$C\", dst=\"$S\")"
		IP_C2S="IPv6(src=\"$C2\", dst=\"$S\")"
		IP_SC="IPv6(src=\"$S\", dst=\"$C\")"
		ICMP_PROTO=58 ICMP_NAME=icmpv6 NH=nh
	fi
}
