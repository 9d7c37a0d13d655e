#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Churn and teardown under load: nothing oopses, leaks or loses count.
#
#  * For CHURN_SECS (default 40) seconds at once, on a NAT router: three
#    writers add and delete rules in filter FORWARD (each change a
#    transaction; a stale one is retried by xtctl), a fourth replaces the
#    nat table over and over, "ct flush" runs every 0.2 s, and the client
#    floods new UDP flows (random source ports) and pings through the
#    router. No writer gives up, every rule added was deleted, and after
#    the churn the router counts exactly: 100 packets of one flow are 100
#    at lan0, 100 at the server, masqueraded.
#  * A namespace is deleted while it holds rules, NAT entries and an open
#    transaction (a netlink socket that sent BEGIN and NEWTABLE and waits):
#    when the socket goes, so does everything; the slab of entries is
#    back where it was.
#  * The module is unloaded while the flood runs and the router's table is
#    full (max 64): no complaint, the entry cache is destroyed, the module
#    loads again and works.
# The harness fails the test on any oops, WARNING or BUG in the kernel log.
#
#   client ──── router (MASQUERADE out of wan0) ──── server
#
# timeout: 400

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"

declare client router server victim
CHURN_SECS=${CHURN_SECS:-40}
TMP=$(mktemp -d)
defer rm -rf "$TMP"

ruleset()
{
	cat <<'EOF'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A POSTROUTING -o wan0 -j MASQUERADE
COMMIT
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A FORWARD -i lan0 -o wan0 -j ACCEPT
COMMIT
EOF
}

# The nat table alone, as the fourth writer restores it.
nat_only()
{
	ruleset | sed -n '1,/^COMMIT/p'
}

# flood SECS: new UDP flows (a random source port each) and pings from
# the client through the router, until SECS have passed.
flood()
{
	ip netns exec "$client" python3 - "$1" <<'PY' &
import random, socket, sys, time
end = time.monotonic() + float(sys.argv[1])
n = 0
while time.monotonic() < end:
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(('10.0.1.1', random.randint(20000, 60000)))
        for _ in range(4):
            s.sendto(b'x' * 32, ('10.0.2.2', 9))
            n += 1
    except OSError:
        pass
    s.close()
print('flood: %d packets' % n)
PY
	FLOOD_PID=$!
	ip netns exec "$client" timeout "$1" ping -q -i 0.01 10.0.2.2 \
		>/dev/null 2>&1 &
	PING_PID=$!
}

writer()
{
	local w=$1 end=$2 i=0

	while ((SECONDS < end)); do
		# shellcheck disable=SC2086 # $XTCTL may have arguments
		ip netns exec "$router" $XTCTL -A FORWARD -s "10.9.$w.$((i % 250))" \
			-j DROP || echo "writer $w: -A $i failed"
		# shellcheck disable=SC2086
		ip netns exec "$router" $XTCTL -D FORWARD -s "10.9.$w.$((i % 250))" \
			-j DROP || echo "writer $w: -D $i failed"
		i=$((i + 1))
	done
	echo "writer $w: $i rules added and deleted"
}

nat_writer()
{
	local end=$1 i=0

	nat_only >"$TMP/nat"
	while ((SECONDS < end)); do
		# shellcheck disable=SC2086
		ip netns exec "$router" $XTCTL restore "$TMP/nat" ||
			echo "nat writer: restore $i failed"
		i=$((i + 1))
	done
	echo "nat writer: $i restores"
}

flusher()
{
	local end=$1 i=0

	while ((SECONDS < end)); do
		# shellcheck disable=SC2086
		ip netns exec "$router" $XTCTL ct flush >/dev/null 2>&1 ||
			echo "flusher: flush $i failed"
		i=$((i + 1))
		sleep 0.2
	done
	echo "flusher: $i flushes"
}

