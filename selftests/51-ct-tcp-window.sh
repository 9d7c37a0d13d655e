#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# TCP tracking, segment by segment: the handshake, retransmissions, RSTs
# beyond the window, below it, in it but not exact (kept) and at the exact
# sequence (closes), RSTs, SYN/ACKs and FIN/ACKs for no connection, a bare
# ACK picked up when tcp_loose is 1 and INVALID when 0, stale SYN/ACKs (from
# the wrong side, or acking data never sent), RST in CLOSE_WAIT, the close
# to TIME_WAIT and a SYN reopening it, data and ACKs outside the window, a
# refused SYN (its RST deletes the entry), simultaneous open. Each segment is
# crafted (ct_tcp.py) and its state read from the router's counters; the
# entry's TCP state from "xtctl ct list". IPv4 and IPv6.
#
#   client ──────────── router ──────────── server
#   raw: drop tcp       FORWARD -j CTSTATE  raw: drop tcp
#   (crafted segments)  (one rule per state) (crafted segments)
#
# timeout: 600

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"

declare client router server

# Run ct_tcp.py and turn each NAME|EXPECTED|ACTUAL line into a check.
run_segments()
{
	local fam=$1 line name expected actual checks=0 out rc=0

	# shellcheck disable=SC2086 # $XTCTL may be a command with arguments
	out=$("$PYTHON" "$SELFTESTS_DIR/ct_tcp.py" "$fam" "$client" "$router" \
		"$server" $XTCTL 2>&1) || rc=$?
	while IFS= read -r line; do
		if [[ $line != *'|'*'|'* ]]; then
			echo "  ct_tcp.py: $line"
			continue
		fi
		IFS='|' read -r name expected actual <<<"$line"
		check_eq "$fam: $name" "$expected" "$actual"
		checks=$((checks + 1))
	done <<<"$out"
	check_eq "$fam: ct_tcp.py ran every check" "84 0" "$checks $rc"
}

test_family()
{
	local fam=$1 ns

	ct_state_chain "$router" "$fam" CTSTATE || ksft_fail "cannot add CTSTATE"
	check_ok "$fam: FORWARD -p tcp -j CTSTATE" \
		ns_xtctl "$router" "$fam" -A FORWARD -p tcp -j CTSTATE
	for ns in "$client" "$server"; do
		ns_xtctl "$ns" "$fam" -t raw -A PREROUTING -p tcp -j DROP ||
			ksft_fail "cannot shield the stack of $ns"
	done
	run_segments "$fam"
}

require_root
require_cmd ip
require_scapy
xtfw_load
ct_require
ct_router

test_family -4
test_family -6
ksft_exit
