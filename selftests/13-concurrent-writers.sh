#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Concurrent writers: four xtctl processes append rules to the same chain
# at once. Each change is a transaction built on the generation it read; a
# stale one fails with EAGAIN and xtctl rebuilds and retries it. No rule
# may be lost or doubled, and the chain must stay usable.
#
# timeout: 300

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"

require_cmd ip
require_xtctl
xtfw_load

WRITERS=4
RULES=25

setup_ns fw

writer()
{
	local w=$1 i

	for ((i = 0; i < RULES; i++)); do
		# shellcheck disable=SC2086
		ip netns exec "$fw" $XTCTL -A INPUT -s "10.$w.$i.0/24" -j ACCEPT ||
			echo "writer $w: rule $i failed"
	done
}

pids=()
for ((w = 1; w <= WRITERS; w++)); do
	writer "$w" >"/tmp/xtfw-writer.$$.$w" 2>&1 &
	pids+=($!)
done
defer rm -f /tmp/xtfw-writer.$$.*
for pid in "${pids[@]}"; do
	wait "$pid"
done
failures=$(cat /tmp/xtfw-writer.$$.* | grep -c failed)
check_eq "no writer gave up" 0 "$failures"

rules=$(ns_xtctl "$fw" -S INPUT | grep '^-A INPUT')
check_eq "every rule is there once" $((WRITERS * RULES)) "$(sort -u <<<"$rules" | wc -l)"
check_eq "no rule doubled" $((WRITERS * RULES)) "$(wc -l <<<"$rules")"
for ((w = 1; w <= WRITERS; w++)); do
	# each writer's own rules keep their order
	mine=$(grep -F -- "-s 10.$w." <<<"$rules" | sed 's/.*-s 10\.[0-9]*\.\([0-9]*\)\..*/\1/' | tr '\n' ' ')
	check_eq "writer $w's rules in order" "$(seq -s ' ' 0 $((RULES - 1))) " "$mine"
done

ksft_exit
