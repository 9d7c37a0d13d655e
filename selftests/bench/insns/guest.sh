#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# insns.sh's guest side. "guest.sh ksyms": print the kernel's text symbols
# (gzip, base64) between KSYMS-BEGIN and KSYMS-END. "guest.sh FW RULES N":
# bench's path (path.sh), FW (none, xtfw, legacy, or nft: iptables-nft)
# loaded in the router with RULES, the flow answered first if
# INSNS_ESTABLISHED is 1 (as bench's stateful profile does), then N
# 64-byte UDP packets sent by pktgen through the router between two
# syncfs(2) calls (the marks of tbcount's snapshots), or with INSNS_LOAD=1
# the load of RULES between them instead; prints "INSNS key=value" lines
# and the modules' text symbols between MODSYMS-BEGIN and MODSYMS-END.

# $XTCTL is used unquoted, as in the selftests: it may be a command with
# arguments.
# shellcheck disable=SC2086
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../../lib.sh"
# shellcheck source=selftests/bench/path.sh
source "$(dirname "$0")/../path.sh"

if [[ ${1:-} == ksyms ]]; then
	echo KSYMS-BEGIN
	grep ' [tTwW] ' /proc/kallsyms | grep -v '\[' | gzip -9 | base64 -w 0
	echo
	echo KSYMS-END
	exit 0
fi

FW=${1:?usage: guest.sh ksyms | guest.sh FW RULES N} RULES=${2:?} N=${3:?}
XTCTL=${XTFW_XTCTL:-$SELFTESTS_DIR/../tools/xtctl/xtctl}
KO=${XTFW_KO:-$SELFTESTS_DIR/../build/$(uname -r)/xtfw.ko}

modprobe -q pktgen || ksft_fail "no pktgen"
if [[ $FW == xtfw ]]; then
	modprobe -qa nf_defrag_ipv4 nf_defrag_ipv6 nf_reject_ipv4 nf_reject_ipv6
	insmod "$KO" || ksft_fail "cannot load $KO"
fi
make_path "$FW"
trap 'drop_path "$FW"' EXIT
unreach "$FW"
router=${ROUTER[$FW]} sink=${SINK[$FW]}
load_rules()
{
	case $FW in
	none)	;;
	xtfw)	in_router "$FW" $XTCTL restore "$RULES" ;;
	legacy)	in_router "$FW" iptables-legacy-restore "$RULES" ;;
	nft)	in_router "$FW" iptables-nft-restore "$RULES" ;;
	*)	ksft_fail "unknown firewall $FW" ;;
	esac || ksft_fail "$FW: cannot load $RULES"
}
if [[ ${INSNS_LOAD:-0} == 1 ]]; then
	# the load between the marks, counted per rule; the loader's page
	# faults and file reads are the kernel's instructions too
	rules=$(grep -c '^-A ' "$RULES" || true)
	sync -f /
	load_rules
	sync -f /
	echo "INSNS units=$rules"
	echo "INSNS unit=rule"
else
	load_rules
fi
if [[ ${INSNS_ESTABLISHED:-0} == 1 && $FW != none ]]; then
	long_udp_timeouts "$FW" || ksft_fail "$FW: cannot set UDP timeouts"
	prime "$FW" || ksft_fail "$FW: the flow is not established"
fi
if [[ ${INSNS_LOAD:-0} != 1 ]]; then
	pg "$FW" lan0 "count $N"
	rx=/sys/class/net/veth0/statistics/rx_packets
	read -r a < <(ip netns exec "$sink" cat $rx)
	sync -f /
	ip netns exec "$router" sh -c 'echo start > /proc/net/pktgen/pgctrl'
	sync -f /
	read -r b < <(ip netns exec "$sink" cat $rx)
	echo "INSNS units=$((b - a))"
	echo "INSNS unit=packet"
fi
echo "INSNS stext=$(awk '$3 == "_stext" { print $1 }' /proc/kallsyms)"
# the modules' functions, where they were loaded this time
echo MODSYMS-BEGIN
grep ' [tTwW] .*\[' /proc/kallsyms | gzip -9 | base64 -w 0
echo
echo MODSYMS-END
exit 0
