#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# tools/xtctl/completion/xtctl, sourced into a plain bash (no
# bash-completion package): set COMP_WORDS/COMP_CWORD as readline would,
# call _xtctl, compare COMPREPLY. Chains come from a stand-in xtctl early
# in PATH that prints a known "-S" listing (or fails, as without root or
# module), and records how it was called. Also: every match, target and
# extension option of xtctl's sources is offered. Host-side, about a
# second; part of scripts/check.sh (make check-completion runs it alone).
set -uo pipefail
# shellcheck source=packaging/tests/lib.sh
source "$(dirname "$0")/lib.sh"

comp_file=$top/tools/xtctl/completion/xtctl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The stand-in: "-S" of a filter table with a user chain "web"; fails for
# other tables, as xtctl does without root or module.
mkdir -p "$tmp/bin" "$tmp/files"
cat >"$tmp/bin/xtctl" <<'EOF'
#!/bin/bash
echo "$*" >>"$XTCTL_CALLS"
[[ " $* " == *" -t filter "* ]] || exit 4
printf '%s\n' "-P INPUT ACCEPT" "-P FORWARD DROP" "-P OUTPUT ACCEPT" \
	"-N web" "-A INPUT -p tcp -m tcp --dport 80 -j web" "-A web -j ACCEPT"
EOF
chmod +x "$tmp/bin/xtctl"
export XTCTL_CALLS=$tmp/calls PATH=$tmp/bin:$PATH
touch "$tmp/files/rules.v4" "$tmp/files/rules.v6" "$tmp/files/other"

if [[ -n ${BASH_VERSINFO:-} ]] && ((BASH_VERSINFO[0] >= 4)); then
	pass "bash ${BASH_VERSION}"
fi

# shellcheck disable=SC1090
if source "$comp_file" 2>"$tmp/err" && [[ ! -s $tmp/err ]]; then
	pass "the completion sources without a message"
else
	fail "the completion does not source cleanly"
	sed 's/^/  /' "$tmp/err"
	finish
	exit
fi
check_eq "complete -p xtctl" "complete -F _xtctl xtctl" "$(complete -p xtctl 2>&1)"

