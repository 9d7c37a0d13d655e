#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# recent: --set, --rcheck with --seconds and --hitcount, --update, --remove,
# --rdest, --mask and "!", proven by exact counters on a sequence of
# datagrams sent in order; a list outlives a table replace as long as a
# rule names it, and is keyed by family (an IPv4 entry never matches IPv6).
#
#   client                                   server
#   veth0 10.0.1.1 .20 fd00:1::1  ────────  veth0 10.0.1.2 fd00:1::2
#                                            rules in INPUT
#
# timeout: 300

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"

declare client server

RULES=(
	"-p udp --dport 7000 -m recent --name t --rcheck --seconds 3600 --hitcount 3 -j DROP"
	"-p udp --dport 7000 -m recent --name t --set"
	"-p udp --dport 7001 -m recent --name t --remove"
	"-p udp --dport 7002 -m recent --name t --rcheck"
	"-p udp --dport 7002 -m recent --name t --rcheck --rdest"
	"-p udp --dport 7003 -m recent --name t ! --rcheck"
	"-p udp --dport 7004 -m recent --name m --set --mask 255.255.255.0"
	"-p udp --dport 7005 -m recent --name m --rcheck --mask 255.255.255.0"
	"-p udp --dport 7006 -m recent --name m --rcheck --seconds 1 --mask 255.255.255.0"
	"-p udp --dport 7006 -m recent --name m --update --seconds 3600 --mask 255.255.255.0"
)

# udp SRC PORT [N]: N datagrams from 10.0.1.SRC to the server's PORT
udp()
{
	echo "[IP(src=\"10.0.1.$1\", dst=\"10.0.1.2\")/UDP(sport=1, dport=$2)] * ${3:-1}"
}

udp6()
{
	echo "[IPv6(src=\"fd00:1::1\", dst=\"fd00:1::2\")/UDP(sport=1, dport=$1)] * ${2:-1}"
}

test_sequence()
{
	local rule

	for rule in "${RULES[@]}"; do
		# shellcheck disable=SC2086 # the rule's words
		check_ok "-A INPUT $rule" ns_xtctl "$server" -4 -A INPUT $rule || return
	done
	# 5 to 7000: three --set, then the fourth and fifth see 3 hits: DROP
	# 7002 from .1 is in t, from .20 not; nobody set the server's address
	# 7001 removes .1 once; then 7002 and the second 7001 miss
	# 7003: not in t any more, "!" matches; 7000 sets .1 again
	# m: .1 sets 10.0.1.0/24, .20 finds it
	check_ok "send the first sequence" send_pkts "$client" \
		"$(udp 1 7000 5)" "$(udp 1 7002)" "$(udp 20 7002)" \
		"$(udp 1 7001)" "$(udp 1 7002)" "$(udp 1 7001)" \
		"$(udp 1 7003)" "$(udp 1 7000)" "$(udp 1 7004)" "$(udp 20 7005)"
	check_eq "counters after the first sequence" "2 4 1 1 0 1 1 1 0 0" \
		"$(rule_counts "$server" -4 filter INPUT)"

	# Two seconds on, --seconds 1 misses, --seconds 3600 hits.
	sleep 2
	check_ok "send to 7006 after 2s" send_pkts "$client" "$(udp 20 7006)"
	check_eq "--seconds 1 missed, --seconds 3600 updated" "0 1" \
		"$(rule_pkts "$server" -4 filter INPUT 9) $(rule_pkts "$server" -4 filter INPUT 10)"
}

# Appending a rule replaces the table; the lists must stay.
test_survives_replace()
{
	check_ok "append a rule (replaces the table)" \
		ns_xtctl "$server" -4 -A INPUT -p udp --dport 7100
	check_ok "send to 7002 from .1" send_pkts "$client" "$(udp 1 7002)"
	check_eq "the list t kept 10.0.1.1" 2 \
		"$(rule_pkts "$server" -4 filter INPUT 4)"
}

# With no rule left naming it, a list is gone.
test_freed_when_unused()
{
	ns_xtctl "$server" -4 -F INPUT
	check_ok "a new --rcheck rule on t" \
		ns_xtctl "$server" -4 -A INPUT -p udp --dport 7002 -m recent --name t --rcheck
	check_ok "send to 7002 from .1" send_pkts "$client" "$(udp 1 7002)"
	check_eq "the new list t is empty" 0 \
		"$(rule_pkts "$server" -4 filter INPUT 1)"
}

# The same name in an IPv6 rule: the IPv4 entries never match.
test_ipv6()
{
	check_ok "IPv4: --set on t" \
		ns_xtctl "$server" -4 -I INPUT -p udp --dport 7000 -m recent --name t --set
	check_ok "IPv6: --rcheck on t" ns_xtctl "$server" -6 -A INPUT \
		-p udp --dport 7002 -m recent --name t --rcheck
	check_ok "IPv6: --set on t" ns_xtctl "$server" -6 -A INPUT \
		-p udp --dport 7000 -m recent --name t --set
	check_ok "set 10.0.1.1, then check and set fd00:1::1" send_pkts "$client" \
		"$(udp 1 7000)" "$(udp6 7002)" "$(udp6 7000)" "$(udp6 7002)"
	check_eq "IPv6 --rcheck missed before --set, hit after" "1 1" \
		"$(rule_counts "$server" -6 filter INPUT)"
}

test_refused()
{
	check_refused "--set with --seconds is refused" "$server" '.' \
		-A INPUT -m recent --name t --set --seconds 5
	check_refused "--reap without --seconds is refused" "$server" '.' \
		-A INPUT -m recent --name t --rcheck --reap
	check_refused "--hitcount above 255 is refused" "$server" '.' \
		-A INPUT -m recent --name t --rcheck --hitcount 300
}

require_root
require_cmd ip
require_scapy
xtfw_load
require_xtctl

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1
ip -n "$client" addr add 10.0.1.20/24 dev veth0

test_sequence
test_survives_replace
test_freed_when_unused
test_ipv6
test_refused
ksft_exit