test_churn()
{
	local end=$((SECONDS + CHURN_SECS)) w pids=() out

	ruleset >"$TMP/rules"
	ns_xtctl "$router" restore "$TMP/rules" || ksft_fail "cannot load the rules"
	flood "$CHURN_SECS"
	for w in 1 2 3; do
		writer "$w" "$end" >"$TMP/w$w" 2>&1 &
		pids+=($!)
	done
	nat_writer "$end" >"$TMP/w4" 2>&1 &
	pids+=($!)
	flusher "$end" >"$TMP/w5" 2>&1 &
	pids+=($!)
	for w in "${pids[@]}"; do
		wait "$w"
	done
	wait "$FLOOD_PID" "$PING_PID"
	out=$(cat "$TMP"/w?)
	echo "$out"
	check_eq "no writer gave up" "" "$(grep failed <<<"$out")"
	check_match "the writers committed" 'writer 1: [1-9][0-9]* rules' "$out"
	check_eq "every rule added was deleted" "$(ruleset | sed -n '/^\*filter/,$p' |
		grep '^-A')" "$(ns_xtctl "$router" -S FORWARD | grep '^-A')"

	# exact counting after the churn
	ns_xtctl "$router" ct flush >/dev/null 2>&1
	ns_xtctl "$router" -t raw -A PREROUTING -i lan0 -p udp --sport 5555
	ns_xtctl "$server" -t raw -A PREROUTING -s 10.0.2.1 -p udp --dport 9 -j DROP
	ip netns exec "$client" python3 - <<'PY' || ksft_fail "cannot send"
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(('10.0.1.1', 5555))
for _ in range(100):
    s.sendto(b'y' * 32, ('10.0.2.2', 9))
PY
	check_ok "100 at lan0" busywait 3000 _pkts_are 100 "$router" raw PREROUTING 1
	check_ok "100 at the server, masqueraded" busywait 3000 _pkts_are 100 \
		"$server" raw PREROUTING 1
	check_eq "one entry for them" 1 \
		"$(ns_xtctl "$router" ct list -p udp --sport 5555 2>/dev/null | wc -l)"
}

# shellcheck disable=SC2317 # called through busywait
_pkts_are()
{
	[[ $(rule_pkts "$2" -4 "$3" "$4" "$5") == "$1" ]]
}

active_objects()
{
	local slab=/sys/kernel/slab/xtfw_conn

	[[ -w $slab/shrink ]] && echo 1 >"$slab/shrink"
	awk '$1 == "xtfw_conn" { print $2 }' /proc/slabinfo
}

# shellcheck disable=SC2317 # called through slowwait
_objects_at_most()
{
	local n

	n=$(active_objects)
	[[ -n $n ]] && ((n <= $1))
}

# Hold a transaction open in NS: BEGIN, NEWTABLE filter, then wait for
# stdin to close. Prints "open" once both were acknowledged.
hold_txn()
{
	# the program as an argument: stdin is the pipe that holds it open
	ip netns exec "$1" python3 -c "$(cat <<'PY'
import os, socket, struct, sys

NLM_F_REQUEST, NLM_F_ACK = 1, 4
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 16)   # NETLINK_GENERIC
s.bind((0, 0))

def attr(t, data):
    a = struct.pack('HH', 4 + len(data), t) + data
    return a + b'\0' * (-len(a) % 4)

def request(ftype, cmd, attrs, seq):
    body = struct.pack('BBH', cmd, 1, 0) + attrs
    s.send(struct.pack('IHHII', 16 + len(body), ftype,
                       NLM_F_REQUEST | NLM_F_ACK, seq, 0) + body)

def answers(seq):
    out = []
    while True:
        data = s.recv(65536)
        off = 0
        while off < len(data):
            ln, typ, flags, sq, pid = struct.unpack_from('IHHII', data, off)
            out.append((typ, data[off + 16:off + ln]))
            off += (ln + 3) & ~3
            if typ == 2:            # NLMSG_ERROR: the ack ends it
                return out

