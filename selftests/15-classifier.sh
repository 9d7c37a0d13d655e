#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The chain classifier keeps iptables' first-match semantics exactly. A
# random chain of 1,000-2,000 rules (prefixes, negations, protocols,
# single ports and port ranges, interfaces with "+") is loaded into INPUT
# and crafted packets are sent to it; the counter of every rule must be
# what cls_gen.py computes by reading the rules one after the other. Twice
# per family: rules without a target (every rule a packet matches counts
# it, so the classifier must find them all, in order) and rules that
# ACCEPT (only the first match counts). Then a chain where jumps and
# RETURNs cross many rules.
#
#   client veth0 10.0.1.1/24, fd00:1::1/64 ─── server veth0 10.0.1.2, ::2
#   (packets from .1 .. .60 / ::1 .. ::3c)      INPUT: the random chain
#
# timeout: 600

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare client server
GEN="$SELFTESTS_DIR/cls_gen.py"

# random_chain FAMILY NRULES NPKTS SEED MODE
random_chain()
{
	local fam=$1 n=$2 npkts=$3 seed=$4 mode=$5 dir pkts=()

	dir=$(mktemp -d) || return
	defer rm -rf "$dir"
	if ! "$PYTHON" "$GEN" "${fam#-}" "$n" "$npkts" "$seed" "$mode" "$dir"; then
		ksft_fail "cls_gen.py failed"
	fi
	check_ok "$fam $mode: $n random rules load" \
		ns_xtctl "$server" "$fam" restore "$dir/rules" || return
	mapfile -t pkts <"$dir/pkts"
	check_ok "$fam $mode: send $npkts crafted packets" \
		send_pkts "$client" "${pkts[@]}"
	check_eq "$fam $mode: every rule counted what a linear walk says" \
		"$(cat "$dir/expect")" \
		"$(rule_counts "$server" "$fam" filter INPUT)"
}

# Jumps and returns across long chains: a packet enters A (40 rules),
# jumps at rule 20 into B (40 rules), which RETURNs at its rule 30 only
# for port 7000, and A ACCEPTs at rule 35 what came back.
jump_chains()
{
	local fam=$1 src=$2 dst=$3 i file
	local ip=IP

	[[ $fam == -6 ]] && ip=IPv6
	file=$(mktemp) || return
	defer rm -f "$file"
	{
		echo "*filter"
		echo ":INPUT ACCEPT [0:0]"
		echo ":FORWARD ACCEPT [0:0]"
		echo ":OUTPUT ACCEPT [0:0]"
		echo ":A - [0:0]"
		echo ":B - [0:0]"
		echo "-A INPUT -p udp -j A"
		for ((i = 1; i <= 40; i++)); do
			case $i in
			20) echo "-A A -s $src -p udp -j B" ;;
			35) echo "-A A -s $src -p udp --dport 7000 -j ACCEPT" ;;
			*) echo "-A A -s $src -p udp --dport $((8000 + i)) -j DROP" ;;
			esac
		done
		for ((i = 1; i <= 40; i++)); do
			case $i in
			30) echo "-A B -p udp --dport 7000 -j RETURN" ;;
			40) echo "-A B -p udp -j DROP" ;;
			*) echo "-A B -s $src -p udp --dport $((9000 + i)) -j DROP" ;;
			esac
		done
		echo "COMMIT"
	} >"$file"
	check_ok "$fam: the jump chains load" ns_xtctl "$server" "$fam" restore "$file" ||
		return
	check_ok "$fam: send 3 to port 7000, 2 to port 7001" send_pkts "$client" \
		"[$ip(src=\"$src\", dst=\"$dst\")/UDP(sport=1, dport=7000)] * 3" \
		"[$ip(src=\"$src\", dst=\"$dst\")/UDP(sport=1, dport=7001)] * 2"
	check_eq "$fam: A: the jump saw 5, the ACCEPT 3 after B returned" \
		"5:3:0" \
		"$(rule_pkts "$server" "$fam" filter A 20):$(rule_pkts "$server" "$fam" filter A 35):$(rule_pkts "$server" "$fam" filter A 36)"
	check_eq "$fam: B: RETURN 3, the final DROP 2" "3:2" \
		"$(rule_pkts "$server" "$fam" filter B 30):$(rule_pkts "$server" "$fam" filter B 40)"
}

require_root
require_cmd ip
require_scapy
xtfw_load
require_xtctl

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1
# no neighbour discovery: nothing but the test's packets reaches INPUT
cmac=$(ip -n "$client" -br link show veth0 | awk '{ print $3 }')
smac=$(ip -n "$server" -br link show veth0 | awk '{ print $3 }')
ip -n "$client" neigh replace 10.0.1.2 lladdr "$smac" dev veth0 nud permanent
ip -n "$client" neigh replace fd00:1::2 lladdr "$smac" dev veth0 nud permanent
for ((i = 1; i <= 60; i++)); do
	ip -n "$server" neigh replace "10.0.1.$i" lladdr "$cmac" dev veth0 nud permanent
	ip -n "$server" neigh replace "$(printf 'fd00:1::%x' "$i")" lladdr "$cmac" \
		dev veth0 nud permanent
done

random_chain -4 2000 150 1 count
random_chain -4 2000 100 2 first
random_chain -6 1000 100 3 count
random_chain -6 1000 100 4 first
jump_chains -4 10.0.1.1 10.0.1.2
jump_chains -6 fd00:1::1 fd00:1::2
ksft_exit
