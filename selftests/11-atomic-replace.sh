#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Replacing the ruleset under traffic is atomic and keeps counters.
#
# The server's filter INPUT (policy DROP) holds two rules, A and B, that
# both accept the flood; two rule files list them in opposite orders and
# are restored alternately while a UDP flood runs. Every packet must be
# counted by exactly one of A and B (a packet that saw a half-built table
# would fall through to the policy) and, since an unchanged rule keeps its
# counters across a replace, A + B must equal what the never-replaced raw
# table counted.
#
#   client (10.0.1.1) ── veth ── server (10.0.1.2)
#
# timeout: 300

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"

require_cmd ip python3
require_xtctl
xtfw_load

PACKETS=${PACKETS:-20000}
SWAPS=${SWAPS:-200}

setup_ns client server
veth_pair "$client" "$server"
ip -n "$client" addr add 10.0.1.1/24 dev veth0
ip -n "$server" addr add 10.0.1.2/24 dev veth0
ip netns exec "$client" ping -c 1 -W 2 10.0.1.2 >/dev/null ||
	ksft_fail "no connectivity"

X() { ns_xtctl "$server" "$@"; }

dir=$(mktemp -d)
defer rm -rf "$dir"
rule_a='-A INPUT -p udp -m udp --dport 9999 -m comment --comment A -j ACCEPT'
rule_b='-A INPUT -p udp -m udp --dport 9999 -m comment --comment B -j ACCEPT'
for order in ab ba; do
	{
		echo "*filter"
		echo ":INPUT DROP [0:0]"
		echo ":FORWARD ACCEPT [0:0]"
		echo ":OUTPUT ACCEPT [0:0]"
		echo "-A INPUT -p icmp -j ACCEPT"
		if [[ $order == ab ]]; then
			echo "$rule_a"; echo "$rule_b"
		else
			echo "$rule_b"; echo "$rule_a"
		fi
		echo "COMMIT"
	} >"$dir/$order"
done

X -t raw -A PREROUTING -p udp --dport 9999
X restore "$dir/ab" || ksft_fail "cannot load the first ruleset"

# counter OF COMMENT: packets of the INPUT rule with that comment.
counter()
{
	X -L INPUT -v -x -n | awk -v c="/* $1 */" 'index($0, c) { print $1 }'
}

ip netns exec "$client" python3 - "$PACKETS" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(b'x' * 18, ('10.0.1.2', 9999))
PY
flood=$!

swaps=0
while kill -0 "$flood" 2>/dev/null && ((swaps < SWAPS)); do
	X restore "$dir/ba" >/dev/null 2>&1 || ksft_fail "restore failed"
	X restore "$dir/ab" >/dev/null 2>&1 || ksft_fail "restore failed"
	swaps=$((swaps + 2))
done
wait "$flood"
echo "swapped the ruleset $swaps times during the flood"
check_match "the ruleset was swapped during the flood" '^[1-9]' "$swaps"

raw=$(X -t raw -L PREROUTING -v -x -n | awk 'NR == 3 { print $1 }')
a=$(counter A)
b=$(counter B)
policy=$(X -L INPUT -v -x -n | sed -n 's/^Chain INPUT (policy DROP \([0-9]*\) packets.*/\1/p')
echo "raw saw $raw packets; A counted $a, B counted $b; policy $policy"
check_eq "raw PREROUTING saw every packet" "$PACKETS" "$raw"
check_eq "A + B counted every packet exactly once" "$raw" "$((a + b))"
check_eq "no packet fell through to the policy" 0 "$policy"

ksft_exit
