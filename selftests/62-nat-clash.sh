#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NAT mappings that would clash. Two clients behind a MASQUERADE bound to
# the same source port reach the same server port, over UDP one after the
# other and over TCP at the same time: both work, the first keeps its port
# and the second is given another. SNAT to a single port (2000-2000): a
# second flow has no free mapping, is dropped, leaves no entry and counts in
# nat_failed, while the first flow still works. Port shadowing: a packet
# from outside to the router's port that an inside connection is mapped to
# is not handed to that client (the router's INPUT drops it), and a
# mapping an outside host created first towards the router is not reused
# for an inside connection (which gets another port). IPv4 and IPv6.
#
#   client1 10.0.1.1 ──┐
#                      br0  router  wan0 10.0.2.1 ──── server 10.0.2.2
#   client2 10.0.1.3 ──┘    nat POSTROUTING:           no route back
#                           -p udp --dport 54: SNAT 10.0.2.1:2000-2000
#                           -s LAN: MASQUERADE
#                           filter INPUT -p udp/tcp --dport 7777: DROP
#
# timeout: 400

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"
# shellcheck source=selftests/nat_lib.sh
source "$(dirname "$0")/nat_lib.sh"

declare client1 client2 router server
# shellcheck disable=SC2034 # nat_fam sets them all
declare fam IN RLAN RWAN OUT IN_P RLAN_P RWAN_P OUT_P
declare LAN C1 RWAN_RE OUT_RE IPH tmp

