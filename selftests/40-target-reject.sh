#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# REJECT: each --reject-with type sends the ICMP or ICMPv6 error ping
# reports (and tcp-reset a reset that refuses a TCP connection at once);
# the rule counts the packet and nothing passes. REJECT's limits (filter
# table only, tcp-reset only with -p tcp) are refused.
#
#   client                                   server
#   veth0 10.0.1.1 fd00:1::1  ───────────  veth0 10.0.1.2 fd00:1::2
#                                            REJECT rules in INPUT,
#                                            TCP server on :8081
#
# timeout: 300

# shellcheck disable=SC2034 # arrays are read through namerefs
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare client server

# --reject-with TYPE and what iputils ping prints for the error
V4_TYPES=(
	"icmp-net-unreachable:Destination Net Unreachable"
	"icmp-host-unreachable:Destination Host Unreachable"
	"icmp-port-unreachable:Destination Port Unreachable"
	"icmp-proto-unreachable:Destination Protocol Unreachable"
	"icmp-net-prohibited:Destination Net Prohibited"
	"icmp-host-prohibited:Destination Host Prohibited"
	"icmp-admin-prohibited:Packet filtered"
)
V6_TYPES=(
	"icmp6-no-route:Destination unreachable: No route"
	"icmp6-adm-prohibited:Destination unreachable: Administratively prohibited"
	"icmp6-addr-unreachable:Destination unreachable: Address unreachable"
	"icmp6-port-unreachable:Destination unreachable: Port unreachable"
)

# test_icmp FAMILY TYPES_ARRAY
test_icmp()
{
	local fam=$1 addr=10.0.1.2 proto=icmp entry type text out
	local -n types=$2

	if [[ $fam == -6 ]]; then
		addr=fd00:1::2
		proto=icmpv6
	fi
	for entry in "${types[@]}"; do
		type=${entry%%:*}
		text=${entry#*:}
		ns_xtctl "$server" "$fam" -F INPUT
		check_ok "$fam -A INPUT -p $proto -j REJECT --reject-with $type" \
			ns_xtctl "$server" "$fam" -A INPUT -p "$proto" -j REJECT \
			--reject-with "$type" || continue
		out=$(ns_exec "$client" ping -c 1 -W 2 "$addr")
		check_match "$fam $type: ping reports it" "$text" "$out"
		check_eq "$fam $type: the rule counted the request" 1 \
			"$(rule_pkts "$server" "$fam" filter INPUT 1)"
	done
	# the default is port unreachable in both families
	ns_xtctl "$server" "$fam" -F INPUT
	ns_xtctl "$server" "$fam" -A INPUT -p "$proto" -j REJECT
	out=$(ns_exec "$client" ping -c 1 -W 2 "$addr")
	check_match "$fam default: port unreachable" '[Pp]ort [Uu]nreachable' "$out"
	ns_xtctl "$server" "$fam" -F INPUT
}

test_tcp_reset()
{
	local fam=$1 addr=10.0.1.2 start err

	[[ $fam == -6 ]] && addr=fd00:1::2
	check_ok "$fam -A INPUT -p tcp --dport 8081 -j REJECT --reject-with tcp-reset" \
		ns_xtctl "$server" "$fam" -A INPUT -p tcp --dport 8081 -j REJECT \
		--reject-with tcp-reset
	start=$SECONDS
	[[ $addr == *:* ]] && addr="[$addr]"
	err=$(ns_exec "$client" socat -T 10 - "TCP:$addr:8081,connect-timeout=10" \
		</dev/null 2>&1 >/dev/null)
	check_match "$fam tcp-reset: connection refused" 'Connection refused' "$err"
	check_ok "$fam tcp-reset: refused at once, not after a timeout" \
		test $((SECONDS - start)) -lt 8
	check_eq "$fam tcp-reset: the rule counted the SYN" 1 \
		"$(rule_pkts "$server" "$fam" filter INPUT 1)"
	ns_xtctl "$server" "$fam" -F INPUT
}

test_refused()
{
	check_refused "tcp-reset without -p tcp is refused" "$server" \
		'tcp-reset needs -p tcp' \
		-A INPUT -p udp -j REJECT --reject-with tcp-reset
	check_refused "REJECT in mangle is refused" "$server" \
		'REJECT is only valid in the filter table' \
		-t mangle -A INPUT -j REJECT
	check_refused "an ICMP type in an IPv6 rule is refused" "$server" \
		'.' -6 -A INPUT -j REJECT --reject-with icmp-host-prohibited
	check_eq "refused rules left the chains empty" ":" \
		"$(rule_counts "$server" -4 filter INPUT):$(rule_counts "$server" -4 mangle INPUT)"
}

require_root
require_cmd ip ping socat ss
xtfw_load
require_xtctl

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1
start_tcp_server "$server" 8081

test_icmp -4 V4_TYPES
test_icmp -6 V6_TYPES
test_tcp_reset -4
test_tcp_reset -6
test_refused
ksft_exit
