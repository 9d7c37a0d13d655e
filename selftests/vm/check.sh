#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: selftests/vm/check.sh [--kernel KVER]... [--debug] [--timeout SECS] [TEST...]
#
# The full check: for every installed kernel (run-vm.sh --list-kernels) or
# each --kernel given,
#   1. build the module: make -C <repo> module KDIR=/lib/modules/KVER/build,
#      which leaves build/KVER/xtfw.ko;
#   2. boot that kernel in the VM and run selftests/run.sh --tap [TEST...]
#      with XTFW_KO=/xtfw/build/KVER/xtfw.ko and
#      XTFW_XTCTL=/xtfw/tools/xtctl/xtctl (xtctl is not built here).
# A failed build and a failed VM (timeout, crash, kernel problem, bad taint)
# each count as one failure. Logs: build/check/KVER/{build.log,console.log,
# results.tap}. Ends with one summary line per kernel and the combined line
# "N passed, N failed, N skipped"; exit status 1 on any failure.
#
# --timeout bounds each VM run (default 2700s, boot included: the whole
# suite takes about 30 minutes per kernel under TCG).
#
# --debug checks the debug kernel instead (make check-debug): builds it with
# debug-kernel.sh if needed (cached in build/debug-kernel/), builds the
# module against its tree, boots it with run-vm.sh --debug (panic_on_warn,
# a kmemleak scan after the suite) and runs the tests with per-test
# timeouts times $XTFW_TIMEOUT_SCALE (default 6 there). Logs go to
# build/check/debug-KVER/; the default --timeout is 36000s.

set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=$REPO/build/check
TIMEOUT=
DEBUG=0
DEBUG_TREE=
KERNELS=()
TESTS=()
SUMMARY=()
TOTAL_PASSED=0
TOTAL_FAILED=0
TOTAL_SKIPPED=0

