#!/bin/bash
# Usage: scripts/check.sh   (what `make check` runs, after building)
# Userspace unit tests, the host-side checks of man pages, completion and
# packages, then the VM selftests on every installed kernel; ends with one
# line adding them all up: "N passed, N failed, N skipped".
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

# counts FILE: the last "N passed, N failed[, N skipped]" line as "N N N".
counts()
{
	sed -n 's/^\([0-9]\+\) passed, \([0-9]\+\) failed\(, \([0-9]\+\) skipped\)\?$/\1 \2 \4/p' "$1" |
		tail -n 1 | awk '{ print $1, $2, ($3 == "" ? 0 : $3) }'
}

passed=0 failed=0 skipped=0 status=0
add()
{
	local p f s

	read -r p f s <<<"$(counts "$log")"
	if [[ -z ${p:-} ]]; then
		echo "check: $1 printed no summary line: counted as one failure"
		p=0 f=1 s=0
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
}

echo "check: userspace unit tests"
make -s -C "$top/tools/xtctl" test 2>&1 | tee "$log"
((PIPESTATUS[0] == 0)) || status=1
add "the unit tests"

echo "check: module code built in userspace (selftests/unit)"
if make -s -C "$top/selftests/unit"; then
	passed=$((passed + 1))
else
	failed=$((failed + 1)) status=1
fi

# Host-side checks of the man pages, the bash completion and the Debian
# packages (packaging/tests/); each ends with its own summary line. The
# package check skips its module build here (make check-deb does it).
host_check()
{
	echo "check: $1 (packaging/tests)"
	"$top/packaging/tests/$1.sh" "${@:2}" 2>&1 | tee "$log"
	((PIPESTATUS[0] == 0)) || status=1
	add "packaging/tests/$1.sh"
}
host_check check-man
host_check check-completion
host_check check-deb --quick

echo "check: VM selftests on every installed kernel"
"$top/selftests/vm/check.sh" "$@" 2>&1 | tee "$log"
((PIPESTATUS[0] == 0)) || status=1
add "the VM selftests"

((failed == 0)) || status=1
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
