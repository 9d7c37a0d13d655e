#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What each tracker keys on and what it refuses, packet by packet at a
# router (crafted with scapy, counted by state):
#  * ICMP queries: echo, timestamp, information and address mask (ICMPv6:
#    echo and node information) open an entry keyed by id that their
#    answer finds; an answer with another id, or a type that is neither
#    query nor error, is INVALID;
#  * other protocols (253, GRE) are tracked by the address pair alone;
#  * IPv6 extension headers (hop-by-hop, destination options, routing) and
#    IPv4 options are walked to the TCP or UDP header behind them;
#  * a fragmented UDP datagram is reassembled first: one entry, one NEW,
#    its fragmented answer one ESTABLISHED, and the entry counts one packet
#    of the whole length each way;
#  * broken headers (TCP or UDP cut short, a TCP data offset below 5, bad
#    checksums, invalid TCP flags, a UDP length beyond the packet, ICMP in
#    IPv6 and ICMPv6 in IPv4) are INVALID and leave no entry;
# with the statistics (new, found, invalid) moving by exactly as much.
# IPv4 and IPv6.
#
#   client ──────────── router ──────────── server
#   tc ingress: drop    FORWARD -j CTSTATE  tc ingress: drop
#   (crafted packets)   (one rule per state) (crafted packets)
#
# timeout: 600

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"

declare client router server
# shellcheck disable=SC2034 # IP_C2S is read through ip_proto's nameref
declare fam C C2 S IP_CS IP_C2S IP_SC ICMP_PROTO ICMP_NAME NH

# shellcheck disable=SC2034 # IP_* are read through ip_proto's nameref
set_family()
{
	ct_family "$1"
}

# ip_proto SRC_DST PROTO: the IP header of direction SRC_DST ("CS", "SC",
# "C2S") with its protocol field set.
ip_proto()
{
	local -n hdr=IP_$1

	echo "${hdr%)}, $NH=$2)"
}

# entry NAME EXPECTED FILTER...: the router's entries, timeouts as T.
entry()
{
	local name=$1 expected=$2
	shift 2

	xtfw_native || return 0
	check_eq "$fam: $name" "$expected" "$(ct_entries "$router" "$fam" "$@")"
}

stats()
{
	ct_stats_of "$router" new found invalid
}

check_stats()
{
	local name=$1 before=$2 expected=$3

	xtfw_native || return 0
	check_eq "$fam: $name" "$expected" "$(ct_stats_delta "$before" "$(stats)")"
}

# --- ICMP queries ---------------------------------------------------------

# icmp TYPE ID: an ICMP(v6) message of TYPE with identifier ID
icmp()
{
	if [[ $fam == -4 ]]; then
		echo "ICMP(type=$1, id=$2, seq=1)"
	else
		echo "ICMPv6Unknown(type=$1, code=0, msgbody=($2).to_bytes(2, \"big\") + bytes(10))"
	fi
}

icmp_line()
{
	local req=$1 ans=$2 id=$3 unreplied=${4:+"[UNREPLIED] "}

	echo "$ICMP_NAME $ICMP_PROTO T src=$C dst=$S type=$req code=0 id=$id ${unreplied}src=$S dst=$C type=$ans code=0 id=$id mark=0 use=1"
}

