#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtctl explain: what the ruleset would do with a described packet, with
# no packet sent. For each of a set of packets (accepted at once, dropped
# in a user chain, returned from one to the policy, the policy alone,
# IPv4 and IPv6) the rules explain lists are exactly the rules whose
# counters then move when that packet is really sent, and its verdict is
# the one the packet gets. Explaining moves no counter.
#
#   client veth0 10.0.1.1, fd00:1::1 ──── server veth0 10.0.1.2, fd00:1::2
#
# timeout: 240

# shellcheck disable=SC2317 # functions run through check_ok

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare client server

load()
{
	local fam=$1 a=$2 b=$3 icmp=$4 file

	file=$(mktemp) && defer rm -f "$file"
	cat >"$file" <<-RULES
	*filter
	:INPUT DROP [0:0]
	:FORWARD ACCEPT [0:0]
	:OUTPUT ACCEPT [0:0]
	:web - [0:0]
	-A INPUT -s $a -p tcp -m tcp --dport 22 -j ACCEPT
	-A INPUT -p tcp -j web
	-A INPUT -p udp -m udp --dport 53 -j ACCEPT
	-A INPUT -p $icmp -j ACCEPT
	-A web -s $b -p tcp -m tcp --dport 80 -j DROP
	-A web -p tcp -m tcp --dport 80 -j ACCEPT
	-A web -p tcp -m tcp --dport 443
	COMMIT
	RULES
	ns_xtctl "$server" "$fam" restore "$file"
}

# counters FAM: "CHAIN:N=PKTS" for every rule of INPUT and web
counters()
{
	local chain

	for chain in INPUT web; do
		ns_xtctl "$server" "$1" -L "$chain" -v -x -n |
			awk -v c="$chain" 'NR > 2 { print c ":" NR - 2 "=" $1 }'
	done
}

# moved BEFORE AFTER: the rules whose counter changed, "CHAIN:N" sorted
moved()
{
	join -t= <(sort <<<"$1") <(sort <<<"$2") |
		awk -F= '$2 != $3 { print $1 }' | sort
}

# case_ FAM NAME SCAPY VERDICT EXPLAIN-ARGS...: explain, send, compare
case_()
{
	local fam=$1 name=$2 pkt=$3 expect=$4 out want before after verdict
	shift 4

	before=$(counters "$fam")
	out=$(ns_xtctl "$server" explain "$fam" -i veth0 "$@")
	check_eq "$fam $name: explaining moves no counter" "$before" \
		"$(counters "$fam")"
	want=$(awk -F'[: ]' '$1 == "filter" && $3 == "rule" { print $2 ":" $4 }' \
		<<<"$out" | sort)
	verdict=$(awk '/^verdict:/ { print $2 }' <<<"$out")
	send_pkts "$client" "$pkt" >/dev/null
	after=$(counters "$fam")
	check_eq "$fam $name: the rules explain lists are those that counted it" \
		"$want" "$(moved "$before" "$after")"
	check_eq "$fam $name: verdict" "$expect" "$verdict"
}

run_family()
{
	local fam=$1 ip=$2 a=$3 b=$4 dst=$5 icmp=$6 echo=$7

	check_ok "$fam: the ruleset loads" load "$fam" "$a" "$b" "$icmp" || return
	case_ "$fam" "ssh from the admin" \
		"$ip(src=\"$a\", dst=\"$dst\")/TCP(sport=40000, dport=22, flags=\"S\")" \
		ACCEPT -s "$a" -d "$dst" -p tcp --dport 22
	case_ "$fam" "web from the blocked host" \
		"$ip(src=\"$b\", dst=\"$dst\")/TCP(sport=40001, dport=80, flags=\"S\")" \
		DROP -s "$b" -d "$dst" -p tcp --dport 80
	case_ "$fam" "https: counted in web, then the policy" \
		"$ip(src=\"$a\", dst=\"$dst\")/TCP(sport=40002, dport=443, flags=\"S\")" \
		DROP -s "$a" -d "$dst" -p tcp --dport 443
	case_ "$fam" "dns" \
		"$ip(src=\"$a\", dst=\"$dst\")/UDP(sport=5353, dport=53)" \
		ACCEPT -s "$a" -d "$dst" -p udp --dport 53
	case_ "$fam" "ping" "$ip(src=\"$a\", dst=\"$dst\")/$echo" \
		ACCEPT -s "$a" -d "$dst" -p "$icmp"
	case_ "$fam" "udp elsewhere: the policy" \
		"$ip(src=\"$a\", dst=\"$dst\")/UDP(sport=5353, dport=9999)" \
		DROP -s "$a" -d "$dst" -p udp --dport 9999
	# tftp is a udp service only: its name is read as -p says, wherever
	check_eq "$fam: a udp service name before -p udp" \
		"$(ns_xtctl "$server" explain "$fam" -i veth0 -s "$a" -p udp --dport 69)" \
		"$(ns_xtctl "$server" explain "$fam" -i veth0 -s "$a" --dport tftp -p udp)"
}

require_root
require_cmd ip join
require_scapy
xtfw_native || ksft_skip "xtctl explain is xtfw's own"
xtfw_load
require_xtctl

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1
ip -n "$client" addr add 10.0.1.20/24 dev veth0
ip -n "$client" addr add fd00:1::20/64 dev veth0 nodad
# no neighbour discovery: only the test's packets reach INPUT
cmac=$(ip -n "$client" -br link show veth0 | awk '{ print $3 }')
smac=$(ip -n "$server" -br link show veth0 | awk '{ print $3 }')
for a in 10.0.1.2 fd00:1::2; do
	ip -n "$client" neigh replace "$a" lladdr "$smac" dev veth0 nud permanent
done
for a in 10.0.1.1 10.0.1.20 fd00:1::1 fd00:1::20; do
	ip -n "$server" neigh replace "$a" lladdr "$cmac" dev veth0 nud permanent
done
check_match "a device that does not exist is an error" "no such device" \
	"$(ns_xtctl "$server" explain -i nosuch0 -p tcp --dport 22 2>&1)"
run_family -4 IP 10.0.1.1 10.0.1.20 10.0.1.2 icmp 'ICMP()'
run_family -6 IPv6 fd00:1::1 fd00:1::20 fd00:1::2 icmpv6 'ICMPv6EchoRequest()'
ksft_exit
