#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: selftests/bench/insns/insns.sh [--kernel KVER] [--packets N]
#                                      [--rules FILE] [--established] [--load]
#                                      [FW...]
#
# Instructions per forwarded packet, counted, not sampled: the VM runs
# under -icount with tbcount.c, a QEMU plugin that counts the kernel's
# instructions per translation block, and snapshots the counts at two
# syncfs(2) calls around N packets (pktgen, 64-byte UDP) forwarded by a
# router namespace on bench's path (guest.sh, ../path.sh). Each FW (none,
# xtfw, legacy, or nft for iptables-nft; default "xtfw legacy") runs in
# its own VM, after one without a firewall; the report (report.py) gives
# each one's instructions per packet, and per kernel function what it
# adds to the run without a firewall.
#
# RULES is an iptables-save file for xtfw, iptables-legacy and iptables-nft
# (default: bench's 0-rule stateless ruleset, made with rules.py).
# --established answers the flow before the count, as bench's stateful
# profile does, so that its packets are ESTABLISHED. --load counts the
# load of RULES instead, per rule: where the kernel's time in a restore
# goes (the loader's page faults and file reads included). The kernel's
# symbols come from one extra boot, cached in build/bench/insns/. Needs
# gcc (the plugin builds into build/bench/insns/) and a QEMU with plugin
# support (Debian's has it).

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
RUNVM=$REPO/selftests/vm/run-vm.sh
KVER='' N=100000 RULES='' EST=0 LOAD=0
while (($#)); do
	case $1 in
	--kernel)	KVER=${2:?}; shift ;;
	--packets)	N=${2:?}; shift ;;
	--rules)	RULES=${2:?}; shift ;;
	--established)	EST=1 ;;
	--load)		LOAD=1 ;;
	-h|--help)	sed -n '3,/^$/s/^# \{0,1\}//p' "$0"; exit 0 ;;
	-*)		echo "insns: unknown option $1" >&2; exit 2 ;;
	*)		break ;;
	esac
	shift
done
FWS=("$@")
((${#FWS[@]})) || FWS=(xtfw legacy)
[[ -n $KVER ]] || KVER=$("$RUNVM" --list-kernels | tail -n1)
OUT=$REPO/build/bench/insns
mkdir -p "$OUT/$KVER"
if [[ -z $RULES ]]; then
	RULES=$REPO/build/bench/rules/ipt-stateless-0
	[[ -f $RULES ]] || python3 "$REPO/selftests/bench/rules.py" \
		"$REPO/build/bench/rules" 0 >/dev/null
fi
case $(realpath "$RULES") in
"$REPO"/*) ;;
*) echo "insns: $RULES must lie inside the checkout (the guest sees only it)" >&2
   exit 2 ;;
esac
GUEST_RULES=/xtfw/$(realpath --relative-to="$REPO" "$RULES")

gcc -O2 -Wall -Wextra -shared -fPIC -o "$OUT/libtbcount.so" "$HERE/tbcount.c"
make -s -C "$REPO" xtctl >/dev/null
[[ -f $REPO/build/$KVER/xtfw.ko ]] ||
	make -s -C "$REPO" module KDIR="/lib/modules/$KVER/build" >/dev/null

ksyms=$OUT/kallsyms-$KVER
if [[ ! -s $ksyms ]]; then
	"$RUNVM" --kernel "$KVER" --timeout 300 --log "$OUT/$KVER/ksyms.log" \
		-- /xtfw/selftests/bench/insns/guest.sh ksyms >/dev/null
	awk '/KSYMS-BEGIN/ { f = 1; next } /KSYMS-END/ { f = 0 } f' \
		"$OUT/$KVER/ksyms.log" | tr -d '\r\n' | base64 -d | gunzip >"$ksyms"
fi
mark=$(awk '$3 == "__x64_sys_syncfs" { print $1 }' "$ksyms")
[[ -n $mark ]] || { echo "insns: no __x64_sys_syncfs in $ksyms" >&2; exit 1; }

for fw in none "${FWS[@]}"; do
	rm -f "$OUT/$KVER/$fw".[0-9]*
	INSNS_PLUGIN=$OUT/libtbcount.so \
	INSNS_PLUGIN_ARGS="out=$OUT/$KVER/$fw,mark=$mark" \
	PATH=$HERE/qemu:$REPO/selftests/bench/icount:$PATH \
		"$RUNVM" --kernel "$KVER" --timeout 600 \
			--log "$OUT/$KVER/$fw.log" -- \
			env INSNS_ESTABLISHED=$EST INSNS_LOAD=$LOAD XTFW_KO="/xtfw/build/$KVER/xtfw.ko" \
			XTFW_XTCTL=/xtfw/tools/xtctl/xtctl \
			/xtfw/selftests/bench/insns/guest.sh "$fw" \
			"$GUEST_RULES" "$N" >/dev/null
done
python3 "$HERE/report.py" "$OUT/$KVER" "$ksyms" none "${FWS[@]}"
