#!/bin/bash
# Usage: dkms.sh build|install|remove
# Register the module source with DKMS under /usr/src/xtfw-VERSION and
# build (and install) it for every installed kernel that has headers.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
src=/usr/src/xtfw-$ver

kernels() {
	local d
	for d in /lib/modules/*/build; do
		[ -e "$d" ] && basename "$(dirname "$d")"
	done
}

add_source() {
	dkms remove "xtfw/$ver" --all >/dev/null 2>&1 || true
	rm -rf "$src"
	mkdir -p "$src"
	cp -r "$top/Kbuild" "$top/dkms.conf" "$top/module" "$top/uapi" "$src/"
	dkms add "xtfw/$ver"
}

case "${1:-}" in
build|install)
	add_source
	for k in $(kernels); do
		echo "dkms: $1 xtfw/$ver for $k"
		dkms "$1" "xtfw/$ver" -k "$k"
	done
	dkms status xtfw
	;;
remove)
	dkms remove "xtfw/$ver" --all || true
	rm -rf "$src"
	;;
*)
	echo "usage: $0 build|install|remove" >&2
	exit 2
	;;
esac
