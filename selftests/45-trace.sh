#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Which rule decided? "xtctl trace add" puts TRACE rules in raw, and
# "xtctl monitor trace" prints every step of a traced packet: the TRACE
# rule, raw's policy, each filter rule it matches, the user chain it
# returns from and the rule that accepts it, in order, for one packet ID;
# IPv4 and IPv6. A flood of traced packets is cut to the rate limit, with
# the lost events counted. Nobody without CAP_NET_ADMIN may listen.
# "xtctl monitor ct" shows NEW, UPDATE and DESTROY events like
# conntrack -E.
#
#   client veth0 10.0.1.1, fd00:1::1 ──── server veth0 10.0.1.2, fd00:1::2
#                                          tcp/22 listening; rules below
#
# timeout: 300

# shellcheck disable=SC2317 # functions run through check_ok

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare client server

rules()
{
	local fam=$1

	ns_xtctl "$server" "$fam" -N users &&
	ns_xtctl "$server" "$fam" -A INPUT -p udp -j ACCEPT &&
	ns_xtctl "$server" "$fam" -A INPUT -p tcp -j users &&
	ns_xtctl "$server" "$fam" -A INPUT -p tcp --dport 22 -j ACCEPT &&
	ns_xtctl "$server" "$fam" -A users -s "$2" -j DROP &&
	ns_xtctl "$server" "$fam" -A users -p tcp &&
	ns_xtctl "$server" trace add "$fam" -p tcp --dport 22
}

# monitor NS FILE ARGS...: start "xtctl monitor ARGS" in the background,
# its output to FILE, and give it a second to join its group.
monitor()
{
	local ns=$1 file=$2
	shift 2

	# shellcheck disable=SC2086 # $XTCTL may be a command with arguments
	ip netns exec "$ns" $XTCTL monitor "$@" >"$file" 2>&1 &
	MON_PID=$!
	sleep 1
	kill -0 "$MON_PID" 2>/dev/null ||
		ksft_fail "xtctl monitor $* did not start: $(cat "$file")"
}

test_trace()
{
	local fam=$1 dst=$2 other=$3 file id got v6='' prefix='' src
	local want

	[[ $fam == -6 ]] && v6=1 prefix=ip6:
	check_ok "$fam: rules and a trace of tcp/22" rules "$fam" "$other" || return
	check_match "$fam: the TRACE rules are listed" \
		'-A PREROUTING -p tcp -m tcp --dport 22 -m comment --comment xtctl-trace -j TRACE' \
		"$(ns_xtctl "$server" "$fam" -t raw -S)"
	file=$(mktemp) && defer rm -f "$file"
	monitor "$server" "$file" trace "$fam" --timeout 3
	check_eq "$fam: the client gets hello" hello "$(tcp_hello "$client" "$dst" 22)"
	wait "$MON_PID"
	id=$(awk '/^TRACE:/ { for (i = 1; i <= NF; i++) if ($i ~ /^ID=/) { print $i; exit } }' "$file")
	# the ID is the skb's: a later packet may reuse it, so the first six
	got=$(grep -F " $id" "$file" | head -6 |
		awk '{ print $2, ($3 ~ /^(ACCEPT|DROP)$/ ? $3 : "") }' | sed 's/ $//')
	want="${prefix}raw:PREROUTING:rule:1
${prefix}raw:PREROUTING:policy ACCEPT
${prefix}filter:INPUT:rule:2
${prefix}filter:users:rule:2
${prefix}filter:users:return
${prefix}filter:INPUT:rule:3 ACCEPT"
	check_eq "$fam: the first packet's steps, in order" "$want" "$got"
	src=10.0.1.1
	[[ -n $v6 ]] && src=fd00:1::1
	check_match "$fam: the line says where and what" \
		"IN=veth0 OUT= SRC=$src DST=$dst LEN=[0-9]+ PROTO=TCP SPT=[0-9]+ DPT=22 MARK=0x0" \
		"$(grep -F " $id" "$file" | head -1)"
	check_eq "$fam: the rest of the connection is traced too" 1 \
		"$(awk '/^TRACE:/ { for (i = 1; i <= NF; i++) if ($i ~ /^ID=/) ids[$i] = 1 }
			END { print (length(ids) > 1) }' "$file")"
	check_ok "$fam: trace del removes the TRACE rules" \
		ns_xtctl "$server" trace del "$fam" -p tcp --dport 22
	check_eq "$fam: raw is empty again" "" \
		"$(ns_xtctl "$server" "$fam" -t raw -S | grep -v '^-P')"
}

