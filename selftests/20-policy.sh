#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Built-in chain policies: DROP on INPUT or OUTPUT of the server blocks ping
# and TCP to it, ACCEPT lets them through again, per family; -L and -S print
# what iptables-legacy prints; the policy counters count exactly the packets
# the policy decided.
#
#   client                                   server
#   veth0 10.0.1.1 fd00:1::1  ───────────  veth0 10.0.1.2 fd00:1::2
#                                            rulesets under test, TCP :8080
#
# timeout: 240

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"

PORT=8080
# One echo request with ping's default 56 data bytes, at the IP layer.
PING4_BYTES=84
PING6_BYTES=104

declare client server

setup()
{
	setup_ns client server
	connect_ns "$client" veth0 "$server" veth0 1
	start_tcp_server "$server" "$PORT"
}

addr_of()
{
	if [[ $1 == -6 ]]; then echo fd00:1::2; else echo 10.0.1.2; fi
}

other_family()
{
	if [[ $1 == -6 ]]; then echo -4; else echo -6; fi
}

# check_reachable FAMILY WHAT yes|no: ping and TCP from client to server.
check_reachable()
{
	local fam=$1 what=$2 expect=$3 addr

	addr=$(addr_of "$fam")
	if [[ $expect == yes ]]; then
		check_ok "$fam $what: ping passes" ping_once "$client" "$addr"
		check_eq "$fam $what: TCP connects" hello \
			"$(tcp_hello "$client" "$addr" "$PORT")"
	else
		check_fail "$fam $what: ping is blocked" ping_once "$client" "$addr" 1
		check_eq "$fam $what: TCP is blocked" "" \
			"$(tcp_hello "$client" "$addr" "$PORT" 1)"
	fi
}

# check_policy_delta FAMILY CHAIN WHAT BEFORE PACKETS BYTES
check_policy_delta()
{
	local fam=$1 chain=$2 what=$3 before=$4 packets=$5 bytes=$6 after

	after=$(policy_counters "$server" "$chain" "$fam")
	check_eq "$fam $what: $chain policy counted $packets packets, $bytes bytes" \
		"$packets $bytes" \
		"$((${after% *} - ${before% *})) $((${after#* } - ${before#* }))"
}

ping_bytes()
{
	if [[ $1 == -6 ]]; then echo "$PING6_BYTES"; else echo "$PING4_BYTES"; fi
}

test_no_ruleset()
{
	check_reachable -4 "no ruleset" yes
	check_reachable -6 "no ruleset" yes
}

# test_input_drop FAMILY
test_input_drop()
{
	local fam=$1 before

	check_ok "$fam -P INPUT DROP" ns_xtctl "$server" "$fam" -P INPUT DROP
	check_eq "$fam -L INPUT shows the DROP policy" "Chain INPUT (policy DROP)" \
		"$(policy_line "$server" INPUT "$fam")"
	check_eq "$fam -S shows the policies" \
		"$(printf -- '-P INPUT DROP\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT')" \
		"$(ns_xtctl "$server" "$fam" -S)"

	before=$(policy_counters "$server" INPUT "$fam")
	check_fail "$fam INPUT DROP: ping is blocked" \
		ping_once "$client" "$(addr_of "$fam")" 1
	check_policy_delta "$fam" INPUT "INPUT DROP" "$before" 1 "$(ping_bytes "$fam")"
	check_reachable "$fam" "INPUT DROP" no
	check_ok "$fam INPUT DROP: the other family still passes" \
		ping_once "$client" "$(addr_of "$(other_family "$fam")")"

	check_ok "$fam -P INPUT ACCEPT" ns_xtctl "$server" "$fam" -P INPUT ACCEPT
	check_eq "$fam -L INPUT shows the ACCEPT policy" "Chain INPUT (policy ACCEPT)" \
		"$(policy_line "$server" INPUT "$fam")"
	check_match "$fam -L -v shows the policy counters" \
		'^Chain INPUT \(policy ACCEPT [0-9]+ packets, [0-9]+ bytes\)$' \
		"$(policy_line "$server" INPUT "$fam" -v -x)"
	before=$(policy_counters "$server" INPUT "$fam")
	check_ok "$fam INPUT ACCEPT: ping passes" ping_once "$client" "$(addr_of "$fam")"
	check_policy_delta "$fam" INPUT "INPUT ACCEPT" "$before" 1 "$(ping_bytes "$fam")"
	check_reachable "$fam" "INPUT ACCEPT" yes
}

# test_output_drop FAMILY: the request gets in, the reply is dropped.
test_output_drop()
{
	local fam=$1 before_in before_out

	check_ok "$fam -P OUTPUT DROP" ns_xtctl "$server" "$fam" -P OUTPUT DROP
	check_eq "$fam -L OUTPUT shows the DROP policy" "Chain OUTPUT (policy DROP)" \
		"$(policy_line "$server" OUTPUT "$fam")"

	before_in=$(policy_counters "$server" INPUT "$fam")
	before_out=$(policy_counters "$server" OUTPUT "$fam")
	check_fail "$fam OUTPUT DROP: ping is blocked" \
		ping_once "$client" "$(addr_of "$fam")" 1
	check_policy_delta "$fam" INPUT "OUTPUT DROP" "$before_in" 1 "$(ping_bytes "$fam")"
	# The server's own MLD reports may also leave through IPv6 OUTPUT.
	if [[ $fam == -4 ]]; then
		check_policy_delta "$fam" OUTPUT "OUTPUT DROP" "$before_out" 1 "$PING4_BYTES"
	fi
	check_reachable "$fam" "OUTPUT DROP" no

	check_ok "$fam -P OUTPUT ACCEPT" ns_xtctl "$server" "$fam" -P OUTPUT ACCEPT
	check_eq "$fam -S shows the policies" \
		"$(printf -- '-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT')" \
		"$(ns_xtctl "$server" "$fam" -S)"
	check_reachable "$fam" "OUTPUT ACCEPT" yes
}

test_bad_policies()
{
	check_fail "-P on a chain that does not exist fails" \
		ns_xtctl "$server" -P NOSUCHCHAIN DROP
	check_fail "-P with a target that is not a policy fails" \
		ns_xtctl "$server" -P INPUT REJECT
	check_eq "a failed -P changes nothing" "Chain INPUT (policy ACCEPT)" \
		"$(policy_line "$server" INPUT)"
}

require_root
require_cmd ip ping socat ss
xtfw_load
require_xtctl
setup

test_no_ruleset
test_input_drop -4
test_output_drop -4
test_input_drop -6
test_output_drop -6
test_bad_policies
ksft_exit
