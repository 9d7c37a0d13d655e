#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where tracking happens, for traffic of the host itself: after raw, before
# mangle, at PREROUTING and OUTPUT; an entry is confirmed when its first
# packet leaves INPUT or POSTROUTING.
#  * a ping: raw sees INVALID (not tracked yet), mangle and filter NEW,
#    the reply ESTABLISHED, at both ends, and each end has its entry;
#  * a TCP connection: one NEW (the SYN) and nothing INVALID at either end,
#    the entries end in TIME_WAIT, ASSURED;
#  * a first packet dropped at INPUT, at OUTPUT or at POSTROUTING leaves no
#    entry; where it got through, the entry is there;
#  * CT --notrack in raw OUTPUT and NOTRACK in raw PREROUTING: UNTRACKED,
#    no entry; the answer to an untracked echo request is INVALID;
#  * over loopback: tracked once, at OUTPUT: NEW, then ESTABLISHED for the
#    reply, at OUTPUT and INPUT alike, one entry.
# IPv4 and IPv6.
#
#   client ───────────────── server
#   10.0.1.1 fd00:1::1       10.0.1.2 fd00:1::2
#   state counters in raw, mangle and filter, at every local hook
#
# timeout: 300

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"

declare client server
declare fam C S LO ICMP UDP_HDR_C

set_family()
{
	fam=$1
	if [[ $fam == -4 ]]; then
		C=10.0.1.1 S=10.0.1.2 LO=127.0.0.1 ICMP=icmp
		UDP_HDR_C="IP(src=\"$C\", dst=\"$S\")"
	else
		C=fd00:1::1 S=fd00:1::2 LO=::1 ICMP=icmpv6
		UDP_HDR_C="IPv6(src=\"$C\", dst=\"$S\")"
	fi
}


# counts NS TABLE CHAIN: "NEW=n ESTABLISHED=n ..." of a state chain
counts()
{
	local c i out=

	read -r -a c <<<"$(rule_counts "$1" "$fam" "$2" "$3")"
	for i in "${!CT_STATES[@]}"; do
		out+="${out:+ }${CT_STATES[i]}=${c[i]:-?}"
	done
	echo "$out"
}

zero()
{
	local ns table

	for ns in "$client" "$server"; do
		for table in raw mangle filter; do
			ns_xtctl "$ns" "$fam" -t "$table" -Z
		done
	done
}

# hooks_rules PEER: the ruleset (restore format) that counts every state
# at every hook of raw, mangle and filter, in a chain S_HOOK per hook, for
# packets from and to PEER
hooks_rules()
{
	local peer=$1 table hook hooks state

	for table in raw mangle filter; do
		case $table in
		raw)	hooks="PREROUTING OUTPUT" ;;
		mangle)	hooks="PREROUTING INPUT OUTPUT POSTROUTING" ;;
		filter)	hooks="INPUT OUTPUT" ;;
		esac
		echo "*$table"
		for hook in $hooks; do
			echo ":S_$hook - [0:0]"
		done
		for hook in $hooks; do
			for state in "${CT_STATES[@]}"; do
				echo "-A S_$hook -m conntrack --ctstate $state -j RETURN"
			done
			case $hook in
			PREROUTING|INPUT)	echo "-A $hook -s $peer -j S_$hook" ;;
			*)			echo "-A $hook -d $peer -j S_$hook" ;;
			esac
		done
		echo COMMIT
	done
}

# Count every state at every hook, for packets between the two ends.
hooks()
{
	if ! ns_xtctl "$client" "$fam" restore --noflush < <(hooks_rules "$S") ||
	   ! ns_xtctl "$server" "$fam" restore --noflush < <(hooks_rules "$C"); then
		ksft_fail "cannot load the counting rules"
	fi
}

# check_hook NAME NS TABLE HOOK N E R I U
check_hook()
{
	local name=$1 ns=$2 table=$3 hook=$4
	shift 4

	check_eq "$fam: $name: $table $hook" "$(ct_counts "$@")" \
		"$(counts "$ns" "$table" "S_$hook")"
}

entry()
{
	local name=$1 ns=$2 expected=$3
	shift 3

	xtfw_native || return 0
	check_eq "$fam: $name" "$expected" "$(ct_entries "$ns" "$fam" "$@")"
}

icmp_line()
{
	local t=8 r=0 proto="icmp 1"

	[[ $fam == -6 ]] && t=128 r=129 proto="icmpv6 58"
	echo "$proto T src=$1 dst=$2 type=$t code=0 id=ID src=$2 dst=$1 type=$r code=0 id=ID mark=0 use=1"
}

