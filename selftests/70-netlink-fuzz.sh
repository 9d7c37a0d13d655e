#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Netlink fuzzing: nl_fuzz.py sends random and mutated messages of every
# xtfw command (wrong types and lengths, truncated headers, bad nesting,
# missing and duplicate attributes, thousands of attributes, batches,
# interleaved, abandoned and over-limit transactions, sockets closed
# mid-transaction, dumps abandoned part way) for a bounded time, with a
# seeded PRNG (XTFW_FUZZ_SEED to replay one run). Proven:
#
#   * every message with NLM_F_ACK is answered, no COMMIT succeeds and the
#     generation does not move (nl_fuzz.py checks these itself);
#   * the committed ruleset of both families, counters included, is
#     byte-identical before and after (the fuzzer never sends a COMMIT that
#     could succeed; ZERO is left out of the run whose counters are
#     compared);
#   * nothing reaches another namespace: its ruleset, counters, conntrack
#     settings and entries stay as they were while the first is fuzzed, and
#     the other way round;
#   * the kernel logs no oops, BUG or WARNING, and the module unloads
#     afterwards with nothing logged.
#
#   fuzz ◄── nl_fuzz.py (45 s, no ZERO)      other: ruleset, ct entries
#   fuzz: ruleset, counters                  other ◄── nl_fuzz.py (15 s)
#
# timeout: 240

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"

declare fuzz other

require_root
require_cmd dmesg
xtfw_load
require_xtctl

FUZZER="$SELFTESTS_DIR/nl_fuzz.py"
PYTHON=/usr/bin/python3
SEED=${XTFW_FUZZ_SEED:-$(od -An -tu4 -N4 /dev/urandom | tr -d ' ')}
FUZZ_TIME=${XTFW_FUZZ_TIME:-45}
klog_start=$(dmesg | wc -l)

# rules FAMILY N: an iptables-save -c file with every table, user chains and
# N rules in filter, so that a dump of it spans several messages.
rules()
{
	local fam=$1 n=$2 i src net=10.1 icmp="-p icmp -m icmp --icmp-type 8"

	if [[ $fam == 6 ]]; then
		net=fd00:1
		icmp="-p ipv6-icmp -m icmp6 --icmpv6-type 128"
	fi
	printf '*raw\n:PREROUTING ACCEPT [3:120]\n:OUTPUT ACCEPT [0:0]\n'
	printf -- '-A PREROUTING -i lo -j CT --notrack\nCOMMIT\n'
	printf '*mangle\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n'
	printf ':FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n'
	printf ':POSTROUTING ACCEPT [0:0]\n'
	printf -- '[7:700] -A PREROUTING -m mark --mark 0x1/0xff -j MARK --set-xmark 0x2/0xffffffff\nCOMMIT\n'
	printf '*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n'
	printf ':OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n'
	if [[ $fam == 4 ]]; then
		printf -- '-A PREROUTING -i veth9 -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.2.2:8080\n'
	else
		printf -- '-A PREROUTING -i veth9 -p tcp -m tcp --dport 80 -j DNAT --to-destination [fd00:2::2]:8080\n'
	fi
	printf -- '[2:100] -A POSTROUTING -o veth9 -j MASQUERADE\nCOMMIT\n'
	printf '*filter\n:INPUT DROP [11:1100]\n:FORWARD ACCEPT [0:0]\n'
	printf ':OUTPUT ACCEPT [5:500]\n:SERVICES - [0:0]\n:LOGDROP - [0:0]\n'
	printf -- '-A INPUT -i lo -j ACCEPT\n'
	printf -- '[9:900] -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n'
	printf -- '-A INPUT %s -m limit --limit 5/sec --limit-burst 10 -j ACCEPT\n' "$icmp"
	printf -- '-A INPUT -j SERVICES\n-A INPUT -j LOGDROP\n'
	for ((i = 1; i <= n; i++)); do
		if [[ $fam == 4 ]]; then
			src="$net.$((i / 256)).$((i % 256))/32"
		else
			src=$(printf '%s::%x/128' "$net" "$i")
		fi
		printf -- '[%d:%d] -A SERVICES -s %s -p tcp -m tcp --dport %d -m comment --comment "rule %d" -j ACCEPT\n' \
			"$i" $((i * 60)) "$src" $((1000 + i)) "$i"
	done
	printf -- '-A LOGDROP -m limit --limit 3/min -j LOG --log-prefix "dropped: "\n'
	printf -- '-A LOGDROP -j DROP\nCOMMIT\n'
}

# snapshot NS: everything a fuzzer must not change in NS, counters included.
snapshot()
{
	local ns=$1

	# shellcheck disable=SC2086 # $XTCTL may carry arguments
	{
	ip netns exec "$ns" $XTCTL save -c | grep -v '^#'
	ip netns exec "$ns" $XTCTL -6 save -c | grep -v '^#'
	}
}

