#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The port matches: tcp (ports, --tcp-flags, --tcp-option), udp, udplite,
# sctp and multiport, each with "!", over IPv4 and IPv6. The client sends
# crafted packets (scapy); counting rules in the server's INPUT must count
# exactly the packets each should. Then a port DROP rule must block TCP to
# its port and only that one, and rules the kernel must refuse are refused.
#
#   client                                   server
#   veth0 10.0.1.1 fd00:1::1  ───────────  veth0 10.0.1.2 fd00:1::2
#                                            counting rules in INPUT,
#                                            TCP servers on :8081 and :8082
#
# timeout: 300

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare client server

# Rules 1-15, in this order, in the server's INPUT (no targets: they count).
RULES=(
	"-p tcp --dport 8080"
	"-p tcp --sport 1000:1999 --dport 8080"
	"-p tcp ! --sport 1000:1999 --dport 8080"
	"-p tcp --dport 8080 --tcp-flags SYN,ACK,FIN,RST SYN"
	"-p tcp --dport 8080 ! --tcp-flags SYN,ACK SYN"
	"-p tcp --dport 8080 --tcp-option 2"
	"-p tcp --dport 8080 ! --tcp-option 2"
	"-p udp --dport 9000:9001"
	"-p udp ! --dport 9000"
	"-p sctp --dport 5000"
	"-p tcp -m multiport --dports 7000,8080,9100:9200"
	"-p udp -m multiport --sports 53,1000:1100"
	"-p udp -m multiport --ports 9000"
	"-p tcp -m multiport ! --dports 8080,8081"
	"-p sctp -m multiport --sports 99:101"
)
#        1 2 3 4 5 6 7 8 9 10 11 12 13 14 15
EXPECT="3 2 1 1 2 1 2 2 2 1 4 2 1 1 1"

# packets FAMILY: the scapy expressions of the packets to send.
packets()
{
	local ip

	if [[ $1 == -4 ]]; then
		ip='IP(src="10.0.1.1", dst="10.0.1.2")'
	else
		ip='IPv6(src="fd00:1::1", dst="fd00:1::2")'
	fi
	# a: SYN with MSS; b: SYN-ACK, no options; c: ACK with timestamps
	echo "$ip/TCP(sport=1500, dport=8080, flags='S', options=[('MSS', 1460)])"
	echo "$ip/TCP(sport=2500, dport=8080, flags='SA')"
	echo "$ip/TCP(sport=1500, dport=8080, flags='A', options=[('NOP', None), ('NOP', None), ('Timestamp', (1, 2))])"
	# d: SYN to a port in the multiport range
	echo "$ip/TCP(sport=1500, dport=9150, flags='S')"
	# e, f, g: UDP
	echo "$ip/UDP(sport=1050, dport=9000)"
	echo "$ip/UDP(sport=5353, dport=9001)"
	echo "$ip/UDP(sport=53, dport=7)"
	# h: SCTP
	echo "$ip/SCTP(sport=100, dport=5000)"
}

# udplite FAMILY: one UDP-Lite datagram to port 9000.
udplite()
{
	if [[ $1 == -4 ]]; then
		echo 'IP(src="10.0.1.1", dst="10.0.1.2", proto=136)/UDP(sport=1, dport=9000)'
	else
		echo 'IPv6(src="fd00:1::1", dst="fd00:1::2", nh=136)/UDP(sport=1, dport=9000)'
	fi
}

test_counters()
{
	local fam=$1 rule exprs

	ns_xtctl "$server" "$fam" -F INPUT
	for rule in "${RULES[@]}"; do
		# shellcheck disable=SC2086 # the rule's words
		check_ok "$fam -A INPUT $rule" ns_xtctl "$server" "$fam" -A INPUT $rule ||
			return
	done
	mapfile -t exprs < <(packets "$fam")
	check_ok "$fam: send the crafted packets" send_pkts "$client" "${exprs[@]}"
	check_eq "$fam: per-rule packet counters" "$EXPECT" \
		"$(rule_counts "$server" "$fam" filter INPUT)"

	# xtctl's udplite match (iptables has no userspace for it)
	xtfw_native || return
	check_ok "$fam -A INPUT -p udplite -m udplite --dport 9000" \
		ns_xtctl "$server" "$fam" -A INPUT -p udplite -m udplite --dport 9000
	check_ok "$fam: send a UDP-Lite datagram" \
		send_pkts "$client" "$(udplite "$fam")"
	check_eq "$fam: udplite counted it, udp did not" "1 2" \
		"$(rule_pkts "$server" "$fam" filter INPUT 16) $(rule_pkts "$server" "$fam" filter INPUT 9)"
}

test_delivery()
{
	local fam=$1 addr=10.0.1.2

	[[ $fam == -6 ]] && addr=fd00:1::2
	ns_xtctl "$server" "$fam" -F INPUT
	check_ok "$fam -A INPUT -p tcp --dport 8081 -j DROP" \
		ns_xtctl "$server" "$fam" -A INPUT -p tcp --dport 8081 -j DROP
	check_eq "$fam: TCP to 8081 is dropped" "" \
		"$(tcp_hello "$client" "$addr" 8081 1)"
	check_eq "$fam: TCP to 8082 passes" hello \
		"$(tcp_hello "$client" "$addr" 8082)"
	check_match "$fam: the DROP rule counted the SYNs" '^[1-9][0-9]*$' \
		"$(rule_pkts "$server" "$fam" filter INPUT 1)"
	ns_xtctl "$server" "$fam" -F INPUT
}

test_refused()
{
	check_refused "-m tcp without -p tcp is refused" "$server" \
		'tcp needs -p tcp' -A INPUT -m tcp --dport 80
	check_refused "-m tcp with ! -p tcp is refused" "$server" \
		'tcp needs -p tcp' -A INPUT ! -p tcp -m tcp --dport 80
	check_refused "multiport with -p icmp is refused" "$server" \
		'multiport needs -p tcp' \
		-A INPUT -p icmp -m multiport --dports 1,2
	check_eq "refused rules left INPUT empty" "" \
		"$(rule_counts "$server" -4 filter INPUT)"
}

require_root
require_cmd ip socat ss
require_scapy
xtfw_load
require_xtctl

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1
# Nothing listens on 8080: the crafted packets get resets, not answers
# that would come back as more packets to count.
start_tcp_server "$server" 8081
start_tcp_server "$server" 8082

test_counters -4
test_counters -6
test_delivery -4
test_delivery -6
test_refused
ksft_exit
