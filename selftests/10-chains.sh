#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Chain traversal: jump, goto, RETURN, fall-through and policies, proven by
# exact per-rule counters; renaming (-E) keeps the counters; and the commit-time checks of the jump graph
# (undefined chain, loop, nesting too deep) which must change nothing.
#
#   client (10.0.1.1) ── veth ── server (10.0.1.2)   rules in server INPUT
#
# timeout: 120

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"

require_cmd ip ping
require_xtctl
xtfw_load

setup_ns client server
veth_pair "$client" "$server"
ip -n "$client" addr add 10.0.1.1/24 dev veth0
ip -n "$server" addr add 10.0.1.2/24 dev veth0

X() { ns_xtctl "$server" "$@"; }

# pkts CHAIN N: packet counter of rule N of CHAIN (filter table).
pkts()
{
	X -L "$1" -v -x -n --line-numbers |
		awk -v n="$2" '$1 == n { print $2 }'
}

# policy_pkts CHAIN: packets counted by the policy of a built-in chain.
policy_pkts()
{
	X -L "$1" -v -x -n | sed -n 's/^Chain .*(policy [A-Z]* \([0-9]*\) packets.*/\1/p'
}

pings()
{
	ns_exec "$client" ping -c "$1" -i 0.2 -W 1 10.0.1.2 >/dev/null
}

# jump into A, which returns on RETURN; goto into G, whose end applies the
# INPUT policy without coming back to INPUT.
X -N A
X -N B
X -N G
X -A INPUT -p icmp -j A              # 1
X -A INPUT -p icmp -j ACCEPT         # 2: reached after A returns
X -A A -p icmp -j B                  # A1
X -A A -p icmp                       # A2: counts, continues
X -A A -p icmp -j RETURN             # A3
X -A A -p icmp -j DROP               # A4: never reached
X -A B -p icmp                       # B1: falls off B, back into A
pings 3
check_eq "ping through jump/RETURN" 0 $?
check_eq "INPUT 1 (-j A)" 3 "$(pkts INPUT 1)"
check_eq "INPUT 2 (ACCEPT after return)" 3 "$(pkts INPUT 2)"
check_eq "A 1 (-j B)" 3 "$(pkts A 1)"
check_eq "A 2 (no target)" 3 "$(pkts A 2)"
check_eq "A 3 (RETURN)" 3 "$(pkts A 3)"
check_eq "A 4 (after RETURN)" 0 "$(pkts A 4)"
check_eq "B 1 (falls off the end)" 3 "$(pkts B 1)"

# goto: G falls off its end; the INPUT policy (DROP) decides, not rule 3.
X -Z
X -I INPUT 1 -p icmp -g G
X -A G -p icmp
X -P INPUT DROP
X -I INPUT 1 -i lo -j ACCEPT
pings 2
check_eq "ping dropped by the policy after goto" 1 $?
check_eq "G 1 counted" 2 "$(pkts G 1)"
check_eq "INPUT rule after the goto not reached" 0 "$(pkts INPUT 3)"
check_eq "INPUT policy counted the packets" 2 "$(policy_pkts INPUT)"

# RETURN in a built-in chain applies its policy too.
X -F INPUT
X -P INPUT ACCEPT
X -A INPUT -p icmp -j RETURN
X -A INPUT -p icmp -j DROP
pings 1
check_eq "RETURN in INPUT applies the policy (ACCEPT)" 0 $?

# -E renames a chain: the rules that jump to it follow, and every counter
# stays, its own rules' (the kernel carries them over) and the jumps'.
X -F INPUT
X -Z
X -A INPUT -p icmp -j A
X -A INPUT -p icmp -j ACCEPT
pings 2
check_ok "-E A AA" X -E A AA
check_eq "the jump follows the rename" "-A INPUT -p icmp -j AA" \
	"$(X -S INPUT | grep -- '-j AA')"
check_fail "the old name is gone" X -L A
check_eq "the jump keeps its counter" 2 "$(pkts INPUT 1)"
check_eq "the renamed chain keeps its counters" "2 2 2 0" \
	"$(pkts AA 1) $(pkts AA 2) $(pkts AA 3) $(pkts AA 4)"
pings 1
check_eq "and counts on" "3 3" "$(pkts INPUT 1) $(pkts AA 2)"
check_ok "-E AA A" X -E AA A

# Commit-time checks: each bad change fails and leaves the ruleset as it was.
before=$(X -S)
check_fail "jump to an undefined chain is refused" X -A INPUT -j NOPE
check_fail "a loop A -> B -> A is refused" X -A B -j A
err=$(X -A B -j A 2>&1)
check_match "the loop error names the chains" 'loop' "$err"
check_fail "deleting a referenced chain is refused" X -X B
check_fail "jumping to a built-in chain is refused" X -A A -j INPUT
check_eq "failed changes left the ruleset alone" "$before" "$(X -S)"

# Nesting: C1 -> C2 -> ... -> C40 is deeper than the 32 frames xtfw allows.
deep=$(mktemp)
{
	echo "*filter"
	echo ":INPUT ACCEPT [0:0]"
	for i in $(seq 1 40); do echo ":C$i - [0:0]"; done
	echo "-A INPUT -j C1"
	for i in $(seq 1 39); do echo "-A C$i -j C$((i + 1))"; done
	echo "COMMIT"
} >"$deep"
defer rm -f "$deep"
check_fail "40 nested jumps are refused" ns_xtctl "$server" restore "$deep"
check_eq "a refused restore changed nothing" "$before" "$(X -S)"
# 30 nested jumps are fine, and a packet walks all of them.
sed -i '/C3[1-9]\|C40/d' "$deep"
check_ok "30 nested jumps load" ns_xtctl "$server" restore "$deep"
X -A C30 -p icmp
pings 1
check_eq "a packet walked 30 chains deep" 1 "$(pkts C30 1)"

ksft_exit
