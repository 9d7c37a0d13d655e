#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# xtctl save/restore: a realistic iptables-save file loads, saves back
# byte-identical and round-trips; a bad file is refused with its line
# number and changes nothing; --test checks without applying; -c restores
# counters; a 10,000-rule file loads in one transaction.
#
# timeout: 300

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"

require_cmd ip
require_xtctl
xtfw_load

setup_ns fw
X() { ns_xtctl "$fw" "$@"; }
dir=$(mktemp -d)
defer rm -rf "$dir"

# Canonical iptables-save text (what iptables-legacy-save 1.8.9 prints).
cat >"$dir/good" <<'RULES'
*raw
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A PREROUTING -i lo -j CT --notrack
COMMIT
*filter
:INPUT DROP [0:0]
:FORWARD DROP [0:0]
:OUTPUT ACCEPT [0:0]
:LOGDROP - [0:0]
:SERVICES - [0:0]
-A INPUT -i lo -j ACCEPT
-A INPUT -p icmp -m icmp --icmp-type 8 -m limit --limit 5/sec --limit-burst 10 -j ACCEPT
-A INPUT -s 192.168.0.0/16 -p tcp -m tcp --dport 22 -j ACCEPT
-A INPUT -j SERVICES
-A INPUT -j LOGDROP
-A FORWARD ! -i eth0 -o eth1 -m mark --mark 0x1/0xff -j ACCEPT
-A LOGDROP -m limit --limit 3/min -j LOG --log-prefix "dropped: "
-A LOGDROP -j DROP
-A SERVICES -p tcp -m multiport --dports 80,443,8000:8100 -j ACCEPT
-A SERVICES -p udp -m udp --sport 53 -j ACCEPT
-A SERVICES -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -m comment --comment "new tcp" -j REJECT --reject-with tcp-reset
COMMIT
RULES

check_ok "a realistic file loads" X restore "$dir/good"
X save | grep -v '^#' >"$dir/saved"
check_eq "save prints it back byte-identical" "$(cat "$dir/good")" "$(cat "$dir/saved")"
check_ok "the saved file loads again" X restore "$dir/saved"
check_eq "and saves identically again" "$(cat "$dir/saved")" "$(X save | grep -v '^#')"

# A bad file: error names line 6, nothing changes.
before=$(X save -c | grep -v '^#')
cat >"$dir/bad" <<'RULES'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
-A INPUT -j ACCEPT
-A INPUT -m nosuchmatch --foo -j ACCEPT
COMMIT
RULES
rc=0
err=$(X restore "$dir/bad" 2>&1) || rc=$?
check_eq "a bad file is refused" 1 "$((rc != 0))"
check_match "the error points at line 6, the unknown match" \
	"bad:6:13: unknown match \"nosuchmatch\"" "$err"
check_match "with the line and a caret under the match" \
	'-A INPUT -m nosuchmatch --foo -j ACCEPT
              \^~~~~~~~~~~' "$err"
check_eq "a refused restore changed nothing" "$before" "$(X save -c | grep -v '^#')"

# An error only the kernel sees (jump to a chain of another table).
cat >"$dir/bad2" <<'RULES'
*filter
:INPUT ACCEPT [0:0]
-A INPUT -j LOGDROP2
COMMIT
RULES
check_fail "a jump to an undefined chain is refused" X restore "$dir/bad2"
check_eq "and changed nothing" "$before" "$(X save -c | grep -v '^#')"

# A rule only the kernel refuses, deep in a NEWRULE message of many rules
# (xtctl sends up to 256 per message): the error names that rule and its
# line, not the message's first.
{
	echo "*filter"
	echo ":INPUT ACCEPT [0:0]"
	for i in $(seq 1 600); do
		echo "# rule $i"
		if ((i == 450)); then
			echo "-A INPUT -m recent --name r --rcheck --hitcount 100000 -j DROP"
		else
			echo "-A INPUT -s 10.1.$((i / 250)).$((i % 250)) -j ACCEPT"
		fi
	done
	echo "COMMIT"
} >"$dir/bad3"
rc=0
err=$(X restore "$dir/bad3" 2>&1) || rc=$?
check_eq "a rule the kernel refuses, amid 600, fails the restore" 1 "$((rc != 0))"
check_match "the error names rule 450 at line 902" \
	'bad3:902:[0-9]+: filter INPUT rule 450: recent: --hitcount 100000 is above the maximum of 255' "$err"
check_eq "and changed nothing" "$before" "$(X save -c | grep -v '^#')"

# --test validates without applying.
check_ok "--test accepts a good file" X restore --test "$dir/saved"
check_fail "--test refuses a bad file" X restore --test "$dir/bad"
sed 's/^:INPUT DROP/:INPUT ACCEPT/' "$dir/good" >"$dir/accept"
X restore --test "$dir/accept"
check_match "--test applied nothing" ':INPUT DROP' "$(X save)"

# -c: counters from the file.
sed 's/^:OUTPUT ACCEPT \[0:0\]/:OUTPUT ACCEPT [12:3456]/; s/^-A INPUT -i lo -j ACCEPT$/[7:890] -A INPUT -i lo -j ACCEPT/' \
	"$dir/good" >"$dir/counters"
check_ok "restore -c loads counters" X restore -c "$dir/counters"
saved=$(X save -c)
check_match "policy counters restored" ':OUTPUT ACCEPT \[12:3456\]' "$saved"
check_match "rule counters restored" '\[7:890\] -A INPUT -i lo -j ACCEPT' "$saved"

# 10,000 rules in one file, one transaction.
{
	echo "*filter"
	echo ":INPUT ACCEPT [0:0]"
	echo ":FORWARD ACCEPT [0:0]"
	echo ":OUTPUT ACCEPT [0:0]"
	for i in $(seq 0 9999); do
		echo "-A FORWARD -s 10.$((i / 250)).$((i % 250)).0/24 -p tcp -m tcp --dport $((1000 + i % 5000)) -j DROP"
	done
	echo "COMMIT"
} >"$dir/big"
# Policy counters carry over across a replace (unlike iptables): zero them so
# the save below compares with the file's [0:0].
X -Z
start=$EPOCHREALTIME
check_ok "10,000 rules load" X restore "$dir/big"
echo "10,000-rule restore took $(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')s"
check_eq "all 10,000 are there" 10000 "$(X -S FORWARD | grep -c '^-A FORWARD')"
check_eq "and save back identically" "$(cat "$dir/big")" "$(X save -t filter | grep -v '^#')"

ksft_exit
