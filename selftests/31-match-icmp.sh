#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# icmp and icmp6: a type, a type/code, a type with any code, "!" and (IPv4)
# "any", counted exactly on crafted packets; then an echo-request DROP rule
# must block ping and nothing else.
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
	"-p icmp --icmp-type echo-request"
	"-p icmp --icmp-type 3/1"
	"-p icmp --icmp-type destination-unreachable"
	"-p icmp ! --icmp-type echo-request"
	"-p icmp --icmp-type any"
)
V4_PKTS=(
	'[IP(src="10.0.1.1", dst="10.0.1.2")/ICMP(type=8, id=7)] * 2'
	'IP(src="10.0.1.1", dst="10.0.1.2")/ICMP(type=3, code=1)'
	'IP(src="10.0.1.1", dst="10.0.1.2")/ICMP(type=3, code=3)'
	'IP(src="10.0.1.1", dst="10.0.1.2")/ICMP(type=0, id=7)'
)
V4_EXPECT="2 1 2 3 5"

# -s: link-local router solicitations must not count
V6_RULES=(
	"-s fd00:1::1 -p icmpv6 --icmpv6-type echo-request"
	"-s fd00:1::1 -p icmpv6 --icmpv6-type 1/3"
	"-s fd00:1::1 -p icmpv6 --icmpv6-type destination-unreachable"
	"-s fd00:1::1 -p icmpv6 ! --icmpv6-type echo-request"
)
V6_PKTS=(
	'[IPv6(src="fd00:1::1", dst="fd00:1::2")/ICMPv6EchoRequest(id=7)] * 2'
	'IPv6(src="fd00:1::1", dst="fd00:1::2")/ICMPv6DestUnreach(code=3)'
	'IPv6(src="fd00:1::1", dst="fd00:1::2")/ICMPv6DestUnreach(code=4)'
	'IPv6(src="fd00:1::1", dst="fd00:1::2")/ICMPv6EchoReply(id=7)'
)
V6_EXPECT="2 1 2 3"

test_delivery()
{
	local fam=$1 addr=10.0.1.2 proto="-p icmp --icmp-type"

	if [[ $fam == -6 ]]; then
		addr=fd00:1::2
		proto="-p icmpv6 --icmpv6-type"
	fi
	ns_xtctl "$server" "$fam" -F INPUT
	# shellcheck disable=SC2086 # the rule's words
	check_ok "$fam: DROP echo-request" \
		ns_xtctl "$server" "$fam" -A INPUT $proto echo-request -j DROP
	check_fail "$fam: ping is dropped" ping_once "$client" "$addr" 1
	check_eq "$fam: the DROP rule counted one request" 1 \
		"$(rule_pkts "$server" "$fam" filter INPUT 1)"
	check_eq "$fam: TCP still passes" hello "$(tcp_hello "$client" "$addr" 8081)"
	ns_xtctl "$server" "$fam" -F INPUT
	check_ok "$fam: ping passes again" ping_once "$client" "$addr"
}

test_refused()
{
	check_refused "-m icmp without -p icmp is refused" "$server" \
		'icmp needs -p icmp' -A INPUT -p tcp -m icmp --icmp-type 8
	check_refused "icmp in an IPv6 rule is refused" "$server" \
		'.' -6 -A INPUT -p icmpv6 -m icmp --icmp-type 8
	check_eq "refused rules left INPUT empty" "" \
		"$(rule_counts "$server" -4 filter INPUT)"
}

require_root
require_cmd ip ping socat ss
require_scapy
xtfw_load
require_xtctl

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1
start_tcp_server "$server" 8081

check_rule_counters -4 V4_RULES V4_PKTS "$V4_EXPECT"
check_rule_counters -6 V6_RULES V6_PKTS "$V6_EXPECT"
test_delivery -4
test_delivery -6
test_refused
ksft_exit
