#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtfw next to the kernel's own firewalls in one namespace: iptables
# (legacy) and nftables hook into the same places, so every one of them
# must accept a packet for it to pass, whichever drops it; their counters
# each see the packet; and they run in hook priority order (an nftables
# chain at -10 sees the packet before xtfw's filter at 0, one at 10
# after it). A packet another firewall drops after xtfw's conntrack hook
# leaves an unconfirmed entry that expires and is freed (not kept, or
# counted, by the per-CPU lookup hint its conntrack hook left).
#
#   client veth0 10.0.1.1 ──── server veth0 10.0.1.2, tcp/22
#
# timeout: 240

# shellcheck disable=SC2317 # functions run through check_ok

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare client server

X() { ns_xtctl "$server" "$@"; }
IPT() { ns_exec "$server" iptables-legacy "$@"; }
NFT() { ns_exec "$server" nft "$@"; }

hello() { [[ $(tcp_hello "$client" 10.0.1.2 22 2) == hello ]]; }
ct_count_is() { [[ $(X ct count 2>/dev/null) == "$1" ]]; }

require_root
require_cmd iptables-legacy nft
xtfw_native || ksft_skip "checks xtfw beside the kernel's own firewalls"
xtfw_load
require_xtctl

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1
start_tcp_server "$server" 22
modprobe -q ip_tables 2>/dev/null
modprobe -q nf_tables 2>/dev/null

check_ok "xtfw accepts ssh and counts it" X -A INPUT -p tcp --dport 22 -j ACCEPT
check_ok "iptables-legacy drops it" IPT -A INPUT -p tcp --dport 22 -j DROP
check_fail "a packet xtfw accepts and iptables drops does not pass" hello
check_ok "iptables accepts it now" IPT -R INPUT 1 -p tcp --dport 22 -j ACCEPT
check_ok "xtfw drops it" X -R INPUT 1 -p tcp --dport 22 -j DROP
check_fail "a packet iptables accepts and xtfw drops does not pass" hello
check_ok "xtfw accepts again" X -R INPUT 1 -p tcp --dport 22 -j ACCEPT
check_ok "nftables: a counting chain before xtfw (-10) and one after (10)" \
	NFT -f - <<'NFT'
table inet t {
	chain before {
		type filter hook input priority -10;
		tcp dport 22 counter
	}
	chain after {
		type filter hook input priority 10;
		tcp dport 22 counter
	}
}
NFT
X -Z INPUT
IPT -Z INPUT
check_ok "with all three accepting, the connection works" hello
sleep 1	# the connection's last packets
pkts_x=$(X -L INPUT -v -x -n | awk 'NR == 3 { print $1 }')
pkts_i=$(IPT -L INPUT -v -x -n | awk 'NR == 3 { print $1 }')
pkts_b=$(NFT list chain inet t before | grep -o 'packets [0-9]*' | awk '{ print $2 }')
pkts_a=$(NFT list chain inet t after | grep -o 'packets [0-9]*' | awk '{ print $2 }')
check_ok "xtfw counted the connection's packets ($pkts_x)" test "$pkts_x" -gt 0
check_eq "iptables counted the same packets" "$pkts_x" "$pkts_i"
check_eq "nftables before xtfw counted them" "$pkts_x" "$pkts_b"
check_eq "nftables after xtfw counted them" "$pkts_x" "$pkts_a"
check_ok "an nftables drop at -10" \
	NFT insert rule inet t before tcp dport 22 drop
X -Z INPUT
check_fail "stops the packet before xtfw" hello
check_eq "so xtfw's filter never saw it" 0 \
	"$(X -L INPUT -v -x -n | awk 'NR == 3 { print $1 }')"

# xtfw's conntrack (-200) tracks a datagram that nftables drops at -150.
check_ok "a conntrack rule turns xtfw's tracking on" \
	X -I INPUT -m conntrack --ctstate INVALID -j DROP
check_ok "an nftables drop after xtfw's conntrack (-150)" \
	NFT -f - <<'NFT'
table inet t {
	chain pre {
		type filter hook prerouting priority -150;
		udp dport 9999 drop
	}
}
NFT
X ct flush 2>/dev/null
echo x | ns_exec "$client" socat -u - UDP4-SENDTO:10.0.1.2:9999 2>/dev/null
check_eq "its first packet made an (unconfirmed) entry" 1 "$(X ct count)"
check_eq "which ct list does not show" 0 "$(X ct list 2>/dev/null | grep -c 9999)"
check_ok "and which goes when it times out (5 s), freed, not counted" \
	slowwait 10 ct_count_is 0
ksft_exit
