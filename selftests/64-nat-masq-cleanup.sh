#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# MASQUERADE forgets its connections when the outgoing interface loses the
# address they were mapped to, and when it goes down (IPv6: whether or not
# it keeps its addresses, keep_addr_on_down): the entries go, and
# the client's next packet of the same flow is mapped anew, to the new
# address. Entries that are not masqueraded stay: one SNAT'ed to that
# same address, one to the router itself. IPv4 and IPv6.
#
#   client ───────────── router ───────────────── server
#   10.0.1.1            lan0 10.0.1.2              10.0.2.2
#   fd00:1::1           wan0 10.0.2.1, then 10.0.2.3
#                       nat POSTROUTING:
#                       -p udp --dport 54: SNAT 10.0.2.1
#                       -s LAN -o wan0: MASQUERADE
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
declare fam IN RLAN RWAN OUT IN_P RLAN_P RWAN_P OUT_P
declare LAN NEW NEW_P PLEN HOSTLEN NODAD

set_family()
{
	nat_fam "$1"
	if [[ $fam == -4 ]]; then
		LAN=10.0.1.0/24 NEW=10.0.2.3 NEW_P=10.0.2.3 PLEN=24 HOSTLEN=32
		NODAD=
	else
		LAN=fd00:1::/64 NEW=fd00:2::3 NEW_P="[fd00:2::3]" PLEN=64
		HOSTLEN=128 NODAD=nodad
	fi
}

rules()
{
	if ! ns_xtctl "$router" "$fam" -t nat -A POSTROUTING -o wan0 -p udp \
		--dport 54 -j SNAT --to-source "$RWAN" ||
	   ! ns_xtctl "$router" "$fam" -t nat -A POSTROUTING -s "$LAN" \
		-o wan0 -j MASQUERADE; then
		ksft_fail "$fam: cannot add the NAT rules"
	fi
}

# the entries of the three flows, by the router's address they use
masq_ere() { echo "src=$IN dst=$OUT sport=5000 dport=53 src=$OUT dst=$1 sport=53 dport=5000 "; }
snat_ere() { echo "src=$IN dst=$OUT sport=5001 dport=54 src=$OUT dst=$RWAN sport=54 dport=5001 "; }
local_ere() { echo "src=$IN dst=$RLAN sport=5002 dport=53 src=$RLAN dst=$IN sport=53 dport=5002 "; }

# shellcheck disable=SC2317 # run by check_ok and check_fail
has_entry()
{
	nat_ct_grep "$router" "$fam" "$1" >/dev/null
}

# flows ADDR_P WHAT: the three flows, the masqueraded one seen from ADDR_P.
flows()
{
	local addr_p=$1 what=$2

	check_eq "$fam: $what: the masqueraded flow" "$addr_p:5000 -> $OUT_P:53" \
		"$(nat_talk "$client" "$OUT" 53 --udp --sport 5000)"
	check_eq "$fam: $what: the SNAT'ed flow" "$RWAN_P:5001 -> $OUT_P:54" \
		"$(nat_talk "$client" "$OUT" 54 --udp --sport 5001)"
	check_eq "$fam: $what: the flow to the router" "$IN_P:5002 -> $RLAN_P:53" \
		"$(nat_talk "$client" "$RLAN" 53 --udp --sport 5002)"
}

# gone WHAT ADDR: the masqueraded entry (mapped to ADDR) went, the others
# stayed.
gone()
{
	local what=$1 addr=$2

	nat_ct_wait_gone "$router" "$fam" "$(masq_ere "$addr")"
	check_fail "$fam: $what: the masqueraded entry is gone" \
		has_entry "$(masq_ere "$addr")"
	check_ok "$fam: $what: the SNAT'ed entry stays" has_entry "$(snat_ere)"
	check_ok "$fam: $what: the entry to the router stays" \
		has_entry "$(local_ere)"
}

test_family()
{
	set_family "$1"
	rules
	flows "$RWAN_P" "first"
	check_ok "$fam: the masqueraded entry is there" \
		has_entry "$(masq_ere "$RWAN")"

	# wan0's address moves to lo, where the SNAT'ed flow still finds it
	# shellcheck disable=SC2086 # $NODAD: nothing or nodad
	if ! ip -n "$router" addr del "$RWAN/$PLEN" dev wan0 ||
	   ! ip -n "$router" addr add "$RWAN/$HOSTLEN" dev lo $NODAD ||
	   ! ip -n "$router" addr add "$NEW/$PLEN" dev wan0 $NODAD ||
	   ! ip -n "$server" neigh replace "$NEW" lladdr 02:00:00:00:02:01 \
		dev veth0 nud permanent; then
		ksft_fail "$fam: cannot change wan0's address"
	fi
	gone "address removed" "$RWAN"
	flows "$NEW_P" "new address"
	check_ok "$fam: the new masqueraded entry is there" \
		has_entry "$(masq_ere "$NEW")"

	# (IPv4 keeps wan0's IPv6 addresses for the IPv6 part)
	[[ $fam == -6 ]] && link_cycle 0 "wan0 down"
	link_cycle 1 "wan0 down, keeping its addresses"
}

# link_cycle KEEP WHAT: take wan0 down (IPv6 addresses kept if KEEP is 1),
# check the masqueraded entry goes, bring it up, check the flows again.
link_cycle()
{
	local keep=$1 what=$2

	if ! ip netns exec "$router" sysctl -qw \
		"net.ipv6.conf.wan0.keep_addr_on_down=$keep" ||
	   ! ip -n "$router" link set wan0 down; then
		ksft_fail "$fam: cannot take wan0 down"
	fi
	gone "$what" "$NEW"
	# shellcheck disable=SC2086 # $NODAD: nothing or nodad
	if ! ip -n "$router" link set wan0 up ||
	   ! ip -n "$router" addr replace "$NEW/$PLEN" dev wan0 $NODAD ||
	   ! ip -n "$router" neigh replace fd00:2::2 \
		lladdr 02:00:00:00:02:02 dev wan0 nud permanent; then
		ksft_fail "$fam: cannot bring wan0 up"
	fi
	flows "$NEW_P" "$what, then up"
}

require_root
require_cmd ip ss
xtfw_load
nat_require
nat_router client server
nat_serve "$server" 53 udp
nat_serve "$server" 54 udp
nat_serve "$router" 53 udp

test_family -4
test_family -6
ksft_exit
