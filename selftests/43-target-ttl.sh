#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TTL and HL targets (set, dec, inc; saturating at 0 and 255) in the
# client's mangle OUTPUT: the server sees exactly the new value, and since
# a bad IPv4 header checksum is dropped before any hook, its counting rules
# also prove the checksum was updated. Both are refused outside mangle.
#
#   client                                   server
#   veth0 10.0.1.1 fd00:1::1  ───────────  veth0 10.0.1.2 fd00:1::2
#   TTL/HL in mangle OUTPUT                  ttl/hl counting in INPUT
#
# timeout: 240

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare client server

# test_family FAMILY: TTL/ttl for -4, HL/hl for -6
test_family()
{
	local fam=$1 T=TTL t=ttl ip='IP(src="10.0.1.1", dst="10.0.1.2", ttl=64)'
	local port rule

	if [[ $fam == -6 ]]; then
		T=HL t=hl ip='IPv6(src="fd00:1::1", dst="fd00:1::2", hlim=64)'
	fi
	local -a client_rules=(
		"-p udp --dport 7000 -j $T --$t-set 33"
		"-p udp --dport 7001 -j $T --$t-dec 10"
		"-p udp --dport 7002 -j $T --$t-inc 200"
		"-p udp --dport 7003 -j $T --$t-dec 100"
		"-p udp --dport 7004 -j $T --$t-inc 1"
	)
	local -a server_rules=(
		"-p udp --dport 7000 -m $t --$t-eq 33"
		"-p udp --dport 7001 -m $t --$t-eq 54"
		"-p udp --dport 7002 -m $t --$t-eq 255"
		"-p udp --dport 7003 -m $t --$t-eq 0"
		"-p udp --dport 7004 -m $t --$t-eq 65"
		"-p udp --dport 7000:7004"
	)
	for rule in "${client_rules[@]}"; do
		# shellcheck disable=SC2086 # the rule's words
		check_ok "$fam client: -t mangle -A OUTPUT $rule" \
			ns_xtctl "$client" "$fam" -t mangle -A OUTPUT $rule || return
	done
	for rule in "${server_rules[@]}"; do
		# shellcheck disable=SC2086 # the rule's words
		check_ok "$fam server: -A INPUT $rule" \
			ns_xtctl "$server" "$fam" -A INPUT $rule || return
	done
	for port in 7000 7001 7002 7003 7004; do
		check_ok "$fam: send to $port" send_pkts "$client" \
			"$ip/UDP(sport=1, dport=$port)"
	done
	check_eq "$fam: each datagram arrived with its new $t" "1 1 1 1 1 5" \
		"$(rule_counts "$server" "$fam" filter INPUT)"
	check_eq "$fam: each $T rule counted one" "1 1 1 1 1" \
		"$(rule_counts "$client" "$fam" mangle OUTPUT)"
}

test_refused()
{
	check_refused "TTL in filter is refused" "$client" \
		'TTL is only valid in the mangle table' \
		-4 -A OUTPUT -j TTL --ttl-set 1
	check_refused "HL in filter is refused" "$client" \
		'HL is only valid in the mangle table' \
		-6 -A OUTPUT -j HL --hl-set 1
	check_refused "--ttl-dec 0 is refused" "$client" \
		'.' -4 -t mangle -A OUTPUT -j TTL --ttl-dec 0
}

require_root
require_cmd ip
require_scapy
xtfw_load
require_xtctl

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1

test_family -4
test_family -6
test_refused
ksft_exit
