#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The conntrack settings of a namespace and what they do to entries:
#  * "xtctl ct get timeout" lists Linux 6.1's defaults, and the entries of
#    each TCP state, UDP (unreplied, replied), ICMP, ICMPv6 and other
#    protocols get those timeouts;
#  * "xtctl ct set timeout tcp established 600" (and one of every other
#    kind) shows in "ct get timeout", applies to new entries and to the
#    next packet of an existing one, and only in that namespace;
#  * short timeouts expire entries without traffic (the GC), and the next
#    packet of an expired flow is NEW again;
#  * tcp_loose and max are per namespace too; settings that do not exist
#    or are out of range are refused and change nothing.
# IPv4 and IPv6.
#
#   client ──────────── router ──────────── server      other
#   tc ingress: drop    FORWARD -j CTSTATE  tc ingress: drop   (settings
#   (crafted packets)   (one rule per state) (crafted packets)  untouched)
#
# timeout: 600

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"

declare client router server other
declare fam C S IP_CS IP_SC ICMP_REQ ICMP_NAME ICMP_PROTO NH

DEFAULT_TIMEOUTS="tcp syn_sent 120
tcp syn_recv 60
tcp established 432000
tcp fin_wait 120
tcp close_wait 60
tcp last_ack 30
tcp time_wait 120
tcp close 10
tcp syn_sent2 120
tcp retrans 300
tcp unack 300
udp unreplied 30
udp replied 30
udp stream 120
icmp 30
icmpv6 30
generic 600"

set_family()
{
	ct_family "$1"
	if [[ $fam == -4 ]]; then
		ICMP_REQ="ICMP(type=8, id=IDENT, seq=1)"
	else
		ICMP_REQ="ICMPv6EchoRequest(id=IDENT, seq=1)"
	fi
}

# seg SIDE PORT FLAGS SEQ ACK: a TCP segment between client PORT and 80
seg()
{
	if [[ $1 == c ]]; then
		echo "$IP_CS/TCP(sport=$2, dport=80, flags=\"$3\", seq=$4, ack=$5, window=64000)"
	else
		echo "$IP_SC/TCP(sport=80, dport=$2, flags=\"$3\", seq=$4, ack=$5, window=64000)"
	fi
}

# send NAME SIDE EXPR EXPECTED_STATE: one packet, whose state must be
# EXPECTED_STATE (NEW or ESTABLISHED)
send()
{
	local n=0 e=0

	case $4 in
	NEW)		n=1 ;;
	ESTABLISHED)	e=1 ;;
	esac
	ct_step "$1" "$2" "$3" "$(ct_counts "$n" "$e" 0 0 0)"
}

# timeout_of FILTER...: the timeout column of the one entry FILTER lists
timeout_of()
{
	local out

	out=$(ns_xtctl "$router" ct list "$fam" "$@" 2>/dev/null)
	if [[ $(wc -l <<<"$out") != 1 || -z $out ]]; then
		echo "not one entry: $out"
		return
	fi
	awk '{ print $3 }' <<<"$out"
}

# check_timeout NAME SECONDS FILTER...: the entry's timeout is SECONDS, or
# a few seconds less (time passes while it is listed): 6 under a loaded
# TCG, times XTFW_TIMEOUT_SCALE on a slower kernel
check_timeout()
{
	local name=$1 secs=$2 t slack=$((6 * ${XTFW_TIMEOUT_SCALE:-1}))
	shift 2

	t=$(timeout_of "$@")
	[[ $t =~ ^[0-9]+$ ]] && ((t <= secs && t >= secs - slack)) && t=$secs
	check_eq "$fam: $name: ${secs}s" "$secs" "$t"
}