ct_snapshot()
{
	local ns=$1

	# shellcheck disable=SC2086
	{
	ip netns exec "$ns" $XTCTL ct get max
	ip netns exec "$ns" $XTCTL ct get timeout
	ip netns exec "$ns" $XTCTL ct count
	}
}

# fuzz NS SECONDS [--no-zero]: run the fuzzer; prints its last line.
fuzz_in()
{
	local ns=$1 secs=$2 out rc=0
	shift 2

	echo "[+] ${ns%-*}: nl_fuzz.py --seed $SEED --time $secs $*" >&2
	out=$(ip netns exec "$ns" "$PYTHON" "$FUZZER" --seed "$SEED" \
		--time "$secs" "$@" 2>&1) || rc=$?
	echo "$out" >&2
	check_eq "nl_fuzz in ${ns%-*}: exit status (seed $SEED)" 0 "$rc"
	FUZZ_LAST=$(tail -n1 <<<"$out")
	[[ $FUZZ_LAST =~ sent=([0-9]+) ]] && SENT=$((SENT + BASH_REMATCH[1]))
}

setup_ns fuzz other
dir=$(mktemp -d)
defer rm -rf "$dir"
for ns in "$fuzz" "$other"; do
	n=300
	[[ $ns == "$other" ]] && n=20
	rules 4 "$n" >"$dir/v4"
	rules 6 "$n" >"$dir/v6"
	check_ok "${ns%-*}: load the IPv4 ruleset" ns_xtctl "$ns" restore -c "$dir/v4"
	check_ok "${ns%-*}: load the IPv6 ruleset" ns_xtctl "$ns" -6 restore -c "$dir/v6"
done
check_ok "other: UDP UNREPLIED timeout 600" \
	ns_xtctl "$other" ct set timeout udp UNREPLIED 600
# two unanswered UDP flows on lo give "other" conntrack entries
ip netns exec "$other" bash -c 'echo x >/dev/udp/127.0.0.1/9; echo x >/dev/udp/::1/9' 2>/dev/null
SENT=0

fuzz_before=$(snapshot "$fuzz")
other_before=$(snapshot "$other")
other_ct=$(ct_snapshot "$other")
echo "other: $(ns_xtctl "$other" ct count) conntrack entries"

fuzz_in "$fuzz" "$FUZZ_TIME" --no-zero
check_eq "fuzz: no ZERO was sent" 1 "$([[ $FUZZ_LAST == *zero_ok=0* ]] && echo 1)"
check_eq "fuzz: ruleset and counters unchanged" "$fuzz_before" "$(snapshot "$fuzz")"
check_eq "other: ruleset and counters unchanged" "$other_before" "$(snapshot "$other")"
check_eq "other: conntrack settings and entries unchanged" "$other_ct" "$(ct_snapshot "$other")"

# The other way round, ZERO included: the ruleset of "other" stays (its
# counters may be zeroed), nothing of "fuzz" moves.
fuzz_ct=$(ct_snapshot "$fuzz")
fuzz_in "$other" 15
if [[ $FUZZ_LAST == *zero_ok=0* ]]; then
	check_eq "other: ruleset and counters unchanged" "$other_before" "$(snapshot "$other")"
else
	check_eq "other: ruleset unchanged (counters zeroed by ZERO)" \
		"$(sed -E 's/\[[0-9]+:[0-9]+\]/[N]/' <<<"$other_before")" \
		"$(snapshot "$other" | sed -E 's/\[[0-9]+:[0-9]+\]/[N]/')"
fi
check_eq "fuzz: ruleset and counters unchanged" "$fuzz_before" "$(snapshot "$fuzz")"
check_eq "fuzz: conntrack settings and entries unchanged" "$fuzz_ct" "$(ct_snapshot "$fuzz")"

echo "nl_fuzz sent $SENT messages in all (seed $SEED)"

# The namespaces go with their rulesets and the fuzzers' leftovers, then
# the module: both must leave nothing behind in the log.
cleanup_all_ns
if [[ ${XTFW_SKIP_LOAD:-0} != 1 ]]; then
	check_ok "rmmod xtfw after fuzzing" xtfw_unload
fi
bad=$(dmesg | tail -n +$((klog_start + 1)) | klog_bad_lines)
check_eq "no oops, BUG or WARNING logged" "" "$bad"
leak=$(dmesg | tail -n +$((klog_start + 1)) | grep -i -E 'xtfw.*(leak|still|left)' || true)
check_eq "nothing logged about leftovers at unload" "" "$leak"
ksft_exit
