# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the NAT tests (6x-nat-*), sourced after lib.sh, mt_lib.sh and
# ct_lib.sh. Like the conntrack tests they run against iptables-legacy too
# (XTFW_SKIP_LOAD=1 XTFW_XTCTL=selftests/xtctl-iptables.sh), which shows
# that what they expect is what Linux NAT does; "xtctl ct" checks are
# xtfw's only (nat_ct_* read /proc/net/nf_conntrack instead there).
#
# The ends are nat_peer.py: "nat_talk" prints what the server saw,
# "PEER -> LOCAL" (ADDR:PORT, IPv6 in brackets), and checks the data.

NAT_PEER="$SELFTESTS_DIR/nat_peer.py"

# Skip unless this xtfw does NAT: a MASQUERADE rule is accepted.
nat_require()
{
	local err natprobe

	ct_require
	setup_ns natprobe
	err=$(xtctl_err "$natprobe" -t nat -A POSTROUTING -j MASQUERADE)
	[[ $err == "(succeeded)" ]] || ksft_skip "no NAT in this xtfw: $err"
	cleanup_ns "$natprobe"
}

# nat_slow_kernel NS: where everything is slower (XTFW_TIMEOUT_SCALE above
# 1, the debug kernel), NS's UDP and ICMP entries live that many times
# their defaults (30 s; 120 s for a UDP stream), so that none expires
# between the steps of a test that did not mean it to.
nat_slow_kernel()
{
	local ns=$1 s=${XTFW_TIMEOUT_SCALE:-1}

	((s > 1)) || return 0
	if ! xtfw_native; then
		ip netns exec "$ns" sysctl -qw \
			net.netfilter.nf_conntrack_udp_timeout=$((30 * s)) \
			net.netfilter.nf_conntrack_udp_timeout_stream=$((120 * s)) \
			net.netfilter.nf_conntrack_icmp_timeout=$((30 * s)) \
			net.netfilter.nf_conntrack_icmpv6_timeout=$((30 * s)) \
			2>/dev/null
		return 0
	fi
	if ! ns_xtctl "$ns" ct set timeout udp unreplied $((30 * s)) ||
	   ! ns_xtctl "$ns" ct set timeout udp replied $((30 * s)) ||
	   ! ns_xtctl "$ns" ct set timeout udp stream $((120 * s)) ||
	   ! ns_xtctl "$ns" ct set timeout icmp $((30 * s)) ||
	   ! ns_xtctl "$ns" ct set timeout icmpv6 $((30 * s)); then
		ksft_fail "cannot lengthen the timeouts in $ns"
	fi
}

# nat_router INSIDE OUTSIDE: three namespaces in a row, IPv4 and IPv6;
# sets the variables named INSIDE and OUTSIDE, and router:
#
#   INSIDE                  router                     OUTSIDE
#   veth0 10.0.1.1 ──── lan0 10.0.1.2  wan0 10.0.2.1 ──── veth0 10.0.2.2
#         fd00:1::1          fd00:1::2       fd00:2::1          fd00:2::2
#   default via router
#
# OUTSIDE has no route to the LAN: only NAT'ed packets can be answered.
# shellcheck disable=SC2154 # setup_ns sets router
nat_router()
{
	local in_var=$1 out_var=$2

	setup_ns "$in_var" router "$out_var"
	connect_ns "${!in_var}" veth0 "$router" lan0 1
	connect_ns "$router" wan0 "${!out_var}" veth0 2
	if ! ip -n "${!in_var}" route add default via 10.0.1.2 ||
	   ! ip -n "${!in_var}" -6 route add default via fd00:1::2 ||
	   ! ip netns exec "$router" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1; then
		ksft_fail "cannot route through $router"
	fi
	nat_slow_kernel "$router"
}

