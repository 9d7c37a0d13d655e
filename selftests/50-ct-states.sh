#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Connection tracking states, counted exactly at a router: an echo and its
# reply (NEW, ESTABLISHED), a reply with no request (INVALID), UDP to a
# closed port and an answer to a closed port (the ICMP errors are RELATED,
# in both directions), an ICMP error about no connection (INVALID),
# NOTRACK and CT --notrack (UNTRACKED, and no entry), IPv6 neighbour
# solicitation (UNTRACKED), a first packet dropped by a rule (no entry) and
# a later one (the entry stays), CONNMARK. The entries are checked line by
# line in conntrack -L format. IPv4 and IPv6.
#
#   client ──────────── router ──────────────────── server
#   raw: drop udp       raw: NOTRACK udp 7100,      raw: drop udp 7300-7499
#   5300-5499           CT --notrack udp 7150
#                       FORWARD -j CTSTATE
#
# timeout: 600

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"

declare client router server
declare fam C S IP_CS IP_SC ICMP_ECHO ICMP_REPLY UNREACH ICMP_PROTO

set_family()
{
	ct_family "$1"
	if [[ $fam == -4 ]]; then
		ICMP_ECHO='ICMP(type=8, id=77, seq=1)'
		ICMP_REPLY='ICMP(type=0, id=99, seq=1)'
		UNREACH='ICMP(type=3, code=3)'
	else
		ICMP_ECHO='ICMPv6EchoRequest(id=77, seq=1)'
		ICMP_REPLY='ICMPv6EchoReply(id=99, seq=1)'
		UNREACH='ICMPv6DestUnreach(code=4)'
	fi
}

# step NAME NS EXPR EXPECTED: send EXPR from NS ($client or $server),
# check how the router's counts moved (ct_step).
step()
{
	local name=$1 ns=$2 expr=$3 expected=$4 side=c

	[[ $ns == "$server" ]] && side=s
	ct_step "$name" "$side" "$expr" "$expected"
}

# entry NAME EXPECTED FILTER...: the router's entries, timeouts as T.
entry()
{
	local name=$1 expected=$2
	shift 2

	xtfw_native || return 0
	check_eq "$fam: $name" "$expected" "$(ct_entries "$router" "$fam" "$@")"
}

icmp_line()
{
	if [[ $fam == -4 ]]; then
		echo "icmp 1 T src=$C dst=$S type=8 code=0 id=77 src=$S dst=$C type=0 code=0 id=77 mark=0 use=1"
	else
		echo "icmpv6 58 T src=$C dst=$S type=128 code=0 id=77 src=$S dst=$C type=129 code=0 id=77 mark=0 use=1"
	fi
}

udp_line()
{
	local sport=$1 dport=$2 unreplied=${3:+"[UNREPLIED] "} mark=${4:-0}

	echo "udp 17 T src=$C dst=$S sport=$sport dport=$dport ${unreplied}src=$S dst=$C sport=$dport dport=$sport mark=$mark use=1"
}

test_echo()
{
	step "echo request and its reply" "$client" "$IP_CS/$ICMP_ECHO" \
		"$(ct_counts 1 1 0 0 0)"
	entry "the echo's entry" "$(icmp_line)" -p "$ICMP_PROTO"
	step "an echo reply with no request" "$server" "$IP_SC/$ICMP_REPLY" \
		"$(ct_counts 0 0 0 1 0)"
}

test_related()
{
	step "UDP to a closed port, its ICMP error" "$client" \
		"$IP_CS/UDP(sport=5000, dport=7000)" "$(ct_counts 1 0 1 0 0)"
	entry "unreplied UDP" "$(udp_line 5000 7000 unreplied)" --dport 7000
	step "an answer to a closed port, its ICMP error" "$server" \
		"$IP_SC/UDP(sport=7000, dport=5000)" "$(ct_counts 0 1 1 0 0)"
	entry "replied UDP" "$(udp_line 5000 7000)" --dport 7000
	step "an ICMP error about no connection" "$server" \
		"$IP_SC/$UNREACH/$IP_CS/UDP(sport=5999, dport=9999)" \
		"$(ct_counts 0 0 0 1 0)"
}

