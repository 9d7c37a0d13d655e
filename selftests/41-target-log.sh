#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# LOG: one kernel log line per packet in iptables' format (prefix, IN, OUT,
# MAC, addresses, IP and transport fields; SEQ/ACK with
# --log-tcp-sequence), at the --log-level given, for IPv4 and IPv6; the
# rule after LOG still sees the packet. Namespaces other than the initial
# one log only with net.netfilter.nf_log_all_netns=1, as iptables. xtfw
# limits the lines per second: a burst beyond that is cut short and the
# number cut is logged.
#
#   client                                   server
#   veth0 10.0.1.1 fd00:1::1  ───────────  veth0 10.0.1.2 fd00:1::2
#   02:00:00:00:01:01                        02:00:00:00:01:02
#                                            LOG rules in INPUT
#
# timeout: 300

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare client server
TAG="t41-$RANDOM-"
SYSCTL=/proc/sys/net/netfilter/nf_log_all_netns

# log_lines PREFIX [dmesg option...]: the kernel log lines with PREFIX.
log_lines()
{
	local prefix=$1
	shift

	dmesg "$@" | grep -F -- "$prefix" | sed 's/^\[[ 0-9.]*\] //'
}

count_lines()
{
	log_lines "$@" | grep -c .
}

test_ipv4_icmp()
{
	local p="${TAG}icmp4: " lines

	check_ok "-A INPUT -p icmp -j LOG --log-prefix '$p' --log-level info" \
		ns_xtctl "$server" -4 -A INPUT -p icmp -j LOG --log-prefix "$p" \
		--log-level info
	check_ok "a counting rule after LOG" ns_xtctl "$server" -4 -A INPUT -p icmp
	check_ok "2 pings pass" ns_exec "$client" ping -c 2 -i 0.3 -W 2 10.0.1.2
	check_eq "two lines, at level info" 2 "$(count_lines "$p" --level info)"
	lines=$(log_lines "$p")
	check_match "the IPv4 line" \
		"^${p}IN=veth0 OUT= MAC=02:00:00:00:01:02:02:00:00:00:01:01:08:00 SRC=10.0.1.1 DST=10.0.1.2 LEN=84 TOS=0x00 PREC=0x00 TTL=64 ID=[0-9]+ (DF )?PROTO=ICMP TYPE=8 CODE=0 ID=[0-9]+ SEQ=1 ?\$" \
		"$(head -n1 <<<"$lines")"
	check_eq "LOG continued: the next rule counted both" "2 2" \
		"$(rule_counts "$server" -4 filter INPUT)"
	ns_xtctl "$server" -4 -F INPUT
}

test_ipv4_tcp()
{
	local p="${TAG}tcp4: "

	check_ok "-A INPUT -p tcp --syn -j LOG --log-tcp-sequence" \
		ns_xtctl "$server" -4 -A INPUT -p tcp --dport 8081 --syn -j LOG \
		--log-prefix "$p" --log-tcp-sequence
	check_eq "TCP passes" hello "$(tcp_hello "$client" 10.0.1.2 8081)"
	check_match "the SYN line has SEQ and ACK" \
		"^${p}IN=veth0 .* PROTO=TCP SPT=[0-9]+ DPT=8081 SEQ=[0-9]+ ACK=0 WINDOW=[0-9]+ RES=0x00 SYN URGP=0 ?\$" \
		"$(log_lines "$p")"
	check_eq "one line, at the default level warning" 1 \
		"$(count_lines "$p" --level warn)"
	ns_xtctl "$server" -4 -F INPUT
}

test_ipv6_icmp()
{
	local p="${TAG}icmp6: "

	check_ok "-6 -A INPUT -p icmpv6 --icmpv6-type echo-request -j LOG" \
		ns_xtctl "$server" -6 -A INPUT -p icmpv6 --icmpv6-type echo-request \
		-j LOG --log-prefix "$p"
	check_ok "a ping passes" ping_once "$client" fd00:1::2
	check_match "the IPv6 line" \
		"^${p}IN=veth0 OUT= MAC=02:00:00:00:01:02:02:00:00:00:01:01:86:dd SRC=fd00:0001:0000:0000:0000:0000:0000:0001 DST=fd00:0001:0000:0000:0000:0000:0000:0002 LEN=104 TC=0 HOPLIMIT=64 FLOWLBL=[0-9]+ PROTO=ICMPv6 TYPE=128 CODE=0 ID=[0-9]+ SEQ=1 ?\$" \
		"$(log_lines "$p")"
	ns_xtctl "$server" -6 -F INPUT
}

test_other_netns_silent()
{
	local p="${TAG}silent: "

	echo 0 >"$SYSCTL"
	ns_xtctl "$server" -4 -A INPUT -p icmp -j LOG --log-prefix "$p"
	ns_xtctl "$server" -4 -A INPUT -p icmp
	check_ok "a ping passes" ping_once "$client" 10.0.1.2
	check_eq "nf_log_all_netns=0: no line" 0 "$(count_lines "$p")"
	check_eq "nf_log_all_netns=0: the packet went on" "1 1" \
		"$(rule_counts "$server" -4 filter INPUT)"
	echo 1 >"$SYSCTL"
	ns_xtctl "$server" -4 -F INPUT
}

# xtfw only: at most 100 lines a second, the rest counted and reported.
test_ratelimit()
{
	local p="${TAG}flood: " n=400 start elapsed logged max

	xtfw_native || return 0
	ns_xtctl "$server" -4 -A INPUT -p udp --dport 7000 -j LOG --log-prefix "$p"
	start=$(date +%s%N)
	check_ok "send $n datagrams" send_pkts "$client" \
		"[IP(src='10.0.1.1', dst='10.0.1.2')/UDP(sport=1, dport=7000)] * $n"
	elapsed=$((($(date +%s%N) - start) / 1000000000 + 1))
	logged=$(count_lines "$p")
	max=$((100 * (elapsed + 1)))
	check_ok "at most $max of $n lines in ${elapsed}s (logged $logged)" \
		test "$logged" -le "$max"
	((logged < n)) || return 0
	sleep 1.2
	send_pkts "$client" "IP(src='10.0.1.1', dst='10.0.1.2')/UDP(sport=1, dport=7000)"
	check_match "the cut lines are reported" 'xtfw LOG: [0-9]+ callbacks suppressed' \
		"$(dmesg | tail -n 200)"
	ns_xtctl "$server" -4 -F INPUT
}

require_root
require_cmd ip ping socat ss dmesg
require_scapy
[[ -w $SYSCTL ]] || ksft_skip "no $SYSCTL"
xtfw_load
require_xtctl

old=$(cat "$SYSCTL")
defer eval "echo $old >$SYSCTL"
echo 1 >"$SYSCTL"

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1
start_tcp_server "$server" 8081

test_ipv4_icmp
test_ipv4_tcp
test_ipv6_icmp
test_other_netns_silent
test_ratelimit
ksft_exit