# comp WORD... : complete the last word (may be ""); prints the sorted
# candidates on one line
comp()
{
	COMP_WORDS=("$@")
	COMP_CWORD=$(($# - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_xtctl xtctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
	printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | paste -sd ' '
}

# expect WHAT "EXPECTED" WORD...: the exact candidates
expect() { local what=$1 want=$2; shift 2; check_eq "$what" "$want" "$(comp "$@")"; }

# has WHAT "CANDIDATES" WORD...: these among the candidates (and maybe others)
has()
{
	local what=$1 want=$2 got w missing=()
	shift 2
	got=" $(comp "$@") "
	for w in $want; do
		[[ $got == *" $w "* ]] || missing+=("$w")
	done
	check_eq "$what" "" "${missing[*]}"
}

# lacks WHAT "CANDIDATES" WORD...: none of these among the candidates
lacks()
{
	local what=$1 want=$2 got w extra=()
	shift 2
	got=" $(comp "$@") "
	for w in $want; do
		[[ $got == *" $w "* ]] && extra+=("$w")
	done
	check_eq "$what" "" "${extra[*]}"
}

has "first word: subcommands and commands" \
	"save restore confirm explain ct trace monitor -A -D -I -L -S -P -t -6 --append --list-rules" xtctl ""
expect "first word: prefix" "restore" xtctl re
expect "-t: the five tables" "filter mangle nat raw security" xtctl -t ""
expect "-t n" "nat" xtctl -t n

: >"$XTCTL_CALLS"
expect "-A: chains from xtctl -S" "FORWARD INPUT OUTPUT web" xtctl -A ""
check_eq "-A: asked xtctl -t filter -S" "-t filter -S" "$(cat "$XTCTL_CALLS")"
: >"$XTCTL_CALLS"
expect "-6 -D: chains, asked with -6" "FORWARD INPUT OUTPUT web" xtctl -6 -D ""
check_eq "-6 -D: asked xtctl -6 -t filter -S" "-6 -t filter -S" "$(cat "$XTCTL_CALLS")"
expect "-t nat -A: xtctl fails, built-in chains" \
	"INPUT OUTPUT POSTROUTING PREROUTING" xtctl -t nat -A ""
expect "-t raw -I P: built-in chain prefix" "PREROUTING" xtctl -t raw -I P
expect "-X: user chains only" "web" xtctl -X ""
expect "-P: built-in chains" "FORWARD INPUT OUTPUT" xtctl -P ""
expect "-P INPUT: policies" "ACCEPT DROP" xtctl -P INPUT ""
expect "-N: nothing to offer" "" xtctl -N ""

has "-j: targets and user chains" "ACCEPT DROP REJECT LOG DNAT MASQUERADE TRACE web" \
	xtctl -A INPUT -j ""
lacks "-j: not built-in chains" "INPUT FORWARD OUTPUT" xtctl -A INPUT -j ""
expect "-g: user chains" "web" xtctl -A INPUT -g ""
has "-m: matches" "conntrack multiport tcp recent icmp6 comment" xtctl -A INPUT -m ""
expect "-p tcp --d: implicit tcp match options" \
	"--destination --destination-port --dport --dst" xtctl -A INPUT -p tcp --d
expect "-m conntrack --ctstate NEW,E" "NEW,ESTABLISHED" \
	xtctl -A INPUT -m conntrack --ctstate NEW,E
has "-j LOG --log-: LOG options" "--log-prefix --log-level --log-uid" \
	xtctl -A INPUT -j LOG --log-
expect "-j REJECT --reject-with icmp-p (IPv4)" "icmp-port-unreachable icmp-proto-unreachable" \
	xtctl -A INPUT -j REJECT --reject-with icmp-p
expect "-6 ... --reject-with icmp6-p (IPv6)" "icmp6-port-unreachable" \
	xtctl -6 -A INPUT -j REJECT --reject-with icmp6-p
lacks "-A INPUT --: no options of matches not loaded" "--dport --ctstate --log-prefix" \
	xtctl -A INPUT --
has "-L: listing options" "-v -n -x --line-numbers --json" xtctl -L INPUT ""

has "save: options" "-c -t -4 -6 --json" xtctl save ""
expect "save -t: tables" "filter mangle nat raw security" xtctl save -t ""
expect "restore --n: option" "--noflush" xtctl restore --n
(cd "$tmp/files" && expect "restore rul: file names" "rules.v4 rules.v6" xtctl restore rul)
expect "-6 restore: options after -6" "--confirm --counters" xtctl -6 restore --co
expect "confirm: -4 -6" "-4 -6" xtctl confirm ""
has "explain: options" "-p -s --dport --hook --ctstate --tcp-flags" xtctl explain ""
expect "explain --hook" "FORWARD INPUT OUTPUT POSTROUTING PREROUTING" xtctl explain --hook ""

expect "ct: commands" "count delete flush get help list set stats" xtctl ct ""
expect "ct get" "count max tcp_loose timeout" xtctl ct get ""
expect "ct set" "max tcp_loose timeout" xtctl ct set ""
expect "ct set timeout: protocols" "generic icmp icmpv6 tcp udp" xtctl ct set timeout ""
expect "ct set timeout tcp est" "established" xtctl ct set timeout tcp est
expect "ct set timeout udp" "replied stream unreplied" xtctl ct set timeout udp ""
expect "ct set tcp_loose" "0 1" xtctl ct set tcp_loose ""
has "ct list: filter options" "-p -s --dport --state --status --json" xtctl ct list ""
expect "ct list --status A" "ASSURED" xtctl ct list --status A
expect "ct delete --state T" "TIME_WAIT" xtctl ct delete --state T
expect "ct flush" "-4 -6" xtctl ct flush ""
expect "-6 ct: commands after -6" "count delete flush get help list set stats" xtctl -6 ct ""

expect "trace: add del" "add del" xtctl trace ""
has "trace add -p tcp --: rule options" "--dport --sport --syn" xtctl trace add -p tcp --
expect "monitor: trace ct" "ct trace" xtctl monitor ""
expect "monitor trace: options" "--count --timeout -4 -6" xtctl monitor trace ""

# Nothing xtctl knows is missing: every match, target and option.
src=$top/tools/xtctl
missing=()
got=" $(comp xtctl -A INPUT -m "") "
while read -r ext; do
	[[ $got == *" $ext "* ]] || missing+=("$ext")
done < <(sed -n 's/.*\.name = "\([a-z0-9]*\)".*/\1/p' "$src"/mt_*.c)
check_eq "-m offers every match of mt_*.c" "" "${missing[*]}"
missing=()
got=" $(comp xtctl -A INPUT -j "") "
while read -r ext; do
	[[ $got == *" $ext "* ]] || missing+=("$ext")
done < <(sed -n 's/.*\.name = "\([A-Z]*\)".*/\1/p' "$src"/tg_*.c)
check_eq "-j offers every target of tg_*.c" "" "${missing[*]}"
missing=()
for f in "$src"/mt_*.c "$src"/tg_*.c; do
	# what is offered after any extension of the file ...
	got=" "
	while read -r ext; do
		if [[ $ext == [A-Z]* ]]; then
			got+="$(comp xtctl -t nat -A POSTROUTING -j "$ext" --) "
		else
			got+="$(comp xtctl -A INPUT -m "$ext" --) "
		fi
	done < <(sed -n 's/.*\.name = "\([A-Za-z0-9]*\)".*/\1/p' "$f")
	# ... has every option the file defines
	while read -r opt; do
		[[ $got == *" --$opt "* ]] || missing+=("${f##*/}:--$opt")
	done < <(sed -n 's/^[[:space:]]*{ "\([a-z0-9-]*\)", O_.*/\1/p' "$f")
done
check_eq "every extension option of xtctl's sources is offered" "" "${missing[*]}"

if command -v shellcheck >/dev/null; then
	check_ok "shellcheck -s bash" shellcheck -s bash "$comp_file"
else
	skip "shellcheck not installed"
fi

finish
