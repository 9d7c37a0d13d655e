#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# "xtctl ct" on a known table of twelve entries (six per family: UDP
# unreplied, replied and CONNMARKed from another address, TCP in SYN_SENT
# and ESTABLISHED, an ICMP echo):
#  * list prints them in the line format of conntrack -L, and each filter
#    (-4, -6, -p, -s, -d, --sport, --dport, --state, --mark, --status, and
#    combinations) lists exactly the entries it should;
#  * --json gives the same entries as valid JSON, with their counters;
#  * count, get count and stats (new, found, invalid, drop, early_drop)
#    agree with the traffic that made them;
# (UDP, ICMP and SYN_SENT timeouts are an hour here, so that nothing
# expires.)
#  * delete FILTER deletes exactly what list FILTER shows and says how
#    many; delete without a filter is refused; the next packet of a deleted
#    flow starts a new entry; flush -6 leaves IPv4, flush empties.
#
#   client ──────────── router ──────────── server
#   tc ingress: drop    FORWARD -j CTSTATE  tc ingress: drop
#   (crafted packets)   CONNMARK udp 55     (crafted packets)
#
# timeout: 300

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"

declare client router server
declare fam C C2 S IP_CS IP_C2S IP_SC

set_family()
{
	ct_family "$1"
}

# line NAME FAMILY: the expected "ct list" line of entry NAME, timeout T
line()
{
	local c=10.0.1.1 c2=10.0.1.3 s=10.0.2.2 icmp="icmp 1" req=8 ans=0

	if [[ $2 == -6 ]]; then
		c=fd00:1::1 c2=fd00:1::3 s=fd00:2::2 icmp="icmpv6 58" req=128 ans=129
	fi
	case $1 in
	U1) echo "udp 17 T src=$c dst=$s sport=1001 dport=53 [UNREPLIED] src=$s dst=$c sport=53 dport=1001 mark=0 use=1" ;;
	U2) echo "udp 17 T src=$c dst=$s sport=1002 dport=54 src=$s dst=$c sport=54 dport=1002 mark=0 use=1" ;;
	U3) echo "udp 17 T src=$c2 dst=$s sport=1003 dport=55 [UNREPLIED] src=$s dst=$c2 sport=55 dport=1003 mark=5 use=1" ;;
	T1) echo "tcp 6 T SYN_SENT src=$c dst=$s sport=2001 dport=80 [UNREPLIED] src=$s dst=$c sport=80 dport=2001 mark=0 use=1" ;;
	T2) echo "tcp 6 T ESTABLISHED src=$c dst=$s sport=2002 dport=80 src=$s dst=$c sport=80 dport=2002 [ASSURED] mark=0 use=1" ;;
	I) echo "$icmp T src=$c dst=$s type=$req code=0 id=7 [UNREPLIED] src=$s dst=$c type=$ans code=0 id=7 mark=0 use=1" ;;
	esac
}

