#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Random valid rulesets, committed to the kernel and run with traffic.
# tools/xtctl/tests/golden/fuzz.py writes 400 random filter rules that
# iptables-legacy accepts (addresses, ports, tcp flags and options,
# multiport, icmp types, conntrack, state, mark, connmark, limit, length,
# ttl/hl, iprange, comment, addrtype, recent, owner, statistic, pkttype,
# rt, frag; ACCEPT, DROP, RETURN, LOG, REJECT, MARK, CONNMARK, jumps and
# gotos to user chains). For each of FUZZ_SEEDS seeds and each family:
#
#  * the file restores;
#  * what xtctl saves restores again and saves identically;
#  * TCP, UDP and ICMP traffic passes through it both ways, and explain
#    walks it, without a complaint from the kernel (the harness checks
#    the log);
#  * a copy broken in one of six ways (unknown match, undefined target,
#    undeclared chain, a port without -p, a /33 prefix, no COMMIT) is
#    refused, and the running ruleset is left as it was.
#
#   client veth0 10.0.1.1 fd00:1::1 ── server veth0 10.0.1.2 fd00:1::2
#                                      (the random rulesets)
#
# timeout: 600

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"

declare client server
FUZZ_SEEDS=${FUZZ_SEEDS:-8}
FUZZ_PY=$SELFTESTS_DIR/../tools/xtctl/tests/golden/fuzz.py
TMP=$(mktemp -d)
defer rm -rf "$TMP"

# X FAMILY ARGS...: xtctl in the server for one family (-4 or -6)
X() { ns_xtctl "$server" "$@"; }

# saved FAMILY: the running ruleset as xtctl saves it, without the dated
# comments and the policy counters (a restore without -c does not set them)
saved()
{
	X "$1" save | grep -v '^#' |
		sed -E 's/^(:[^ ]+ [^ ]+) \[[0-9]+:[0-9]+\]$/\1/'
}

# traffic: from the client, TCP connection attempts, UDP datagrams and
# pings to the server over both families; what the rules do with them is
# random, so nothing is expected of the answers
traffic()
{
	ip netns exec "$client" python3 - "$1" <<'PY'
import random, socket, sys
random.seed(int(sys.argv[1]))
for fam, dst in ((socket.AF_INET, '10.0.1.2'), (socket.AF_INET6, 'fd00:1::2')):
    for _ in range(15):
        port = random.choice([22, 53, 80, 443, random.randint(1, 65535)])
        u = socket.socket(fam, socket.SOCK_DGRAM)
        u.sendto(b'x' * random.randint(0, 300), (dst, port))
        u.close()
        t = socket.socket(fam, socket.SOCK_STREAM)
        t.settimeout(0.05)
        try:
            t.connect((dst, port))
        except OSError:
            pass
        t.close()
PY
	ip netns exec "$client" ping -q -c 2 -i 0.2 -W 1 10.0.1.2 >/dev/null 2>&1
	ip netns exec "$client" ping -q -c 2 -i 0.2 -W 1 fd00:1::2 >/dev/null 2>&1
	return 0
}

# broken KIND FILE: FILE with one fault that no restore may accept
broken()
{
	case $1 in
	0) sed '$i -A INPUT -m nosuchmatch -j ACCEPT' "$2" ;;
	1) sed '$i -A OUTPUT -j NOSUCHCHAIN' "$2" ;;
	2) sed '$i -A NOSUCH -j ACCEPT' "$2" ;;
	3) sed '$i -A INPUT --dport 80 -j ACCEPT' "$2" ;;
	4) sed '$i -A INPUT -s 10.1.2.3/33 -j ACCEPT' "$2" ;;
	5) sed '/^COMMIT$/d' "$2" ;;
	esac
}

fuzz_one()
{
	local seed=$1 fam=$2 f=$TMP/rules s1 before

	# shellcheck disable=SC2046 # no argument for IPv4
	python3 "$FUZZ_PY" "$seed" $([[ $fam == -6 ]] && echo 6) >"$f" ||
		ksft_fail "fuzz.py $seed failed"
	check_ok "seed $seed $fam: 400 random rules restore" X "$fam" restore "$f" ||
		return
	s1=$(saved "$fam")
	check_ok "seed $seed $fam: what xtctl saved restores" \
		X "$fam" restore <<<"$s1" &&
		check_eq "seed $seed $fam: and saves the same" "$s1" "$(saved "$fam")"

	traffic "$seed"
	check_ok "seed $seed $fam: explain walks it" X "$fam" explain -p tcp \
		-s "$([[ $fam == -6 ]] && echo fd00:1::1 || echo 10.0.1.1)" \
		--dport $((seed * 997 % 65535 + 1)) -i veth0
	check_ok "seed $seed $fam: ... and for udp out" X "$fam" explain -p udp \
		--sport 53 -o veth0

	before=$(X "$fam" save -c | grep -v '^#' | grep -v '^:')
	broken $((seed % 6)) "$f" >"$TMP/bad"
	check_fail "seed $seed $fam: a broken copy ($((seed % 6))) is refused" \
		X "$fam" restore "$TMP/bad" 2>/dev/null
	check_eq "seed $seed $fam: and changes nothing" "$s1" "$(saved "$fam")"
	# the rule counters, which a failed restore must not reset
	check_ok "seed $seed $fam: nor resets a counter" \
		_counters_kept "$before" "$(X "$fam" save -c | grep -v '^#' | grep -v '^:')"
}

# _counters_kept BEFORE AFTER: the same rules, no counter went down
# shellcheck disable=SC2317 # called through check_ok
_counters_kept()
{
	python3 - "$1" "$2" <<'PY'
import re, sys
def rules(text):
    out = []
    for line in text.splitlines():
        m = re.match(r'^\[(\d+):(\d+)\] (.*)$', line)
        out.append((int(m.group(1)), int(m.group(2)), m.group(3)) if m
                   else (0, 0, line))
    return out
a, b = rules(sys.argv[1]), rules(sys.argv[2])
sys.exit(0 if len(a) == len(b) and all(
    x[2] == y[2] and y[0] >= x[0] and y[1] >= x[1] for x, y in zip(a, b))
    else 1)
PY
}

require_root
require_cmd ip python3 ping
require_xtctl
xtfw_load
setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1

for ((seed = 1; seed <= FUZZ_SEEDS; seed++)); do
	fuzz_one "$seed" -4
	fuzz_one "$((seed + 100))" -6
done
ksft_exit
