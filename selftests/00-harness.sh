#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-check of the test harness; needs no xtfw. Proves that namespaces,
# veth, ping, socat and the lib.sh helpers work where the suite runs (on a
# host or in the VM), so a failure elsewhere is not the harness's fault.
#
#   client (10.0.1.1, fd00:1::1) ── veth ── server (10.0.1.2, fd00:1::2)
#
# timeout: 60

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"

require_root
require_cmd ip ping socat ss

# A test script that sources lib.sh, for the exit status checks.
lib_child()
{
	bash -c "source '$SELFTESTS_DIR/lib.sh'; $1" >/dev/null 2>&1
	echo $?
}

# shellcheck disable=SC2016 # the children expand $?
check_lib()
{
	local ns

	check_eq "ksft_skip exits 4" 4 "$(lib_child 'ksft_skip test')"
	check_eq "a stray exit 4 is a failure" 1 "$(lib_child 'exit 4')"
	check_eq "a failed check fails the test" 1 \
		"$(lib_child 'check_eq x 1 2; ksft_exit')"
	check_eq "busywait times out with the command's status" 0 \
		"$(lib_child 'busywait 50 bash -c "exit 3"; (($? == 3))')"
	check_eq "busywait returns when the command succeeds" 0 \
		"$(lib_child 'busywait 5000 true')"

	ns=$(bash -c "source '$SELFTESTS_DIR/lib.sh'; setup_ns probe; echo \$probe")
	check_match "setup_ns names namespaces NAME-random" '^probe-.{6}$' "$ns"
	check_eq "namespaces are deleted on exit" "" "$(ip netns list | grep -F "$ns")"
}

declare client server

setup()
{
	setup_ns client server
	veth_pair "$client" "$server"
	ip -n "$client" addr add 10.0.1.1/24 dev veth0
	ip -n "$server" addr add 10.0.1.2/24 dev veth0
	ip -n "$client" addr add fd00:1::1/64 dev veth0 nodad
	ip -n "$server" addr add fd00:1::2/64 dev veth0 nodad
}

check_traffic()
{
	check_ok "ping IPv4" ns_exec "$client" ping -c 1 -W 2 10.0.1.2
	check_ok "ping IPv6" ns_exec "$client" ping -c 1 -W 2 fd00:1::2
	check_fail "ping to nowhere fails" ns_exec "$client" ping -c 1 -W 1 10.0.9.9

	ns_exec "$server" socat TCP4-LISTEN:8080,reuseaddr,fork SYSTEM:"echo hello" &
	wait_local_port_listen "$server" 8080 tcp
	check_eq "TCP over IPv4" hello \
		"$(ns_exec "$client" socat -t 2 -T 2 - TCP4:10.0.1.2:8080,connect-timeout=2 </dev/null)"
}

check_lib
setup
check_traffic
ksft_exit
