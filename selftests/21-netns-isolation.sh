#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rulesets are per network namespace: a DROP policy in server1 blocks only
# server1; server2 and the client keep no ruleset, list ACCEPT and count
# nothing; deleting server1 with its ruleset in place leaves server2 alone.
#
#             ┌── veth1 10.0.1.1 ── 10.0.1.2 server1   -P INPUT DROP
#   client ───┤
#             └── veth2 10.0.2.1 ── 10.0.2.2 server2   no ruleset
#
# timeout: 120

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"

declare client server1 server2

ACCEPT_ZERO="Chain INPUT (policy ACCEPT 0 packets, 0 bytes)"

setup()
{
	setup_ns client server1 server2
	connect_ns "$client" veth1 "$server1" veth0 1
	connect_ns "$client" veth2 "$server2" veth0 2
}

test_drop_in_one_namespace()
{
	check_ok "server1: -P INPUT DROP" ns_xtctl "$server1" -P INPUT DROP
	check_ok "server1: -6 -P INPUT DROP" ns_xtctl "$server1" -6 -P INPUT DROP

	check_fail "server1 is blocked" ping_once "$client" 10.0.1.2 1
	check_fail "server1 is blocked (IPv6)" ping_once "$client" fd00:1::2 1
	check_ok "server2 still answers" ping_once "$client" 10.0.2.2
	check_ok "server2 still answers (IPv6)" ping_once "$client" fd00:2::2

	# Listing may create an empty table, so only now, after the traffic.
	check_eq "server2 lists ACCEPT and counted nothing" "$ACCEPT_ZERO" \
		"$(policy_line "$server2" INPUT -v -x)"
	check_eq "server2 lists ACCEPT and counted nothing (IPv6)" "$ACCEPT_ZERO" \
		"$(policy_line "$server2" INPUT -6 -v -x)"
	check_eq "the client lists ACCEPT" "Chain INPUT (policy ACCEPT)" \
		"$(policy_line "$client" INPUT)"
	check_eq "server1 still lists DROP" "Chain INPUT (policy DROP)" \
		"$(policy_line "$server1" INPUT)"
}

test_delete_namespace_with_ruleset()
{
	cleanup_ns "$server1"
	check_fail "server1 is gone" ip netns exec "$server1" true 2>/dev/null
	check_ok "server2 still answers after server1 was deleted" \
		ping_once "$client" 10.0.2.2
	check_eq "server2 still lists ACCEPT" "Chain INPUT (policy ACCEPT)" \
		"$(policy_line "$server2" INPUT)"
}

require_root
require_cmd ip ping
xtfw_load
require_xtctl
setup

test_drop_in_one_namespace
test_delete_namespace_with_ruleset
ksft_exit
