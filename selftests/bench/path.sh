# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The benchmark's forwarding path, shared by bench/guest.sh and
# insns/guest.sh (sourced after selftests/lib.sh; XTCTL set):
#
#   gen (10.0.1.1) --veth-- lan0 router wan0 --veth-- sink (10.0.2.2)
#
# make_path FW sets one up for firewall FW, with pktgen ready on the
# router's lan0 (64-byte UDP 10.0.1.1:9 -> 10.0.2.2:9, xmit_mode
# netif_receive, count 0); unreach FW then has the router send the sink's
# packets to a MAC nobody has, so that the sink drops them on arrival at
# no cost (its veth0's rx_packets still counts them); prime FW answers
# the flow once first, so that its packets are ESTABLISHED. FW is a
# firewall name: xtfw's conntrack is asked with xtctl, any other's is the
# kernel's.

# shellcheck disable=SC2086 # $XTCTL may be a command with arguments

declare -A GEN ROUTER SINK
# the router sends to this MAC; the sink's veth0 is 02:00:00:00:02:02
BOGUS_MAC=02:00:00:00:02:ee

# pg FW FILE CMD: a pktgen command in FW's router
pg()
{
	ip netns exec "${ROUTER[$1]}" sh -c "echo '$3' > /proc/net/pktgen/$2" ||
		ksft_fail "pktgen: $1: $2: $3"
}

# in_router FW CMD...
in_router()
{
	local fw=$1
	shift

	ip netns exec "${ROUTER[$fw]}" "$@"
}

# make_path FW: gen -> router -> sink namespaces for FW, router forwarding,
# static neighbours (no ARP), pktgen ready on the router's lan0.
make_path()
{
	local fw=$1 gen router sink mac

	setup_ns gen router sink
	GEN[$fw]=$gen ROUTER[$fw]=$router SINK[$fw]=$sink
	connect_ns "$gen" veth0 "$router" lan0 1
	connect_ns "$router" wan0 "$sink" veth0 2
	if ! { ip -n "$gen" route add 10.0.2.0/24 via 10.0.1.2 &&
	       ip -n "$sink" route add 10.0.1.0/24 via 10.0.2.1 &&
	       ip -n "$gen" neigh replace 10.0.1.2 lladdr 02:00:00:00:01:02 dev veth0 nud permanent &&
	       ip -n "$router" neigh replace 10.0.1.1 lladdr 02:00:00:00:01:01 dev lan0 nud permanent &&
	       ip -n "$router" neigh replace 10.0.2.2 lladdr 02:00:00:00:02:02 dev wan0 nud permanent &&
	       ip -n "$sink" neigh replace 10.0.2.1 lladdr 02:00:00:00:02:01 dev veth0 nud permanent &&
	       ip netns exec "$router" sysctl -qw net.ipv4.ip_forward=1; }; then
		ksft_fail "$fw: cannot set up the path"
	fi

	mac=$(ip -n "$router" -br link show lan0 | awk '{ print $3 }')
	pg "$fw" kpktgend_0 rem_device_all
	pg "$fw" kpktgend_0 "add_device lan0"
	pg "$fw" lan0 "count 0"
	pg "$fw" lan0 "pkt_size 64"
	pg "$fw" lan0 "dst 10.0.2.2"
	pg "$fw" lan0 "src_min 10.0.1.1"
	pg "$fw" lan0 "src_max 10.0.1.1"
	pg "$fw" lan0 "dst_mac $mac"
	pg "$fw" lan0 "udp_src_min 9"
	pg "$fw" lan0 "udp_src_max 9"
	pg "$fw" lan0 "udp_dst_min 9"
	pg "$fw" lan0 "udp_dst_max 9"
	pg "$fw" lan0 "xmit_mode netif_receive"
}

drop_path()
{
	local fw=$1

	cleanup_ns "${GEN[$fw]}" "${ROUTER[$fw]}" "${SINK[$fw]}"
	unset "GEN[$fw]" "ROUTER[$fw]" "SINK[$fw]"
}

unreach()
{
	ip -n "${ROUTER[$1]}" neigh replace 10.0.2.2 lladdr "$BOGUS_MAC" \
		dev wan0 nud permanent
}

# ct_replied FW: the entry of the test flow has seen its reply
ct_replied()
{
	local list

	if [[ $1 == xtfw ]]; then
		list=$(in_router "$1" $XTCTL ct list 2>&1)
	else
		list=$(in_router "$1" cat /proc/net/nf_conntrack 2>&1)
	fi
	grep 'src=10.0.1.1 dst=10.0.2.2 sport=9 dport=9' <<<"$list" |
		grep -qv UNREPLIED
}

# long_udp_timeouts FW: an hour, so that the entry outlives the run
long_udp_timeouts()
{
	local fw=$1 s

	if [[ $fw == xtfw ]]; then
		for s in unreplied replied stream; do
			in_router "$fw" $XTCTL ct set timeout udp "$s" 3600 || return 1
		done
	else
		in_router "$fw" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=3600 \
			net.netfilter.nf_conntrack_udp_timeout_stream=3600
	fi
}

# prime FW: answer the flow once, so that its packets are ESTABLISHED;
# then send the router's packets for the sink to a MAC nobody has.
prime()
{
	local fw=$1

	ip -n "${ROUTER[$fw]}" neigh replace 10.0.2.2 lladdr 02:00:00:00:02:02 \
		dev wan0 nud permanent
	echo x | ip netns exec "${GEN[$fw]}" socat -u - \
		UDP4-SENDTO:10.0.2.2:9,bind=10.0.1.1:9 2>/dev/null
	sleep 0.2
	echo y | ip netns exec "${SINK[$fw]}" socat -u - \
		UDP4-SENDTO:10.0.1.1:9,bind=10.0.2.2:9 2>/dev/null
	sleep 0.2
	unreach "$fw"
	if ! ct_replied "$fw"; then
		echo "bench: $fw: the flow has no answered conntrack entry" >&2
		return 1
	fi
}
