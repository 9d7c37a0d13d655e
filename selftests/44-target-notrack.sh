#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NOTRACK (also spelt CT --notrack) in the raw table: accepted, counts, and
# traffic passes. While xtfw has no connection tracking every packet is
# untracked, so it has nothing else to do yet. Outside raw it is refused.
#
#   client                                   server
#   veth0 10.0.1.1 fd00:1::1  ───────────  veth0 10.0.1.2 fd00:1::2
#                                            NOTRACK in raw PREROUTING/OUTPUT
#
# timeout: 120

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare client server

test_family()
{
	local fam=$1 addr=10.0.1.2 peer=10.0.1.1 proto=icmp

	# -s/-d: not the client's router solicitations
	if [[ $fam == -6 ]]; then
		addr=fd00:1::2
		peer=fd00:1::1
		proto=icmpv6
	fi
	check_ok "$fam -t raw -A PREROUTING -s $peer -p $proto -j NOTRACK" \
		ns_xtctl "$server" "$fam" -t raw -A PREROUTING -s "$peer" \
		-p "$proto" -j NOTRACK
	check_ok "$fam -t raw -A OUTPUT -d $peer -p $proto -j CT --notrack" \
		ns_xtctl "$server" "$fam" -t raw -A OUTPUT -d "$peer" \
		-p "$proto" -j CT --notrack
	check_ok "$fam: ping passes" ping_once "$client" "$addr"
	check_eq "$fam: NOTRACK counted the request" 1 \
		"$(rule_pkts "$server" "$fam" raw PREROUTING 1)"
	check_eq "$fam: CT --notrack counted the reply" 1 \
		"$(rule_pkts "$server" "$fam" raw OUTPUT 1)"
	ns_xtctl "$server" "$fam" -t raw -F
}

require_root
require_cmd ip ping
xtfw_load
require_xtctl

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1

test_family -4
test_family -6
check_refused "NOTRACK in filter is refused" "$server" \
	'NOTRACK is only valid in the raw table' -A INPUT -j NOTRACK
ksft_exit
