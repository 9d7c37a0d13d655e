#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Conntrack tables are per namespace, and their entries go with them:
#  * two copies of the same topology, same addresses, in different
#    namespaces: each router lists exactly its own flows (1 and 200 per
#    family), never the other's;
#  * flush and delete while a TCP transfer runs through a router whose
#    policy is DROP: the connection is picked up again (tcp_loose) and the
#    transfer completes, byte for byte;
#  * tracking is on only while a family's rules need it: a stateless
#    ruleset makes no entries, a conntrack match or the nat table turns it
#    on for that family, removing them turns it off;
#  * a namespace deleted with entries, then the module unloaded with
#    entries in others: every entry is freed (kmem_cache_destroy would
#    complain in the kernel log, which the harness checks).
#
#   client ──── router ──── server        (twice: A and B)
#
# timeout: 600

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"

declare client router server
declare client_a router_a server_a client_b router_b server_b

SIZE=2000000

# The same topology twice; ct_router names its namespaces client, router,
# server: keep each set under its own names.
two_topologies()
{
	local x

	for x in a b; do
		ct_router
		printf -v "client_$x" %s "$client"
		printf -v "router_$x" %s "$router"
		printf -v "server_$x" %s "$server"
	done
}

firewall()
{
	local ns=$1 fam

	for fam in -4 -6; do
		if ! ns_xtctl "$ns" "$fam" -A FORWARD -m conntrack \
			--ctstate ESTABLISHED,RELATED -j ACCEPT ||
		   ! ns_xtctl "$ns" "$fam" -A FORWARD -i lan0 -m conntrack \
			--ctstate NEW -j ACCEPT ||
		   ! ns_xtctl "$ns" "$fam" -P FORWARD DROP; then
			ksft_fail "cannot load the firewall of $ns"
		fi
	done
}

test_isolation()
{
	local r

	# unreplied UDP lives 30 s; sending 800 packets from scapy under a
	# loaded TCG may take longer than that
	for r in "$router_a" "$router_b"; do
		ns_xtctl "$r" ct set timeout udp unreplied 600 ||
			ksft_fail "cannot set the UDP timeout of $r"
	done
	send_pkts "$client_a" 'IP(src="10.0.1.1", dst="10.0.2.2")/UDP(sport=1111, dport=9)' \
		'IPv6(src="fd00:1::1", dst="fd00:2::2")/UDP(sport=1111, dport=9)'
	send_pkts "$client_b" 'IP(src="10.0.1.1", dst="10.0.2.2")/UDP(sport=2222, dport=9)' \
		'IPv6(src="fd00:1::1", dst="fd00:2::2")/UDP(sport=2222, dport=9)'
	check_eq "A lists its own flows only" "1111 1111" \
		"$(ns_xtctl "$router_a" ct list -p udp 2>/dev/null |
		   sed -n 's/.* sport=\([0-9]*\) dport=9 .*/\1/p' | xargs)"
	check_eq "B lists its own flows only" "2222 2222" \
		"$(ns_xtctl "$router_b" ct list -p udp 2>/dev/null |
		   sed -n 's/.* sport=\([0-9]*\) dport=9 .*/\1/p' | xargs)"
	# many more, same addresses, other ports: each dump holds its own only
	send_pkts "$client_a" \
		'[IP(src="10.0.1.1", dst="10.0.2.2")/UDP(sport=p, dport=9) for p in range(10000, 10200)]' \
		'[IPv6(src="fd00:1::1", dst="fd00:2::2")/UDP(sport=p, dport=9) for p in range(10000, 10200)]'
	send_pkts "$client_b" \
		'[IP(src="10.0.1.1", dst="10.0.2.2")/UDP(sport=p, dport=9) for p in range(20000, 20200)]' \
		'[IPv6(src="fd00:1::1", dst="fd00:2::2")/UDP(sport=p, dport=9) for p in range(20000, 20200)]'
	check_eq "A's dump: its 402 flows, none of B's" "402 0" \
		"$(flows_of_a_and_b "$router_a")"
	check_eq "B's dump: its 402 flows, none of A's" "0 402" \
		"$(flows_of_a_and_b "$router_b")"
	check_ok "flushing B" ns_xtctl "$router_b" ct flush
	check_eq "leaves A's entries" 402 "$(ns_xtctl "$router_a" ct list -p udp \
		2>/dev/null | wc -l)"
}

# flows_of_a_and_b NS: how many of A's UDP flows (from ports 1111 and
# 10000-10199) and of B's (2222, 20000-20199) NS lists
flows_of_a_and_b()
{
	ns_xtctl "$1" ct list -p udp 2>/dev/null |
		sed -n 's/.* sport=\([0-9]*\) dport=9 .*/\1/p' |
		awk '$1 == 1111 || ($1 >= 10000 && $1 < 10200) { a++ }
		     $1 == 2222 || ($1 >= 20000 && $1 < 20200) { b++ }
		     END { print a + 0, b + 0 }'
}

# The transfer's bytes, counted by the receiving server.
start_sink()
{
	ip netns exec "$server_a" socat -u TCP-LISTEN:5001,reuseaddr,fork \
		SYSTEM:"wc -c > /tmp/ct-sink.\$\$" &
	ip netns exec "$server_a" socat -u TCP6-LISTEN:5001,ipv6only=1,reuseaddr,fork \
		SYSTEM:"wc -c > /tmp/ct-sink6.\$\$" &
	busywait 5000 _tcp_listeners_up "$server_a" 5001 ||
		ksft_fail "the sink did not start"
}

