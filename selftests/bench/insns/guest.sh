#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# insns.sh's guest side. "guest.sh ksyms": print the kernel's text symbols
# (gzip, base64) between KSYMS-BEGIN and KSYMS-END. "guest.sh FW RULES N":
# a generator, router and sink namespace as in bench/guest.sh, FW (none,
# xtfw, legacy) loaded in the router with RULES, then N 64-byte UDP
# packets sent by pktgen through the router between two syncfs(2) calls
# (the marks of tbcount's snapshots); prints "INSNS key=value" lines and
# the modules' text symbols between MODSYMS-BEGIN and MODSYMS-END.

# $XTCTL is used unquoted, as in the selftests: it may be a command with
# arguments.
# shellcheck disable=SC2086
# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/../../lib.sh"

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
gen='' router='' sink=''
setup_ns gen router sink
trap 'cleanup_ns "$gen" "$router" "$sink"' EXIT
connect_ns "$gen" veth0 "$router" lan0 1
connect_ns "$router" wan0 "$sink" veth0 2
ip -n "$router" neigh replace 10.0.2.2 lladdr 02:00:00:00:02:02 dev wan0 nud permanent
ip netns exec "$router" sysctl -qw net.ipv4.ip_forward=1
case $FW in
none)	;;
xtfw)	ip netns exec "$router" $XTCTL restore "$RULES" ;;
legacy)	ip netns exec "$router" iptables-legacy-restore "$RULES" ;;
*)	ksft_fail "unknown firewall $FW" ;;
esac || ksft_fail "$FW: cannot load $RULES"

pg()
{
	ip netns exec "$router" sh -c "echo '$2' > /proc/net/pktgen/$1" ||
		ksft_fail "pktgen: $1: $2"
}
mac=$(ip -n "$router" -br link show lan0 | awk '{ print $3 }')
pg kpktgend_0 rem_device_all
pg kpktgend_0 "add_device lan0"
for cmd in "count $N" "pkt_size 64" "dst 10.0.2.2" "src_min 10.0.1.1" \
	   "src_max 10.0.1.1" "dst_mac $mac" "udp_src_min 9" "udp_src_max 9" \
	   "udp_dst_min 9" "udp_dst_max 9" "xmit_mode netif_receive"; do
	pg lan0 "$cmd"
done
rx=/sys/class/net/veth0/statistics/rx_packets
read -r a < <(ip netns exec "$sink" cat $rx)
sync -f /
ip netns exec "$router" sh -c 'echo start > /proc/net/pktgen/pgctrl'
sync -f /
read -r b < <(ip netns exec "$sink" cat $rx)
echo "INSNS delivered=$((b - a))"
echo "INSNS stext=$(awk '$3 == "_stext" { print $1 }' /proc/kallsyms)"
# the modules' functions, where they were loaded this time
echo MODSYMS-BEGIN
grep ' [tTwW] .*\[' /proc/kallsyms | gzip -9 | base64 -w 0
echo
echo MODSYMS-END
exit 0