usage()
{
	sed -n '3s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

say()
{
	echo "check: $*"
}

parse_args()
{
	while (($#)); do
		case $1 in
		--kernel)	KERNELS+=("${2:?}"); shift ;;
		--timeout)	TIMEOUT=${2:?}; shift ;;
		--debug)	DEBUG=1 ;;
		-h|--help)	usage ;;
		-*)		echo "check: unknown option $1" >&2; usage ;;
		*)		TESTS+=("$1") ;;
		esac
		shift
	done
	if ((DEBUG)); then
		((${#KERNELS[@]} == 0)) || { echo "check: --debug and --kernel exclude each other" >&2; usage; }
		TIMEOUT=${TIMEOUT:-36000}
		return
	fi
	TIMEOUT=${TIMEOUT:-2700}
	if ((${#KERNELS[@]} == 0)); then
		mapfile -t KERNELS < <("$HERE/run-vm.sh" --list-kernels)
	fi
	if ((${#KERNELS[@]} == 0)); then
		say "no kernel with both /boot/vmlinuz-KVER and headers installed"
		say "(scripts/install-deps.sh installs them)"
		exit 1
	fi
}

kdir_of()
{
	if [[ -n $DEBUG_TREE ]]; then
		echo "$DEBUG_TREE"
	elif [[ -d /lib/modules/$1/build ]]; then
		echo "/lib/modules/$1/build"
	else
		echo "/usr/src/linux-headers-$1"
	fi
}

# build_module KVER: 0 when build/KVER/xtfw.ko was built; says why not.
build_module()
{
	local kver=$1 log=$2 ko=$REPO/build/$1/xtfw.ko start=$SECONDS

	say "$kver: make module KDIR=$(kdir_of "$kver")"
	if ! make -C "$REPO" module KDIR="$(kdir_of "$kver")" >"$log" 2>&1; then
		if grep -q "No rule to make target 'module'" "$log"; then
			say "$kver: FAIL: the Makefile has no 'module' target (yet)"
		else
			say "$kver: FAIL: module build failed ($log):"
			tail -n 25 "$log" | sed 's/^/check:   /'
		fi
		return 1
	fi
	if [[ ! -f $ko ]]; then
		say "$kver: FAIL: make module succeeded but left no $ko"
		return 1
	fi
	BUILD_TIME=$((SECONDS - start))
	say "$kver: built $ko in ${BUILD_TIME}s"
}

# Last "N passed, N failed, N skipped" line of a log, as "N N N".
counts_of()
{
	sed -n 's/^\([0-9]\{1,\}\) passed, \([0-9]\{1,\}\) failed, \([0-9]\{1,\}\) skipped$/\1 \2 \3/p' \
		"$1" | tail -n1
}

# The debug kernel's tree, built if needed; sets KERNELS to its release.
prepare_debug_kernel()
{
	local start=$SECONDS

	say "debug kernel: selftests/vm/debug-kernel.sh (a first build takes most of an hour)"
	if ! DEBUG_TREE=$("$HERE/debug-kernel.sh" | tail -n1) || [[ -z $DEBUG_TREE ]]; then
		say "FAIL: the debug kernel did not build"
		echo "0 passed, 1 failed, 0 skipped"
		exit 1
	fi
	KERNELS=("$(<"$DEBUG_TREE/include/config/kernel.release")")
	say "debug kernel ${KERNELS[0]}: $DEBUG_TREE ($((SECONDS - start))s)"
}

check_kernel()
{
	local kver=$1 dir=$OUT/$1 log=$OUT/$1/console.log
	local passed=0 failed=0 skipped=0 notes=() counts boot vm_time
	local passed_vm failed_vm skipped_vm vm_opts=(--kernel "$1") scale=1

	if ((DEBUG)); then
		dir=$OUT/debug-$kver
		log=$dir/console.log
		vm_opts=(--debug --kernel-tree "$DEBUG_TREE")
		scale=${XTFW_TIMEOUT_SCALE:-6}
	fi

	mkdir -p "$dir"
	rm -f "$log" "$dir/results.tap"
	BUILD_TIME="?"
	build_module "$kver" "$dir/build.log" ||
		{ failed=$((failed + 1)); notes+=("build FAILED"); }

	[[ -x $REPO/tools/xtctl/xtctl ]] ||
		say "$kver: note: tools/xtctl/xtctl is not built; xtctl tests will skip"

	"$HERE/run-vm.sh" "${vm_opts[@]}" --timeout "$TIMEOUT" --log "$log" -- \
		env XTFW_KO="/xtfw/build/$kver/xtfw.ko" \
		    XTFW_XTCTL=/xtfw/tools/xtctl/xtctl \
		    XTFW_TIMEOUT_SCALE="$scale" \
		selftests/run.sh --tap "${TESTS[@]}"

	counts=$(counts_of "$log")
	if [[ -n $counts ]]; then
		read -r passed_vm failed_vm skipped_vm <<<"$counts"
		passed=$((passed + passed_vm))
		failed=$((failed + failed_vm))
		skipped=$((skipped + skipped_vm))
	else
		notes+=("no test summary")
	fi
	if grep -q '^run-vm: FAIL: ' "$log"; then
		failed=$((failed + 1))
		notes+=("VM FAILED: $(sed -n 's/^run-vm: FAIL: //p' "$log" | head -n1)")
	elif [[ -z $counts ]]; then
		failed=$((failed + 1))
	fi
	sed -n '/^TAP version 13$/,/^[0-9]* passed, [0-9]* failed, [0-9]* skipped$/p' \
		"$log" >"$dir/results.tap"

	boot=$(sed -n 's/^run-vm: guest up after \([0-9.]*\)s.*/\1/p' "$log" | tail -n1)
	vm_time=$(sed -n 's/^run-vm: .*: exit status [0-9]* after \([0-9.]*\)s.*/\1/p' "$log" | tail -n1)
	SUMMARY+=("$( ((DEBUG == 0)) || echo "debug ")$kver: $passed passed, $failed failed, $skipped skipped (build ${BUILD_TIME}s, boot ${boot:-?}s, VM ${vm_time:-?}s${notes[*]:+; ${notes[*]}})")
	TOTAL_PASSED=$((TOTAL_PASSED + passed))
	TOTAL_FAILED=$((TOTAL_FAILED + failed))
	TOTAL_SKIPPED=$((TOTAL_SKIPPED + skipped))
}

main()
{
	local kver line lock_fd

	parse_args "$@"
	mkdir -p "$OUT"
	# One check per checkout at a time: they share build/ and the logs.
	exec {lock_fd}>"$OUT/.lock"
	if ! flock -n "$lock_fd"; then
		say "waiting for another check.sh in this checkout to finish"
		flock "$lock_fd"
	fi
	((DEBUG == 0)) || prepare_debug_kernel
	for kver in "${KERNELS[@]}"; do
		check_kernel "$kver"
	done

	echo
	for line in "${SUMMARY[@]}"; do
		say "$line"
	done
	echo "$TOTAL_PASSED passed, $TOTAL_FAILED failed, $TOTAL_SKIPPED skipped"
	((TOTAL_FAILED == 0))
}

main "$@"