# handshake PORT [TIMEOUTS...]: SYN, SYN/ACK, ACK, checking the entry's
# timeout after each against SYN_SENT, SYN_RECV, ESTABLISHED seconds
handshake()
{
	local port=$1

	send "SYN from $port" c "$(seg c "$port" S 1000 0)" NEW
	[[ -z ${2:-} ]] || check_timeout "SYN_SENT" "$2" -p tcp --sport "$port"
	send "SYN/ACK to $port" s "$(seg s "$port" SA 5000 1001)" ESTABLISHED
	[[ -z ${3:-} ]] || check_timeout "SYN_RECV" "$3" -p tcp --sport "$port"
	send "ACK from $port" c "$(seg c "$port" A 1001 5001)" ESTABLISHED
	[[ -z ${4:-} ]] || check_timeout "ESTABLISHED" "$4" -p tcp --sport "$port"
}

generic_pkt()
{
	local dir=$1

	if [[ $dir == c ]]; then
		echo "${IP_CS%)}, $NH=253)/Raw(b\"x\")"
	else
		echo "${IP_SC%)}, $NH=253)/Raw(b\"y\")"
	fi
}

icmp_req()
{
	echo "$IP_CS/${ICMP_REQ/IDENT/$1}"
}

test_defaults()
{
	local port=6000

	handshake $port 120 60 432000
	send "FIN" c "$(seg c $port FA 1001 5001)" ESTABLISHED
	check_timeout "FIN_WAIT" 120 -p tcp --sport $port
	send "ACK of the FIN" s "$(seg s $port A 5001 1002)" ESTABLISHED
	check_timeout "CLOSE_WAIT" 60 -p tcp --sport $port
	send "FIN back" s "$(seg s $port FA 5001 1002)" ESTABLISHED
	check_timeout "LAST_ACK" 30 -p tcp --sport $port
	send "last ACK" c "$(seg c $port A 1002 5002)" ESTABLISHED
	check_timeout "TIME_WAIT" 120 -p tcp --sport $port

	send "UDP request" c "$IP_CS/UDP(sport=6001, dport=9)" NEW
	check_timeout "UDP unreplied" 30 -p udp --sport 6001
	send "UDP reply" s "$IP_SC/UDP(sport=9, dport=6001)" ESTABLISHED
	check_timeout "UDP replied" 30 -p udp --sport 6001
	send "echo request" c "$(icmp_req 61)" NEW
	check_timeout "$ICMP_NAME" 30 -p "$ICMP_PROTO"
	send "protocol 253" c "$(generic_pkt c)" NEW
	check_timeout "generic" 600 -p 253
	ns_xtctl "$router" ct flush 2>/dev/null
}

# Every kind of timeout set, then the entries that get them.
test_set()
{
	local port=6100 expected

	# an established connection from before the change
	handshake $port
	check_ok "$fam: set timeout tcp established 600" \
		ns_xtctl "$router" ct set timeout tcp established 600
	if ! ns_xtctl "$router" ct set timeout tcp syn_sent 110 ||
	   ! ns_xtctl "$router" ct set timeout tcp syn_recv 50 ||
	   ! ns_xtctl "$router" ct set timeout udp unreplied 40 ||
	   ! ns_xtctl "$router" ct set timeout udp replied 50 ||
	   ! ns_xtctl "$router" ct set timeout "$ICMP_NAME" 20 ||
	   ! ns_xtctl "$router" ct set timeout generic 70; then
		check_eq "$fam: set the other timeouts" ok failed
	fi
	expected=$(sed -e 's/^\(tcp established\) .*/\1 600/' \
		-e 's/^\(tcp syn_sent\) .*/\1 110/' \
		-e 's/^\(tcp syn_recv\) .*/\1 50/' \
		-e 's/^\(udp unreplied\) .*/\1 40/' \
		-e 's/^\(udp replied\) .*/\1 50/' \
		-e "s/^\\($ICMP_NAME\\) .*/\\1 20/" \
		-e 's/^\(generic\) .*/\1 70/' <<<"$DEFAULT_TIMEOUTS")
	check_eq "$fam: ct get timeout shows them" "$expected" \
		"$(ns_xtctl "$router" ct get timeout)"
	check_eq "$fam: not in another namespace" "$DEFAULT_TIMEOUTS" \
		"$(ns_xtctl "$other" ct get timeout)"

	check_timeout "established before the change, still" 432000 \
		-p tcp --sport $port
	send "a packet of it" c "$(seg c $port A 1001 5001)" ESTABLISHED
	check_timeout "established before the change, after a packet" 600 \
		-p tcp --sport $port
	handshake $((port + 1)) 110 50 600
	send "UDP request" c "$IP_CS/UDP(sport=6102, dport=9)" NEW
	check_timeout "UDP unreplied" 40 -p udp --sport 6102
	send "UDP reply" s "$IP_SC/UDP(sport=9, dport=6102)" ESTABLISHED
	# as in Linux, the reply is timed before it counts as one: it leaves
	# the unreplied timeout; a packet within two seconds of the first
	# would get the replied one (not tested: TCG is too slow to be sure);
	# after two seconds, traffic both ways is a stream, and assured
	check_timeout "UDP, after the reply" 40 -p udp --sport 6102
	sleep 2.1	# time must pass: nothing to wait for
	send "UDP after two seconds" c "$IP_CS/UDP(sport=6102, dport=9)" ESTABLISHED
	check_timeout "UDP stream" 120 -p udp --sport 6102
	check_eq "$fam: the stream is assured" 1 \
		"$(ns_xtctl "$router" ct list -p udp --sport 6102 --status ASSURED 2>/dev/null | wc -l)"
	send "echo request" c "$(icmp_req 62)" NEW
	check_timeout "$ICMP_NAME" 20 -p "$ICMP_PROTO"
	send "protocol 253" c "$(generic_pkt c)" NEW
	check_timeout "generic" 70 -p 253
	ns_xtctl "$router" ct flush 2>/dev/null
}

