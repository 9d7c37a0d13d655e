#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Destination NAT at a router with a server on its LAN: a TCP and a UDP
# port forward from outside (DNAT), the same forward reached from the LAN
# through the public address (hairpin: DNAT, then MASQUERADE -s LAN -d LAN,
# so that the answer comes back through the router), REDIRECT of an outside
# port to a port of the router, DNAT in OUTPUT of a connection the router
# itself opens to a virtual address, and REDIRECT in OUTPUT (to 127.0.0.1
# and ::1). Each time the server sees exactly the expected source and
# destination, the answer arrives, each NAT rule counts one packet per
# connection and the entries show both tuples. IPv4 and IPv6.
#
#   server 10.0.1.1 ──┐
#                     br0 10.0.1.2  router  wan0 10.0.2.1 ──── client
#   lanclient 10.0.1.3┘ fd00:1::2           fd00:2::1          10.0.2.2
#   (fd00:1::1, ::3)                                           fd00:2::2
#   default via router  route to 10.0.9.0/24 (virtual) via the client
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
declare LAN LANC VIP LO_P

topology()
{
	nat_lan client server lanclient
	if ! ip -n "$router" route add 10.0.9.0/24 via 10.0.2.2 ||
	   ! ip -n "$router" -6 route add fd00:9::/64 via fd00:2::2; then
		ksft_fail "cannot route the virtual addresses"
	fi
}

set_family()
{
	nat_fam "$1"
	if [[ $fam == -4 ]]; then
		LAN=10.0.1.0/24 LANC=10.0.1.3 VIP=10.0.9.9 LO_P=127.0.0.1
	else
		LAN=fd00:1::/64 LANC=fd00:1::3 VIP=fd00:9::9 LO_P="[::1]"
	fi
}

rules()
{
	local -a r=(
		"-A PREROUTING -d $RWAN -p tcp --dport 8080 -j DNAT --to-destination $IN_P:80"
		"-A PREROUTING -i wan0 -p tcp --dport 2222 -j REDIRECT --to-ports 8022"
		"-A PREROUTING -d $RWAN -p udp --dport 5353 -j DNAT --to-destination $IN_P:53"
		"-A OUTPUT -d $VIP -p tcp --dport 80 -j DNAT --to-destination $IN_P:80"
		"-A OUTPUT -d $OUT -p tcp --dport 81 -j REDIRECT --to-ports 8022"
		"-A POSTROUTING -s $LAN -d $LAN -j MASQUERADE"
	)
	local rule

	for rule in "${r[@]}"; do
		# shellcheck disable=SC2086 # the rule's words
		ns_xtctl "$router" "$fam" -t nat $rule ||
			ksft_fail "$fam: cannot add $rule"
	done
}

# talk NAME EXPECTED NS ADDR PORT [OPTION...]: the server's view must be
# EXPECTED and the answer arrive.
talk()
{
	local name=$1 expected=$2 out rc=0
	shift 2

	out=$(nat_talk "$@") || rc=$?
	check_eq "$fam: $name" "$expected (exit 0)" "$out (exit $rc)"
}

test_forward()
{
	talk "port forward from outside: the server sees the client" \
		"$OUT_P:4000 -> $IN_P:80" "$client" "$RWAN" 8080 --sport 4000 --up 2000
	talk "hairpin: the server sees the router's LAN address" \
		"$RLAN_P:4001 -> $IN_P:80" "$lanclient" "$RWAN" 8080 --sport 4001 --up 2000
	talk "REDIRECT from outside to the router's port 8022" \
		"$OUT_P:4002 -> $RWAN_P:8022" "$client" "$RWAN" 2222 --sport 4002 --up 2000
	talk "UDP port forward from outside" \
		"$OUT_P:4003 -> $IN_P:53" "$client" "$RWAN" 5353 --udp --sport 4003 --up 100
	talk "OUTPUT DNAT: the router's connection to a virtual address" \
		"$RWAN_P:4004 -> $IN_P:80" "$router" "$VIP" 80 --sport 4004 --up 2000
	talk "OUTPUT REDIRECT: the router's connection to $LO_P" \
		"$RWAN_P:4005 -> $LO_P:8022" "$router" "$OUT" 81 --sport 4005 --up 2000
}

# entry NAME ERE: one entry of the router matches ERE.
entry()
{
	local ere=$2

	check_match "$fam: entry: $1" "$ere" "$(nat_ct_grep "$router" "$fam" "$ere")"
}

test_entries()
{
	local t='^tcp 6 T [A-Z_]+ '

	entry "port forward" \
		"${t}src=$OUT dst=$RWAN sport=4000 dport=8080 src=$IN dst=$OUT sport=80 dport=4000 "
	entry "hairpin" \
		"${t}src=$LANC dst=$RWAN sport=4001 dport=8080 src=$IN dst=$RLAN sport=80 dport=4001 "
	entry "REDIRECT" \
		"${t}src=$OUT dst=$RWAN sport=4002 dport=2222 src=$RWAN dst=$OUT sport=8022 dport=4002 "
	entry "UDP port forward" \
		"^udp 17 T src=$OUT dst=$RWAN sport=4003 dport=5353 src=$IN dst=$OUT sport=53 dport=4003 "
	entry "OUTPUT DNAT" \
		"${t}src=$RWAN dst=$VIP sport=4004 dport=80 src=$IN dst=$RWAN sport=80 dport=4004 "
	entry "OUTPUT REDIRECT" \
		"${t}src=$RWAN dst=$OUT sport=4005 dport=81 src=${LO_P//[][]/} dst=$RWAN sport=8022 dport=4005 "
	xtfw_native || return 0
	check_eq "$fam: 6 entries with status DNAT" 6 \
		"$(ct_entries "$router" "$fam" --status DNAT | wc -l)"
	check_eq "$fam: 1 with status SNAT (the hairpin)" 1 \
		"$(ct_entries "$router" "$fam" --status SNAT | wc -l)"
}

test_family()
{
	set_family "$1"
	rules
	test_forward
	check_counts "$fam: nat PREROUTING: 2 TCP forwards, 1 REDIRECT, 1 UDP" \
		"$router" "$fam" nat PREROUTING "2 1 1"
	check_counts "$fam: nat OUTPUT: 1 DNAT, 1 REDIRECT" \
		"$router" "$fam" nat OUTPUT "1 1"
	check_counts "$fam: nat POSTROUTING: the hairpin" \
		"$router" "$fam" nat POSTROUTING "1"
	test_entries
}

require_root
require_cmd ip ss
xtfw_load
nat_require
topology
nat_serve "$server" 80 tcp
nat_serve "$server" 53 udp
nat_serve "$router" 8022 tcp

test_family -4
test_family -6
ksft_exit