test_queries()
{
	local -a queries
	local q name t a id=100 before n=0

	if [[ $fam == -4 ]]; then
		queries=("echo 8 0" "timestamp 13 14" "information 15 16"
			 "address-mask 17 18")
	else
		queries=("echo 128 129" "node-information 139 140")
	fi
	before=$(stats)
	for q in "${queries[@]}"; do
		read -r name t a <<<"$q"
		id=$((id + 1))
		n=$((n + 1))
		ct_step "$name request" c "$IP_CS/$(icmp "$t" "$id")" \
			"$(ct_counts 1 0 0 0 0)"
		entry "$name: an entry keyed by its id" \
			"$(icmp_line "$t" "$a" "$id" unreplied)" \
			-p "$ICMP_PROTO" -s "$C"
		ct_step "$name answer" s "$IP_SC/$(icmp "$a" "$id")" \
			"$(ct_counts 0 1 0 0 0)"
		ct_step "$name answer with another id" s \
			"$IP_SC/$(icmp "$a" $((id + 50)))" "$(ct_counts 0 0 0 1 0)"
		entry "$name: replied, no entry for the other id" \
			"$(icmp_line "$t" "$a" "$id")" -p "$ICMP_PROTO" -s "$C"
		ns_xtctl "$router" ct delete "$fam" -p "$ICMP_PROTO" 2>/dev/null
	done
	# router advertisement; an unassigned ICMPv6 informational type
	if [[ $fam == -4 ]]; then
		t="ICMP(type=9)"
	else
		t="ICMPv6Unknown(type=200, code=0, msgbody=bytes(4))"
	fi
	ct_step "neither query nor error" c "$IP_CS/$t" "$(ct_counts 0 0 0 1 0)"
	entry "leaves no entry" "" -p "$ICMP_PROTO"
	check_stats "statistics of the queries" "$before" \
		"new=$n found=$n invalid=$((n + 1))"
}

# --- generic ----------------------------------------------------------------

test_generic()
{
	local before

	before=$(stats)
	ct_step "protocol 253: first packet" c \
		"$(ip_proto CS 253)/Raw(b\"one\")" "$(ct_counts 1 0 0 0 0)"
	ct_step "protocol 253: another payload, same pair" c \
		"$(ip_proto CS 253)/Raw(b\"another\")" "$(ct_counts 1 0 0 0 0)"
	entry "protocol 253: one entry for the address pair" \
		"unknown 253 T src=$C dst=$S [UNREPLIED] src=$S dst=$C mark=0 use=1" -p 253
	ct_step "protocol 253: the answer" s \
		"$(ip_proto SC 253)/Raw(b\"two\")" "$(ct_counts 0 1 0 0 0)"
	ct_step "protocol 253: after the answer" c \
		"$(ip_proto CS 253)/Raw(b\"three\")" "$(ct_counts 0 1 0 0 0)"
	ct_step "protocol 253 from another address" c \
		"$(ip_proto C2S 253)/Raw(b\"one\")" "$(ct_counts 1 0 0 0 0)"
	entry "protocol 253: one entry per address pair" \
		"unknown 253 T src=$C dst=$S src=$S dst=$C mark=0 use=1
unknown 253 T src=$C2 dst=$S [UNREPLIED] src=$S dst=$C2 mark=0 use=1" -p 253
	ct_step "GRE: first packet" c \
		"$(ip_proto CS 47)/GRE(proto=0x800)/Raw(b\"x\" * 20)" \
		"$(ct_counts 1 0 0 0 0)"
	ct_step "GRE: the answer" s \
		"$(ip_proto SC 47)/GRE(proto=0x800)/Raw(b\"y\" * 20)" \
		"$(ct_counts 0 1 0 0 0)"
	entry "GRE: one entry for the address pair" \
		"gre 47 T src=$C dst=$S src=$S dst=$C mark=0 use=1" -p gre
	check_stats "statistics of the generic tracker" "$before" \
		"new=3 found=4 invalid=0"
}

# --- extension headers, IPv4 options ---------------------------------------

tcp_line()
{
	local state=$1 sport=$2 tail=$3

	echo "tcp 6 T $state src=$C dst=$S sport=$sport dport=80 ${tail:+$tail }src=$S dst=$C sport=80 dport=$sport ${4:+$4 }mark=0 use=1"
}