set_family()
{
	nat_fam "$1"
	if [[ $fam == -4 ]]; then
		LAN=10.0.1.0/24 C1=10.0.1.1 IPH=IP
	else
		LAN=fd00:1::/64 C1=fd00:1::1 IPH=IPv6
	fi
	RWAN_RE=${RWAN_P//[/\\[}
	RWAN_RE=${RWAN_RE//]/\\]}
	OUT_RE=${OUT_P//[/\\[}
	OUT_RE=${OUT_RE//]/\\]}
}

rules()
{
	local X=(ns_xtctl "$router" "$fam")

	if ! "${X[@]}" -t nat -A POSTROUTING -o wan0 -p udp --dport 54 \
		-j SNAT --to-source "$RWAN_P:2000-2000" ||
	   ! "${X[@]}" -t nat -A POSTROUTING -s "$LAN" -o wan0 -j MASQUERADE ||
	   ! "${X[@]}" -A INPUT -p udp --dport 7777 -j DROP ||
	   ! "${X[@]}" -A INPUT -p tcp --dport 7777 -j DROP ||
	   ! ns_xtctl "$client1" "$fam" -A INPUT -p udp --dport 7777 ||
	   ! ns_xtctl "$client1" "$fam" -A INPUT -p tcp --dport 7777 --syn; then
		ksft_fail "$fam: cannot add the rules"
	fi
}

# port_of "ADDR:PORT -> ...": PORT.
port_of()
{
	local re="^.*:([0-9]+) -> "

	[[ $1 =~ $re ]] && echo "${BASH_REMATCH[1]}"
}

test_udp_clash()
{
	local out1 out2 p2

	out1=$(nat_talk "$client1" "$OUT" 53 --udp --sport 5555)
	check_eq "$fam: UDP: client1 from port 5555 keeps it" \
		"$RWAN_P:5555 -> $OUT_P:53" "$out1"
	out2=$(nat_talk "$client2" "$OUT" 53 --udp --sport 5555)
	check_match "$fam: UDP: client2 from port 5555 is answered too" \
		"^$RWAN_RE:[0-9]+ -> " "$out2"
	p2=$(port_of "$out2")
	check_eq "$fam: UDP: client2 is given another port" 1 \
		"$((p2 != 5555 && p2 >= 1024))"
}

# shellcheck disable=SC2317 # run by busywait
_has_line()
{
	[[ -s $1 ]]
}

test_tcp_clash()
{
	local out1 out2 p2 rc=0 pid

	# client1's connection stays open while client2's is made
	ip netns exec "$client1" "$PYTHON" "$NAT_PEER" talk "$OUT" 80 \
		--sport 5556 --hold 60 >"$tmp/tcp5556$fam" 2>&1 &
	pid=$!
	busywait 5000 _has_line "$tmp/tcp5556$fam"
	out1=$(head -n1 "$tmp/tcp5556$fam")
	check_eq "$fam: TCP: client1 from port 5556 keeps it" \
		"$RWAN_P:5556 -> $OUT_P:80" "$out1"
	out2=$(nat_talk "$client2" "$OUT" 80 --sport 5556 --up 1000) || rc=$?
	check_match "$fam: TCP: client2 from port 5556, at the same time, works" \
		"^$RWAN_RE:[0-9]+ -> $OUT_RE:80 \(0\)\$" \
		"$out2 ($rc)"
	p2=$(port_of "$out2")
	check_eq "$fam: TCP: client2 is given another port" 1 \
		"$((p2 != 5556 && p2 >= 1024))"
	kill "$pid"
	wait "$pid" 2>/dev/null
}

test_exhausted()
{
	local failed0 out rc

	xtfw_native && failed0=$(nat_stat "$router" nat_failed)
	out=$(nat_talk "$client1" "$OUT" 54 --udp --sport 6001)
	check_eq "$fam: SNAT to one port: the first flow gets it" \
		"$RWAN_P:2000 -> $OUT_P:54" "$out"
	out=$(nat_talk "$client1" "$OUT" 54 --udp --sport 6002 --timeout 1)
	check_eq "$fam: SNAT to one port: a second flow is dropped" timeout "$out"
	out=$(nat_talk "$client2" "$OUT" 54 --udp --sport 6001 --timeout 1)
	check_eq "$fam: SNAT to one port: a third flow is dropped" timeout "$out"
	out=$(nat_talk "$client1" "$OUT" 54 --udp --sport 6001)
	check_eq "$fam: SNAT to one port: the first flow still works" \
		"$RWAN_P:2000 -> $OUT_P:54" "$out"
	check_counts "$fam: the SNAT rule saw 3 flows" "$router" "$fam" nat \
		POSTROUTING "3 4"
	rc=0
	nat_ct_grep "$router" "$fam" "dport=54 " | grep -v "src=$C1 .* sport=6001 " && rc=1
	check_eq "$fam: the dropped flows left no entry" 0 "$rc"
	xtfw_native || return 0
	check_eq "$fam: nat_failed counts the two dropped flows" \
		$((failed0 + 2)) "$(nat_stat "$router" nat_failed)"
}

test_shadow_inbound()
{
	local out pid

	out=$(nat_talk "$client1" "$OUT" 53 --udp --sport 7777)
	check_eq "$fam: UDP from port 7777 leaves as the router's 7777" \
		"$RWAN_P:7777 -> $OUT_P:53" "$out"
	check_ok "$fam: the server sends to the router's port 7777 from 9999" \
		send_pkts "$server" \
		"$IPH(src=\"$OUT\", dst=\"$RWAN\")/UDP(sport=9999, dport=7777)/Raw(b'x')"
	check_counts "$fam: the router's INPUT dropped it" "$router" "$fam" \
		filter INPUT "1 0"
	check_counts "$fam: client1 got only the answer" "$client1" "$fam" \
		filter INPUT "1 0"

	ip netns exec "$client1" "$PYTHON" "$NAT_PEER" talk "$OUT" 80 \
		--sport 7777 --hold 60 >"$tmp/tcp7777$fam" 2>&1 &
	pid=$!
	busywait 5000 _has_line "$tmp/tcp7777$fam"
	check_eq "$fam: TCP from port 7777 leaves as the router's 7777" \
		"$RWAN_P:7777 -> $OUT_P:80" "$(head -n1 "$tmp/tcp7777$fam")"
	out=$(nat_talk "$server" "$RWAN" 7777 --sport 9999 --timeout 1.5)
	check_eq "$fam: a connection from outside to the router's 7777 fails" \
		timeout "$out"
	check_match "$fam: the router's INPUT dropped its SYNs" '^1 [1-9]' \
		"$(rule_counts "$router" "$fam" filter INPUT)"
	check_counts "$fam: no SYN reached client1" "$client1" "$fam" \
		filter INPUT "1 0"
	kill "$pid"
	wait "$pid" 2>/dev/null
}

test_shadow_outbound()
{
	local out p

	# the server opens 7779 at the router first: an entry, no listener
	check_ok "$fam: the server sends to the router's port 7779 from 9997" \
		send_pkts "$server" \
		"$IPH(src=\"$OUT\", dst=\"$RWAN\")/UDP(sport=9997, dport=7779)/Raw(b'x')"
	busywait 2000 nat_ct_grep "$router" "$fam" \
		"src=$OUT dst=$RWAN sport=9997 dport=7779 " >/dev/null
	out=$(nat_talk "$client1" "$OUT" 9997 --udp --sport 7779)
	check_match "$fam: client1 from 7779 to the server's 9997 works" \
		"^$RWAN_RE:[0-9]+ -> " "$out"
	p=$(port_of "$out")
	check_eq "$fam: and is not given the router's 7779" 1 \
		"$((p != 7779 && p >= 1024))"
}

test_family()
{
	set_family "$1"
	rules
	test_udp_clash
	test_tcp_clash
	test_exhausted
	test_shadow_inbound
	test_shadow_outbound
}

require_root
require_cmd ip ss
require_scapy
xtfw_load
nat_require
nat_lan server client1 client2
tmp=$(mktemp -d)
defer rm -rf "$tmp"
nat_serve "$server" 80 tcp
nat_serve "$server" 53 udp
nat_serve "$server" 54 udp
nat_serve "$server" 9997 udp

test_family -4
test_family -6
ksft_exit
