#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtfw has no NAT yet. Until it does, the NAT targets (SNAT, DNAT,
# MASQUERADE, REDIRECT, NETMAP) are checked in full and then refused with a
# message that says why, instead of being accepted and silently doing
# nothing. A refused rule changes nothing.
#
#   server: a namespace with one rule in INPUT
#
# timeout: 120

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare server
NAT='NAT is not implemented yet'

require_root
xtfw_native || ksft_skip "checks xtfw's own refusals"
xtfw_load
require_xtctl

setup_ns server
check_ok "a rule to keep" ns_xtctl "$server" -A INPUT -p tcp --dport 22
before=$(ns_xtctl "$server" -S)

check_refused "a bad -m state is refused for its own fault" "$server" \
	'.' -A INPUT -m state --state SNAT
check_refused "SNAT is refused" "$server" "SNAT: $NAT" \
	-t nat -A POSTROUTING -j SNAT --to-source 10.0.0.1
check_refused "DNAT is refused" "$server" "DNAT: $NAT" \
	-t nat -A PREROUTING -p tcp -j DNAT --to-destination 10.0.0.1:80
check_refused "MASQUERADE is refused" "$server" "MASQUERADE: $NAT" \
	-t nat -A POSTROUTING -j MASQUERADE
check_refused "REDIRECT is refused" "$server" "REDIRECT: $NAT" \
	-t nat -A PREROUTING -p tcp -j REDIRECT --to-ports 8080
check_refused "NETMAP is refused" "$server" "NETMAP: $NAT" \
	-t nat -A PREROUTING -j NETMAP --to 10.1.0.0/16
check_refused "DNAT in POSTROUTING is refused for the hook" "$server" \
	'DNAT is not valid in a chain reached from POSTROUTING' \
	-t nat -A POSTROUTING -j DNAT --to-destination 10.0.0.1
check_refused "DNAT with ports but no -p is refused" "$server" \
	'.' -t nat -A PREROUTING -j DNAT --to-destination 10.0.0.1:80
check_eq "the ruleset is unchanged" "$before" "$(ns_xtctl "$server" -S)"
ksft_exit