# udp_flood NS ADDR PORT N: N datagrams as fast as a plain socket sends
udp_flood()
{
	ns_exec "$1" python3 -c "
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for _ in range($4):
    s.sendto(b'x', ('$2', $3))
"
}

test_rate_limit()
{
	local file lines lost start secs

	ns_xtctl "$server" trace add -4 -p udp --dport 9999
	file=$(mktemp) && defer rm -f "$file"
	monitor "$server" "$file" trace -4 --timeout 8
	# 3 events per datagram (TRACE rule, raw policy, filter rule 1)
	start=$(_now_ms)
	udp_flood "$client" 10.0.1.2 9999 3000
	secs=$((($(_now_ms) - start) / 1000 + 2))
	# one more, a second later: its first event reports the lost ones
	sleep 1.5
	udp_flood "$client" 10.0.1.2 9999 1
	wait "$MON_PID"
	lines=$(grep -c '^TRACE:' "$file")
	lost=$(grep -o 'LOST=[0-9]*' "$file" | awk -F= '{ s += $2 } END { print s + 0 }')
	# The flood's own seconds give at most 1000 each; the last datagram
	# falls in a later second and adds its 3.
	check_ok "a flood of 9003 events is cut to the rate limit ($lines in about $secs s)" \
		test "$lines" -le $((1000 * secs + 3)) -a "$lines" -lt 9003
	check_ok "and the events not sent are counted as LOST ($lost)" \
		test "$lost" -gt 0 -a $((lines + lost)) -le 9003
	ns_xtctl "$server" trace del -4 -p udp --dport 9999
}

test_unprivileged()
{
	local out rc=0

	# shellcheck disable=SC2086 # $XTCTL may be a command with arguments
	out=$(ns_exec "$server" setpriv --reuid=nobody --regid=nogroup \
		--clear-groups --inh-caps=-all $XTCTL monitor trace --timeout 1 2>&1) ||
		rc=$?
	check_fail "nobody cannot listen to traces" test "$rc" -eq 0
	check_match "and is told why" "ermission|not permitted" "$out"
}

test_ct_events()
{
	local file

	file=$(mktemp) && defer rm -f "$file"
	# a rule that reads the state turns tracking on, as for iptables
	check_ok "ct: a stateful rule" ns_xtctl "$server" -4 -A OUTPUT \
		-m conntrack --ctstate ESTABLISHED -j ACCEPT
	monitor "$server" "$file" ct -4 --timeout 3
	tcp_hello "$client" 10.0.1.2 22 >/dev/null
	ns_xtctl "$server" ct flush
	wait "$MON_PID"
	check_match "ct: NEW for the connection" \
		'^ +\[NEW\] tcp +6 [0-9]+ SYN_SENT src=10.0.1.1 dst=10.0.1.2 sport=[0-9]+ dport=22' \
		"$(grep NEW "$file")"
	check_match "ct: UPDATE as it is established" \
		'\[UPDATE\] tcp +6 [0-9]+ ESTABLISHED src=10.0.1.1' "$(grep UPDATE "$file")"
	check_match "ct: DESTROY when flushed" \
		'\[DESTROY\] tcp +6 .*dport=22' "$(grep DESTROY "$file")"
}

require_root
require_cmd ip
require_scapy
xtfw_native || ksft_skip "xtctl monitor is xtfw's own"
xtfw_load
require_xtctl

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1
start_tcp_server "$server" 22

test_trace -4 10.0.1.2 10.9.9.9
test_trace -6 fd00:1::2 fd00:9::9
test_rate_limit
test_unprivileged
test_ct_events
ksft_exit
