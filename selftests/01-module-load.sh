#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Module lifetime: 50 rmmod/insmod cycles with a namespace made before each
# load and given a ruleset, destroyed before the next unload on odd cycles
# and after it on even ones (so both pernet exit paths run: netns exit with
# the module loaded, module exit with live rulesets). Then one rmmod while a
# namespace with a ruleset passes ping traffic: no echo may go unanswered,
# and the reloaded module starts from an empty ruleset.
#
#   client (10.0.1.1) ── veth ── server (10.0.1.2)  -P FORWARD DROP,
#   ping -i 0.01 ───────────────────────────────►   rmmod meanwhile
#
# Leaves the module loaded if it was loaded before, else unloaded.
#
# timeout: 600

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"

CYCLES=50
PINGS=500

declare client server

# shellcheck disable=SC2317 # run by defer
restore_module()
{
	if ((WAS_LOADED)); then
		xtfw_load
	else
		xtfw_unload
	fi
}

module_loaded()
{
	[[ -d /sys/module/xtfw ]]
}

# One cycle; sets WHY to what failed.
cycle()
{
	local i=$1 ns=cycle$1 netns

	WHY=
	xtfw_unload || { WHY="rmmod failed"; return 1; }
	! module_loaded || { WHY="still loaded after rmmod"; return 1; }
	setup_ns "$ns"
	netns=${!ns}
	xtfw_load
	module_loaded || { WHY="not loaded after load"; return 1; }
	ns_xtctl "$netns" -P INPUT DROP ||
		{ WHY="-P INPUT DROP in a fresh namespace failed"; return 1; }
	ns_xtctl "$netns" -6 -P OUTPUT DROP ||
		{ WHY="-6 -P OUTPUT DROP in a fresh namespace failed"; return 1; }
	if ((i % 2)); then
		cleanup_ns "$netns"
	else
		xtfw_unload || { WHY="rmmod with a live ruleset failed"; return 1; }
		cleanup_ns "$netns"
		xtfw_load
	fi
}

test_load_cycles()
{
	local i done=0

	for ((i = 1; i <= CYCLES; i++)); do
		if ! cycle "$i"; then
			echo "cycle $i: $WHY"
			break
		fi
		done=$i
	done
	check_eq "$CYCLES load/unload cycles with namespaces" "$CYCLES" "$done"
}

received_of()
{
	sed -n 's/.* \([0-9]*\) received.*/\1/p' "$1"
}

test_unload_under_traffic()
{
	local log pid

	setup_ns client server
	connect_ns "$client" veth0 "$server" veth0 1
	module_loaded || xtfw_load
	check_ok "-P FORWARD DROP in the server" ns_xtctl "$server" -P FORWARD DROP
	check_ok "-A INPUT -p icmp -j ACCEPT in the server" \
		ns_xtctl "$server" -A INPUT -p icmp -j ACCEPT

	log=$(mktemp)
	defer rm -f "$log"
	ip netns exec "$client" ping -n -c "$PINGS" -i 0.01 -W 2 10.0.1.2 >"$log" 2>&1 &
	pid=$!
	busywait 10000 _replies_at_least "$log" 20 >/dev/null
	check_ok "rmmod while ping flows through a ruleset" xtfw_unload
	check_ok "ping was still running when rmmod returned" kill -0 "$pid"
	wait "$pid"
	check_eq "all $PINGS echo requests answered across the unload" \
		"$PINGS" "$(received_of "$log")"

	check_ok "reload" xtfw_load
	check_eq "the reloaded module starts with no ruleset" \
		"Chain FORWARD (policy ACCEPT)" "$(policy_line "$server" FORWARD)"
	check_eq "-S shows no rule" \
		"$(printf -- '-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT')" \
		"$(ns_xtctl "$server" -S)"
}

# shellcheck disable=SC2317 # run by busywait
_replies_at_least()
{
	(($(grep -c 'bytes from' "$1") >= $2))
}

require_root
require_cmd ip ping modinfo
[[ ${XTFW_SKIP_LOAD:-0} == 1 ]] && ksft_skip "XTFW_SKIP_LOAD=1: module loading is not under test"
WAS_LOADED=0
module_loaded && WAS_LOADED=1
xtfw_load
require_xtctl
defer restore_module

test_load_cycles
test_unload_under_traffic
ksft_exit
