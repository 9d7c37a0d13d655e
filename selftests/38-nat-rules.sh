#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NAT rules are validated in full. Valid SNAT, DNAT, MASQUERADE, REDIRECT
# and NETMAP rules (IPv4 and IPv6, address and port ranges, flags, in user
# chains) are accepted and listed back by -S exactly as iptables-save
# prints them, and that text restores to itself. Bad ones are refused with
# a message that says what is wrong, and change nothing: a target in a
# chain reached from a hook it is not valid in (directly, through a user
# chain, or by a later jump), ports without -p tcp/udp, a port or address
# range whose first is above its last, NETMAP to a range that is not a
# prefix, NAT outside the nat table, a restore file with one bad rule.
#
#   fw: a namespace with a rule to keep in filter INPUT
#
# timeout: 240

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare fw

# The rules, in the words iptables-save uses for them.
V4_RULES=(
	'-A PREROUTING -d 10.0.9.1/32 -i wan0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.0.1.1:80'
	'-A PREROUTING -d 10.0.9.2/32 -p udp -j DNAT --to-destination 10.0.1.1-10.0.1.3:5000-5009 --random --persistent'
	'-A PREROUTING -d 10.1.0.0/16 -j NETMAP --to 10.2.0.0/16'
	'-A PREROUTING -i wan0 -p tcp -m tcp --dport 2222 -j REDIRECT --to-ports 22'
	'-A PREROUTING -j PORTFWD'
	'-A INPUT -s 10.0.3.0/24 -p tcp -j SNAT --to-source 10.0.3.1'
	'-A OUTPUT -d 10.0.9.9/32 -p tcp -j DNAT --to-destination 10.0.2.2'
	'-A OUTPUT -d 10.0.9.10/32 -p udp -j REDIRECT --to-ports 5000-5010 --random'
	'-A POSTROUTING -o wan0 -p tcp -j SNAT --to-source 10.0.2.1:2000-2010'
	'-A POSTROUTING -o wan1 -j SNAT --to-source 10.0.2.1-10.0.2.5 --random-fully'
	'-A POSTROUTING -s 10.0.1.0/24 -o wan0 -j MASQUERADE'
	'-A POSTROUTING -p udp -j MASQUERADE --to-ports 1024-2047 --random-fully'
	'-A POSTROUTING -s 10.2.0.0/16 -j NETMAP --to 10.1.0.0/16'
	'-A POSTROUTING -j OUTBOUND'
	'-A OUTBOUND -o wan2 -j MASQUERADE'
	'-A PORTFWD -p tcp -m tcp --dport 443 -j DNAT --to-destination 10.0.1.2'
)
V6_RULES=(
	'-A PREROUTING -i wan0 -p tcp -m tcp --dport 8080 -j DNAT --to-destination [fd00:1::1]:80'
	'-A PREROUTING -d fd00:9::1/128 -j DNAT --to-destination fd00:1::1-fd00:1::3'
	'-A PREROUTING -d fd00:a::/64 -j NETMAP --to fd00:b::/64'
	'-A OUTPUT -p tcp -j REDIRECT --to-ports 8080'
	'-A POSTROUTING -o wan0 -p udp -j SNAT --to-source [fd00:2::1-fd00:2::2]:2000-2010'
	'-A POSTROUTING -o wan0 -j MASQUERADE'
)
NAT_POLICIES='-P PREROUTING ACCEPT
-P INPUT ACCEPT
-P OUTPUT ACCEPT
-P POSTROUTING ACCEPT'

X() { ns_xtctl "$fw" "$@"; }

# add_rules FAMILY RULE...: add each rule with -t nat, as typed.
add_rules()
{
	local fam=$1 rule
	shift

	for rule in "$@"; do
		# shellcheck disable=SC2086 # the rule's words; no quoting in them
		check_ok "$fam: accepted: ${rule#-A }" X "$fam" -t nat $rule
	done
}

# expected_save FAMILY RULE...: -t nat -S of a table holding those rules.
expected_save()
{
	local fam=$1
	shift

	echo "$NAT_POLICIES"
	[[ $fam == -4 ]] && printf '%s\n' "-N OUTBOUND" "-N PORTFWD"
	printf '%s\n' "$@"
}

# nat_state: both families' whole nat tables and filter INPUT, to show that
# a refused rule changed nothing.
nat_state()
{
	X -4 -t nat -S
	X -6 -t nat -S
	X -4 -S INPUT
}

