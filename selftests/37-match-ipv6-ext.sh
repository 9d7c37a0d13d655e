#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The IPv6 extension header matches rt (--rt-type, --rt-segsleft, "!") and
# frag (--fragid, --fragfirst, --fragmore, --fraglast, "!"), counted exactly
# on crafted packets, twice:
#  * with stateless rules nothing reassembles before the tables (as with
#    ip6tables when no rule of the namespace needs conntrack): INPUT sees
#    each fragment, and -m frag counts them;
#  * once a rule needs conntrack, it reassembles fragments with
#    nf_defrag_ipv6 before any table sees them (as ip6tables does then), so
#    INPUT sees the reassembled datagram, with no fragment header, and never
#    the incomplete one: -m frag counts nothing.
#
#   client                                   server
#   veth0 fd00:1::1  ─────────────────────  veth0 fd00:1::2
#                                            counting rules in INPUT
#
# timeout: 180

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare client server

RULES=(
	"-s fd00:1::1 -m rt"
	"-s fd00:1::1 -m rt --rt-type 0"
	"-s fd00:1::1 -m rt ! --rt-type 0"
	"-s fd00:1::1 -m rt --rt-segsleft 1:5"
	"-s fd00:1::1 -m frag"
	"-s fd00:1::1 -m frag --fragid 100:200"
	"-s fd00:1::1 -m frag ! --fragid 100:200"
	"-s fd00:1::1 -m frag --fragfirst"
	"-s fd00:1::1 -m frag --fragmore"
	"-s fd00:1::1 -m frag --fraglast"
)

IP6='IPv6(src="fd00:1::1", dst="fd00:1::2")'
PKTS=(
	"$IP6/IPv6ExtHdrRouting(type=0, segleft=0, addresses=['fd00:1::2'])/UDP(sport=1, dport=7000)"
	"$IP6/IPv6ExtHdrRouting(type=2, segleft=1, addresses=['fd00:1::2'])/UDP(sport=1, dport=7000)"
	"$IP6/IPv6ExtHdrFragment(id=150, offset=0, m=1)/UDP(sport=1, dport=7000)/Raw(b'x' * 16)"
	"$IP6/IPv6ExtHdrFragment(id=150, offset=3, m=0, nh=17)/Raw(b'x' * 16)"
	"$IP6/IPv6ExtHdrFragment(id=300, offset=0, m=1)/UDP(sport=1, dport=7000)/Raw(b'x' * 16)"
	"$IP6/UDP(sport=1, dport=7000)"
)
#               1 2 3 4 5 6 7 8 9 10
EXPECT_FRAGS="2 1 1 1 3 2 1 2 2 1"
EXPECT_DEFRAG="2 1 1 1 0 0 0 0 0 0"

test_counters()
{
	local rule

	for rule in "${RULES[@]}"; do
		# shellcheck disable=SC2086 # the rule's words
		check_ok "-6 -A INPUT $rule" ns_xtctl "$server" -6 -A INPUT $rule ||
			return
	done
	check_ok "send the crafted packets" send_pkts "$client" "${PKTS[@]}"
	check_eq "per-rule packet counters, fragments seen" "$EXPECT_FRAGS" \
		"$(rule_counts "$server" -6 filter INPUT)"

	check_ok "a rule that needs conntrack" ns_xtctl "$server" -6 -A OUTPUT \
		-m conntrack --ctstate INVALID
	ns_xtctl "$server" -6 -Z INPUT
	check_ok "send the crafted packets again" send_pkts "$client" "${PKTS[@]}"
	check_eq "per-rule packet counters, reassembled first" "$EXPECT_DEFRAG" \
		"$(rule_counts "$server" -6 filter INPUT)"
}

test_refused()
{
	check_refused "rt in an IPv4 rule is refused" "$server" \
		'.' -4 -A INPUT -m rt --rt-type 0
	check_refused "frag in an IPv4 rule is refused" "$server" \
		'.' -4 -A INPUT -m frag --fragid 1
}

require_root
require_cmd ip
require_scapy
xtfw_load
require_xtctl

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1

test_counters
test_refused
ksft_exit
