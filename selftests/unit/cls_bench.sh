#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Instructions per packet of the chain classifier at each rule count,
# counted by callgrind (deterministic, unlike time), with the linear walk
# for comparison. Prints a markdown table; run by `make -C selftests/unit
# bench`.
set -euo pipefail
cd "$(dirname "$0")"
PKTS=20000

ir()	# N MODE: instructions of run_packets per packet
{
	local out
	out=$(mktemp)
	valgrind --tool=callgrind --callgrind-out-file="$out" \
		--toggle-collect=run_packets ./cls_bench "$1" "$PKTS" "$2" \
		>/dev/null 2>&1
	awk -v p="$PKTS" '/^summary:/ { printf "%.0f", $2 / p }' "$out"
	rm -f "$out"
}

table()
{
	local n info groups bpr c l base=

	echo "| rules | groups | bytes/rule | classifier instr/packet | ratio to 10 rules | linear walk instr/packet |"
	echo "|---:|---:|---:|---:|---:|---:|"
	for n in 10 100 1000 10000 100000; do
		info=$(./cls_bench "$n" 1)
		groups=$(awk '{ print $4 }' <<<"$info")
		bpr=$(awk '{ print $8 }' <<<"$info")
		c=$(ir "$n" cls)
		base=${base:-$c}
		if ((n <= 10000)); then
			l=$(ir "$n" linear)
		else
			l="(skipped)"
		fi
		echo "| $n | $groups | $bpr | $c | $(awk -v a="$c" -v b="$base" 'BEGIN { printf "%.2f", a / b }') | $l |"
	done
}

echo "Five shapes (/32 and /24 sources, services, networks to a service):"
echo
CLS_MIX= table
echo
echo "The forwarding benchmark's mix (selftests/bench/rules.py; sources /16 to /28):"
echo
CLS_MIX=fwd table
