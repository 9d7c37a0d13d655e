#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What xtfw's connection tracking costs per packet, and how big an entry is.
# Not a test (no leading digit): run it in the VM, as root:
#
#   selftests/vm/run-vm.sh --kernel KVER -- selftests/ct_bench.sh [COUNT]
#
# pktgen injects COUNT 64-byte UDP packets of one flow into a router's LAN
# device (xmit_mode netif_receive, so the generator waits for the router),
# which forwards them through five table hooks with one rule each (mangle
# PREROUTING, FORWARD and POSTROUTING, filter and security FORWARD):
#
#   plain   "-p udp" rules: each table hook, plus xtfw's conntrack hooks
#           (track at -200, the confirm hook), no lookup
#   ct      "-m conntrack --ctstate NEW,ESTABLISHED" rules: the same plus
#           five lookups of the packet's entry by its tuple
#
# The two rulesets alternate (atomic replace) for ROUNDS rounds, so drift
# of the host cancels out; the median difference / 5 is the cost of one
# lookup. Then the same rules with iptables-legacy, where -m conntrack
# needs no lookup (skb->_nfct) but brings nf_conntrack's own hooks, and
# with no rules at all. Under TCG a nanosecond is an instruction or so, and
# only differences within one run mean anything.
#
# Last, the slab object sizes of xtfw_conn and nf_conntrack.

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"

declare client router server
COUNT=${1:-100000}
ROUNDS=${ROUNDS:-5}
XTCTL=${XTFW_XTCTL:-$SELFTESTS_DIR/../tools/xtctl/xtctl}
export XTFW_KO=${XTFW_KO:-$SELFTESTS_DIR/../build/$(uname -r)/xtfw.ko}

pg()
{
	ip netns exec "$router" sh -c "echo '$2' > /proc/net/pktgen/$1" ||
		ksft_fail "pktgen: $1: $2"
}

setup_pktgen()
{
	local mac

	mac=$(ip -n "$router" -br link show lan0 | awk '{ print $3 }')
	pg kpktgend_0 rem_device_all
	pg kpktgend_0 "add_device lan0"
	pg lan0 "count $COUNT"
	pg lan0 "pkt_size 64"
	pg lan0 "dst 10.0.2.2"
	pg lan0 "src_min 10.0.1.1"
	pg lan0 "src_max 10.0.1.1"
	pg lan0 "dst_mac $mac"
	pg lan0 "udp_src_min 9"
	pg lan0 "udp_src_max 9"
	pg lan0 "udp_dst_min 9"
	pg lan0 "udp_dst_max 9"
	pg lan0 "xmit_mode netif_receive"
}

# shellcheck disable=SC2317 # called through compare
# One run: nanoseconds per packet.
ns_per_packet()
{
	local pps

	pg pgctrl start
	pps=$(ip netns exec "$router" cat /proc/net/pktgen/lan0 |
	      sed -n 's/^ *\([0-9]*\)pps.*/\1/p')
	echo $((1000000000 / pps))
}

median()
{
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# shellcheck disable=SC2317 # called through compare
# ruleset MATCH: the five rules, in iptables-restore format.
ruleset()
{
	printf '*mangle\n-A PREROUTING %s\n-A FORWARD %s\n-A POSTROUTING %s\nCOMMIT\n' \
		"$1" "$1" "$1"
	printf '*filter\n-A FORWARD %s -j ACCEPT\nCOMMIT\n' "$1"
	printf '*security\n-A FORWARD %s\nCOMMIT\n' "$1"
}

PLAIN="-p udp"
CT="-m conntrack --ctstate NEW,ESTABLISHED"

# compare NAME LOADER: alternate the plain and ct rulesets, print both
# medians and the cost of one conntrack rule.
compare()
{
	local name=$1 load=$2 i p c plain=() ct=() diff=()

	for ((i = 0; i < ROUNDS; i++)); do
		"$load" "$PLAIN"
		p=$(ns_per_packet)
		"$load" "$CT"
		c=$(ns_per_packet)
		plain+=("$p") ct+=("$c") diff+=("$(((c - p) / 5))")
	done
	printf '%-8s plain %6d ns/packet, ct %6d ns/packet, per conntrack rule %5d ns\n' \
		"$name" "$(printf '%s\n' "${plain[@]}" | median)" \
		"$(printf '%s\n' "${ct[@]}" | median)" \
		"$(printf '%s\n' "${diff[@]}" | median)"
}

# shellcheck disable=SC2317 # called through compare
load_xtfw()
{
	# shellcheck disable=SC2086 # $XTCTL may be a command with arguments
	ruleset "$1" | ip netns exec "$router" $XTCTL restore ||
		ksft_fail "xtctl restore"
}

# shellcheck disable=SC2317 # called through compare
load_kernel()
{
	ruleset "$1" | ip netns exec "$router" iptables-legacy-restore ||
		ksft_fail "iptables-legacy-restore"
}

require_root
require_cmd ip iptables-legacy-restore
modprobe pktgen || ksft_skip "no pktgen"
modprobe nf_conntrack || ksft_skip "no nf_conntrack"
xtfw_load

setup_ns client router server
connect_ns "$client" veth0 "$router" lan0 1
connect_ns "$router" wan0 "$server" veth0 2
ip netns exec "$router" sysctl -qw net.ipv4.ip_forward=1
ip -n "$router" neigh replace 10.0.2.2 lladdr 02:00:00:00:02:02 dev wan0 \
	nud permanent
setup_pktgen

echo "no rules: $(for _ in 1 2 3; do ns_per_packet; done | median) ns/packet"
compare xtfw load_xtfw
# shellcheck disable=SC2086
ip netns exec "$router" $XTCTL ct stats
rmmod xtfw || ksft_fail "cannot unload xtfw"
compare kernel load_kernel

echo "slab objects (name, objsize, objperslab):"
xtfw_load
awk '$1 == "xtfw_conn" || $1 == "nf_conntrack" { print "  " $1, $4, $5 }' \
	/proc/slabinfo
ksft_exit