# test_exthdr SYN_IP ACK_IP: a handshake whose client segments have the
# IP headers SYN_IP and ACK_IP (with options or extension headers)
test_exthdr()
{
	local syn_ip=$1 ack_ip=$2 ext

	ct_step "TCP SYN behind ${syn_ip#"$IP_CS"}" c \
		"$syn_ip/TCP(sport=3000, dport=80, flags=\"S\", seq=1000, window=64000)" \
		"$(ct_counts 1 0 0 0 0)"
	entry "tracked as TCP behind them" \
		"$(tcp_line SYN_SENT 3000 "[UNREPLIED]")" -p tcp --sport 3000
	ct_step "its SYN/ACK" s \
		"$IP_SC/TCP(sport=80, dport=3000, flags=\"SA\", seq=5000, ack=1001, window=64000)" \
		"$(ct_counts 0 1 0 0 0)"
	ct_step "the ACK behind ${ack_ip#"$IP_CS"}" c \
		"$ack_ip/TCP(sport=3000, dport=80, flags=\"A\", seq=1001, ack=5001, window=64000)" \
		"$(ct_counts 0 1 0 0 0)"
	entry "the handshake went through" \
		"$(tcp_line ESTABLISHED 3000 "" "[ASSURED]")" -p tcp --sport 3000
	[[ $fam == -6 ]] || return 0
	ext="IPv6ExtHdrHopByHop()/IPv6ExtHdrRouting(segleft=0)/IPv6ExtHdrDestOpt()"
	ct_step "UDP behind hop-by-hop, routing, destination options" c \
		"$IP_CS/$ext/UDP(sport=3001, dport=9)" "$(ct_counts 1 0 0 0 0)"
	entry "tracked as UDP behind them" \
		"udp 17 T src=$C dst=$S sport=3001 dport=9 [UNREPLIED] src=$S dst=$C sport=9 dport=3001 mark=0 use=1" \
		-p udp --sport 3001
}

# --- fragments --------------------------------------------------------------

tx_packets()
{
	ip netns exec "$1" cat /sys/class/net/veth0/statistics/tx_packets
}

# orig and reply "packets bytes" of the entry from client port $1
json_counters()
{
	ns_xtctl "$router" ct list "$fam" -p udp --sport "$1" --json 2>/dev/null |
		"$PYTHON" -c 'import json, sys
e = json.load(sys.stdin)
print(len(e), *(e[0][d][k] for d in ("orig", "reply") for k in ("packets", "bytes")))'
}

# frag SRC_DST ID SPORT DPORT BYTE: a UDP datagram with 3000 bytes of data,
# in fragments (IPv4: 4 of at most 1000 bytes of data; IPv6: 3, of 1280)
frag()
{
	local -n hdr=IP_$1
	local body="UDP(sport=$3, dport=$4)/Raw(b\"$5\" * 3000)"

	if [[ $fam == -4 ]]; then
		echo "fragment(${hdr%)}, id=$2)/$body, fragsize=1000)"
	else
		echo "fragment6($hdr/IPv6ExtHdrFragment(id=$2)/$body, 1280)"
	fi
}

test_fragments()
{
	local tx nfrags=4 len=3028 before

	[[ $fam == -6 ]] && nfrags=3 len=3048
	before=$(stats)
	tx=$(tx_packets "$client")
	ct_step "a datagram in $nfrags fragments: one NEW" c \
		"$(frag CS 4242 4000 9000 f)" "$(ct_counts 1 0 0 0 0)"
	check_eq "$fam: it left the client in $nfrags fragments" "$nfrags" \
		$(($(tx_packets "$client") - tx))
	entry "one entry for the datagram" \
		"udp 17 T src=$C dst=$S sport=4000 dport=9000 [UNREPLIED] src=$S dst=$C sport=9000 dport=4000 mark=0 use=1" \
		-p udp --sport 4000
	ct_step "its answer in $nfrags fragments: one ESTABLISHED" s \
		"$(frag SC 4243 9000 4000 g)" "$(ct_counts 0 1 0 0 0)"
	ct_step "fragments sent last first: one NEW" c \
		"$(frag CS 4244 4001 9000 h)[::-1]" "$(ct_counts 1 0 0 0 0)"
	xtfw_native || return 0
	check_eq "$fam: one packet of $len bytes each way" "1 1 $len 1 $len" \
		"$(json_counters 4000)"
	check_eq "$fam: ... and for the reversed fragments" "1 1 $len 0 0" \
		"$(json_counters 4001)"
	check_stats "statistics of the fragments" "$before" \
		"new=2 found=1 invalid=0"
}