# nat_lan OUTSIDE INSIDE...: as nat_router, with the inside hosts on a
# bridge of the router, numbered 1, 3, 4... (10.0.1.N, fd00:1::N,
# 02:00:00:00:01:0N), default route via the router (br0 10.0.1.2):
#
#   INSIDE 10.0.1.1 ──┐
#                     br0 10.0.1.2  router  wan0 10.0.2.1 ──── OUTSIDE
#   INSIDE 10.0.1.3 ──┘ fd00:1::2           fd00:2::1          10.0.2.2
#
# The IPv6 neighbours between the hosts and the router are static.
# shellcheck disable=SC2154 # setup_ns sets router
nat_lan()
{
	local out_var=$1 var n=1
	shift

	setup_ns router "$out_var" "$@"
	if ! ip -n "$router" link add br0 address 02:00:00:00:01:02 \
		type bridge stp_state 0 forward_delay 0 ||
	   ! ip -n "$router" link set br0 up ||
	   ! ip -n "$router" addr add 10.0.1.2/24 dev br0 ||
	   ! ip -n "$router" addr add fd00:1::2/64 dev br0 nodad; then
		ksft_fail "cannot make the LAN bridge"
	fi
	for var in "$@"; do
		_nat_lan_port "${!var}" "$n"
		((n = n == 1 ? 3 : n + 1))
	done
	connect_ns "$router" wan0 "${!out_var}" veth0 2
	ip netns exec "$router" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1 ||
		ksft_fail "cannot enable forwarding in $router"
	# where br_netfilter is loaded, bridged frames must not pass the
	# IP hooks (and their counters): only routed packets are tested
	if [[ -e /proc/sys/net/bridge/bridge-nf-call-iptables ]]; then
		ip netns exec "$router" sysctl -qw \
			net.bridge.bridge-nf-call-iptables=0 \
			net.bridge.bridge-nf-call-ip6tables=0 ||
			ksft_fail "cannot keep bridged frames off the IP hooks"
	fi
	nat_slow_kernel "$router"
}

_nat_lan_port()
{
	local ns=$1 n=$2 mac

	mac=$(printf '02:00:00:00:01:%02x' "$n")
	veth_pair "$ns" "$router" veth0 "lan$n"
	if ! ip -n "$router" link set "lan$n" master br0 ||
	   ! ip -n "$ns" link set veth0 address "$mac" ||
	   ! ip -n "$ns" addr add "10.0.1.$n/24" dev veth0 ||
	   ! ip -n "$ns" addr add "fd00:1::$n/64" dev veth0 nodad ||
	   ! ip -n "$ns" neigh replace fd00:1::2 lladdr 02:00:00:00:01:02 \
		dev veth0 nud permanent ||
	   ! ip -n "$router" neigh replace "fd00:1::$n" lladdr "$mac" \
		dev br0 nud permanent ||
	   ! ip -n "$ns" route add default via 10.0.1.2 ||
	   ! ip -n "$ns" -6 route add default via fd00:1::2; then
		ksft_fail "cannot connect $ns to the bridge"
	fi
}

# nat_serve NS PORT [tcp|udp] [ADDR]: nat_peer.py's server on PORT (both
# families, or ADDR only); returns once it listens. Killed with NS.
nat_serve()
{
	local ns=$1 port=$2 proto=${3:-tcp} addr=${4:-} n=2
	local -a opts=()

	[[ $proto == udp ]] && opts+=(--udp)
	[[ -n $addr ]] && opts+=(--addr "$addr") && n=1
	ip netns exec "$ns" "$PYTHON" "$NAT_PEER" serve "$port" "${opts[@]}" &
	busywait 10000 _nat_listening "$ns" "$port" "$proto" "$n" ||
		ksft_fail "the $proto server on port $port in $ns did not start"
}

_nat_listening()
{
	[[ $(ip netns exec "$1" ss -Hln --"$3" "sport = :$2" | wc -l) -ge $4 ]]
}

# nat_talk NS ADDR PORT [nat_peer.py talk OPTION...]: one request from NS;
# prints the server's "PEER -> LOCAL", or timeout/refused. Exit status as
# nat_peer.py's (0: the data arrived intact).
nat_talk()
{
	local ns=$1
	shift

	ns_exec "$ns" "$PYTHON" "$NAT_PEER" talk "$@"
}

