#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Safe reloads: "xtctl restore --confirm SECONDS" applies a file at once
# and puts the previous tables back after SECONDS unless "xtctl confirm"
# comes first. A rollback restores the old rules (a table the change
# created goes away) while traffic that the bad file blocked flows again;
# a confirmed change stays; only one change waits at a time; the timer of
# one namespace does not touch another.
#
#   client veth0 10.0.1.1 ──── server veth0 10.0.1.2, tcp/22
#
# timeout: 180

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"

declare client server other

# The confirm window: 3 s, longer where everything is slower (the debug
# kernel runs the suite with XTFW_TIMEOUT_SCALE=6), so that the checks
# made while a change waits finish inside it.
WIN=$((3 * ${XTFW_TIMEOUT_SCALE:-1}))

OLD="*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT"

# a file that locks the admin out, and creates the raw table
BAD="*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
COMMIT"

X() { ns_xtctl "$server" "$@"; }

rules_now() { X -S; X -t raw -S 2>/dev/null; }

# shellcheck disable=SC2317 # run by slowwait
_rolled_back() { [[ $(rules_now) == "$before" ]]; }

require_root
xtfw_load
require_xtctl

setup_ns client server other
connect_ns "$client" veth0 "$server" veth0 1
start_tcp_server "$server" 22
old_file=$(mktemp) && bad_file=$(mktemp) && defer rm -f "$old_file" "$bad_file"
echo "$OLD" >"$old_file"
echo "$BAD" >"$bad_file"

check_ok "the old ruleset loads" X restore "$old_file"
before=$(rules_now)
check_ok "a lockout file applies with --confirm $WIN" \
	X restore --confirm "$WIN" "$bad_file"
check_fail "the lockout is in force" tcp_hello "$client" 10.0.1.2 22 1
check_match "a second --confirm is refused while one waits" \
	"waits for confirmation" "$(X restore --confirm "$WIN" "$old_file" 2>&1)"
check_fail "xtctl confirm in another namespace finds nothing" \
	ns_xtctl "$other" confirm
# the window and 7 s more: slowwait scales 10 s as WIN is scaled
slowwait 10 _rolled_back
check_eq "after $WIN s without confirm the old rules are back, raw gone" \
	"$before" "$(rules_now)"
check_eq "and the admin gets in again" hello "$(tcp_hello "$client" 10.0.1.2 22)"

check_ok "a change with --confirm $WIN" X restore --confirm "$WIN" "$bad_file"
check_ok "is confirmed" X confirm
sleep $((WIN + 1))
check_match "and stays" ":INPUT DROP" "$(X save -t filter)"
check_fail "nothing waits any more" X confirm
ksft_exit
