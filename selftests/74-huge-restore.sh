#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Huge restores on a machine with 1 GiB of memory. One transaction may hold
# one rule per 4 KiB of memory (module/txn.c, max_rules(); about 247,000
# here), and xtctl's restore stops at the same count.
#
# 1. 1,000,000 rules: xtctl refuses the file at the bound (parsed whole, it
#    would take 700 MB of xtctl's memory).
# 2. 60% of the bound committed (150,000 rules here), then 50% more with
#    --noflush: xtctl sends the whole table, and the kernel refuses the
#    transaction at the bound, after it took the bound's worth of rules.
# The sizes follow the memory of the machine (the debug VM has 2 GiB).
#
# Each time: an error that gives the reason, no OOM kill (xtctl
# included), the ruleset from before still committed, and the memory the
# attempt took back.
#
# timeout: 900

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip awk
require_xtctl
xtfw_load

# the module's bound (module/txn.c): one rule per 4 KiB of memory, at
# least 10,000, at most XTFW_MAX_RULES_PER_TXN
LIMIT=$(awk '$1 == "MemTotal:" { l = int($2 / 4)
	print (l < 10000 ? 10000 : (l > 2000000 ? 2000000 : l)) }' /proc/meminfo)
[[ $LIMIT =~ ^[0-9]+$ ]] || ksft_fail "no MemTotal in /proc/meminfo"
# 1,000,000 as the issue asks, or more where memory allows as many
RULES=$((LIMIT < 1000000 ? 1000000 : LIMIT + 1000))
# a committed table of 60% of the bound, then 50% more with --noflush
BASE=$((LIMIT * 6 / 10))
MORE=$((LIMIT / 2))
echo "bound: $LIMIT rules; files of $RULES, $BASE and $MORE"
# Memory is measured as the kernel's unreclaimable slab plus per-CPU
# memory, where rules, their matches and counters live: MemAvailable moves
# by tens of MiB around a large free (per-CPU page lists). A leak of a
# 64-byte object a rule of the refused transaction would be 15 MiB.
SLACK_KB=$((12 * 1024))
# KASAN (the debug kernel) keeps freed objects in a quarantine of up to a
# 32nd of memory before they go back to the slab; kmemleak checks for
# leaks there instead
if grep -q ' kasan_quarantine_put$' /proc/kallsyms; then
	SLACK_KB=$((SLACK_KB + $(awk '$1 == "MemTotal:" { print int($2 / 32) }' \
		/proc/meminfo)))
	echo "KASAN: freed objects wait in its quarantine; slack $((SLACK_KB >> 10)) MiB"
fi

declare fw
setup_ns fw
X() { ns_xtctl "$fw" "$@"; }
dir=$(mktemp -d)
defer rm -rf "$dir"

kmem()
{
	echo 3 >/proc/sys/vm/drop_caches
	awk '$1 == "SUnreclaim:" || $1 == "Percpu:" { kb += $2 }
	     END { print kb }' /proc/meminfo
}

oom_kills()
{
	dmesg | grep -c -E 'Out of memory|oom-kill|invoked oom-killer' || true
}

cat >"$dir/small" <<'RULES'
*filter
:INPUT ACCEPT [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
-A FORWARD -s 192.0.2.0/24 -p tcp -m tcp --dport 22 -j ACCEPT
-A FORWARD -i lo -j ACCEPT
COMMIT
RULES
check_ok "a small ruleset loads" X restore "$dir/small"
before=$(X save | grep -v '^#')

# rules FILE FIRST N: a filter table of N rules, numbered from FIRST
rules()
{
	awk -v first="$2" -v n="$3" 'BEGIN {
		print "*filter"
		print ":INPUT ACCEPT [0:0]"
		print ":FORWARD ACCEPT [0:0]"
		print ":OUTPUT ACCEPT [0:0]"
		for (i = first; i < first + n; i++)
			printf "-A FORWARD -s 10.%d.%d.%d/32 -p udp -m udp --dport %d -j DROP\n",
				int(i / 65536), int(i / 256) % 256, i % 256, 1024 + i % 60000
		print "COMMIT"
	}' >"$1"
	echo "$1: $3 rules, $(($(stat -c %s "$1") >> 20)) MiB"
}
rules "$dir/huge" 0 "$RULES"
rules "$dir/base" 0 "$BASE"
rules "$dir/more" "$BASE" "$MORE"

# the status and output of "xtctl ARGS...", timed
restore_out()
{
	local start=$EPOCHREALTIME

	rc=0
	out=$(X "$@" 2>&1) || rc=$?
	echo "xtctl $*: exit status $rc after $(awk -v a="$start" \
		-v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')s: $out"
}

# shellcheck disable=SC2317 # called through slowwait
mem_back()
{
	local now

	now=$(kmem)
	echo "unreclaimable slab + per-CPU: $mem0 kB before, $now kB after"
	((now <= mem0 + SLACK_KB))
}

ooms=$(oom_kills)
mem0=$(kmem)
base0=$mem0
restore_out restore "$dir/huge"
check_eq "the $RULES-rule restore is refused" 1 "$((rc != 0))"
check_match "by xtctl, at the transaction's limit" \
	'huge:[0-9]+:1: more than [0-9]+ rules in one transaction' "$out"
check_eq "nothing ran out of memory" "$ooms" "$(oom_kills)"
check_eq "the ruleset from before is still committed" "$before" \
	"$(X save | grep -v '^#')"
check_ok "the kernel's memory is as before (within $((SLACK_KB >> 10)) MiB)" \
	slowwait 30 mem_back

check_ok "$BASE rules load" X restore "$dir/base"
before=$(X -S FORWARD | md5sum)
mem0=$(kmem)
restore_out restore --noflush "$dir/more"
check_eq "$MORE more with --noflush are refused" 1 "$((rc != 0))"
check_match "by the kernel, at the transaction's limit" \
	'filter FORWARD rule [0-9]+: more than [0-9]+ rules in one transaction' "$out"
check_eq "nothing ran out of memory" "$ooms" "$(oom_kills)"
check_eq "the $BASE rules are still committed" "$before" \
	"$(X -S FORWARD | md5sum)"
# The transaction's rules are freed when it fails; give deferred frees
# (RCU, per-CPU counter blocks) a moment.
check_ok "the transaction's memory came back (within $((SLACK_KB >> 10)) MiB)" \
	slowwait 30 mem_back

# The namespace still works: a change after the refusal commits.
check_ok "a restore after it commits" X restore "$dir/small"
check_eq "and lists its two rules" 2 "$(X -S FORWARD | grep -c '^-A FORWARD')"
# the big table it replaced goes after a grace period
mem0=$base0
check_ok "the kernel's memory is back where it started" slowwait 30 mem_back

ksft_exit