_nat_counts_are()
{
	[[ $(rule_counts "$1" "$2" "$3" "$4") == "$5" ]]
}

# check_counts NAME NS FAMILY TABLE CHAIN EXPECTED: the packet counters of
# the chain's rules are EXPECTED ("1 0 2"), waiting up to 2s for them.
check_counts()
{
	local name=$1 ns=$2 fam=$3 table=$4 chain=$5 expected=$6

	busywait 2000 _nat_counts_are "$ns" "$fam" "$table" "$chain" \
		"$expected" >/dev/null
	check_eq "$name" "$expected" "$(rule_counts "$ns" "$fam" "$table" "$chain")"
}

# nat_policy_pkts NS FAMILY CHAIN: the packet count of the nat table's
# CHAIN policy: the first packets of the connections that passed it.
nat_policy_pkts()
{
	local line

	line=$(ns_xtctl "$1" "$2" -t nat -L "$3" -v -x -n | head -n1)
	if [[ $line =~ \(policy\ [A-Z]+\ ([0-9]+)\ packets ]]; then
		echo "${BASH_REMATCH[1]}"
	else
		echo "unparsable: $line"
	fi
}

# nat_ct NS FAMILY: the conntrack entries of NS, one a line as conntrack -L
# prints them, the timeout as T: "xtctl ct list" with xtfw, else the
# kernel's /proc/net/nf_conntrack (its first two columns dropped).
nat_ct()
{
	local ns=$1 fam=$2

	if xtfw_native; then
		ct_entries "$ns" "$fam"
		return
	fi
	ip netns exec "$ns" cat /proc/net/nf_conntrack 2>/dev/null |
		awk -v f="ipv${fam#-}" '$1 == f { $1 = $2 = ""; $5 = "T"; sub(/^ +/, ""); print }' |
		"$PYTHON" -c "$_NAT_IP6_SHORT" | sort
}

# /proc/net/nf_conntrack prints IPv6 addresses in full: shorten them.
_NAT_IP6_SHORT='
import ipaddress, re, sys
for line in sys.stdin:
    print(re.sub(r"=([0-9a-f]{4}(:[0-9a-f]{4}){7})\b",
                 lambda m: "=" + str(ipaddress.ip_address(m[1])), line),
          end="")'

# nat_ct_grep NS FAMILY ERE: the entries that match ERE.
nat_ct_grep()
{
	nat_ct "$1" "$2" | grep -E -- "$3"
}

_nat_ct_gone()
{
	! nat_ct_grep "$@" >/dev/null
}

# nat_ct_wait_gone NS FAMILY ERE: wait up to 5s for no entry to match.
nat_ct_wait_gone()
{
	busywait 5000 _nat_ct_gone "$@"
}

# nat_stat NS NAME: one counter of "xtctl ct stats" (xtfw only).
nat_stat()
{
	ns_xtctl "$1" ct stats | tr ' ' '\n' | sed -n "s/^$2=//p"
}

# nat_fam FAMILY: set the addresses of nat_router for FAMILY (-4 or -6):
# IN (inside host), RLAN and RWAN (router), OUT (outside host), and the
# "ADDR:PORT" forms of them, with brackets for IPv6: IN_P, RLAN_P, RWAN_P,
# OUT_P (append the port: "$RWAN_P:80").
# shellcheck disable=SC2034 # for the tests
nat_fam()
{
	fam=$1
	if [[ $fam == -4 ]]; then
		IN=10.0.1.1 RLAN=10.0.1.2 RWAN=10.0.2.1 OUT=10.0.2.2
		IN_P=$IN RLAN_P=$RLAN RWAN_P=$RWAN OUT_P=$OUT
	else
		IN=fd00:1::1 RLAN=fd00:1::2 RWAN=fd00:2::1 OUT=fd00:2::2
		IN_P="[$IN]" RLAN_P="[$RLAN]" RWAN_P="[$RWAN]" OUT_P="[$OUT]"
	fi
}