test_notrack()
{
	check_ok "$fam: raw NOTRACK" ns_xtctl "$router" "$fam" -t raw \
		-A PREROUTING -p udp --dport 7100 -j NOTRACK
	# the server's port unreachable is about no connection: INVALID
	step "NOTRACK: UNTRACKED" "$client" \
		"$IP_CS/UDP(sport=5100, dport=7100)" "$(ct_counts 0 0 0 1 1)"
	entry "no entry for NOTRACK" "" --dport 7100
	check_ok "$fam: raw CT --notrack" ns_xtctl "$router" "$fam" -t raw \
		-A PREROUTING -p udp --dport 7150 -j CT --notrack
	step "CT --notrack: UNTRACKED" "$client" \
		"$IP_CS/UDP(sport=5150, dport=7150)" "$(ct_counts 0 0 0 1 1)"
	entry "no entry for CT --notrack" "" --dport 7150
}

test_dropped()
{
	check_ok "$fam: FORWARD DROP 7200" ns_xtctl "$router" "$fam" \
		-I FORWARD 1 -p udp --dport 7200 -j DROP
	step "a first packet dropped" "$client" \
		"$IP_CS/UDP(sport=5200, dport=7200)" "$(ct_counts 0 0 0 0 0)"
	entry "leaves no entry" "" --dport 7200
	step "a first packet" "$client" "$IP_CS/UDP(sport=5300, dport=7300)" \
		"$(ct_counts 1 0 0 0 0)"
	check_ok "$fam: FORWARD DROP 7300" ns_xtctl "$router" "$fam" \
		-I FORWARD 1 -p udp --dport 7300 -j DROP
	step "its second, dropped" "$client" \
		"$IP_CS/UDP(sport=5300, dport=7300)" "$(ct_counts 0 0 0 0 0)"
	entry "keeps its entry" "$(udp_line 5300 7300 unreplied)" --dport 7300
}

test_connmark()
{
	local err

	# the matches and targets may come later than conntrack itself
	err=$(xtctl_err "$router" "$fam" -t mangle -A FORWARD -p udp \
		--dport 7400 -j CONNMARK --set-mark 0x42)
	if [[ $err != "(succeeded)" ]]; then
		echo "SKIP: $fam: CONNMARK: $err"
		return
	fi
	check_ok "$fam: -m connmark" ns_xtctl "$router" "$fam" -A FORWARD \
		-p udp -m connmark --mark 0x42
	step "CONNMARK'd request" "$client" \
		"$IP_CS/UDP(sport=5400, dport=7400)" "$(ct_counts 1 0 0 0 0)"
	step "its reply" "$server" "$IP_SC/UDP(sport=7400, dport=5400)" \
		"$(ct_counts 0 1 0 0 0)"
	check_eq "$fam: -m connmark matched both" 2 \
		"$(rule_pkts "$router" "$fam" filter FORWARD 4)"
	entry "the entry's mark" "$(udp_line 5400 7400 '' 66)" --mark 0x42
}

test_nd()
{
	[[ $fam == -6 ]] || return 0
	# only the crafted packet: the client also sends router
	# solicitations and MLD reports of its own, from its link-local
	# address, that the router takes in too
	check_ok "$fam: INPUT -j CTSTATE" ns_xtctl "$router" "$fam" \
		-A INPUT -s "$C" -p icmpv6 \
		--icmpv6-type neighbour-solicitation -j CTSTATE
	step "neighbour solicitation: UNTRACKED" "$client" \
		"IPv6(src=\"$C\", dst=\"fd00:1::2\", hlim=255)/ICMPv6ND_NS(tgt=\"fd00:1::2\")/ICMPv6NDOptSrcLLAddr(lladdr=\"02:00:00:00:01:01\")" \
		"$(ct_counts 0 0 0 0 1)"
}

test_family()
{
	set_family "$1"
	ct_state_chain "$router" "$fam" CTSTATE || ksft_fail "cannot add CTSTATE"
	check_ok "$fam: FORWARD -j CTSTATE" \
		ns_xtctl "$router" "$fam" -A FORWARD -j CTSTATE
	ns_xtctl "$client" "$fam" -t raw -A PREROUTING -p udp \
		--dport 5300:5499 -j DROP || ksft_fail "cannot shield $client"
	ns_xtctl "$server" "$fam" -t raw -A PREROUTING -p udp \
		--dport 7300:7499 -j DROP || ksft_fail "cannot shield $server"
	ct_serve_start "$fam"
	test_echo
	test_related
	test_notrack
	test_dropped
	test_connmark
	test_nd
	ct_serve_stop
}

require_root
require_cmd ip taskset
require_scapy
xtfw_load
ct_require
ct_router

test_family -4
test_family -6
ksft_exit
