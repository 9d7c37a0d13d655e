#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The size limit and the timeouts of the conntrack table, at a router:
#  * max 20, 30 new UDP flows: each of the last 10 evicts an entry that is
#    not assured (early_drop 10), the table stays at 20;
#  * max 20, all 20 entries assured (TCP handshakes): 10 new flows are
#    dropped (drop 10, none evicted, none forwarded), and the established
#    connections keep working;
#  * short timeouts expire entries, and a UDP flow answered after two
#    seconds becomes an assured stream with the stream timeout;
#  * 2000 flows: the table grows under them, and a dump lists each once.
# IPv4 and IPv6.
#
#   client ──────────── router ──────────── server
#   raw: drop tcp,udp   FORWARD -j CTSTATE  raw: drop tcp,udp
#
# timeout: 600

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"

declare client router server
declare fam C S IP_CS IP_SC
# timeouts and waits that must outlast slow kernels (the debug kernel: 6)
SCALE=${XTFW_TIMEOUT_SCALE:-1}
# an unanswered UDP flow lives 30 s; on a slow kernel, whose clock can
# leap while the VM waits for the host, SCALE times that
UNREPLIED=$((30 * SCALE))

set_family()
{
	ct_family "$1"
}

# ct_stat NAME: one counter of "xtctl ct stats"
ct_stat()
{
	ns_xtctl "$router" ct stats | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# udp_flows N SPORT: N UDP flows from the client, source ports SPORT on.
udp_flows()
{
	send_pkts "$client" \
		"[$IP_CS/UDP(sport=p, dport=9000) for p in range($2, $2 + $1)]" ||
		ksft_fail "cannot send $1 flows"
}

# shellcheck disable=SC2317 # called through busywait
_count_is()
{
	[[ $(ct_count "$router") == "$1" ]]
}

test_early_drop()
{
	local early drop

	ns_xtctl "$router" ct flush 2>/dev/null
	early=$(ct_stat early_drop)
	drop=$(ct_stat drop)
	ns_xtctl "$router" "$fam" -Z CTSTATE
	udp_flows 30 10000
	ct_check_counts "$fam: 30 new flows passed" "$router" "$fam" CTSTATE \
		"$(ct_counts 30 0 0 0 0)"
	check_eq "$fam: the table holds max entries" 20 "$(ct_count "$router")"
	check_eq "$fam: 10 unassured entries made room" \
		$((early + 10)) "$(ct_stat early_drop)"
	check_eq "$fam: no packet was dropped" "$drop" "$(ct_stat drop)"
	check_eq "$fam: the last flow has its entry" 1 \
		"$(ct_entries "$router" "$fam" --sport 10029 | wc -l)"
}

test_full()
{
	local drop early

	ns_xtctl "$router" ct flush 2>/dev/null
	check_ok "$fam: 20 assured connections" \
		ns_exec "$client" taskset -c 0 "$PYTHON" "$SELFTESTS_DIR/ct_tcp.py" \
		--handshakes 20 20000 "$fam" "$client" "$router" "$server"
	busywait 2000 _count_is 20
	check_eq "$fam: 20 entries, all assured" 20 \
		"$(ct_entries "$router" "$fam" --status ASSURED | wc -l)"
	drop=$(ct_stat drop)
	early=$(ct_stat early_drop)
	ns_xtctl "$router" "$fam" -Z CTSTATE
	ns_xtctl "$server" "$fam" -t raw -Z PREROUTING
	udp_flows 10 11000
	check_eq "$fam: 10 new flows dropped" $((drop + 10)) "$(ct_stat drop)"
	check_eq "$fam: none evicted" "$early" "$(ct_stat early_drop)"
	check_eq "$fam: the table still holds 20" 20 "$(ct_count "$router")"
	ct_check_counts "$fam: none reached FORWARD" "$router" "$fam" CTSTATE \
		"$(ct_counts 0 0 0 0 0)"
	check_eq "$fam: none reached the server" 0 \
		"$(rule_pkts "$server" "$fam" raw PREROUTING 2)"
	send_pkts "$client" "$IP_CS/TCP(sport=20005, dport=80, flags='A', seq=1001, ack=5001, window=64000)" ||
		ksft_fail "cannot send"
	ct_check_counts "$fam: an established connection still works" \
		"$router" "$fam" CTSTATE "$(ct_counts 0 1 0 0 0)"
}

test_timeouts()
{
	local out t

	ns_xtctl "$router" ct flush 2>/dev/null
	check_ok "$fam: udp unreplied ${SCALE}x2s" \
		ns_xtctl "$router" ct set timeout udp unreplied $((2 * SCALE))
	udp_flows 1 12000
	check_eq "$fam: the UDP entry is there" 1 "$(ct_count "$router")"
	check_ok "$fam: ... and expires" slowwait 8 _count_is 0
	ns_xtctl "$router" ct set timeout udp unreplied $UNREPLIED

	# a stream: answered more than two seconds after it began
	udp_flows 1 12001
	send_pkts "$server" "$IP_SC/UDP(sport=9000, dport=12001)"
	sleep 2.2	# the protocol's own two seconds, not a wait for us
	send_pkts "$client" "$IP_CS/UDP(sport=12001, dport=9000)"
	send_pkts "$server" "$IP_SC/UDP(sport=9000, dport=12001)"
	out=$(ns_xtctl "$router" ct list "$fam" --sport 12001 2>/dev/null)
	check_match "$fam: a UDP stream is assured" \
		"^udp +17 [0-9]+ .*\[ASSURED\]" "$out"
	# 120 s, less the time the listing takes (10 s, times SCALE)
	t=$(awk '{ print $3 }' <<<"$out")
	[[ $t =~ ^[0-9]+$ ]] && ((t <= 120 && t >= 120 - 10 * SCALE)) && t=120
	check_eq "$fam: ... with the stream timeout, 120s" 120 "$t"
}

# 2000 flows: the table grows from 256 buckets while they arrive, and a
# dump of several messages lists each exactly once.
test_grow()
{
	ns_xtctl "$router" ct flush 2>/dev/null
	check_ok "$fam: max 100000" ns_xtctl "$router" ct set max 100000
	# none may expire while the rest are sent (slow on the debug kernel)
	ns_xtctl "$router" ct set timeout udp unreplied 600
	udp_flows 2000 30000
	check_eq "$fam: 2000 entries" 2000 "$(ct_count "$router")"
	check_eq "$fam: listed once each" 2000 \
		"$(ns_xtctl "$router" ct list "$fam" -p udp 2>/dev/null |
		   sed -n 's/.* sport=\([0-9]*\) dport=9000 .*/\1/p' |
		   sort -u | wc -l)"
	ns_xtctl "$router" ct flush 2>/dev/null
	ns_xtctl "$router" ct set timeout udp unreplied $UNREPLIED
}

test_family()
{
	set_family "$1"
	ct_state_chain "$router" "$fam" CTSTATE || ksft_fail "cannot add CTSTATE"
	ns_xtctl "$router" "$fam" -A FORWARD -j CTSTATE ||
		ksft_fail "cannot count"
	for ns in "$client" "$server"; do
		if ! ns_xtctl "$ns" "$fam" -t raw -A PREROUTING -p tcp -j DROP ||
		   ! ns_xtctl "$ns" "$fam" -t raw -A PREROUTING -p udp -j DROP; then
			ksft_fail "cannot shield $ns"
		fi
	done
	check_ok "$fam: max 20" ns_xtctl "$router" ct set max 20
	ns_xtctl "$router" ct set timeout udp unreplied $UNREPLIED
	test_early_drop
	test_full
	check_ok "$fam: max 1000" ns_xtctl "$router" ct set max 1000
	test_timeouts
	test_grow
}

require_root
require_cmd ip taskset
require_scapy
xtfw_load
xtfw_native || ksft_skip "xtfw's own conntrack settings"
ct_require
ct_router

test_family -4
test_family -6
ksft_exit
