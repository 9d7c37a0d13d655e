# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for the match and target tests (3x-match-*, 4x-target-*), sourced
# after lib.sh:
#
#	source "$(dirname "$0")/lib.sh"
#	source "$(dirname "$0")/mt_lib.sh"
#
# They run unchanged against iptables-legacy (XTFW_SKIP_LOAD=1
# XTFW_XTCTL=selftests/xtctl-iptables.sh), which checks that what a test
# expects is what iptables does; checks of xtfw's own messages are guarded
# by xtfw_native.

PKT_PY="$SELFTESTS_DIR/pkt.py"
PYTHON=/usr/bin/python3

# True when the tests drive xtfw, not a stand-in.
xtfw_native()
{
	[[ ${XTFW_SKIP_LOAD:-0} != 1 ]]
}

require_scapy()
{
	"$PYTHON" -c 'import scapy.layers.inet' 2>/dev/null ||
		ksft_skip "needs python3-scapy"
}

# send_pkts NS EXPR...: send the packets of pkt.py's scapy expressions from
# NS, in order: from one CPU, so that the veth's per-CPU backlog cannot
# reorder them. Fails unless all were sent.
send_pkts()
{
	local ns=$1 out
	shift

	out=$(ns_exec "$ns" taskset -c 0 "$PYTHON" "$PKT_PY" "$@") || return 1
	[[ -n $out ]]
}

# rule_pkts NS FAMILY TABLE CHAIN N: packet counter of rule N of CHAIN.
rule_pkts()
{
	ns_xtctl "$1" "$2" -t "$3" -L "$4" -v -x -n 2>/dev/null |
		awk -v n="$5" 'NR == n + 2 { print $1; found = 1 }
			       END { if (!found) print "no rule " n }'
}

# rule_counts NS FAMILY TABLE CHAIN: the packet counters of all its rules,
# space separated, for one check_eq over a whole chain.
rule_counts()
{
	ns_xtctl "$1" "$2" -t "$3" -L "$4" -v -x -n 2>/dev/null |
		awk 'NR > 2 { printf "%s%s", sep, $1; sep = " " } END { print "" }'
}

# xtctl_err NS ARGS...: run xtctl, print its stderr; succeeds if it failed.
xtctl_err()
{
	local ns=$1 err
	shift

	# shellcheck disable=SC2086 # $XTCTL may be a command with arguments
	if err=$(ip netns exec "$ns" $XTCTL "$@" 2>&1 >/dev/null); then
		echo "(succeeded)"
		return 1
	fi
	echo "$err"
}

# check_refused NAME NS ERE ARGS...: xtctl ARGS must fail; with xtfw, its
# message must match ERE.
check_refused()
{
	local name=$1 ns=$2 re=$3 err
	shift 3

	echo "[+] ${ns%-*}: $XTCTL $*" >&2
	if ! err=$(xtctl_err "$ns" "$@"); then
		_check_result 0 "$name"
		echo "  expected failure, but succeeded: $XTCTL $*"
		return 1
	fi
	if xtfw_native; then
		check_match "$name" "$re" "$err"
	else
		_check_result 1 "$name"
	fi
}

# check_rule_counters FAMILY RULES_ARRAY PKTS_ARRAY EXPECT: flush the
# INPUT chain of $server, add RULES, send PKTS from $client (scapy text),
# and check the rules' packet counters are EXPECT.
check_rule_counters()
{
	local fam=$1 expect=$4 rule
	local -n rules=$2 pkts=$3

	ns_xtctl "$server" "$fam" -F INPUT
	for rule in "${rules[@]}"; do
		# shellcheck disable=SC2086 # the rule's words
		check_ok "$fam -A INPUT $rule" ns_xtctl "$server" "$fam" -A INPUT $rule ||
			return
	done
	check_ok "$fam: send the crafted packets" send_pkts "$client" "${pkts[@]}"
	check_eq "$fam: per-rule packet counters" "$expect" \
		"$(rule_counts "$server" "$fam" filter INPUT)"
}