# shellcheck disable=SC2317 # called through slowwait
_gone()
{
	[[ -z $(ns_xtctl "$router" ct list "$fam" "$@" 2>/dev/null) ]]
}

# Entries with 2-second timeouts go without traffic; the next packet of a
# flow whose entry went is NEW. (2 s times XTFW_TIMEOUT_SCALE: on a slow
# kernel the entry must outlive the steps between a packet and its check.)
test_expiry()
{
	local s=$((2 * ${XTFW_TIMEOUT_SCALE:-1}))

	if ! ns_xtctl "$router" ct set timeout tcp established $s ||
	   ! ns_xtctl "$router" ct set timeout udp replied $s ||
	   ! ns_xtctl "$router" ct set timeout udp stream $s ||
	   ! ns_xtctl "$router" ct set timeout "$ICMP_NAME" $s ||
	   ! ns_xtctl "$router" ct set timeout generic $s; then
		ksft_fail "cannot set ${s}s timeouts"
	fi
	handshake 6200 "" "" $s
	send "UDP request" c "$IP_CS/UDP(sport=6201, dport=9)" NEW
	send "UDP reply" s "$IP_SC/UDP(sport=9, dport=6201)" ESTABLISHED
	# test_set checks the timeout after the reply itself; this packet is
	# replied or stream, after how long TCG took: both are $s here
	send "UDP after the reply" c "$IP_CS/UDP(sport=6201, dport=9)" ESTABLISHED
	check_timeout "UDP replied" $s -p udp --sport 6201
	send "echo request" c "$(icmp_req 63)" NEW
	check_timeout "$ICMP_NAME" $s -p "$ICMP_PROTO"
	send "protocol 253" c "$(generic_pkt c)" NEW
	send "protocol 253 answered" s "$(generic_pkt s)" ESTABLISHED
	check_timeout "generic" $s -p 253
	check_ok "$fam: the TCP entry expires" slowwait 10 _gone -p tcp
	check_ok "$fam: the UDP entry expires" slowwait 10 _gone -p udp
	check_ok "$fam: the $ICMP_NAME entry expires" slowwait 10 _gone -p "$ICMP_PROTO"
	check_ok "$fam: the generic entry expires" slowwait 10 _gone -p 253
	check_eq "$fam: none left" 0 "$(ct_count "$router")"
	send "UDP after expiry: NEW" c "$IP_CS/UDP(sport=6201, dport=9)" NEW
	send "protocol 253 after expiry: NEW" s "$(generic_pkt s)" NEW
	ns_xtctl "$router" ct flush 2>/dev/null
	if ! ns_xtctl "$router" ct set timeout tcp established 432000 ||
	   ! ns_xtctl "$router" ct set timeout tcp syn_sent 120 ||
	   ! ns_xtctl "$router" ct set timeout tcp syn_recv 60 ||
	   ! ns_xtctl "$router" ct set timeout udp unreplied 30 ||
	   ! ns_xtctl "$router" ct set timeout udp replied 30 ||
	   ! ns_xtctl "$router" ct set timeout udp stream 120 ||
	   ! ns_xtctl "$router" ct set timeout "$ICMP_NAME" 30 ||
	   ! ns_xtctl "$router" ct set timeout generic 600; then
		ksft_fail "cannot restore the timeouts"
	fi
	check_eq "$fam: the defaults are back" "$DEFAULT_TIMEOUTS" \
		"$(ns_xtctl "$router" ct get timeout)"
}

