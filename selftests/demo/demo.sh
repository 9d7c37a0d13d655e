#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The xtfw demo, run as root where xtfw can be loaded (the VM started by
# selftests/vm/demo.sh, or a real host). It builds
#
#   client 10.0.1.2 ── 10.0.1.1 router 10.0.2.1 ── 10.0.2.2 server
#
# loads a sample ruleset into the router with xtctl restore, shows which
# traffic passes and which is blocked, and prints the counters; then asks
# xtctl explain why ssh is refused, loads a stateful ruleset with NAT,
# lists the connections and traces a web request rule by rule.

set -u
cd "$(dirname "$0")/.." || exit 1
# shellcheck source=selftests/lib.sh
source ./lib.sh
require_xtctl
xtfw_load

say() { printf '\n== %s\n' "$*"; }
try() {
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then
		printf '   %-44s passes\n' "$what"
	else
		printf '   %-44s blocked\n' "$what"
	fi
}

declare client router server

say "three namespaces: client, router, server"
setup_ns client router server
veth_pair "$client" "$router" veth0 lan0
veth_pair "$router" "$server" wan0 veth0
ip -n "$client" addr add 10.0.1.2/24 dev veth0
ip -n "$client" route add default via 10.0.1.1
ip -n "$router" addr add 10.0.1.1/24 dev lan0
ip -n "$router" addr add 10.0.2.1/24 dev wan0
ip -n "$server" addr add 10.0.2.2/24 dev veth0
ip -n "$server" route add default via 10.0.2.1
ip netns exec "$router" sysctl -qw net.ipv4.ip_forward=1
for port in 80 22 5353; do
	ip netns exec "$server" socat TCP4-LISTEN:$port,reuseaddr,fork SYSTEM:"echo port $port" &
done
ip netns exec "$server" socat UDP4-RECVFROM:5353,fork SYSTEM:"echo dns" &
wait_local_port_listen "$server" 80 tcp

tcp() { ip netns exec "$client" socat -t 2 -T 2 - "TCP4:10.0.2.2:$1,connect-timeout=2" </dev/null | grep -q port; }
udp() { echo q | ip netns exec "$client" socat -t 2 -T 2 - "UDP4:10.0.2.2:$1" | grep -q dns; }
ping_server() { ip netns exec "$client" ping -c 1 -W 1 10.0.2.2; }
probe() {
	try "client -> server ping" ping_server
	try "client -> server tcp/80 (web)" tcp 80
	try "client -> server tcp/22 (ssh)" tcp 22
	try "client -> server udp/5353" udp 5353
}

say "no ruleset in the router yet: everything passes"
probe

say "the router's ruleset (xtctl restore, iptables-save format)"
rules=$(mktemp)
defer rm -f "$rules"
cat >"$rules" <<'RULES'
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:WEB - [0:0]
-A FORWARD -p icmp -m icmp --icmp-type 8 -j ACCEPT
-A FORWARD -p icmp -m icmp --icmp-type 0 -j ACCEPT
-A FORWARD -i lan0 -o wan0 -p tcp -m tcp --dport 80 -j WEB
-A FORWARD -i wan0 -o lan0 -p tcp -m tcp --sport 80 -j ACCEPT
-A FORWARD -i lan0 -p tcp -m tcp --dport 22 -j REJECT --reject-with tcp-reset
-A WEB -s 10.0.1.0/24 -j ACCEPT
COMMIT
RULES
sed 's/^/   /' "$rules"
ns_xtctl "$router" restore "$rules" || exit 1

say "with the ruleset"
probe

say "the router's counters (xtctl -L FORWARD -v -n, as iptables prints them)"
ns_xtctl "$router" -L FORWARD -v -n
ns_xtctl "$router" -L WEB -v -n

say "one more rule, added atomically: allow udp/5353"
ns_xtctl "$router" -I FORWARD 1 -p udp --dport 5353 -j ACCEPT
ns_xtctl "$router" -I FORWARD 1 -p udp --sport 5353 -j ACCEPT
probe

say "xtctl save"
ns_xtctl "$router" save -c

say "why is ssh refused? xtctl explain asks the kernel, no packet sent"
ns_xtctl "$router" explain -i lan0 -o wan0 -s 10.0.1.2 -d 10.0.2.2 -p tcp --dport 22

say "stateful, with NAT: replies by connection state, the LAN masqueraded"
cat >"$rules" <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -s 10.0.1.0/24 -o wan0 -j MASQUERADE
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i lan0 -o wan0 -p tcp -m tcp --dport 80 -j ACCEPT
-A FORWARD -i lan0 -o wan0 -p icmp -m icmp --icmp-type 8 -j ACCEPT
COMMIT
RULES
sed 's/^/   /' "$rules"
ns_xtctl "$router" restore "$rules" || exit 1
probe

say "the router's connections (xtctl ct list, as conntrack -L prints them)"
ns_xtctl "$router" ct list

say "which rules did a web request go through? (xtctl trace add + monitor trace)"
ns_xtctl "$router" trace add -p tcp --dport 80 --syn
trace=$(mktemp)
defer rm -f "$trace"
# shellcheck disable=SC2086 # $XTCTL may be a command with arguments
ip netns exec "$router" $XTCTL monitor trace --timeout 2 >"$trace" 2>&1 &
sleep 1
tcp 80
wait
cut -d' ' -f1-4 "$trace"

say "done"
