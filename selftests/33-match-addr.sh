#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# iprange (source and destination ranges, "!"), addrtype (LOCAL,
# BROADCAST, MULTICAST, UNICAST, --limit-iface-in, "!") and -s with a
# mask that is not a prefix (ip_tables allows any), over IPv4 and IPv6,
# counted exactly on crafted UDP datagrams; addrtype's family and hook
# limits must be refused.
#
#   client                                   server
#   veth0 10.0.1.1 .20 .30                   veth0 10.0.1.2
#         fd00:1::1 ::20 ::30  ────────────        fd00:1::2
#                                            counting rules in INPUT
#
# timeout: 240

# shellcheck disable=SC2034 # arrays are read through namerefs
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare client server

# iprange: port 7000; addrtype: port 7001
V4_RULES=(
	"-p udp --dport 7000 -m iprange --src-range 10.0.1.1-10.0.1.20"
	"-p udp --dport 7000 -m iprange ! --src-range 10.0.1.1-10.0.1.20"
	"-p udp --dport 7000 -m iprange --dst-range 10.0.1.2-10.0.1.2"
	"-p udp --dport 7000 -m iprange --src-range 10.0.1.20-10.0.1.30 ! --dst-range 10.0.1.3-10.0.1.9"
	"-p udp --dport 7001 -m addrtype --dst-type LOCAL"
	"-p udp --dport 7001 -m addrtype --dst-type BROADCAST"
	"-p udp --dport 7001 -m addrtype --dst-type MULTICAST"
	"-p udp --dport 7001 -m addrtype --src-type UNICAST --dst-type LOCAL --limit-iface-in"
	"-p udp --dport 7001 -m addrtype ! --dst-type LOCAL"
	"-s 0.0.0.0/0.0.0.1 -p udp --dport 7000"
	"! -s 10.0.0.20/255.0.0.255 -p udp --dport 7000"
)
V4_PKTS=(
	'IP(src="10.0.1.1", dst="10.0.1.2")/UDP(sport=1, dport=7000)'
	'IP(src="10.0.1.20", dst="10.0.1.2")/UDP(sport=1, dport=7000)'
	'IP(src="10.0.1.30", dst="10.0.1.2")/UDP(sport=1, dport=7000)'
	'IP(src="10.0.1.1", dst="10.0.1.2")/UDP(sport=1, dport=7001)'
	'IP(src="10.0.1.1", dst="10.0.1.255")/UDP(sport=1, dport=7001)'
	'IP(src="10.0.1.1", dst="224.0.0.1", ttl=1)/UDP(sport=1, dport=7001)'
)
#          1 2 3 4 5 6 7 8 9 10 11
V4_EXPECT="2 1 3 2 1 1 1 1 2 2 2"

V6_RULES=(
	"-p udp --dport 7000 -m iprange --src-range fd00:1::1-fd00:1::20"
	"-p udp --dport 7000 -m iprange ! --src-range fd00:1::1-fd00:1::20"
	"-p udp --dport 7000 -m iprange --dst-range fd00:1::2-fd00:1::2"
	"-p udp --dport 7000 -m iprange --src-range fd00:1::20-fd00:1::30 ! --dst-range fd00:1::3-fd00:1::9"
	"-s fd00:1::1 -p udp --dport 7001 -m addrtype --dst-type LOCAL"
	"-s fd00:1::1 -p udp --dport 7001 -m addrtype --dst-type MULTICAST"
	"-s fd00:1::1 -p udp --dport 7001 -m addrtype --src-type UNICAST --dst-type LOCAL --limit-iface-in"
	"-s fd00:1::1 -p udp --dport 7001 -m addrtype ! --dst-type LOCAL"
	"-s ::/::1 -p udp --dport 7000"
	"! -s fd00::20/ffff::ff -p udp --dport 7000"
)
V6_PKTS=(
	'IPv6(src="fd00:1::1", dst="fd00:1::2")/UDP(sport=1, dport=7000)'
	'IPv6(src="fd00:1::20", dst="fd00:1::2")/UDP(sport=1, dport=7000)'
	'IPv6(src="fd00:1::30", dst="fd00:1::2")/UDP(sport=1, dport=7000)'
	'IPv6(src="fd00:1::1", dst="fd00:1::2")/UDP(sport=1, dport=7001)'
	'IPv6(src="fd00:1::1", dst="ff02::1", hlim=1)/UDP(sport=1, dport=7001)'
)
#          1 2 3 4 5 6 7 8 9 10
V6_EXPECT="2 1 3 2 1 1 1 1 2 2"

test_refused()
{
	ns_xtctl "$server" -4 -F INPUT
	ns_xtctl "$server" -6 -F INPUT
	check_refused "addrtype --limit-iface-in in OUTPUT is refused" "$server" \
		'--limit-iface-in is not valid from OUTPUT' \
		-4 -A OUTPUT -m addrtype --dst-type LOCAL --limit-iface-in
	check_refused "addrtype --limit-iface-out in INPUT is refused" "$server" \
		'--limit-iface-out is not valid from INPUT' \
		-4 -A INPUT -m addrtype --dst-type LOCAL --limit-iface-out
	check_refused "addrtype BROADCAST in an IPv6 rule is refused" "$server" \
		'IPv6 does not support BROADCAST' \
		-6 -A INPUT -m addrtype --dst-type BROADCAST
	check_eq "refused rules left the chains empty" "::" \
		"$(rule_counts "$server" -4 filter INPUT):$(rule_counts "$server" -4 filter OUTPUT):$(rule_counts "$server" -6 filter INPUT)"
}

require_root
require_cmd ip
require_scapy
xtfw_load
require_xtctl

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1
for a in 20 30; do
	ip -n "$client" addr add "10.0.1.$a/24" dev veth0
	ip -n "$client" addr add "fd00:1::$a/64" dev veth0 nodad
	ip -n "$server" neigh replace "fd00:1::$a" lladdr 02:00:00:00:01:01 \
		dev veth0 nud permanent
done
ip -n "$client" route add 224.0.0.0/4 dev veth0

check_rule_counters -4 V4_RULES V4_PKTS "$V4_EXPECT"
check_rule_counters -6 V6_RULES V6_PKTS "$V6_EXPECT"
test_refused
ksft_exit
