#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: selftests/vm/demo.sh [KVER]
# Boot the newest installed kernel (or KVER) in the VM, load the module built
# for it (make modules-all) and run the demo (selftests/demo/demo.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
kver=${1:-$("$here/run-vm.sh" --list-kernels | tail -n 1)}
ko=build/$kver/xtfw.ko
[[ -f $repo/$ko ]] || { echo "demo: $ko missing; run make modules-all" >&2; exit 1; }
echo "demo: booting $kver under QEMU (software emulation: allow a minute)"
exec "$here/run-vm.sh" --kernel "$kver" --timeout 300 -- \
	env XTFW_KO="/xtfw/$ko" XTFW_XTCTL=/xtfw/tools/xtctl/xtctl \
	bash selftests/demo/demo.sh