# lines NAME[/FAMILY]...: the sorted lines of those entries (both
# families unless -4 or -6 follows the name: U1/-4)
lines()
{
	local e fams f

	for e in "$@"; do
		fams="-4 -6"
		[[ $e == */* ]] && fams=${e#*/}
		for f in $fams; do
			line "${e%/*}" "$f"
		done
	done | sort
}

ALL="U1 U2 U3 T1 T2 I"

# xtctl_stderr ARGS...: what "xtctl ARGS" at $router says on stderr
xtctl_stderr()
{
	echo "[+] router: $XTCTL $*" >&2
	# shellcheck disable=SC2086,SC2069 # $XTCTL may have arguments; stderr only
	ip netns exec "$router" $XTCTL "$@" 2>&1 >/dev/null
}

# list NAME EXPECTED_NAMES FILTER...: "ct list FILTER" shows exactly the
# entries EXPECTED_NAMES (as for lines)
list()
{
	local name=$1 expected=$2
	shift 2

	# shellcheck disable=SC2086 # a list of names
	check_eq "list $name" "$(lines $expected)" "$(ct_entries "$router" "$@")"
}

# Twelve entries: six per family.
make_entries()
{
	local tcp="TCP(dport=80, window=64000" echo="ICMP(type=8, id=7, seq=1)"

	set_family "$1"
	[[ $fam == -6 ]] && echo="ICMPv6EchoRequest(id=7, seq=1)"
	ct_serve_start "$fam"
	ct_step "six new connections" c "[$IP_CS/UDP(sport=1001, dport=53), $IP_CS/UDP(sport=1002, dport=54), $IP_C2S/UDP(sport=1003, dport=55), $IP_CS/$tcp, sport=2001, flags=\"S\", seq=1000), $IP_CS/$tcp, sport=2002, flags=\"S\", seq=1000), $IP_CS/$echo]" \
		"$(ct_counts 6 0 0 0 0)"
	ct_step "two replies" s "[$IP_SC/UDP(sport=54, dport=1002), $IP_SC/TCP(sport=80, dport=2002, flags=\"SA\", seq=5000, ack=1001, window=64000)]" \
		"$(ct_counts 0 2 0 0 0)"
	ct_step "the handshake's ACK" c "$IP_CS/$tcp, sport=2002, flags=\"A\", seq=1001, ack=5001)" \
		"$(ct_counts 0 1 0 0 0)"
	ct_serve_stop
}

test_list()
{
	local err

	err=$(xtctl_stderr ct list)
	list "everything" "$ALL"
	check_eq "list says how many it showed" \
		"xtctl ct: 12 flow entries have been shown." "$err"
	check_eq "count" 12 "$(ct_count "$router")"
	check_eq "get count" 12 "$(ns_xtctl "$router" ct get count)"
	list "-4" "U1/-4 U2/-4 U3/-4 T1/-4 T2/-4 I/-4" -4
	list "-f ipv6" "U1/-6 U2/-6 U3/-6 T1/-6 T2/-6 I/-6" -f ipv6
	list "-p udp" "U1 U2 U3" -p udp
	list "-6 -p udp" "U1/-6 U2/-6 U3/-6" -6 -p udp
	list "-p tcp" "T1 T2" -p tcp
	list "-p icmp" "I/-4" -p icmp
	list "-p 58" "I/-6" -p 58
	list "-s 10.0.1.3" "U3/-4" -s 10.0.1.3
	list "-s fd00:1::3" "U3/-6" -s fd00:1::3
	list "-s 10.0.1.1" "U1/-4 U2/-4 T1/-4 T2/-4 I/-4" -s 10.0.1.1
	list "-d 10.0.2.2" "U1/-4 U2/-4 U3/-4 T1/-4 T2/-4 I/-4" -d 10.0.2.2
	list "-d fd00:2::9 (no entry)" "" -d fd00:2::9
	list "--sport 1002" "U2" --sport 1002
	list "--dport 80" "T1 T2" --dport 80
	list "--dport 55 --sport 1003" "U3" --dport 55 --sport 1003
	list "--state ESTABLISHED (TCP only)" "T2" --state ESTABLISHED
	list "--state SYN_SENT" "T1" --state SYN_SENT
	list "--mark 5" "U3" --mark 5
	list "--mark 4/4" "U3" --mark 4/4
	list "--mark 0" "U1 U2 T1 T2 I" --mark 0
	list "--status ASSURED" "T2" --status ASSURED
	list "--status SEEN_REPLY" "U2 T2" --status SEEN_REPLY
	list "-6 -p tcp --dport 80 --state SYN_SENT" "T1/-6" \
		-6 -p tcp --dport 80 --state SYN_SENT
	list "-4 -s 10.0.1.1 -d 10.0.2.2 -p udp --sport 1001 --dport 53" "U1/-4" \
		-4 -s 10.0.1.1 -d 10.0.2.2 -p udp --sport 1001 --dport 53
}

# The JSON of the whole table, reduced to one line per entry.
json_summary()
{
	ns_xtctl "$router" ct list --json "$@" 2>/dev/null | "$PYTHON" -c '
import json, sys
for e in sorted(json.load(sys.stdin), key=lambda e: (e["family"], e["protonum"], e["orig"].get("sport", 0))):
    o, r = e["orig"], e["reply"]
    print(e["family"], e["proto"], e["protonum"], e.get("state", "-"),
          o["src"], o["dst"], o.get("sport", o.get("id")), o.get("dport", o.get("type")),
          r["src"], r["dst"], r.get("sport", r.get("id")), r.get("dport", r.get("type")),
          ",".join(e["status"]), e["mark"], o["packets"], o["bytes"], r["packets"], r["bytes"],
          0 < e["timeout"] <= 432000)'
}

test_json()
{
	local ids

	check_eq "--json: every entry, its facts and counters" \
"ipv4 icmp 1 - 10.0.1.1 10.0.2.2 7 8 10.0.2.2 10.0.1.1 7 0 CONFIRMED 0 1 28 0 0 True
ipv4 tcp 6 SYN_SENT 10.0.1.1 10.0.2.2 2001 80 10.0.2.2 10.0.1.1 80 2001 CONFIRMED 0 1 40 0 0 True
ipv4 tcp 6 ESTABLISHED 10.0.1.1 10.0.2.2 2002 80 10.0.2.2 10.0.1.1 80 2002 SEEN_REPLY,ASSURED,CONFIRMED 0 2 80 1 40 True
ipv4 udp 17 - 10.0.1.1 10.0.2.2 1001 53 10.0.2.2 10.0.1.1 53 1001 CONFIRMED 0 1 28 0 0 True
ipv4 udp 17 - 10.0.1.1 10.0.2.2 1002 54 10.0.2.2 10.0.1.1 54 1002 SEEN_REPLY,CONFIRMED 0 1 28 1 28 True
ipv4 udp 17 - 10.0.1.3 10.0.2.2 1003 55 10.0.2.2 10.0.1.3 55 1003 CONFIRMED 5 1 28 0 0 True
ipv6 tcp 6 SYN_SENT fd00:1::1 fd00:2::2 2001 80 fd00:2::2 fd00:1::1 80 2001 CONFIRMED 0 1 60 0 0 True
ipv6 tcp 6 ESTABLISHED fd00:1::1 fd00:2::2 2002 80 fd00:2::2 fd00:1::1 80 2002 SEEN_REPLY,ASSURED,CONFIRMED 0 2 120 1 60 True
ipv6 udp 17 - fd00:1::1 fd00:2::2 1001 53 fd00:2::2 fd00:1::1 53 1001 CONFIRMED 0 1 48 0 0 True
ipv6 udp 17 - fd00:1::1 fd00:2::2 1002 54 fd00:2::2 fd00:1::1 54 1002 SEEN_REPLY,CONFIRMED 0 1 48 1 48 True
ipv6 udp 17 - fd00:1::3 fd00:2::2 1003 55 fd00:2::2 fd00:1::3 55 1003 CONFIRMED 5 1 48 0 0 True
ipv6 icmpv6 58 - fd00:1::1 fd00:2::2 7 128 fd00:2::2 fd00:1::1 7 129 CONFIRMED 0 1 48 0 0 True" \
		"$(json_summary)"
	check_eq "--json with a filter" \
"ipv4 udp 17 - 10.0.1.3 10.0.2.2 1003 55 10.0.2.2 10.0.1.3 55 1003 CONFIRMED 5 1 28 0 0 True" \
		"$(json_summary --mark 5 -4)"
	check_eq "--json of no entry" "[]" \
		"$(ns_xtctl "$router" ct list --json --dport 9999 2>/dev/null)"
	ids=$(ns_xtctl "$router" ct list --json 2>/dev/null |
	      "$PYTHON" -c 'import json, sys; print(len({e["id"] for e in json.load(sys.stdin)}))')
	check_eq "--json: twelve different ids" 12 "$ids"
}

test_stats()
{
	local out

	out=$(ns_xtctl "$router" ct stats)
	check_match "stats: the counters, named" \
		'^found=[0-9]+ new=[0-9]+ invalid=[0-9]+ insert_failed=[0-9]+ drop=[0-9]+ early_drop=[0-9]+ search_restart=[0-9]+' \
		"$out"
	check_eq "stats: of the traffic" \
		"new=12 found=6 invalid=0 insert_failed=0 drop=0 early_drop=0" \
		"$(ct_stats_of "$router" new found invalid insert_failed drop early_drop)"
}

# delete NAME EXPECTED_N FILTER...: "ct delete FILTER" says it deleted
# EXPECTED_N entries
delete()
{
	local name=$1 n=$2 err
	shift 2

	err=$(xtctl_stderr ct delete "$@")
	check_eq "delete $name" "xtctl ct: $n flow entries have been deleted." "$err"
}

test_delete()
{
	delete "--dport 54" 2 --dport 54
	list "after it" "U1 U3 T1 T2 I"
	delete "-6 -p tcp" 2 -6 -p tcp
	list "after it" "U1 U3 T1/-4 T2/-4 I"
	delete "-s 10.0.1.3" 1 -s 10.0.1.3
	delete "--mark 5" 1 --mark 5
	delete "--dport 9999 (no entry)" 0 --dport 9999
	check_fail "delete without a filter is refused" \
		ns_xtctl "$router" ct delete
	list "after them" "U1 T1/-4 T2/-4 I"

	# the next packets of deleted flows
	set_family -4
	ct_serve_start -4
	ct_step "the server's next packet of a deleted UDP flow: NEW" s \
		"$IP_SC/UDP(sport=54, dport=1002)" "$(ct_counts 1 0 0 0 0)"
	check_eq "its new entry starts at the server" \
		"udp 17 T src=$S dst=$C sport=54 dport=1002 [UNREPLIED] src=$C dst=$S sport=1002 dport=54 mark=0 use=1" \
		"$(ct_entries "$router" -4 --sport 54)"
	delete "-4 -p tcp --sport 2002" 1 -4 -p tcp --sport 2002
	ct_step "the next segment of a deleted connection: picked up, NEW" c \
		"$IP_CS/TCP(sport=2002, dport=80, flags=\"A\", seq=1001, ack=5001, window=64000)" \
		"$(ct_counts 1 0 0 0 0)"
	ct_step "... and the answer" s \
		"$IP_SC/TCP(sport=80, dport=2002, flags=\"A\", seq=5001, ack=1001, window=64000)" \
		"$(ct_counts 0 1 0 0 0)"
	ct_serve_stop
	check_match "its entry is back, ESTABLISHED" \
		"^tcp 6 T ESTABLISHED src=10.0.1.1 dst=10.0.2.2 sport=2002 dport=80 src=10.0.2.2 dst=10.0.1.1 sport=80 dport=2002 " \
		"$(ct_entries "$router" -4 --sport 2002)"

	check_eq "flush -6" "xtctl ct: 2 flow entries have been deleted." \
		"$(xtctl_stderr ct flush -6)"
	check_eq "flush -6 leaves IPv4" "0 5" \
		"$(ct_entries "$router" -6 | wc -l) $(ct_entries "$router" -4 | wc -l)"
	check_fail "flush with a filter is refused" \
		ns_xtctl "$router" ct flush -p udp
	check_eq "... and deleted nothing" 5 "$(ct_count "$router")"
	check_eq "flush" "xtctl ct: 5 flow entries have been deleted." \
		"$(xtctl_stderr ct flush)"
	check_eq "the table is empty" "0" "$(ct_count "$router")"
}

require_root
require_cmd ip tc taskset
require_scapy
xtfw_load
xtfw_native || ksft_skip "xtctl ct is xtfw's own"
ct_require
ct_router
ct_shield "$client" "$server"
for f in -4 -6; do
	ct_state_chain "$router" "$f" CTSTATE || ksft_fail "cannot add CTSTATE"
	if ! ns_xtctl "$router" "$f" -A FORWARD -j CTSTATE ||
	   ! ns_xtctl "$router" "$f" -t mangle -A FORWARD -p udp --dport 55 \
		-j CONNMARK --set-mark 5; then
		ksft_fail "cannot load the router's rules"
	fi
done
# no entry may expire while the test runs, however slow the machine
for t in "udp unreplied" "udp replied" "icmp" "icmpv6" "tcp syn_sent"; do
	# shellcheck disable=SC2086 # protocol and state
	ns_xtctl "$router" ct set timeout $t 3600 ||
		ksft_fail "cannot set the $t timeout"
done
make_entries -4
make_entries -6
test_list
test_json
test_stats
test_delete
ksft_exit
