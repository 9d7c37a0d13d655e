#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Hostile packets through a stateful NAT router: hostile_pkt.py writes
# crafted IPv4 and IPv6 frames straight onto the client's link (AF_PACKET,
# nothing fixed up): TCP data offsets below 5 and past the packet, TCP and
# UDP headers cut short, ICMP/ICMPv6 errors quoting garbage, truncated,
# nested and looping inner headers (an error quoting an error quoting an
# error), bad IHL, total lengths above and below the frame, bad IPv4
# options, bogus TCP options, zero-length and large payloads, tiny, large
# and overlapping fragments, chains of 8 to 40 IPv6 extension headers
# (destination options, hop-by-hop, routing), one cut short. Proven, at
# the router, per family:
#
#   * exact outcomes where Linux defines them: each broken TCP/UDP header
#     and each ICMP error about no connection is counted by the
#     "--ctstate INVALID" rule and makes no entry; a well-formed datagram
#     (empty, 1400 bytes, in 8-byte fragments, behind 8 to 40 IPv6
#     extension headers) makes exactly one entry; headers the IP layer
#     drops (bad IHL or length) and overlapping fragments reach neither;
#   * for the rest (TCP and IP options, no upper layer header, a chain cut
#     short, a 30000-byte datagram) no more entries than datagrams, and
#     unconfirmed entries of packets dropped after conntrack expire;
#   * afterwards a normal TCP flow still passes DNAT and MASQUERADE both
#     ways, conntrack holds exactly its entries, and the kernel logged no
#     oops, BUG or WARNING.
#
#   client ──AF_PACKET── lan0 router wan0 ────────── server (tc drops all
#   10.0.1.1             DNAT 10.0.1.2:8080          10.0.2.2   while the
#   fd00:1::1             -> server:7000             fd00:2::2  packets run)
#                        MASQUERADE -o wan0
#                        FORWARD: INVALID -j DROP (counted), ESTABLISHED,
#                        RELATED and lan0 -> wan0 accepted, policy DROP
#
# timeout: 300

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"
# shellcheck source=selftests/nat_lib.sh
source "$(dirname "$0")/nat_lib.sh"

declare client router server

require_root
require_cmd socat tc taskset dmesg
xtfw_load
require_xtctl
nat_require
"$PYTHON" -c 'import scapy' 2>/dev/null || ksft_skip "needs scapy"

klog_start=$(dmesg | wc -l)
SENT=0

ct_router
ct_static_arp

# shellcheck disable=SC2317 # run by check_ok
router_rules()
{
	local fam=$1 lan=$2 dst=$3

	ns_xtctl "$router" "$fam" -t nat -A PREROUTING -i lan0 -d "$lan" -p tcp \
		--dport 8080 -j DNAT --to-destination "$dst" &&
	ns_xtctl "$router" "$fam" -t nat -A POSTROUTING -o wan0 -j MASQUERADE &&
	ns_xtctl "$router" "$fam" -A FORWARD -m conntrack --ctstate INVALID -j DROP &&
	ns_xtctl "$router" "$fam" -A FORWARD -m conntrack \
		--ctstate ESTABLISHED,RELATED -j ACCEPT &&
	ns_xtctl "$router" "$fam" -A FORWARD -i lan0 -o wan0 -j ACCEPT &&
	ns_xtctl "$router" "$fam" -P FORWARD DROP
}

check_ok "IPv4 router ruleset" router_rules -4 10.0.1.2 10.0.2.2:7000
check_ok "IPv6 router ruleset" router_rules -6 fd00:1::2 '[fd00:2::2]:7000'
start_tcp_server "$server" 7000

# normal_flow NAME: a TCP connection each way through DNAT and MASQUERADE.
normal_flow()
{
	check_eq "$1: IPv4 TCP through DNAT" hello "$(tcp_hello "$client" 10.0.1.2 8080 5)"
	check_eq "$1: IPv6 TCP through DNAT" hello "$(tcp_hello "$client" fd00:1::2 8080 5)"
}

invalid_count()
{
	local counts

	read -r -a counts <<<"$(rule_counts "$router" "$1" filter FORWARD)"
	echo "${counts[0]:-?}"
}

# shellcheck disable=SC2317 # run by slowwait
_marker_seen()
{
	[[ -n $(ns_xtctl "$router" ct list -p udp --sport "$1" 2>/dev/null) ]]
}

# send FAMILY SET: the frames of SET, then a marker; waits until the router
# has tracked the marker, so it has seen everything before it. Sets FRAMES.
send()
{
	local fam=$1 set=$2 marker

	printf '%s %s\n' "${fam#-}" "$set" >&"${HOSTILE[1]}"
	read -r -t 60 FRAMES marker <&"${HOSTILE[0]}" ||
		ksft_fail "hostile_pkt.py did not answer"
	echo "[+] client: $fam $set: $FRAMES frames" >&2
	SENT=$((SENT + FRAMES + 1))
	slowwait 10 _marker_seen "$marker" ||
		check_eq "$fam $set: the router tracks the marker after it" 1 0
}

