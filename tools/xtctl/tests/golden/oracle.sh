#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Regenerate tests/golden/*.expected from the real iptables-legacy (1.8.9
# on Debian 12): each NAME.v4.rules / NAME.v6.rules is loaded with
# iptables-legacy-restore -c into a private network namespace and listed in
# every format xtctl reproduces. Needs root, unshare and a kernel with
# ip_tables; never touches the host's own ruleset.
set -eu
cd "$(dirname "$0")"

if [ "${1:-}" = --cmds ]; then
	# listing.v4.cmds: "RULES ARGS..." per line, each in a fresh netns
	grep -v '^#' "$2" | while read -r rules args; do
		echo "=== $rules $args"
		# shellcheck disable=SC2086
		unshare -n sh -c "iptables-legacy-restore -c < $rules && iptables-legacy $args"
	done
	exit 0
fi

if [ "${1:-}" = --inner ]; then
	ipt=$2 f=$3
	$ipt-restore -c < "$f"
	for t in raw mangle nat filter security; do
		grep -q "^\*$t\$" "$f" || continue
		echo "=== save -c $t"; $ipt-save -c -t $t | grep -v '^#'
		echo "=== -S $t"; $ipt -t $t -S
		echo "=== -S -v $t"; $ipt -t $t -S -v
		echo "=== -L -n $t"; $ipt -t $t -L -n
		echo "=== -L -n -v $t"; $ipt -t $t -L -n -v
		echo "=== -L -n -v -x --line $t"; $ipt -t $t -L -n -v -x --line-numbers
		echo "=== -L $t"; $ipt -t $t -L
	done
	exit 0
fi

command -v iptables-legacy-restore >/dev/null ||
	{ echo "SKIP: no iptables-legacy" >&2; exit 4; }
if [ -z "${1:-}" ]; then
	"$(pwd)/oracle.sh" --cmds listing.v4.cmds > listing.v4.cmds.expected
	echo "wrote listing.v4.cmds.expected"
fi
for f in ${1:-*.rules *.save}; do
	case $f in
	*.v6.rules) ipt=ip6tables-legacy ;;
	*) ipt=iptables-legacy ;;
	esac
	out=${f%.*}.expected
	unshare -n "$(pwd)/oracle.sh" --inner $ipt "$f" > "$out.tmp" ||
		{ echo "FAIL: $f" >&2; rm -f "$out.tmp"; exit 1; }
	mv "$out.tmp" "$out"
	echo "wrote $out"
done
