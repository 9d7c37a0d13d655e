#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The memory of the conntrack table, read from the slab cache xtfw_conn:
#  * xtfw does not depend on nf_conntrack;
#  * an entry's object is at most 256 bytes (not with lockdep), and no
#    larger than the kernel's nf_conn (slab nf_conntrack) on the same
#    kernel; the default limit follows from the memory size;
#  * 600 entries of every kind (TCP in two states, UDP, ICMP, ICMPv6,
#    generic; 300 per family) are 600 objects, in each of two namespaces;
#  * deleting a namespace frees every object of its table, while the
#    other's stay; unloading the module with entries frees the rest (the
#    cache goes, with no complaint in the kernel log).
#
#   client ──────────── router ──────────── server   (twice: A and B)
#   tc ingress: drop                        tc ingress: drop
#
# timeout: 300

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"

declare client router server
declare client_a router_a server_a client_b router_b server_b

SLAB=/sys/kernel/slab/xtfw_conn

# slab_field CACHE N: field N of the cache's /proc/slabinfo line
# (2 active objects, 3 objects, 4 object size)
slab_field()
{
	awk -v c="$1" -v n="$2" '$1 == c { print $n }' /proc/slabinfo
}

# The objects of xtfw_conn in use. Free objects in the CPUs' slabs count as
# active in /proc/slabinfo until the cache is shrunk, which flushes them.
active_objects()
{
	[[ -w $SLAB/shrink ]] && echo 1 >"$SLAB/shrink"
	slab_field xtfw_conn 2
}

# shellcheck disable=SC2317 # called through slowwait
_active_is()
{
	[[ $(active_objects) == "$1" ]]
}

# fill_exprs STAGE FAMILY: the scapy expressions of one stage of fill
fill_exprs()
{
	local stage=$1 fam=$2 c s net ip icmp nh cs sc
	local tcp="dport=80, window=64000"

	if [[ $fam == -4 ]]; then
		c=10.0.1.1 s=10.0.2.2 net=10.0.1. ip=IP nh=proto
		icmp="ICMP(type=8, id=i)"
	else
		c=fd00:1::1 s=fd00:2::2 net=fd00:1:: ip=IPv6 nh=nh
		icmp="ICMPv6EchoRequest(id=i)"
	fi
	cs="$ip(src=\"$c\", dst=\"$s\")"
	sc="$ip(src=\"$s\", dst=\"$c\")"
	case $stage in
	client)
		echo "[$cs/UDP(sport=i, dport=9) for i in range(1000, 1050)]"
		echo "[$cs/TCP(sport=i, $tcp, flags=\"S\", seq=1000) for i in range(2000, 2100)]"
		echo "[$cs/$icmp for i in range(1, 51)]"
		echo "[$ip(src=\"${net}3\", dst=\"$s\")/UDP(sport=i, dport=9) for i in range(3000, 3050)]"
		echo "[$ip(src=\"$net%d\" % i, dst=\"$s\", $nh=253) for i in range(10, 60)]"
		;;
	server)
		echo "[$sc/TCP(sport=80, dport=i, flags=\"SA\", seq=5000, ack=1001, window=64000) for i in range(2050, 2100)]"
		;;
	ack)
		echo "[$cs/TCP(sport=i, $tcp, flags=\"A\", seq=1001, ack=5001) for i in range(2050, 2100)]"
		;;
	esac
}

# 600 entries at $router, 300 per family: 50 UDP, 50 TCP SYN_SENT, 50 TCP
# ESTABLISHED, 50 ICMP or ICMPv6 echoes, 50 UDP from a second address,
# protocol 253 from 50 addresses.
fill()
{
	local stage ns
	local -a exprs

	for stage in client server ack; do
		ns=$client
		[[ $stage == server ]] && ns=$server
		mapfile -t exprs < <(fill_exprs "$stage" -4; fill_exprs "$stage" -6)
		send_pkts "$ns" "${exprs[@]}" || ksft_fail "cannot send the traffic"
	done
}

# The same topology twice: A and B.
two_topologies()
{
	local x

	for x in a b; do
		ct_router
		ct_shield "$client" "$server"
		ct_static_arp
		# a rule: the router tracks
		ns_xtctl "$router" -4 -A FORWARD -m conntrack --ctstate INVALID ||
			ksft_fail "cannot add a rule"
		ns_xtctl "$router" -6 -A FORWARD -m conntrack --ctstate INVALID ||
			ksft_fail "cannot add a rule"
		# entries of 30 s could expire while scapy fills the other
		# topology on a loaded TCG
		if ! ns_xtctl "$router" ct set timeout udp unreplied 600 ||
		   ! ns_xtctl "$router" ct set timeout icmp 600 ||
		   ! ns_xtctl "$router" ct set timeout icmpv6 600; then
			ksft_fail "cannot set the timeouts"
		fi
		printf -v "client_$x" %s "$client"
		printf -v "router_$x" %s "$router"
		printf -v "server_$x" %s "$server"
	done
}