test_valid()
{
	local dir

	check_ok "-4: a user chain" X -4 -t nat -N PORTFWD
	check_ok "-4: another" X -4 -t nat -N OUTBOUND
	# typed the short way; listed the long way
	add_rules -4 \
		'-A PREROUTING -i wan0 -d 10.0.9.1 -p tcp --dport 8080 -j DNAT --to-destination 10.0.1.1:80' \
		'-A PREROUTING -p udp -d 10.0.9.2 -j DNAT --to-destination 10.0.1.1-10.0.1.3:5000-5009 --persistent --random' \
		'-A PREROUTING -d 10.1.2.3/16 -j NETMAP --to 10.2.0.0/255.255.0.0' \
		'-A PREROUTING -i wan0 -p tcp --dport 2222 -j REDIRECT --to-ports 22' \
		'-A PREROUTING -j PORTFWD' \
		'-A INPUT -s 10.0.3.0/24 -p tcp -j SNAT --to-source 10.0.3.1' \
		'-A OUTPUT -d 10.0.9.9 -p tcp -j DNAT --to-destination 10.0.2.2' \
		'-A OUTPUT -d 10.0.9.10 -p udp -j REDIRECT --to-ports 5000-5010 --random' \
		'-A POSTROUTING -o wan0 -p tcp -j SNAT --to-source 10.0.2.1:2000-2010' \
		'-A POSTROUTING -o wan1 -j SNAT --to-source 10.0.2.1-10.0.2.5 --random-fully' \
		'-A POSTROUTING -o wan0 -s 10.0.1.0/24 -j MASQUERADE' \
		'-A POSTROUTING -p udp -j MASQUERADE --to-ports 1024-2047 --random-fully' \
		'-A POSTROUTING -s 10.2.0.0/16 -j NETMAP --to 10.1.0.0/16' \
		'-A POSTROUTING -j OUTBOUND' \
		'-A OUTBOUND -o wan2 -j MASQUERADE' \
		'-A PORTFWD -p tcp --dport 443 -j DNAT --to-destination 10.0.1.2'
	add_rules -6 \
		'-A PREROUTING -i wan0 -p tcp --dport 8080 -j DNAT --to-destination [fd00:1::1]:80' \
		'-A PREROUTING -d fd00:9::1 -j DNAT --to-destination fd00:1::1-fd00:1::3' \
		'-A PREROUTING -d fd00:a::/64 -j NETMAP --to fd00:a::/64' \
		'-A OUTPUT -p tcp -j REDIRECT --to-ports 8080' \
		'-A POSTROUTING -o wan0 -p udp -j SNAT --to-source [fd00:2::1-fd00:2::2]:2000-2010' \
		'-A POSTROUTING -o wan0 -j MASQUERADE'
	# NETMAP's --to: the first one above had the same prefix on both sides
	check_ok "-6: NETMAP rule replaced" X -6 -t nat -R PREROUTING 3 \
		-d fd00:a::/64 -j NETMAP --to fd00:b::/64
	check_eq "-4: -S lists them as iptables-save" \
		"$(expected_save -4 "${V4_RULES[@]}")" "$(X -4 -t nat -S)"
	check_eq "-6: -S lists them as iptables-save" \
		"$(expected_save -6 "${V6_RULES[@]}")" "$(X -6 -t nat -S)"

	# the saved text is loaded again unchanged
	dir=$(mktemp -d)
	defer rm -rf "$dir"
	X -4 save -t nat | grep -v '^#' >"$dir/v4"
	X -6 save -t nat | grep -v '^#' >"$dir/v6"
	check_ok "-4: flush the nat table" X -4 -t nat -F
	check_ok "-6: flush the nat table" X -6 -t nat -F
	check_ok "-4: restore the saved nat table" X -4 restore "$dir/v4"
	check_ok "-6: restore the saved nat table" X -6 restore "$dir/v6"
	check_eq "-4: restored as saved" "$(cat "$dir/v4")" \
		"$(X -4 save -t nat | grep -v '^#')"
	check_eq "-6: restored as saved" "$(cat "$dir/v6")" \
		"$(X -6 save -t nat | grep -v '^#')"
}

# refused NAME ERE ARGS...: xtctl ARGS in fw is refused, with a message
# matching ERE.
refused()
{
	local name=$1 re=$2
	shift 2

	check_refused "$name" "$fw" "$re" "$@"
}

# xtfw_refused NAME ERE ARGS...: as refused, for what iptables accepts.
xtfw_refused()
{
	if ! xtfw_native; then
		echo "SKIP: $1: iptables takes it"
		return 0
	fi
	refused "$@"
}

