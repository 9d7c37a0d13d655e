#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: selftests/bench/bench.sh [--kernel KVER] [--quick] [--wallclock] [--timeout SECS]
#
# The forwarding benchmark (issue 6; `make bench`). Builds the module for
# KVER (default: the newest kernel run-vm.sh can boot) and xtctl, writes
# the rulesets (rules.py) to build/bench/rules, boots the VM with
# selftests/vm/run-vm.sh (which keeps to one VM at a time on the machine:
# it waits for the lock) and runs guest.sh in it. From the console it keeps
# the "BENCH" lines and writes, under selftests/bench/results/:
#
#   bench-KVER-DATE.tsv   the raw results
#   bench-KVER-DATE.md    the tables (report.py)
#   bench-KVER-DATE.png   ratio to no firewall against the rule count
#
# The VM is run-vm.sh's, with one change: QEMU counts instructions
# (icount/qemu-system-x86_64 first in PATH: -icount shift=1 on one host
# thread), so that a rate is instructions per packet and repeats within
# a fraction of a percent, whatever else the host runs. --wallclock keeps
# run-vm.sh's multi-threaded TCG as it is: its rates follow the host's
# load (other VMs, builds), by up to 2x.
#
# The console log is build/bench/KVER/console.log. --quick measures 0,
# 1,000 and 10,000 rules, one round of one second, and writes to
# build/bench/KVER/ instead (a smoke test of the harness). BENCH_*
# variables (see guest.sh) are passed on to the guest. BENCH_TAG=T names
# the results bench-KVER-DATE-T.*, so that a partial run (BENCH_SIZES,
# BENCH_PROFILES) does not overwrite the same day's full one.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
KVER=
QUICK=0
ICOUNT=1
TIMEOUT=3000

usage()
{
	sed -n '3p' "${BASH_SOURCE[0]}" | sed 's/^# //' >&2
	exit 2
}

while (($#)); do
	case $1 in
	--kernel)	KVER=${2:?}; shift ;;
	--quick)	QUICK=1 ;;
	--wallclock)	ICOUNT=0 ;;
	--timeout)	TIMEOUT=${2:?}; shift ;;
	*)		usage ;;
	esac
	shift
done
[[ -n $KVER ]] || KVER=$("$REPO/selftests/vm/run-vm.sh" --list-kernels | tail -n1)
[[ -n $KVER ]] || { echo "bench: no kernel to boot" >&2; exit 1; }

if [[ -d /lib/modules/$KVER/build ]]; then
	KDIR=/lib/modules/$KVER/build
else
	KDIR=/usr/src/linux-headers-$KVER
fi
OUT=$REPO/build/bench/$KVER
mkdir -p "$OUT"
echo "bench: building the module for $KVER and xtctl"
make -s -C "$REPO" module KDIR="$KDIR" >"$OUT/build.log" 2>&1 ||
	{ tail -n 20 "$OUT/build.log"; exit 1; }
make -s -C "$REPO" xtctl >>"$OUT/build.log" 2>&1 ||
	{ tail -n 20 "$OUT/build.log"; exit 1; }

ENV=(XTFW_KO="/xtfw/build/$KVER/xtfw.ko" XTFW_XTCTL=/xtfw/tools/xtctl/xtctl)
if ((QUICK)); then
	ENV+=(BENCH_SIZES="0 1000 10000" BENCH_REPS=1 BENCH_SECS=1)
	SIZES="0 1000 10000"
else
	SIZES=${BENCH_SIZES:-0 100 1000 10000 100000}
fi
for var in $(compgen -e | grep '^BENCH_' || true); do
	ENV+=("$var=${!var}")
done
# shellcheck disable=SC2086 # a list of sizes
/usr/bin/python3 "$HERE/rules.py" "$REPO/build/bench/rules" $SIZES

echo "bench: running in the VM (kernel $KVER; console: $OUT/console.log)"
status=0
if ((ICOUNT)); then
	ENV+=(BENCH_CLOCK=icount)
	export PATH="$HERE/icount:$PATH"
else
	ENV+=(BENCH_CLOCK=wallclock)
fi
"$REPO/selftests/vm/run-vm.sh" --kernel "$KVER" --timeout "$TIMEOUT" \
	--log "$OUT/console.log" -- env "${ENV[@]}" \
	bash selftests/bench/guest.sh build/bench/rules \
	> >(grep --line-buffered -a -E '^(run-vm|bench): ' || true) || status=$?
if ((status)) || ! grep -aq $'^BENCH\tdone' "$OUT/console.log"; then
	echo "bench: FAIL: the VM run failed (status $status); see $OUT/console.log" >&2
	grep -a '^run-vm: FAIL' "$OUT/console.log" >&2 || true
	exit 1
fi

if ((QUICK)); then
	dest=$OUT
else
	dest=$HERE/results
fi
name=bench-$KVER-$(date +%Y-%m-%d)${BENCH_TAG:+-$BENCH_TAG}
mkdir -p "$dest"
sed -n 's/\r$//; s/^BENCH\t//p' "$OUT/console.log" >"$dest/$name.tsv"
/usr/bin/python3 "$HERE/report.py" "$dest/$name.tsv" "$dest/$name.md" \
	"$dest/$name.png"
cat "$dest/$name.md"
echo
echo "bench: results in $dest/$name.{tsv,md,png}"