# xtfw tracks on its own: a router need not load nf_conntrack.
test_depends()
{
	local deps

	if [[ -n ${XTFW_KO:-} ]]; then
		deps=$(modinfo -F depends "$XTFW_KO")
	else
		deps=$(modinfo -F depends xtfw)
	fi
	check_eq "xtfw does not depend on nf_conntrack (depends: $deps)" "" \
		"$(tr ',' '\n' <<<"$deps" | grep -x 'nf_conntrack.*')"
}

test_size()
{
	local size nf_size nf_max loaded=0

	size=$(slab_field xtfw_conn 4)
	echo "xtfw_conn: ${size:-?} bytes per object"
	# lockdep (the debug kernel) makes every spinlock and refcount
	# larger: there only the comparison with nf_conn below holds
	if [[ -e /proc/lockdep ]]; then
		echo "not checked: at most 256 bytes (lockdep enlarges locks)"
	else
		check_ok "an entry's slab object is at most 256 bytes ($size)" \
			test "${size:-999999}" -le 256
	fi
	[[ -d /sys/module/nf_conntrack ]] && loaded=1
	if ! modprobe nf_conntrack 2>/dev/null; then
		echo "SKIP: no nf_conntrack to compare with"
		return
	fi
	((loaded)) || defer modprobe -r nf_conntrack
	nf_size=$(slab_field nf_conntrack 4)
	echo "nf_conntrack: ${nf_size:-?} bytes per object"
	check_ok "no larger than nf_conn's ($nf_size)" \
		test "${size:-999999}" -le "${nf_size:-0}"
	nf_max=$(cat /proc/sys/net/netfilter/nf_conntrack_max)
	echo "nf_conntrack_max: $nf_max"
}

# The default max from memory, as doc/conntrack.md says: one entry per
# 16 KiB / 8 (nf_conntrack_max's formula, without its rounding up to whole
# pages of buckets), at least 1024; 65536 above 1 GiB, 262144 above 4 GiB.
test_default_max()
{
	local kib expected

	kib=$(awk '$1 == "MemTotal:" { print $2 }' /proc/meminfo)
	if ((kib > 4 * 1024 * 1024)); then
		expected=262144
	elif ((kib > 1024 * 1024)); then
		expected=65536
	else
		expected=$((kib * 1024 / 16384 / 8))
		((expected >= 1024)) || expected=1024
	fi
	check_eq "the default max, from ${kib} KiB of memory" "$expected" \
		"$(ns_xtctl "$router_a" ct get max)"
}

test_free()
{
	router=$router_a client=$client_a server=$server_a fill
	router=$router_b client=$client_b server=$server_b fill
	check_eq "A holds 600 entries" 600 "$(ct_count "$router_a")"
	check_eq "B holds 600 entries" 600 "$(ct_count "$router_b")"
	check_eq "1200 objects in use" 1200 "$(active_objects)"
	cleanup_ns "$client_b" "$router_b" "$server_b"
	check_ok "deleting B's namespaces frees its 600" slowwait 20 _active_is 600
	check_eq "A still holds its entries" 600 "$(ct_count "$router_a")"
	check_ok "rmmod xtfw with 600 entries" xtfw_unload
	check_eq "the cache is gone" "" "$(slab_field xtfw_conn 2)"
	check_eq "nothing complained" "" \
		"$(dmesg | grep -E 'xtfw_conn|Objects remaining|still has objects')"
	xtfw_load
}

require_root
require_cmd ip tc dmesg
require_scapy
xtfw_load
xtfw_native || ksft_skip "xtfw's own slab cache"
[[ ${XTFW_KO:-} ]] || [[ -n $(modinfo -F filename xtfw 2>/dev/null) ]] ||
	ksft_skip "cannot reload xtfw"
ct_require
# a fresh module: a fresh cache, nothing of earlier tests in it
xtfw_unload || ksft_fail "rmmod xtfw failed"
xtfw_load
[[ -r /proc/slabinfo ]] || ksft_skip "no /proc/slabinfo"
[[ -w $SLAB/shrink ]] || ksft_skip "cannot shrink $SLAB"
two_topologies
test_depends
test_size
test_default_max
check_eq "a fresh cache: no object in use" 0 "$(active_objects)"
test_free
ksft_exit
