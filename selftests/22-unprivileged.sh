#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Changes and dumps need CAP_NET_ADMIN in the user namespace that owns the
# network namespace:
#   * nobody, in a namespace owned by the initial user namespace, can neither
#     set a policy nor list; xtctl says "Permission denied" and the ruleset
#     and the traffic stay as they were;
#   * root of a new user namespace has no power over that namespace either;
#   * root of a user namespace that owns a new network namespace (unshare
#     -Urn) can set a policy there, and it takes effect (ping on lo).
#
# timeout: 120

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"

declare client server

NO_RULES=$(printf -- '-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT')

# shellcheck disable=SC2317 # run by check_denied
# as_nobody NS CMD...: run CMD in NS as nobody, without capabilities.
as_nobody()
{
	local ns=$1
	shift

	ns_exec "$ns" setpriv --reuid=nobody --regid=nogroup --clear-groups \
		--inh-caps=-all "$@"
}

# check_denied NAME CMD...: CMD must fail and say so.
check_denied()
{
	local name=$1 out rc=0
	shift

	out=$("$@" 2>&1) || rc=$?
	check_fail "$name: fails" test "$rc" -eq 0
	check_match "$name: says permission denied" "ermission" "$out"
}

test_nobody()
{
	local before

	check_ok "root: -A INPUT -s 10.9.9.9 -j DROP" \
		ns_xtctl "$server" -A INPUT -s 10.9.9.9 -j DROP
	before=$(ns_xtctl "$server" -S)
	# shellcheck disable=SC2086 # $XTCTL may carry arguments
	{
	check_denied "nobody: -P INPUT DROP" as_nobody "$server" $XTCTL -P INPUT DROP
	check_denied "nobody: -6 -P INPUT DROP" as_nobody "$server" $XTCTL -6 -P INPUT DROP
	check_denied "nobody: -F INPUT" as_nobody "$server" $XTCTL -F INPUT
	check_denied "nobody: -L" as_nobody "$server" $XTCTL -L -n
	check_denied "nobody: -S" as_nobody "$server" $XTCTL -S
	}
	check_eq "the ruleset is unchanged" "$before" "$(ns_xtctl "$server" -S)"
	check_eq "the IPv6 ruleset is unchanged" "$NO_RULES" "$(ns_xtctl "$server" -6 -S)"
	check_ok "traffic still passes" ping_once "$client" 10.0.1.2
}

test_foreign_user_namespace()
{
	local before

	before=$(ns_xtctl "$server" -S)
	# shellcheck disable=SC2086
	check_denied "root of a new user namespace: -P INPUT DROP" \
		ns_exec "$server" unshare -Ur $XTCTL -P INPUT DROP
	check_eq "the ruleset is unchanged" "$before" "$(ns_xtctl "$server" -S)"
}

# Runs inside "unshare -Urn": the new netns has only lo.
# shellcheck disable=SC2016 # expanded by that shell
OWN_NETNS_SCRIPT='
	ip link set lo up
	ping -c 1 -W 2 127.0.0.1 >/dev/null || { echo "no ping before DROP"; exit 1; }
	$XTCTL -P INPUT DROP || { echo "-P INPUT DROP failed"; exit 1; }
	$XTCTL -L INPUT -n | head -n1
	ping -c 1 -W 1 127.0.0.1 >/dev/null && { echo "ping passed the DROP policy"; exit 1; }
	echo "blocked"
'

test_own_user_namespace()
{
	local out

	echo "[+] unshare -Urn: lo up, ping, -P INPUT DROP, -L INPUT, ping" >&2
	out=$(XTCTL=$XTCTL unshare -Urn bash -c "$OWN_NETNS_SCRIPT" 2>&1)
	check_eq "unshare -Urn: root of the owning user namespace sets a policy" \
		"$(printf 'Chain INPUT (policy DROP)\nblocked')" "$out"
}

setup()
{
	setup_ns client server
	connect_ns "$client" veth0 "$server" veth0 1
}

require_root
require_cmd ip ping setpriv unshare
id nobody >/dev/null 2>&1 || ksft_skip "no user nobody"
getent group nogroup >/dev/null || ksft_skip "no group nogroup"
xtfw_load
require_xtctl
unshare -Ur true 2>/dev/null || ksft_skip "cannot create user namespaces"
setup

test_nobody
test_foreign_user_namespace
test_own_user_namespace
ksft_exit
