#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Source NAT at a router whose outside has no route back to its LAN, so
# that only NAT'ed connections are answered. TCP leaves through SNAT
# --to-source RWAN:2000-2010: a client port in that range is kept, another
# one is mapped into it. UDP and ping leave through MASQUERADE, which keeps
# the client's port and maps the echo id. The server sees exactly the
# address and port the NAT chose, every reply arrives, each NAT rule counts
# one packet per connection, and the connections are listed with both
# tuples (the reply one addressed to the router), flagged SNAT. IPv4 and
# IPv6.
#
#   client ───────────── router ───────────────── server
#   10.0.1.1            lan0 10.0.1.2              10.0.2.2
#   fd00:1::1           wan0 10.0.2.1              fd00:2::2
#   default via router  nat POSTROUTING:           no route to 10.0.1.0/24
#                       -p tcp SNAT 10.0.2.1:2000-2010
#                       MASQUERADE
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

declare client router server
# shellcheck disable=SC2034 # nat_fam sets them all
declare fam IN RLAN RWAN OUT IN_P RLAN_P RWAN_P OUT_P LAN

rules()
{
	if ! ns_xtctl "$router" "$fam" -t nat -A POSTROUTING -s "$LAN" \
		-o wan0 -p tcp -j SNAT --to-source "$RWAN_P:2000-2010" ||
	   ! ns_xtctl "$router" "$fam" -t nat -A POSTROUTING -s "$LAN" \
		-o wan0 -j MASQUERADE; then
		ksft_fail "$fam: cannot add the NAT rules"
	fi
}

test_tcp()
{
	local out

	out=$(nat_talk "$client" "$OUT" 80 --sport 2005 --up 1000)
	check_eq "$fam: TCP from port 2005: the server sees the router's 2005" \
		"$RWAN_P:2005 -> $OUT_P:80" "$out"
	out=$(nat_talk "$client" "$OUT" 80 --sport 40000 --up 1000)
	check_match "$fam: TCP from port 40000: the server sees a port of 2000-2010" \
		"^${RWAN_P//[/\\[}:20(0[0-9]|10) -> ${OUT_P//[/\\[}:80\$" "$out"
	if [[ $out =~ :(20[0-9][0-9])\  ]]; then
		TCP_PORT=${BASH_REMATCH[1]}
	fi
}

test_udp_icmp()
{
	local out

	out=$(nat_talk "$client" "$OUT" 53 --udp --sport 5000 --up 100)
	check_eq "$fam: UDP: the server sees the router, the client's port" \
		"$RWAN_P:5000 -> $OUT_P:53" "$out"
	check_ok "$fam: ping through MASQUERADE" ping_once "$client" "$OUT"
}

test_entries()
{
	local lines icmp=icmp echo=8 reply=0 out ere

	[[ $fam == -6 ]] && icmp=icmpv6 echo=128 reply=129
	lines=$(nat_ct "$router" "$fam")
	check_eq "$fam: the UDP entry, with both tuples" \
		"udp 17 T src=$IN dst=$OUT sport=5000 dport=53 src=$OUT dst=$RWAN sport=53 dport=5000" \
		"$(grep '^udp ' <<<"$lines" | sed 's/ mark=.*//')"
	ere="^tcp 6 T [A-Z_]+ src=$IN dst=$OUT sport=2005 dport=80 src=$OUT dst=$RWAN sport=80 dport=2005 "
	check_match "$fam: the TCP entry of port 2005, with both tuples" \
		"$ere" "$(grep -E -- "$ere" <<<"$lines")"
	ere="^tcp 6 T [A-Z_]+ src=$IN dst=$OUT sport=40000 dport=80 src=$OUT dst=$RWAN sport=80 dport=${TCP_PORT:-none} "
	check_match "$fam: the TCP entry of port 40000, with both tuples" \
		"$ere" "$(grep -E -- "$ere" <<<"$lines")"
	ere="^$icmp [0-9]+ T src=$IN dst=$OUT type=$echo code=0 id=([0-9]+) src=$OUT dst=$RWAN type=$reply code=0 id=[0-9]+ "
	check_match "$fam: the ping's entry, with both tuples" \
		"$ere" "$(grep -E -- "$ere" <<<"$lines")"
	xtfw_native || return 0
	check_eq "$fam: 4 entries with status SNAT" 4 \
		"$(ct_entries "$router" "$fam" --status SNAT | wc -l)"
	check_eq "$fam: none with status DNAT" 0 \
		"$(ct_entries "$router" "$fam" --status DNAT | wc -l)"
	out=$(ns_xtctl "$router" ct list "$fam" -p udp --json)
	check_match "$fam: JSON: the UDP entry's tuples and SNAT" \
		"\"orig\":\\{\"src\":\"$IN\",\"dst\":\"$OUT\",\"sport\":5000,\"dport\":53,.*\"reply\":\\{\"src\":\"$OUT\",\"dst\":\"$RWAN\",\"sport\":53,\"dport\":5000,.*\"status\":\\[[^]]*\"SNAT\"" \
		"$out"
}

test_family()
{
	nat_fam "$1"
	LAN=10.0.1.0/24
	[[ $fam == -6 ]] && LAN=fd00:1::/64
	TCP_PORT=
	rules
	test_tcp
	test_udp_icmp
	check_counts "$fam: nat POSTROUTING: 2 TCP connections, 2 others" \
		"$router" "$fam" nat POSTROUTING "2 2"
	check_eq "$fam: nat PREROUTING saw the 4 connections' first packets" \
		4 "$(nat_policy_pkts "$router" "$fam" PREROUTING)"
	check_eq "$fam: nat OUTPUT saw nothing" \
		0 "$(nat_policy_pkts "$router" "$fam" OUTPUT)"
	test_entries
}

require_root
require_cmd ip ping ss
xtfw_load
nat_require
nat_router client server
nat_serve "$server" 80 tcp
nat_serve "$server" 53 udp

test_family -4
test_family -6
ksft_exit