test_family()
{
	set_family "$1"
	ct_state_chain "$router" "$fam" CTSTATE || ksft_fail "cannot add CTSTATE"
	check_ok "$fam: FORWARD -j CTSTATE" \
		ns_xtctl "$router" "$fam" -A FORWARD -j CTSTATE
	ct_serve_start "$fam"
	test_defaults
	test_set
	test_expiry
	ct_serve_stop
}

# Settings that do not exist or are out of range change nothing.
test_refused()
{
	local max before

	check_eq "default tcp_loose" 1 "$(ns_xtctl "$router" ct get tcp_loose)"
	check_ok "set tcp_loose 0" ns_xtctl "$router" ct set tcp_loose 0
	check_eq "tcp_loose 0" 0 "$(ns_xtctl "$router" ct get tcp_loose)"
	check_eq "... not in another namespace" 1 \
		"$(ns_xtctl "$other" ct get tcp_loose)"
	check_fail "set tcp_loose 2 is refused" ns_xtctl "$router" ct set tcp_loose 2
	check_ok "set tcp_loose 1" ns_xtctl "$router" ct set tcp_loose 1

	max=$(ns_xtctl "$other" ct get max)
	check_ok "set max 20" ns_xtctl "$router" ct set max 20
	check_eq "max 20" 20 "$(ns_xtctl "$router" ct get max)"
	check_eq "... not in another namespace" "$max" \
		"$(ns_xtctl "$other" ct get max)"
	check_fail "set max 0 is refused" ns_xtctl "$router" ct set max 0
	check_eq "max still 20" 20 "$(ns_xtctl "$router" ct get max)"

	before=$(ns_xtctl "$router" ct get timeout)
	check_fail "a TCP state that is no timeout is refused" \
		ns_xtctl "$router" ct set timeout tcp none 5
	check_fail "a TCP timeout without a state is refused" \
		ns_xtctl "$router" ct set timeout tcp 5
	check_fail "a UDP state that does not exist is refused" \
		ns_xtctl "$router" ct set timeout udp established 5
	check_fail "icmp takes no state" \
		ns_xtctl "$router" ct set timeout icmp replied 5
	check_fail "a protocol without a timeout of its own is refused" \
		ns_xtctl "$router" ct set timeout sctp 5
	check_fail "0 seconds are refused" \
		ns_xtctl "$router" ct set timeout udp unreplied 0
	check_eq "the timeouts did not change" "$before" \
		"$(ns_xtctl "$router" ct get timeout)"
}

require_root
require_cmd ip tc taskset
require_scapy
xtfw_load
xtfw_native || ksft_skip "xtfw's own conntrack settings"
ct_require
ct_router
ct_shield "$client" "$server"
setup_ns other
# a table: the namespace has conntrack, with its own settings
ns_xtctl "$other" -A INPUT -m conntrack --ctstate NEW ||
	ksft_fail "cannot add a rule in $other"

check_eq "the defaults" "$DEFAULT_TIMEOUTS" \
	"$(ns_xtctl "$router" ct get timeout)"
test_family -4
test_family -6
test_refused
ksft_exit
