#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# -m conntrack --ctstate SNAT and DNAT count exactly the packets of NAT'ed
# connections, as Linux does: a connection is DNAT'ed from its first packet
# on (PREROUTING comes before FORWARD), SNAT'ed from its first reply (the
# first packet passes FORWARD before POSTROUTING maps it). Three UDP flows,
# two requests and two answers each: masqueraded to the outside, forwarded
# from outside (DNAT), and from the LAN to the forward's public address
# (hairpin: DNAT and SNAT). IPv4 and IPv6.
#
#   server 10.0.1.1 ───┐
#                      br0 10.0.1.2  router  wan0 10.0.2.1 ──── client
#   lanclient 10.0.1.3 ┘                                        10.0.2.2
#
#   router FORWARD: --ctstate SNAT | DNAT | SNAT,DNAT | ! SNAT | all UDP
#
# timeout: 300

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"
# shellcheck source=selftests/nat_lib.sh
source "$(dirname "$0")/nat_lib.sh"

declare client router server lanclient
# shellcheck disable=SC2034 # nat_fam sets them all
declare fam IN RLAN RWAN OUT IN_P RLAN_P RWAN_P OUT_P
declare LAN

rules()
{
	local -a r=(
		"-t nat -A PREROUTING -d $RWAN -p udp --dport 5353 -j DNAT --to-destination $IN_P:53"
		"-t nat -A POSTROUTING -s $LAN -d $LAN -j MASQUERADE"
		"-t nat -A POSTROUTING -s $LAN -o wan0 -j MASQUERADE"
		"-A FORWARD -m conntrack --ctstate SNAT"
		"-A FORWARD -m conntrack --ctstate DNAT"
		"-A FORWARD -m conntrack --ctstate SNAT,DNAT"
		"-A FORWARD -m conntrack ! --ctstate SNAT"
		"-A FORWARD -p udp"
	)
	local rule

	for rule in "${r[@]}"; do
		# shellcheck disable=SC2086 # the rule's words
		ns_xtctl "$router" "$fam" $rule ||
			ksft_fail "$fam: cannot add $rule"
	done
}

# flow NAME EXPECTED_VIEW EXPECTED_COUNTS NS ADDR PORT SPORT: two requests of one
# UDP flow, both answered, seen by the server as EXPECTED_VIEW; then the
# FORWARD counters must be EXPECTED_COUNTS.
flow()
{
	local name=$1 view=$2 expect=$3 ns=$4 addr=$5 port=$6 sport=$7 i

	ns_xtctl "$router" "$fam" -Z FORWARD
	for i in 1 2; do
		check_eq "$fam: $name: request $i answered" "$view" \
			"$(nat_talk "$ns" "$addr" "$port" --udp --sport "$sport")"
	done
	check_counts "$fam: $name: SNAT DNAT SNAT,DNAT !SNAT all" \
		"$router" "$fam" filter FORWARD "$expect"
}

test_family()
{
	nat_fam "$1"
	if [[ $fam == -4 ]]; then
		LAN=10.0.1.0/24
	else
		LAN=fd00:1::/64
	fi
	rules
	flow "masqueraded" "$RWAN_P:5000 -> $OUT_P:53" "3 0 3 1 4" \
		"$lanclient" "$OUT" 53 5000
	flow "forwarded from outside" "$OUT_P:5001 -> $IN_P:53" "0 4 4 4 4" \
		"$client" "$RWAN" 5353 5001
	flow "hairpin" "$RLAN_P:5002 -> $IN_P:53" "3 4 4 1 4" \
		"$lanclient" "$RWAN" 5353 5002
}

require_root
require_cmd ip ss
xtfw_load
nat_require
nat_lan client server lanclient
nat_serve "$server" 53 udp
nat_serve "$client" 53 udp

test_family -4
test_family -6
ksft_exit
