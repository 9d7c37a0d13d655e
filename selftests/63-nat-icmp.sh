#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# ICMP errors about NAT'ed connections are NAT'ed back (outer and inner
# headers) and reach the host that sent the packet, through a stateful
# firewall (policy DROP) that lets them pass as RELATED:
#  * UDP from the client, masqueraded, to a closed port of the server: the
#    port unreachable reaches the client's socket (ECONNREFUSED);
#  * UDP from the server to a port the router forwards (DNAT) to a closed
#    port of the client: the client's port unreachable reaches the server;
#  * r2's link to the server has a small MTU: a masqueraded TCP upload
#    still completes, intact, because "fragmentation needed" (IPv6: "packet
#    too big") reaches the client, which learns the path MTU; so does it
#    for a masqueraded ping, counted exactly.
# IPv4 and IPv6. r2 knows no route to the client's LAN.
#
#   client ──────── router ───────────────── r2 ════════════════ server
#   10.0.1.1        lan0 10.0.1.2            10.0.2.2            10.0.3.2
#   fd00:1::1       wan0 10.0.2.1            10.0.3.1            fd00:3::2
#                   MASQUERADE -o wan0       r2's veth1: mtu 1000 (IPv4),
#                   DNAT udp 5353 to client              1280 (IPv6)
#                   FORWARD policy DROP
#
# timeout: 400

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"
# shellcheck source=selftests/nat_lib.sh
source "$(dirname "$0")/nat_lib.sh"

declare client router r2 server
declare fam C RWAN S LAN

topology()
{
	local ns

	setup_ns client router r2 server
	connect_ns "$client" veth0 "$router" lan0 1
	connect_ns "$router" wan0 "$r2" veth0 2
	connect_ns "$r2" veth1 "$server" veth0 3
	if ! ip -n "$client" route add default via 10.0.1.2 ||
	   ! ip -n "$client" -6 route add default via fd00:1::2 ||
	   ! ip -n "$router" route add 10.0.3.0/24 via 10.0.2.2 ||
	   ! ip -n "$router" -6 route add fd00:3::/64 via fd00:2::2 ||
	   ! ip -n "$server" route add default via 10.0.3.1 ||
	   ! ip -n "$server" -6 route add default via fd00:3::1; then
		ksft_fail "cannot set up the routes"
	fi
	for ns in "$router" "$r2"; do
		ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 \
			net.ipv6.conf.all.forwarding=1 ||
			ksft_fail "cannot enable forwarding in $ns"
	done
}

set_family()
{
	fam=$1
	if [[ $fam == -4 ]]; then
		C=10.0.1.1 RWAN=10.0.2.1 S=10.0.3.2 LAN=10.0.1.0/24
	else
		C=fd00:1::1 RWAN=fd00:2::1 S=fd00:3::2 LAN=fd00:1::/64
	fi
}

firewall()
{
	local c=$C

	[[ $fam == -6 ]] && c="[$C]"

	ct_state_chain "$router" "$fam" CTSTATE || ksft_fail "cannot add CTSTATE"
	if ! ns_xtctl "$router" "$fam" -t nat -A POSTROUTING -s "$LAN" \
		-o wan0 -j MASQUERADE ||
	   ! ns_xtctl "$router" "$fam" -t nat -A PREROUTING -i wan0 -p udp \
		--dport 5353 -j DNAT --to-destination "$c:5353" ||
	   ! ns_xtctl "$router" "$fam" -A FORWARD -j CTSTATE ||
	   ! ns_xtctl "$router" "$fam" -A FORWARD -m conntrack \
		--ctstate ESTABLISHED,RELATED -j ACCEPT ||
	   ! ns_xtctl "$router" "$fam" -A FORWARD -i lan0 -m conntrack \
		--ctstate NEW -j ACCEPT ||
	   ! ns_xtctl "$router" "$fam" -A FORWARD -i wan0 -m conntrack \
		--ctstate DNAT -j ACCEPT ||
	   ! ns_xtctl "$router" "$fam" -P FORWARD DROP; then
		ksft_fail "$fam: cannot load the firewall"
	fi
}

test_unreachable()
{
	local out

	ns_xtctl "$router" "$fam" -Z
	out=$(nat_talk "$client" "$S" 9 --udp --sport 5000)
	check_eq "$fam: masqueraded UDP to a closed port: the client is refused" \
		refused "$out"
	ct_check_counts "$fam: the port unreachable was RELATED" "$router" \
		"$fam" CTSTATE "$(ct_counts 1 0 1 0 0)"

	ns_xtctl "$router" "$fam" -Z
	out=$(nat_talk "$server" "$RWAN" 5353 --udp --sport 5001)
	check_eq "$fam: UDP forwarded to a closed port: the server is refused" \
		refused "$out"
	ct_check_counts "$fam: the port unreachable was RELATED" "$router" \
		"$fam" CTSTATE "$(ct_counts 1 0 1 0 0)"
	check_eq "$fam: nothing hit the DROP policy" "0 0" \
		"$(policy_counters "$router" FORWARD "$fam")"
}

test_pmtu()
{
	local mtu=$1 size=$2 err=$3 out rc=0

	ip -n "$r2" link set veth1 mtu "$mtu" || ksft_fail "cannot set the MTU"
	ns_xtctl "$router" "$fam" -Z
	out=$(nat_talk "$client" "$S" 80 --up 2000000 --timeout 30) || rc=$?
	check_eq "$fam: a masqueraded 2 MB TCP upload past the small MTU arrives intact" \
		"0" "$rc"
	check_match "$fam: the client learned the path MTU" "mtu $mtu" \
		"$(ip -n "$client" "$fam" route get "$S")"
	check_match "$fam: the errors passed as RELATED" \
		'RELATED=[1-9][0-9]* INVALID=0 ' \
		"$(ct_state_counts "$router" "$fam" CTSTATE)"

	ip -n "$client" "$fam" route flush cache
	check_eq "$fam: the client forgot the path MTU" "" \
		"$(ip -n "$client" "$fam" route get "$S" | grep -o "mtu $mtu")"
	ns_xtctl "$router" "$fam" -Z
	out=$(ns_exec "$client" ping "$fam" -c 1 -W 2 -M "do" -s "$size" "$S" 2>&1)
	check_match "$fam: a masqueraded ping's error reached the client" \
		"$err" "$out"
	ct_check_counts "$fam: the error was RELATED" "$router" "$fam" CTSTATE \
		"$(ct_counts 1 0 1 0 0)"
	check_match "$fam: the client learned the path MTU again" "mtu $mtu" \
		"$(ip -n "$client" "$fam" route get "$S")"
	check_eq "$fam: nothing hit the DROP policy" "0 0" \
		"$(policy_counters "$router" FORWARD "$fam")"
	ip -n "$r2" link set veth1 mtu 1500
}

require_root
require_cmd ip ping ss
xtfw_load
nat_require
topology
nat_serve "$server" 80 tcp

# IPv6 first: an MTU below 1280 takes IPv6 off the link
set_family -6
firewall
test_unreachable
test_pmtu 1280 1400 'Packet too big: mtu=1280'
set_family -4
firewall
test_unreachable
test_pmtu 1000 1400 'Frag needed and DF set \(mtu = 1000\)'
ksft_exit
