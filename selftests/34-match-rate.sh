#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# limit (token bucket) and statistic (nth, random with probability 0 and
# 1), counted exactly: with --limit 1/hour nothing refills during the test,
# so exactly --limit-burst packets match. Then limit must let exactly that
# many pings through an ACCEPT rule in front of a DROP.
#
#   client                                   server
#   veth0 10.0.1.1 fd00:1::1  ───────────  veth0 10.0.1.2 fd00:1::2
#                                            counting rules in INPUT
#
# timeout: 240

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare client server

RULES=(
	"-p udp --dport 7000 -m limit --limit 1/hour --limit-burst 3"
	"-p udp --dport 7000"
	"-p udp --dport 7001 -m statistic --mode nth --every 3 --packet 0"
	"-p udp --dport 7001 -m statistic --mode nth --every 4 --packet 3"
	"-p udp --dport 7001 -m statistic --mode random --probability 1"
	"-p udp --dport 7001 -m statistic --mode random --probability 0"
	"-p udp --dport 7001 -m limit --limit 2/minute"
)
# nth 3 from 0: packets 3, 6, 9; nth 4 from 3: packets 1, 5, 9; limit with
# the default burst of 5
EXPECT="3 10 3 3 9 0 5"

# packets FAMILY
packets()
{
	local ip='IP(src="10.0.1.1", dst="10.0.1.2")'

	[[ $1 == -6 ]] && ip='IPv6(src="fd00:1::1", dst="fd00:1::2")'
	echo "[$ip/UDP(sport=1, dport=7000)] * 10"
	echo "[$ip/UDP(sport=1, dport=7001)] * 9"
}

test_counters()
{
	local fam=$1 rule exprs

	ns_xtctl "$server" "$fam" -F INPUT
	for rule in "${RULES[@]}"; do
		# shellcheck disable=SC2086 # the rule's words
		check_ok "$fam -A INPUT $rule" ns_xtctl "$server" "$fam" -A INPUT $rule ||
			return
	done
	mapfile -t exprs < <(packets "$fam")
	check_ok "$fam: send the crafted packets" send_pkts "$client" "${exprs[@]}"
	check_eq "$fam: per-rule packet counters" "$EXPECT" \
		"$(rule_counts "$server" "$fam" filter INPUT)"
}

# Ping flood protection: the burst passes, the rest is dropped.
test_ping_limit()
{
	local fam=$1 addr=10.0.1.2 proto="-p icmp --icmp-type echo-request" out

	if [[ $fam == -6 ]]; then
		addr=fd00:1::2
		proto="-p icmpv6 --icmpv6-type echo-request"
	fi
	ns_xtctl "$server" "$fam" -F INPUT
	# shellcheck disable=SC2086 # the rules' words
	check_ok "$fam: limit ACCEPT" ns_xtctl "$server" "$fam" -A INPUT $proto \
		-m limit --limit 1/hour --limit-burst 2 -j ACCEPT
	# shellcheck disable=SC2086
	check_ok "$fam: then DROP" ns_xtctl "$server" "$fam" -A INPUT $proto -j DROP
	out=$(ns_exec "$client" ping -c 5 -i 0.2 -W 1 "$addr")
	check_match "$fam: 2 of 5 pings answered" '5 packets transmitted, 2 received' "$out"
	check_eq "$fam: ACCEPT counted 2, DROP 3" "2 3" \
		"$(rule_counts "$server" "$fam" filter INPUT)"
	ns_xtctl "$server" "$fam" -F INPUT
}

test_refused()
{
	check_refused "statistic nth with --packet >= --every is refused" "$server" \
		'.' -A INPUT -m statistic --mode nth --every 2 --packet 2
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
test_ping_limit -4
test_ping_limit -6
test_refused
ksft_exit
