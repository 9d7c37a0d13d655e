#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Matches on the IP header and the link: length (IPv4 total length, IPv6
# payload length + 40), ttl / hl (eq, lt, gt, "!"), pkttype (unicast,
# broadcast, multicast, "!") and comment (matches everything). The client
# sends crafted UDP datagrams of known size and ttl to the server's unicast,
# broadcast and multicast addresses; every counting rule must count exactly.
#
#   client                                   server
#   veth0 10.0.1.1 fd00:1::1  ───────────  veth0 10.0.1.2 fd00:1::2
#                                            counting rules in INPUT
#
# timeout: 240

# shellcheck disable=SC2034 # arrays are read through namerefs
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare client server

V4_RULES=(
	"-s 10.0.1.1 -p udp -m length --length 0:100"
	"-s 10.0.1.1 -p udp -m length --length 101:65535"
	"-s 10.0.1.1 -p udp -m length ! --length 128"
	"-s 10.0.1.1 -p udp -m ttl --ttl-eq 64"
	"-s 10.0.1.1 -p udp -m ttl --ttl-lt 10"
	"-s 10.0.1.1 -p udp -m ttl --ttl-gt 100"
	"-s 10.0.1.1 -p udp -m ttl ! --ttl-eq 64"
	"-s 10.0.1.1 -p udp -m comment --comment every_datagram"
	"-s 10.0.1.1 -p udp -m pkttype --pkt-type unicast"
	"-s 10.0.1.1 -p udp -m pkttype --pkt-type broadcast"
	"-s 10.0.1.1 -p udp -m pkttype --pkt-type multicast"
	"-s 10.0.1.1 -p udp -m pkttype ! --pkt-type unicast"
)
# total lengths 28, 128, 228 (unicast), 28 (broadcast), 28 (multicast)
V4_PKTS=(
	'IP(src="10.0.1.1", dst="10.0.1.2", ttl=64)/UDP(sport=1, dport=7000)'
	'IP(src="10.0.1.1", dst="10.0.1.2", ttl=5)/UDP(sport=1, dport=7000)/Raw(b"x" * 100)'
	'IP(src="10.0.1.1", dst="10.0.1.2", ttl=200)/UDP(sport=1, dport=7000)/Raw(b"x" * 200)'
	'IP(src="10.0.1.1", dst="10.0.1.255", ttl=64)/UDP(sport=1, dport=7000)'
	'IP(src="10.0.1.1", dst="224.0.0.1", ttl=1)/UDP(sport=1, dport=7000)'
)
#          1 2 3 4 5 6 7 8 9 10 11 12
V4_EXPECT="3 2 4 2 2 1 3 5 3 1 1 2"

V6_RULES=(
	"-s fd00:1::1 -p udp -m length --length 0:100"
	"-s fd00:1::1 -p udp -m length --length 101:65535"
	"-s fd00:1::1 -p udp -m length ! --length 148"
	"-s fd00:1::1 -p udp -m hl --hl-eq 64"
	"-s fd00:1::1 -p udp -m hl --hl-lt 10"
	"-s fd00:1::1 -p udp -m hl --hl-gt 100"
	"-s fd00:1::1 -p udp -m hl ! --hl-eq 64"
	"-s fd00:1::1 -p udp -m comment --comment every_datagram"
	"-s fd00:1::1 -p udp -m pkttype --pkt-type unicast"
	"-s fd00:1::1 -p udp -m pkttype --pkt-type broadcast"
	"-s fd00:1::1 -p udp -m pkttype --pkt-type multicast"
	"-s fd00:1::1 -p udp -m pkttype ! --pkt-type unicast"
)
# lengths 48, 148, 248 (unicast), 48 (ff02::1)
V6_PKTS=(
	'IPv6(src="fd00:1::1", dst="fd00:1::2", hlim=64)/UDP(sport=1, dport=7000)'
	'IPv6(src="fd00:1::1", dst="fd00:1::2", hlim=5)/UDP(sport=1, dport=7000)/Raw(b"x" * 100)'
	'IPv6(src="fd00:1::1", dst="fd00:1::2", hlim=200)/UDP(sport=1, dport=7000)/Raw(b"x" * 200)'
	'IPv6(src="fd00:1::1", dst="ff02::1", hlim=1)/UDP(sport=1, dport=7000)'
)
#          1 2 3 4 5 6 7 8 9 10 11 12
V6_EXPECT="2 2 3 1 2 1 3 4 3 0 1 1"

test_comment_shown()
{
	check_match "-S shows the comment" \
		'-m comment --comment every_datagram' \
		"$(ns_xtctl "$server" -4 -S INPUT)"
}

test_refused()
{
	check_refused "ttl in an IPv6 rule is refused" "$server" \
		'.' -6 -A INPUT -m ttl --ttl-eq 1
	check_refused "hl in an IPv4 rule is refused" "$server" \
		'.' -4 -A INPUT -m hl --hl-eq 1
}

require_root
require_cmd ip
require_scapy
xtfw_load
require_xtctl

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1
# multicast leaves the client only with a route for it
ip -n "$client" route add 224.0.0.0/4 dev veth0

check_rule_counters -4 V4_RULES V4_PKTS "$V4_EXPECT"
test_comment_shown
check_rule_counters -6 V6_RULES V6_PKTS "$V6_EXPECT"
test_refused
ksft_exit
