#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# owner: --uid-owner and --gid-owner (single ids and ranges, "!") on the
# datagrams local users send, counted exactly in the client's OUTPUT, and a
# uid DROP rule that stops one user only. owner outside OUTPUT and
# POSTROUTING is refused, also through a user chain.
#
#   client                                   server
#   veth0 10.0.1.1 fd00:1::1  ───────────  veth0 10.0.1.2 fd00:1::2
#   rules in OUTPUT                          counts arrivals in INPUT
#
# timeout: 240

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare client server
NOBODY=65534

RULES=(
	"-p udp --dport 7000 -m owner --uid-owner $NOBODY"
	"-p udp --dport 7000 -m owner ! --uid-owner $NOBODY"
	"-p udp --dport 7000 -m owner --gid-owner $NOBODY"
	"-p udp --dport 7000 -m owner --uid-owner 0-999"
	"-p udp --dport 7000 -m owner --uid-owner 1000-$NOBODY ! --gid-owner 0"
)

# send_as UID ADDR PORT: one datagram from a socket of user UID.
send_as()
{
	local uid=$1 addr=$2 port=$3 proto=UDP4

	[[ $addr == *:* ]] && { proto=UDP6; addr="[$addr]"; }
	echo x | ns_exec "$client" setpriv --reuid="$uid" --regid="$uid" \
		--clear-groups socat -u - "$proto:$addr:$port"
}

test_counters()
{
	local fam=$1 addr=10.0.1.2 rule

	[[ $fam == -6 ]] && addr=fd00:1::2
	ns_xtctl "$client" "$fam" -F OUTPUT
	ns_xtctl "$server" "$fam" -F INPUT
	for rule in "${RULES[@]}"; do
		# shellcheck disable=SC2086 # the rule's words
		check_ok "$fam -A OUTPUT $rule" ns_xtctl "$client" "$fam" -A OUTPUT $rule ||
			return
	done
	check_ok "$fam: count arrivals" \
		ns_xtctl "$server" "$fam" -A INPUT -p udp --dport 7000
	check_ok "$fam: send as root" send_as 0 "$addr" 7000
	check_ok "$fam: send as nobody" send_as "$NOBODY" "$addr" 7000
	check_ok "$fam: send as nobody again" send_as "$NOBODY" "$addr" 7000
	check_eq "$fam: per-rule packet counters" "2 1 2 1 2" \
		"$(rule_counts "$client" "$fam" filter OUTPUT)"
	check_eq "$fam: all three arrived" 3 \
		"$(rule_pkts "$server" "$fam" filter INPUT 1)"
}

test_drop_one_user()
{
	ns_xtctl "$client" -4 -F OUTPUT
	ns_xtctl "$server" -4 -Z INPUT
	check_ok "DROP nobody's datagrams" ns_xtctl "$client" -4 -A OUTPUT \
		-p udp -m owner --uid-owner "$NOBODY" -j DROP
	send_as "$NOBODY" 10.0.1.2 7000
	send_as 0 10.0.1.2 7000
	check_eq "only root's datagram arrived" 1 \
		"$(rule_pkts "$server" -4 filter INPUT 1)"
	check_eq "the DROP rule counted nobody's" 1 \
		"$(rule_pkts "$client" -4 filter OUTPUT 1)"
}

test_refused()
{
	check_refused "owner in INPUT is refused" "$client" \
		'owner is only valid in OUTPUT and POSTROUTING' \
		-A INPUT -m owner --uid-owner 0
	check_ok "-N U" ns_xtctl "$client" -N U
	check_ok "owner in a user chain is fine until INPUT jumps there" \
		ns_xtctl "$client" -A U -m owner --uid-owner 0
	check_refused "a jump from INPUT to a chain with owner is refused" "$client" \
		'owner is only valid in OUTPUT and POSTROUTING' -A INPUT -j U
	check_ok "a jump from OUTPUT to it is fine" ns_xtctl "$client" -A OUTPUT -j U
	check_eq "INPUT stayed empty" "" "$(rule_counts "$client" -4 filter INPUT)"
}

require_root
require_cmd ip socat setpriv
xtfw_load
require_xtctl

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1

test_counters -4
test_counters -6
test_drop_one_user
test_refused
ksft_exit
