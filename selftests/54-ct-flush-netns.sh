#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Conntrack tables are per namespace, and their entries go with them:
#  * two copies of the same topology, same addresses, in different
#    namespaces: each router lists exactly its own flows;
#  * flush and delete while a TCP transfer runs through a router whose
#    policy is DROP: the connection is picked up again (tcp_loose) and the
#    transfer completes, byte for byte;
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
	check_ok "flushing B" ns_xtctl "$router_b" ct flush
	check_eq "leaves A's entries" 2 "$(ns_xtctl "$router_a" ct list -p udp \
		2>/dev/null | wc -l)"
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
firewall "$router_a"
firewall "$router_b"

test_isolation
test_flush_under_traffic
test_teardown
ksft_exit