# --- broken headers ---------------------------------------------------------

test_malformed()
{
	local -a bad
	local b name expr before count other icmp_in

	if [[ $fam == -4 ]]; then
		other="ICMPv6 in IPv4"
		icmp_in="$(ip_proto CS 58)/Raw(bytes(ICMPv6EchoRequest(id=301)))"
		bad=("an ICMP checksum error|$IP_CS/ICMP(type=8, id=300, chksum=0xdead)")
	else
		other="ICMP in IPv6"
		icmp_in="$(ip_proto CS 1)/ICMP(type=8, id=301)"
		bad=("an ICMPv6 checksum error|$IP_CS/ICMPv6EchoRequest(id=300, cksum=0xdead)")
	fi
	bad+=(
		"a TCP header cut short|$(ip_proto CS 6)/Raw(bytes.fromhex(\"0bba005000000001\"))"
		"a TCP data offset below 5|$IP_CS/TCP(sport=3002, dport=80, flags=\"S\", dataofs=4)"
		"a TCP checksum error|$IP_CS/TCP(sport=3003, dport=80, flags=\"S\", chksum=0xdead)"
		"TCP SYN and FIN|$IP_CS/TCP(sport=3004, dport=80, flags=\"SF\")"
		"TCP without flags|$IP_CS/TCP(sport=3005, dport=80, flags=0)"
		"a UDP header cut short|$(ip_proto CS 17)/Raw(bytes.fromhex(\"0fa00009\"))"
		"a UDP length beyond the packet|$IP_CS/UDP(sport=4101, dport=9, len=100)/Raw(b\"x\" * 10)"
		"a UDP checksum error|$IP_CS/UDP(sport=4102, dport=9, chksum=0xdead)/Raw(b\"x\")"
		"$other|$icmp_in"
	)
	ns_xtctl "$router" ct flush 2>/dev/null
	before=$(stats)
	count=$(ct_count "$router")
	for b in "${bad[@]}"; do
		name=${b%%|*}
		expr=${b#*|}
		ct_step "$name: INVALID" c "$expr" "$(ct_counts 0 0 0 1 0)"
	done
	xtfw_native || return 0
	check_eq "$fam: they left no entry" "$count" "$(ct_count "$router")"
	check_stats "statistics of the broken headers" "$before" \
		"new=0 found=0 invalid=${#bad[@]}"
}

test_family()
{
	set_family "$1"
	ct_state_chain "$router" "$fam" CTSTATE || ksft_fail "cannot add CTSTATE"
	check_ok "$fam: FORWARD -j CTSTATE" \
		ns_xtctl "$router" "$fam" -A FORWARD -j CTSTATE
	ct_serve_start "$fam"
	test_queries
	test_generic
	if [[ $fam == -4 ]]; then
		test_exthdr "${IP_CS%)}, options=[IPOption_NOP()] * 4)" \
			"${IP_CS%)}, options=[IPOption_NOP()] * 8)"
	else
		test_exthdr "$IP_CS/IPv6ExtHdrHopByHop()/IPv6ExtHdrDestOpt()" \
			"$IP_CS/IPv6ExtHdrDestOpt()"
	fi
	test_fragments
	test_malformed
	ct_serve_stop
}

require_root
require_cmd ip tc taskset
require_scapy
xtfw_load
ct_require
ct_router
ct_shield "$client" "$server"
# no ARP: the fragments test counts what leaves the client
ct_static_arp

test_family -4
test_family -6
ksft_exit