test_hooks()
{
	refused "DNAT in POSTROUTING" \
		'DNAT is not valid in a chain reached from POSTROUTING' \
		-t nat -A POSTROUTING -d 10.0.0.1 -j DNAT --to-destination 10.0.0.2
	refused "-6: DNAT in INPUT" \
		'DNAT is not valid in a chain reached from INPUT' \
		-6 -t nat -A INPUT -j DNAT --to-destination fd00::1
	refused "SNAT in PREROUTING" \
		'SNAT is not valid in a chain reached from PREROUTING' \
		-t nat -A PREROUTING -j SNAT --to-source 10.0.0.1
	refused "SNAT in OUTPUT" \
		'SNAT is not valid in a chain reached from OUTPUT' \
		-t nat -A OUTPUT -j SNAT --to-source 10.0.0.1
	refused "MASQUERADE in PREROUTING" \
		'MASQUERADE is not valid in a chain reached from PREROUTING' \
		-t nat -A PREROUTING -j MASQUERADE
	refused "-6: MASQUERADE in OUTPUT" \
		'MASQUERADE is not valid in a chain reached from OUTPUT' \
		-6 -t nat -A OUTPUT -j MASQUERADE
	refused "REDIRECT in POSTROUTING" \
		'REDIRECT is not valid in a chain reached from POSTROUTING' \
		-t nat -A POSTROUTING -p tcp -j REDIRECT --to-ports 80
	refused "DNAT in a user chain reached from POSTROUTING" \
		'DNAT is not valid in a chain reached from POSTROUTING' \
		-t nat -A OUTBOUND -p tcp -j DNAT --to-destination 10.0.0.2
	# a jump that would make PORTFWD's DNAT reachable from POSTROUTING
	refused "a jump from POSTROUTING to a chain with DNAT" \
		'DNAT is not valid in a chain reached from POSTROUTING' \
		-t nat -I POSTROUTING 1 -j PORTFWD
	refused "SNAT outside the nat table" \
		'SNAT is only valid in the nat table' \
		-A FORWARD -j SNAT --to-source 10.0.0.1
	refused "-6: DNAT outside the nat table" \
		'DNAT is only valid in the nat table' \
		-6 -t mangle -A PREROUTING -j DNAT --to-destination fd00::1
}

test_ranges()
{
	refused "DNAT with a port but no -p" 'needs -p tcp' \
		-t nat -A PREROUTING -j DNAT --to-destination 10.0.0.1:80
	xtfw_refused "SNAT with ports and -p icmp" 'needs -p tcp' \
		-t nat -A POSTROUTING -p icmp -j SNAT --to-source 10.0.0.1:2000-2010
	refused "MASQUERADE --to-ports without -p" 'needs -p tcp' \
		-t nat -A POSTROUTING -j MASQUERADE --to-ports 1024-2047
	refused "-6: REDIRECT --to-ports without -p" 'needs -p tcp' \
		-6 -t nat -A PREROUTING -j REDIRECT --to-ports 8080
	refused "SNAT's first port above its last" 'min > max' \
		-t nat -A POSTROUTING -p tcp -j SNAT --to-source 10.0.0.1:2010-2000
	xtfw_refused "SNAT's first address above its last" \
		'SNAT: first address above the last' \
		-t nat -A POSTROUTING -j SNAT --to-source 10.0.0.9-10.0.0.1
	xtfw_refused "-6: DNAT's first address above its last" \
		'DNAT: first address above the last' \
		-6 -t nat -A PREROUTING -j DNAT --to-destination fd00::9-fd00::1
	xtfw_refused "NETMAP to a mask that is not a prefix" \
		'NETMAP: the range is not an address/prefix' \
		-t nat -A PREROUTING -j NETMAP --to 10.0.0.0/255.0.255.0
	xtfw_refused "-6: NETMAP to a mask that is not a prefix" \
		'NETMAP: the range is not an address/prefix' \
		-6 -t nat -A PREROUTING -j NETMAP --to fd00::/ffff::ffff
	refused "SNAT without --to-source" 'SNAT needs --to-source' \
		-t nat -A POSTROUTING -j SNAT
	refused "DNAT does not take --random-fully" 'random-fully' \
		-t nat -A PREROUTING -j DNAT --to-destination 10.0.0.1 --random-fully
	refused "-4 SNAT to an IPv6 address" '.' \
		-t nat -A POSTROUTING -j SNAT --to-source fd00::1
}

test_restore_refused()
{
	local dir

	dir=$(mktemp -d)
	defer rm -rf "$dir"
	cat >"$dir/bad" <<'RULES'
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
-A PREROUTING -p tcp -m tcp --dport 80 -j DNAT --to-destination 10.0.1.1
-A POSTROUTING -j SNAT --to-source 10.0.0.9-10.0.0.1
COMMIT
RULES
	xtfw_refused "a restore with one bad NAT rule" \
		'SNAT: first address above the last' restore "$dir/bad"
}

require_root
xtfw_load
require_xtctl

setup_ns fw
check_ok "a rule to keep" X -A INPUT -p tcp --dport 22
test_valid
before=$(nat_state)
test_hooks
test_ranges
test_restore_refused
check_eq "the refused rules changed nothing" "$before" "$(nat_state)"
ksft_exit
