#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MARK (--set-mark, --set-xmark, --or-mark; in mangle and, as the kernel
# allows, in filter) and the mark match (value, value/mask, "!"), counted
# exactly on crafted datagrams; a DROP on a mark set in PREROUTING must
# block exactly the marked traffic.
#
#   client                                   server
#   veth0 10.0.1.1 fd00:1::1  ───────────  veth0 10.0.1.2 fd00:1::2
#                                            MARK in mangle PREROUTING and
#                                            INPUT, counting in filter INPUT
#
# timeout: 240

# shellcheck disable=SC2034 # arrays are read through namerefs
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare client server

MANGLE_PRE=(
	"-p udp --dport 7000 -j MARK --set-mark 0x5"
	"-p udp --dport 7001 -j MARK --set-xmark 0x10/0x30"
)
MANGLE_IN=(
	"-p udp --dport 7001 -j MARK --or-mark 0x1"
)
FILTER_IN=(
	"-p udp -m mark --mark 0x5"
	"-p udp -m mark --mark 0x1/0x1"
	"-p udp -m mark ! --mark 0x5"
	"-p udp -m mark --mark 0x10/0x30"
	"-p udp -m mark --mark 0"
	"-p udp --dport 7003 -j MARK --set-mark 9"
	"-p udp -m mark --mark 9"
)
# 7000: 0x5 (twice); 7001: 0x10, then 0x11; 7002: 0; 7003: 0, then 9
EXPECT="2 3 3 1 2 1 1"

# add FAMILY TABLE CHAIN RULES_ARRAY
add()
{
	local fam=$1 table=$2 chain=$3 rule
	local -n rules=$4

	for rule in "${rules[@]}"; do
		# shellcheck disable=SC2086 # the rule's words
		check_ok "$fam -t $table -A $chain $rule" \
			ns_xtctl "$server" "$fam" -t "$table" -A "$chain" $rule || return
	done
}

test_counters()
{
	local fam=$1 ip='IP(src="10.0.1.1", dst="10.0.1.2")'

	[[ $fam == -6 ]] && ip='IPv6(src="fd00:1::1", dst="fd00:1::2")'
	add "$fam" mangle PREROUTING MANGLE_PRE
	add "$fam" mangle INPUT MANGLE_IN
	add "$fam" filter INPUT FILTER_IN
	check_ok "$fam: send the crafted packets" send_pkts "$client" \
		"[$ip/UDP(sport=1, dport=7000)] * 2" "$ip/UDP(sport=1, dport=7001)" \
		"$ip/UDP(sport=1, dport=7002)" "$ip/UDP(sport=1, dport=7003)"
	check_eq "$fam: per-rule packet counters" "$EXPECT" \
		"$(rule_counts "$server" "$fam" filter INPUT)"
	check_eq "$fam: mangle counters" "2 1 1" \
		"$(rule_counts "$server" "$fam" mangle PREROUTING) $(rule_counts "$server" "$fam" mangle INPUT)"
	ns_xtctl "$server" "$fam" -t mangle -F
	ns_xtctl "$server" "$fam" -F INPUT
}

test_drop_marked()
{
	check_ok "mark pings in PREROUTING" ns_xtctl "$server" -4 -t mangle \
		-A PREROUTING -p icmp -j MARK --set-mark 7
	check_ok "drop marked packets in INPUT" ns_xtctl "$server" -4 \
		-A INPUT -m mark --mark 7 -j DROP
	check_fail "marked ping is dropped" ping_once "$client" 10.0.1.2 1
	check_eq "the DROP rule counted it" 1 "$(rule_pkts "$server" -4 filter INPUT 1)"
	ns_xtctl "$server" -4 -t mangle -F PREROUTING
	check_ok "unmarked ping passes" ping_once "$client" 10.0.1.2
	check_eq "and was not counted" 1 "$(rule_pkts "$server" -4 filter INPUT 1)"
	ns_xtctl "$server" -4 -F INPUT
}

require_root
require_cmd ip ping
require_scapy
xtfw_load
require_xtctl

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1

test_counters -4
test_counters -6
test_drop_marked
ksft_exit
