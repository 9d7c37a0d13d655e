# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Shared by the host-side checks in packaging/tests/: PASS/FAIL/SKIP lines
# and the closing "N passed, N failed, N skipped" that scripts/check.sh adds
# up. Source it, call the checks, end with `finish`.

# shellcheck disable=SC2034 # used by the scripts that source this
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
passed=0 failed=0 skipped=0

pass() { echo "PASS: $*"; passed=$((passed + 1)); }
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }
skip() { echo "SKIP: $*"; skipped=$((skipped + 1)); }

# check_eq WHAT EXPECTED ACTUAL
check_eq()
{
	if [[ $2 == "$3" ]]; then
		pass "$1"
	else
		fail "$1"
		echo "  expected: $2"
		echo "  actual:   $3"
	fi
}

# check_empty WHAT OUTPUT: pass if OUTPUT is empty, else show it
check_empty()
{
	if [[ -z $2 ]]; then
		pass "$1"
	else
		fail "$1"
		printf '%s\n' "$2" | sed 's/^/  /'
	fi
}

# check_ok WHAT CMD...: pass if CMD succeeds; its output is shown on failure
check_ok()
{
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$what"
	else
		fail "$what"
		printf '%s\n' "$out" | sed 's/^/  /'
	fi
}

finish()
{
	echo "$passed passed, $failed failed, $skipped skipped"
	((failed == 0))
}