# entries with the ICMP id replaced by ID (ping picks it)
icmp_entries()
{
	ct_entries "$1" "$fam" -p "$ICMP" | sed 's/ id=[0-9]* / id=ID /g'
}

test_ping()
{
	zero
	check_ok "$fam: ping" ping_once "$client" "$S"
	check_hook "ping" "$client" raw OUTPUT 0 0 0 1 0
	check_hook "ping" "$client" mangle OUTPUT 1 0 0 0 0
	check_hook "ping" "$client" filter OUTPUT 1 0 0 0 0
	check_hook "ping" "$client" mangle POSTROUTING 1 0 0 0 0
	check_hook "ping reply" "$client" raw PREROUTING 0 0 0 1 0
	check_hook "ping reply" "$client" mangle PREROUTING 0 1 0 0 0
	check_hook "ping reply" "$client" filter INPUT 0 1 0 0 0
	check_hook "ping" "$server" raw PREROUTING 0 0 0 1 0
	check_hook "ping" "$server" mangle PREROUTING 1 0 0 0 0
	check_hook "ping" "$server" mangle INPUT 1 0 0 0 0
	check_hook "ping" "$server" filter INPUT 1 0 0 0 0
	check_hook "ping reply" "$server" raw OUTPUT 0 0 0 1 0
	check_hook "ping reply" "$server" filter OUTPUT 0 1 0 0 0
	check_hook "ping reply" "$server" mangle POSTROUTING 0 1 0 0 0
	if xtfw_native; then
		check_eq "$fam: the client's entry" "$(icmp_line "$C" "$S")" \
			"$(icmp_entries "$client")"
		check_eq "$fam: the server's entry" "$(icmp_line "$C" "$S")" \
			"$(icmp_entries "$server")"
	fi
}

test_tcp()
{
	local port=8000 ns out

	zero
	check_eq "$fam: a TCP connection" hello "$(tcp_hello "$client" "$S" $port)"
	for ns in "$client" "$server"; do
		out=$(counts "$ns" filter S_OUTPUT)
		[[ $ns == "$server" ]] && out=$(counts "$ns" filter S_INPUT)
		check_match "$fam: ${ns%-*}: one NEW, the SYN" \
			"^NEW=1 ESTABLISHED=[1-9][0-9]* RELATED=0 INVALID=0 UNTRACKED=0$" "$out"
		out=$(counts "$ns" filter S_INPUT)
		[[ $ns == "$server" ]] && out=$(counts "$ns" filter S_OUTPUT)
		check_match "$fam: ${ns%-*}: the other way, ESTABLISHED only" \
			"^NEW=0 ESTABLISHED=[1-9][0-9]* RELATED=0 INVALID=0 UNTRACKED=0$" "$out"
		xtfw_native || continue
		# the last ACK may still be on its way
		busywait 2000 _tcp_state_is "$ns" TIME_WAIT >/dev/null
		check_match "$fam: ${ns%-*}: the entry is in TIME_WAIT, assured" \
			"^tcp 6 T TIME_WAIT src=$C dst=$S sport=[0-9]+ dport=$port src=$S dst=$C sport=$port dport=[0-9]+ \[ASSURED\] mark=0 use=1$" \
			"$(ct_entries "$ns" "$fam" -p tcp --dport $port)"
	done
}

# shellcheck disable=SC2317 # called through busywait
_tcp_state_is()
{
	[[ $(ct_entries "$1" "$fam" -p tcp --dport 8000) == "tcp 6 T $2 "* ]]
}

udp_line()
{
	echo "udp 17 T src=$C dst=$S sport=$1 dport=$2 [UNREPLIED] src=$S dst=$C sport=$2 dport=$1 mark=0 use=1"
}

