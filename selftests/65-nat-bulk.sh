#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Data through NAT arrives intact. UDP datagrams of 4096 and 30000 bytes
# (fragmented on the way, reassembled and fragmented again by the router)
# are masqueraded to the server and echoed back; an 8 MB TCP upload is
# masqueraded and an 8 MB TCP download comes through a DNAT port forward.
# The receiver compares the SHA-256 of what arrived with the sender's, and
# the hosts count no checksum errors; all of it once with checksum offload
# (partial checksums) and once with full checksums, which the receiving
# stack verifies. IPv4 and IPv6.
#
#   client ───────────── router ───────────────── server
#   10.0.1.1            lan0 10.0.1.2              10.0.2.2
#   fd00:1::1           wan0 10.0.2.1              fd00:2::2
#   default via router  -s LAN -o wan0 MASQUERADE
#                       -i wan0 tcp 8080 DNAT to the client's 80
#
# timeout: 600

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"
# shellcheck source=selftests/nat_lib.sh
source "$(dirname "$0")/nat_lib.sh"

declare client router server
# shellcheck disable=SC2034 # nat_fam sets them all
declare fam IN RLAN RWAN OUT IN_P RLAN_P RWAN_P OUT_P
declare LAN MB=8000000

rules()
{
	LAN=10.0.1.0/24
	[[ $fam == -6 ]] && LAN=fd00:1::/64
	if ! ns_xtctl "$router" "$fam" -t nat -A POSTROUTING -s "$LAN" \
		-o wan0 -j MASQUERADE ||
	   ! ns_xtctl "$router" "$fam" -t nat -A PREROUTING -i wan0 -p tcp \
		--dport 8080 -j DNAT --to-destination "$IN_P:80" ||
	   ! ns_xtctl "$router" "$fam" -A FORWARD -p udp --dport 53 ||
	   ! ns_xtctl "$router" "$fam" -A FORWARD -p udp --sport 53; then
		ksft_fail "$fam: cannot add the rules"
	fi
}

csum_errors()
{
	ip netns exec "$1" nstat -az TcpInCsumErrors UdpInCsumErrors \
		Udp6InCsumErrors | awk '/InCsumErrors/ { n += $2 } END { print n + 0 }'
}

# talk NAME EXPECTED NS ADDR PORT [OPTION...]: the server's view must be
# EXPECTED and the data arrive intact (exit 0).
talk()
{
	local name=$1 expected=$2 out rc=0
	shift 2

	out=$(nat_talk "$@") || rc=$?
	check_eq "$name" "$expected (exit 0)" "$out (exit $rc)"
}

test_transfers()
{
	local how=$1 sport=$2 size

	ns_xtctl "$router" "$fam" -Z FORWARD
	for size in 4096 30000; do
		talk "$fam: $how: $size-byte UDP datagram, masqueraded, echoed" \
			"$RWAN_P:$sport -> $OUT_P:53" "$client" "$OUT" 53 --udp \
			--sport "$sport" --up "$size" --echo --timeout 10
		((sport++))
	done
	check_counts "$fam: $how: FORWARD saw 2 whole datagrams each way" \
		"$router" "$fam" filter FORWARD "2 2"
	talk "$fam: $how: 8 MB TCP upload, masqueraded" \
		"$RWAN_P:$sport -> $OUT_P:80" "$client" "$OUT" 80 \
		--sport "$sport" --up "$MB" --timeout 120
	((sport++))
	talk "$fam: $how: 8 MB TCP download through DNAT" \
		"$OUT_P:$sport -> $IN_P:80" "$server" "$RWAN" 8080 \
		--sport "$sport" --down "$MB" --timeout 120
	check_eq "$fam: $how: no checksum errors at the client" 0 \
		"$(csum_errors "$client")"
	check_eq "$fam: $how: no checksum errors at the server" 0 \
		"$(csum_errors "$server")"
}

txcsum()
{
	local dev

	for dev in "$client veth0" "$server veth0" "$router lan0" \
		   "$router wan0"; do
		# shellcheck disable=SC2086 # namespace and interface
		ip netns exec ${dev% *} "$PYTHON" "$NAT_PEER" txcsum ${dev#* } "$1" ||
			ksft_fail "cannot turn checksum offload $1 in $dev"
	done
}

test_family()
{
	nat_fam "$1"
	rules
	txcsum on
	test_transfers "offload" 5000
	txcsum off
	test_transfers "full checksums" 6000
}

require_root
require_cmd ip ss nstat
xtfw_load
nat_require
nat_router client server
nat_serve "$server" 80 tcp
nat_serve "$server" 53 udp
nat_serve "$client" 80 tcp

test_family -4
test_family -6
ksft_exit
