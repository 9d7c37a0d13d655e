#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Path MTU discovery through a stateful firewall: a link beyond the
# firewall's neighbour has a small MTU, so that router answers a large
# packet with ICMP "fragmentation needed" (IPv6: "packet too big"). The
# firewall's policy is DROP, with ESTABLISHED,RELATED and NEW from the LAN
# accepted: the error must be RELATED, pass, and reach the client, which
# then knows the path MTU.
#
#   client ───── fw ───────────── r2 ═════════════ server
#   10.0.1.1     lan0 10.0.1.2    10.0.2.2         10.0.3.2
#   fd00:1::1    wan0 10.0.2.1    10.0.3.1         fd00:3::2
#                policy DROP      mtu 1000 (IPv4), 1280 (IPv6) ═══
#
# timeout: 300

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"

declare client fw r2 server

topology()
{
	setup_ns client fw r2 server
	connect_ns "$client" veth0 "$fw" lan0 1
	connect_ns "$fw" wan0 "$r2" veth0 2
	connect_ns "$r2" veth1 "$server" veth0 3
	if ! ip -n "$client" route add 10.0.0.0/16 via 10.0.1.2 ||
	   ! ip -n "$client" -6 route add fd00::/16 via fd00:1::2 ||
	   ! ip -n "$fw" route add 10.0.3.0/24 via 10.0.2.2 ||
	   ! ip -n "$fw" -6 route add fd00:3::/64 via fd00:2::2 ||
	   ! ip -n "$r2" route add 10.0.1.0/24 via 10.0.2.1 ||
	   ! ip -n "$r2" -6 route add fd00:1::/64 via fd00:2::1 ||
	   ! ip -n "$server" route add 10.0.0.0/16 via 10.0.3.1 ||
	   ! ip -n "$server" -6 route add fd00::/16 via fd00:3::1; then
		ksft_fail "cannot set up the routes"
	fi
	for ns in "$fw" "$r2"; do
		ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 \
			net.ipv6.conf.all.forwarding=1 ||
			ksft_fail "cannot enable forwarding in $ns"
	done
}

set_mtu()
{
	local mtu=$1

	if ! ip -n "$r2" link set veth1 mtu "$mtu" ||
	   ! ip -n "$server" link set veth0 mtu "$mtu"; then
		ksft_fail "cannot set the MTU to $mtu"
	fi
}

firewall()
{
	local fam=$1

	ct_state_chain "$fw" "$fam" CTSTATE || ksft_fail "cannot add CTSTATE"
	if ! ns_xtctl "$fw" "$fam" -A FORWARD -j CTSTATE ||
	   ! ns_xtctl "$fw" "$fam" -A FORWARD -m conntrack \
		--ctstate ESTABLISHED,RELATED -j ACCEPT ||
	   ! ns_xtctl "$fw" "$fam" -A FORWARD -i lan0 -m conntrack \
		--ctstate NEW -j ACCEPT ||
	   ! ns_xtctl "$fw" "$fam" -P FORWARD DROP; then
		ksft_fail "cannot load the firewall"
	fi
}

test_family()
{
	local fam=$1 dst=$2 mtu=$3 size=$4 err=$5 out

	firewall "$fam"
	check_ok "$fam: a small packet gets through" \
		ping_once "$client" "$dst"
	ns_xtctl "$fw" "$fam" -Z
	out=$(ns_exec "$client" ping "$fam" -c 1 -W 2 -M "do" -s "$size" "$dst" 2>&1)
	check_match "$fam: the client got the error" "$err" "$out"
	ct_check_counts "$fam: the error is RELATED" "$fw" "$fam" CTSTATE \
		"$(ct_counts 1 0 1 0 0)"
	check_eq "$fam: nothing hit the DROP policy" "0 0" \
		"$(policy_counters "$fw" FORWARD "$fam")"
	check_match "$fam: the client learned the path MTU" "mtu $mtu" \
		"$(ip -n "$client" "$fam" route get "$dst")"
}

require_root
require_cmd ip ping
xtfw_load
ct_require
topology

# IPv6 first: an MTU below 1280 takes IPv6 off the link
set_mtu 1280
test_family -6 fd00:3::2 1280 1400 'Packet too big: mtu=1280'
set_mtu 1000
test_family -4 10.0.3.2 1000 1400 'Frag needed and DF set \(mtu = 1000\)'
ksft_exit