# First packets dropped at the last hooks leave no entry.
test_dropped()
{
	if ! ns_xtctl "$server" "$fam" -I INPUT 1 -p udp --dport 7000 -j DROP ||
	   ! ns_xtctl "$client" "$fam" -I OUTPUT 1 -p udp --dport 7001 -j DROP ||
	   ! ns_xtctl "$client" "$fam" -t mangle -I POSTROUTING 1 -p udp \
		--dport 7002 -j DROP; then
		ksft_fail "cannot add the DROP rules"
	fi
	send_pkts "$client" "$UDP_HDR_C/UDP(sport=5000, dport=7000)" ||
		ksft_fail "cannot send"
	check_eq "$fam: dropped at the server's INPUT" 1 \
		"$(rule_pkts "$server" "$fam" filter INPUT 1)"
	entry "no entry at the server" "$server" "" -p udp --dport 7000
	entry "the client's entry" "$client" "$(udp_line 5000 7000)" \
		-p udp --dport 7000
	# sendto() fails: EPERM
	send_pkts "$client" "$UDP_HDR_C/UDP(sport=5001, dport=7001)" 2>/dev/null
	check_eq "$fam: dropped at the client's OUTPUT" 1 \
		"$(rule_pkts "$client" "$fam" filter OUTPUT 1)"
	entry "no entry at the client" "$client" "" -p udp --dport 7001
	send_pkts "$client" "$UDP_HDR_C/UDP(sport=5002, dport=7002)" 2>/dev/null
	check_eq "$fam: dropped at the client's POSTROUTING" 1 \
		"$(rule_pkts "$client" "$fam" mangle POSTROUTING 1)"
	entry "no entry at the client" "$client" "" -p udp --dport 7002
}

test_notrack()
{
	check_ok "$fam: raw OUTPUT -j CT --notrack" ns_xtctl "$client" "$fam" \
		-t raw -I OUTPUT 1 -p udp --dport 7003 -j CT --notrack
	check_ok "$fam: raw PREROUTING -j NOTRACK" ns_xtctl "$server" "$fam" \
		-t raw -I PREROUTING 1 -p udp --dport 7004 -j NOTRACK
	zero
	send_pkts "$client" "$UDP_HDR_C/UDP(sport=5003, dport=7003)" \
		"$UDP_HDR_C/UDP(sport=5004, dport=7004)" || ksft_fail "cannot send"
	check_hook "CT --notrack, NOTRACK: client" "$client" filter OUTPUT 1 0 0 0 1
	check_hook "CT --notrack, NOTRACK: server" "$server" filter INPUT 1 0 0 0 1
	entry "no entry after CT --notrack" "$client" "" -p udp --dport 7003
	entry "the server's entry of it" "$server" "$(udp_line 5003 7003)" \
		-p udp --dport 7003
	entry "no entry after NOTRACK" "$server" "" -p udp --dport 7004
	entry "the client's entry of it" "$client" "$(udp_line 5004 7004)" \
		-p udp --dport 7004

	# an untracked echo request: its reply is INVALID
	ns_xtctl "$client" ct flush 2>/dev/null
	check_ok "$fam: raw OUTPUT -p $ICMP -j CT --notrack" \
		ns_xtctl "$client" "$fam" -t raw -I OUTPUT 1 -p "$ICMP" -j CT --notrack
	zero
	check_ok "$fam: ping, untracked" ping_once "$client" "$S"
	check_hook "untracked ping" "$client" filter OUTPUT 0 0 0 0 1
	check_hook "its reply" "$client" filter INPUT 0 0 0 1 0
	entry "no entry" "$client" "" -p "$ICMP"
	ns_xtctl "$client" "$fam" -t raw -D OUTPUT 1
}

test_loopback()
{
	if ! ns_xtctl "$client" "$fam" -A OUTPUT -o lo -j S_OUTPUT ||
	   ! ns_xtctl "$client" "$fam" -A INPUT -i lo -j S_INPUT; then
		ksft_fail "cannot count on lo"
	fi
	zero
	check_ok "$fam: ping $LO" ping_once "$client" "$LO"
	check_hook "over lo" "$client" filter OUTPUT 1 1 0 0 0
	check_hook "over lo" "$client" filter INPUT 1 1 0 0 0
	if xtfw_native; then
		check_eq "$fam: one entry for it" "$(icmp_line "$LO" "$LO")" \
			"$(icmp_entries "$client")"
	fi
}

test_family()
{
	set_family "$1"
	hooks
	test_ping
	test_tcp
	test_dropped
	test_notrack
	test_loopback
}

require_root
require_cmd ip ping socat
require_scapy
xtfw_load
ct_require
setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1
start_tcp_server "$server" 8000
# the ping entries are read after many checks: they may not expire first
# on a slow (debug) kernel
if xtfw_native; then
	for ns in "$client" "$server"; do
		for t in icmp icmpv6; do
			ns_xtctl "$ns" ct set timeout "$t" 3600 ||
				ksft_fail "cannot set the $t timeout"
		done
	done
fi

test_family -4
test_family -6
ksft_exit