# transfer DST: send SIZE bytes through router A while its table is
# flushed and entries deleted; prints socat's status.
transfer()
{
	local dst=$1 pid i rc=0

	ip netns exec "$client_a" socat -u -T 60 \
		"OPEN:/dev/zero,readbytes=$SIZE" \
		"TCP:$dst:5001,connect-timeout=5,sndbuf=16384" &
	pid=$!
	for ((i = 0; i < 20; i++)); do
		# shellcheck disable=SC2086 # $XTCTL may have arguments
		ip netns exec "$router_a" $XTCTL ct flush 2>/dev/null
		# shellcheck disable=SC2086
		ip netns exec "$router_a" $XTCTL ct delete -p tcp 2>/dev/null
		sleep 0.05
	done
	wait "$pid" || rc=$?
	echo "$rc"
}

# shellcheck disable=SC2317 # called through busywait
_sink_got()
{
	[[ $(cat /tmp/ct-sink"$1".* 2>/dev/null) == "$SIZE" ]]
}

test_flush_under_traffic()
{
	defer rm -f /tmp/ct-sink.* /tmp/ct-sink6.*
	start_sink
	check_eq "-4: the transfer survives flushes" 0 "$(transfer 10.0.2.2)"
	check_ok "-4: every byte arrived" busywait 5000 _sink_got ""
	check_eq "-6: the transfer survives flushes" 0 "$(transfer '[fd00:2::2]')"
	check_ok "-6: every byte arrived" busywait 5000 _sink_got 6
}

# Tracking is on only for a family whose rules need it (as the kernel's
# conntrack is for iptables rules): a conntrack match, or the nat table.
test_on_demand()
{
	local r=$router_a
	local v4='IP(src="10.0.1.1", dst="10.0.2.2")/UDP(sport=PORT, dport=9)'
	local v6='IPv6(src="fd00:1::1", dst="fd00:2::2")/UDP(sport=PORT, dport=9)'

	ns_xtctl "$r" ct set timeout udp unreplied 600 ||
		ksft_fail "cannot set the UDP timeout"
	check_ok "stateless rules" ns_xtctl "$r" -A FORWARD -p udp -j ACCEPT
	check_ok "stateless rules, IPv6" ns_xtctl "$r" -6 -A FORWARD -p udp -j ACCEPT
	send_pkts "$client_a" "${v4/PORT/4001}" "${v6/PORT/4001}"
	check_eq "a stateless ruleset tracks nothing" 0 "$(ct_count "$r")"
	check_ok "a conntrack match, IPv4 only" ns_xtctl "$r" -I FORWARD \
		-m conntrack --ctstate NEW
	send_pkts "$client_a" "${v4/PORT/4002}" "${v6/PORT/4002}"
	check_eq "tracks IPv4 only" "udp 4002" \
		"$(ns_xtctl "$r" ct list 2>/dev/null |
		   sed -n 's/^\([a-z0-9]*\) .* sport=\([0-9]*\) dport=9 .*/\1 \2/p' |
		   xargs)"
	check_eq "the rule saw it NEW" 1 "$(rule_pkts "$r" -4 filter FORWARD 1)"
	check_ok "the rule goes" ns_xtctl "$r" -D FORWARD 1
	send_pkts "$client_a" "${v4/PORT/4003}"
	check_eq "tracking stops; the entry stays" 1 "$(ct_count "$r")"
	check_ok "an empty nat table, IPv6" ns_xtctl "$r" -6 -t nat -N dummy
	send_pkts "$client_a" "${v4/PORT/4004}" "${v6/PORT/4004}"
	check_eq "the nat table tracks its family" "4002 4004" \
		"$(ns_xtctl "$r" ct list 2>/dev/null |
		   sed -n 's/.* sport=\([0-9]*\) dport=9 .*/\1/p' | sort | xargs)"
	check_eq "it is the IPv6 flow" 1 \
		"$(ns_xtctl "$r" -6 ct list 2>/dev/null | grep -c 'sport=4004')"
	check_ok "cleaning up" ns_xtctl "$r" -6 -t nat -X dummy
	ns_xtctl "$r" -6 -t nat -F 2>/dev/null
	ns_xtctl "$r" -F FORWARD && ns_xtctl "$r" -6 -F FORWARD &&
		ns_xtctl "$r" ct flush || ksft_fail "cannot clean $r up"
}

test_teardown()
{
	ns_xtctl "$router_a" ct flush 2>/dev/null
	ns_xtctl "$router_b" ct flush 2>/dev/null
	send_pkts "$client_a" 'IP(src="10.0.1.1", dst="10.0.2.2")/UDP(sport=3333, dport=9)'
	send_pkts "$client_b" 'IP(src="10.0.1.1", dst="10.0.2.2")/UDP(sport=3333, dport=9)'
	check_eq "A has an entry" 1 "$(ct_count "$router_a")"
	check_eq "B has an entry" 1 "$(ct_count "$router_b")"
	cleanup_ns "$client_b" "$router_b" "$server_b"
	xtfw_unload || ksft_fail "rmmod failed with entries in $router_a"
	xtfw_load
}

require_root
require_cmd ip socat
require_scapy
xtfw_load
xtfw_native || ksft_skip "xtfw's own conntrack table"
ct_require
two_topologies
test_on_demand
firewall "$router_a"
firewall "$router_b"

test_isolation
test_flush_under_traffic
test_teardown
ksft_exit