# CTRL_CMD_GETFAMILY (3), CTRL_ATTR_FAMILY_NAME (2) -> CTRL_ATTR_FAMILY_ID (1)
request(0x10, 3, attr(2, b'xtfw\0'), 1)
fam = None
for typ, body in answers(1):
    if typ == 0x10:
        off = 4
        while off < len(body):
            ln, t = struct.unpack_from('HH', body, off)
            if t == 1:
                fam = struct.unpack_from('H', body, off + 4)[0]
            off += (ln + 3) & ~3
if fam is None:
    sys.exit('no xtfw family')
# XTFW_CMD_BEGIN (2); XTFW_CMD_NEWTABLE (3) with XTFW_A_FAMILY (2) = IPv4,
# XTFW_A_TABLE (3) = filter (3)
for seq, cmd, attrs in ((2, 2, b''),
                        (3, 3, attr(2, b'\0') + attr(3, b'\3'))):
    request(fam, cmd, attrs, seq)
    err = struct.unpack_from('i', answers(seq)[-1][1])[0]
    if err:
        sys.exit('command %d: error %d' % (cmd, err))
print('open', flush=True)
sys.stdin.read()
PY
)"
}

test_netns_teardown()
{
	local before txn fd pid

	# nothing else tracks now: the router's entries go, the rest have none
	ns_xtctl "$router" ct flush >/dev/null 2>&1
	before=$(active_objects)
	echo "xtfw_conn objects in use before: $before"
	setup_ns victim
	ip -n "$victim" addr add 127.0.0.2/8 dev lo 2>/dev/null
	ruleset | ns_xtctl "$victim" restore || ksft_fail "cannot load the victim's rules"
	ns_xtctl "$victim" -t nat -A OUTPUT -d 127.0.0.3 -j DNAT --to-destination 127.0.0.1 ||
		ksft_fail "cannot add the DNAT rule"
	ip netns exec "$victim" ping -c 3 -i 0.2 -W 1 127.0.0.3 >/dev/null ||
		ksft_fail "no ping through the DNAT"
	check_match "the victim has NAT entries" \
		'dst=127\.0\.0\.3 .* src=127\.0\.0\.1 dst=127\.0\.0\.1 ' \
		"$(ns_xtctl "$victim" ct list --status DNAT 2>/dev/null)"
	coproc TXN { hold_txn "$victim"; }
	fd=${TXN[1]} pid=$TXN_PID
	read -r -t 30 txn <&"${TXN[0]}"
	check_eq "a transaction is open" open "$txn"
	# the name goes; the namespace lives on with the socket in it
	ip netns del "$victim"
	check_ok "the transaction outlives the name" kill -0 "$pid"
	exec {fd}>&-
	wait "$pid"
	check_ok "the namespace's entries are freed" slowwait 20 \
		_objects_at_most "$before"
}

test_rmmod_under_flood()
{

	ruleset >"$TMP/rules"
	ns_xtctl "$router" restore "$TMP/rules" || ksft_fail "cannot load the rules"
	ns_xtctl "$router" ct set max 64 || ksft_fail "cannot set max"
	flood 20
	check_ok "the table fills" slowwait 15 _ct_count_is 64
	xtfw_unload || ksft_fail "rmmod failed under the flood"
	check_eq "the entry cache is gone" "" \
		"$(awk '$1 == "xtfw_conn"' /proc/slabinfo)"
	wait "$FLOOD_PID" "$PING_PID"
	xtfw_load
	ruleset | ns_xtctl "$router" restore ||
		ksft_fail "cannot load the rules after reloading"
	check_ok "the router forwards again" ip netns exec "$client" \
		ping -c 1 -W 2 10.0.2.2
}

# shellcheck disable=SC2317 # called through slowwait
_ct_count_is()
{
	[[ $(ct_count "$router") == "$1" ]]
}

require_root
require_cmd ip python3 ping timeout
require_xtctl
xtfw_load
xtfw_native || ksft_skip "xtfw's own conntrack and netlink"
ct_router

test_churn
test_netns_teardown
test_rmmod_under_flood
ksft_exit