# confirmed NS: the confirmed entries ("ct count" also counts the
# unconfirmed ones of first packets dropped after conntrack saw them).
confirmed()
{
	ns_xtctl "$1" ct list 2>/dev/null | wc -l
}

# shellcheck disable=SC2317 # run by slowwait
_only_confirmed_left()
{
	[[ $(ct_count "$router") == "$(confirmed "$router")" ]]
}

# step FAMILY SET INVALID ENTRIES: send SET; the INVALID rule must count
# INVALID more packets (a number, "all": one per frame, or "any"), and conntrack
# hold ENTRIES more confirmed entries besides the marker's ("all": one per
# frame, "<=N": at most N).
step()
{
	local fam=$1 set=$2 inv=$3 ent=$4 inv0 ct0 d_inv d_ct

	inv0=$(invalid_count "$fam")
	ct0=$(confirmed "$router")
	send "$fam" "$set"
	d_inv=$(($(invalid_count "$fam") - inv0))
	d_ct=$(($(confirmed "$router") - ct0 - 1))
	[[ $inv == all ]] && inv=$FRAMES
	if [[ $inv == any ]]; then
		echo "$fam $set: $FRAMES frames, INVALID counted $d_inv"
	else
		check_eq "$fam $set: $FRAMES frames, INVALID counted" "$inv" "$d_inv"
	fi
	if [[ $ent == "<="* ]]; then
		check_eq "$fam $set: at most ${ent#<=} entries (made $d_ct)" 1 \
			$((d_ct >= 0 && d_ct <= ${ent#<=}))
	else
		[[ $ent == all ]] && ent=$FRAMES
		check_eq "$fam $set: conntrack entries made" "$ent" "$d_ct"
	fi
}

normal_flow "before"
check_ok "flush conntrack" ns_xtctl "$router" ct flush
# nothing of this test may expire while it runs
check_ok "router: long UDP timeout" \
	ns_xtctl "$router" ct set timeout udp UNREPLIED 600
check_ok "router: long TCP SYN_SENT timeout" \
	ns_xtctl "$router" ct set timeout tcp SYN_SENT 600
ct_shield "$server"

# shellcheck disable=SC2034 # bash sets HOSTILE_PID
coproc HOSTILE { exec ip netns exec "$client" taskset -c 0 "$PYTHON" \
	"$SELFTESTS_DIR/hostile_pkt.py" --serve veth0 02:00:00:00:01:01 \
	02:00:00:00:01:02; }
defer kill "$HOSTILE_PID"

for fam in -4 -6; do
	step "$fam" tcp_doff all 0
	step "$fam" tcp_beyond all 0
	step "$fam" l4_trunc all 0
	step "$fam" icmp_err all 0
	step "$fam" udp_zero 0 1
	step "$fam" udp_large 0 1
	step "$fam" frag_tiny 0 1
	step "$fam" ip_bad 0 0
	step "$fam" frag_overlap 0 0
	step "$fam" tcp_opts any "<=14"
	step "$fam" frag_big 0 "<=1"
done
step -6 ext_chain 0 all
# robustness only: the INVALID count is whatever the router decides
for set in ip_opts:-4 ext_bad:-6; do
	fam=${set#*:}
	inv0=$(invalid_count "$fam")
	ct0=$(confirmed "$router")
	send "$fam" "${set%:*}"
	d_ct=$(($(confirmed "$router") - ct0 - 1))
	echo "$fam ${set%:*}: INVALID +$(($(invalid_count "$fam") - inv0)), entries +$d_ct"
	check_eq "$fam ${set%:*}: no more entries than frames" 1 $((d_ct <= FRAMES))
done

echo "hostile_pkt.py sent $SENT frames"

# Entries of first packets the IP layer dropped after conntrack (bad IPv4
# options) stay unconfirmed for five seconds, then must be gone.
slowwait 15 _only_confirmed_left
check_eq "unconfirmed entries expire: ct count = confirmed entries" \
	"$(confirmed "$router")" "$(ct_count "$router")"

# The router still works: a fresh TCP flow each way, and exactly its
# entries in conntrack.
tc -n "$server" qdisc del dev veth0 ingress
check_ok "flush conntrack after the hostile packets" ns_xtctl "$router" ct flush
normal_flow "after"
check_eq "conntrack holds exactly the two new flows" 2 "$(ct_count "$router")"

bad=$(dmesg | tail -n +$((klog_start + 1)) | klog_bad_lines)
check_eq "no oops, BUG or WARNING logged" "" "$bad"
ksft_exit
