#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: selftests/run.sh [--tap] [--verbose] [TEST...]
#
# Run xtfw's selftests: on a host where xtfw is loaded (or loadable), or in
# the VM (selftests/vm/check.sh), unchanged. A test is any file
# selftests/[0-9]*.sh (NN-name.sh: the number orders them); TEST may name one
# as "20-policy", "20-policy.sh" or by path. Default: all, sorted.
#
# Each test runs as "bash TEST" from selftests/ with a timeout (the test's
# "# timeout: SECS" line, else $XTFW_TEST_TIMEOUT, else 300s; multiplied by
# $XTFW_TIMEOUT_SCALE, default 1, for slow kernels such as the debug kernel
# of check.sh --debug) and reports
# by kselftest exit status: 0 pass, 1 fail, 4 skip (with the reason from its
# last "SKIP: ..." line). The output of failed tests is always shown,
# of the others with --verbose. As root, a last check "kernel log clean"
# fails on oops/BUG/WARNING/lockdep/KASAN lines logged since the suite
# started, or on taint bits besides O and E that were not set before.
#
# --tap prints TAP 13 (TAP version 13, 1..N, ok/not ok N - name [# SKIP]);
# otherwise PASS/FAIL/SKIP lines. Both end with the line
# "N passed, N failed, N skipped". Exit status: 1 if any failed, else 0.

set -uo pipefail

SELFTESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=selftests/klog.sh
source "$SELFTESTS_DIR/klog.sh"

DEFAULT_TIMEOUT=${XTFW_TEST_TIMEOUT:-300}
TIMEOUT_SCALE=${XTFW_TIMEOUT_SCALE:-1}
TAP=0
VERBOSE=0
TESTS=()
PASSED=0
FAILED=0
SKIPPED=0
NUM=0

usage()
{
	sed -n '3,4s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

parse_args()
{
	local arg file

	for arg in "$@"; do
		case $arg in
		--tap)		TAP=1 ;;
		-v|--verbose)	VERBOSE=1 ;;
		-h|--help)	usage ;;
		-*)		echo "run.sh: unknown option $arg" >&2; usage ;;
		*)
			file=$SELFTESTS_DIR/$(basename "${arg%.sh}").sh
			[[ -f $file ]] || { echo "run.sh: no test $arg" >&2; exit 2; }
			TESTS+=("$file")
			;;
		esac
	done
	if ((${#TESTS[@]} == 0)); then
		for file in "$SELFTESTS_DIR"/[0-9]*.sh; do
			[[ -f $file ]] && TESTS+=("$file")
		done
	fi
}

# Number of results to announce: the tests, plus the kernel log check.
planned()
{
	echo $((${#TESTS[@]} + (KLOG_CHECK ? 1 : 0)))
}

# report RESULT NAME [DETAIL]: RESULT is pass, fail or skip.
report()
{
	local result=$1 name=$2 detail=${3:-}

	NUM=$((NUM + 1))
	case $result in
	pass)	PASSED=$((PASSED + 1)) ;;
	fail)	FAILED=$((FAILED + 1)) ;;
	skip)	SKIPPED=$((SKIPPED + 1)) ;;
	esac
	if ((TAP)); then
		# TAP directives are SKIP and TIMEOUT (as kselftest uses it) only;
		# anything else goes to a diagnostic line.
		case $result in
		pass)	[[ -z $detail ]] || echo "# $name: $detail"
			echo "ok $NUM - $name" ;;
		fail)	if [[ $detail == TIMEOUT* ]]; then
				echo "not ok $NUM - $name # $detail"
			else
				[[ -z $detail ]] || echo "# $name: $detail"
				echo "not ok $NUM - $name"
			fi ;;
		skip)	echo "ok $NUM - $name # SKIP $detail" ;;
		esac
	else
		echo "${result^^}: $name${detail:+ ($detail)}"
	fi
}

# Print a test's output, as TAP diagnostics when --tap.
show_output()
{
	if ((TAP)); then
		sed 's/^/# /' "$1"
	else
		sed 's/^/    /' "$1"
	fi
}

test_timeout()
{
	local t

	t=$(sed -n 's/^# timeout: *\([0-9]\{1,\}\) *$/\1/p' "$1" | head -n1)
	echo "$((${t:-$DEFAULT_TIMEOUT} * TIMEOUT_SCALE))"
}

run_one()
{
	local file=$1 name out timeout start rc=0 reason elapsed

	name=$(basename "$file" .sh)
	out=$(mktemp)
	timeout=$(test_timeout "$file")
	((TAP)) && echo "# running $name (timeout ${timeout}s)"
	start=$SECONDS
	(cd "$SELFTESTS_DIR" && timeout --kill-after=10 "$timeout" bash "$file") \
		</dev/null >"$out" 2>&1 || rc=$?
	elapsed="$((SECONDS - start))s"

	case $rc in
	0)
		report pass "$name" "$elapsed"
		((VERBOSE)) && show_output "$out"
		;;
	4)
		reason=$(sed -n 's/^SKIP: //p' "$out" | tail -n1)
		report skip "$name" "${reason:-no reason given}"
		((VERBOSE)) && show_output "$out"
		;;
	124|137)
		show_output "$out"
		report fail "$name" "TIMEOUT ${timeout}s"
		;;
	*)
		show_output "$out"
		report fail "$name" "exit status $rc, $elapsed"
		;;
	esac
	rm -f "$out"
}

# The kernel log check: marks the log at the start, looks behind the mark at
# the end. Without the mark (ring buffer wrapped), the whole log is checked.
klog_start()
{
	KLOG_CHECK=0
	((EUID == 0)) && [[ -w /dev/kmsg ]] && dmesg >/dev/null 2>&1 || return 0
	KLOG_CHECK=1
	KLOG_MARK="xtfw-selftests: start $$-$RANDOM$RANDOM"
	echo "<6>$KLOG_MARK" >/dev/kmsg
	KLOG_TAINT_BEFORE=$(cat /proc/sys/kernel/tainted)
}

klog_check()
{
	local log bad taint new out

	((KLOG_CHECK)) || return 0
	log=$(dmesg)
	if grep -qF -- "$KLOG_MARK" <<<"$log"; then
		log=$(awk -v mark="$KLOG_MARK" 'seen; index($0, mark) { seen = 1 }' <<<"$log")
	fi
	bad=$(klog_bad_lines <<<"$log")
	taint=$(cat /proc/sys/kernel/tainted)
	new=$((taint & ~KLOG_TAINT_BEFORE & ~KLOG_TAINT_OK))

	if [[ -z $bad ]] && ((new == 0)); then
		report pass "kernel log clean"
		return
	fi
	out=$(mktemp)
	{
		[[ -z $bad ]] || { echo "kernel problems logged during the run:"; echo "$bad"; }
		((new == 0)) || echo "kernel taint $taint: new bits $new besides O/E"
	} >"$out"
	show_output "$out"
	rm -f "$out"
	report fail "kernel log clean"
}

main()
{
	local file

	parse_args "$@"
	klog_start
	if ((TAP)); then
		echo "TAP version 13"
		echo "1..$(planned)"
	fi
	for file in "${TESTS[@]}"; do
		run_one "$file"
	done
	klog_check
	echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
	((FAILED == 0))
}

main "$@"
