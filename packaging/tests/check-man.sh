#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The man pages in doc/man/ render without a single warning from man-db and
# groff, have a NAME line whatis can read, and xtctl(8) mentions every
# option, match, target and extension option xtctl's sources know, so that
# the page cannot silently fall behind the code. Host-side, a few seconds;
# part of scripts/check.sh (make check-man runs it alone).
set -uo pipefail
# shellcheck source=packaging/tests/lib.sh
source "$(dirname "$0")/lib.sh"

pages=("$top"/doc/man/*.[1-8])

for page in "${pages[@]}"; do
	name=${page#"$top"/}
	if command -v man >/dev/null; then
		# exactly what issue 8 asks: no output at all
		out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings \
			-E UTF-8 -l -Tutf8 "$page" 2>&1 >/dev/null)
		check_empty "$name: man --warnings prints nothing" "$out"
	else
		skip "$name: man not installed (apt-get install man-db)"
	fi
	if command -v groff >/dev/null; then
		out=$(groff -t -man -ww -z "$page" 2>&1)
		check_empty "$name: groff -man -ww prints nothing" "$out"
	else
		skip "$name: groff not installed (apt-get install groff-base)"
	fi
	if command -v lexgrog >/dev/null; then
		out=$(lexgrog "$page" 2>&1)
		if [[ $out == *": \""*" - "* ]]; then
			pass "$name: NAME line: $(grep -o '"[^"]*"' <<<"$out" | paste -sd ' ')"
		else
			fail "$name: lexgrog cannot read the NAME line"
			echo "  $out"
		fi
	else
		skip "$name: lexgrog not installed (man-db)"
	fi
done

# The roff source with escapes taken out: "\-\-dport" is "--dport".
plain=$(sed -e 's/\\-/-/g' -e 's/\\&//g' -e 's/\\f[BIRP]//g' "$top/doc/man/xtctl.8")
src=$top/tools/xtctl
missing=()

# Every option literal of the command line, save/restore, ct, monitor,
# trace, explain and confirm parsers.
for opt in $(grep -ohE '"--?[A-Za-z][A-Za-z0-9-]*"' \
	"$src"/{main,cmd_parse,parse,cli_save,ct_cli,monitor,explain,confirm}.c |
	tr -d '"' | sort -u); do
	grep -qF -- "$opt" <<<"$plain" || missing+=("$opt")
done
check_eq "xtctl.8 names every command-line option" "" "${missing[*]}"

# Every match and target, and every option of each.
missing=()
while read -r ext; do
	grep -qwF -- "$ext" <<<"$plain" || missing+=("$ext")
done < <(sed -n 's/.*\.name = "\([A-Za-z0-9]*\)".*/\1/p' "$src"/mt_*.c "$src"/tg_*.c)
check_eq "xtctl.8 names every match and target" "" "${missing[*]}"
missing=()
while read -r opt; do
	grep -qF -- "--$opt" <<<"$plain" || missing+=("--$opt")
done < <(sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)", O_.*/\1/p' "$src"/mt_*.c "$src"/tg_*.c | sort -u)
check_eq "xtctl.8 names every match and target option" "" "${missing[*]}"

# Every subcommand and ct command.
missing=()
for sub in save restore confirm explain ct trace monitor \
	$(sed -n 's/^[[:space:]]*{ "\([a-z]*\)", cmd_[a-z]* },$/\1/p' "$src/ct_cli.c"); do
	grep -qE -- "(xtctl|ct) $sub\b|^\.B(R)? $sub\b|^\.SS $sub\b" <<<"$plain" || missing+=("$sub")
done
check_eq "xtctl.8 describes every subcommand and ct command" "" "${missing[*]}"

# The sections a man page of a command has.
for sec in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" FILES EXAMPLES "SEE ALSO"; do
	grep -q "^\.SH \"\?$sec\"\?$" "$top/doc/man/xtctl.8" || missing+=("$sec")
done
check_eq "xtctl.8 has NAME ... SEE ALSO" "" "${missing[*]}"

# xtfw.7 states the priorities module/table.c registers.
plain7=$(sed -e 's/\\-/-/g' -e 's/\\&//g' -e 's/\\f[BIRP]//g' "$top/doc/man/xtfw.7")
missing=()
for row in "raw|-300" "mangle|-150" "nat|-100" "nat|100" "filter|0" "security|50"; do
	grep -q "^${row/|/|.*|}" <<<"$plain7" || missing+=("$row")
done
check_eq "xtfw.7 lists every table's priority" "" "${missing[*]}"

finish
