#!/bin/bash
# Usage: dkms.sh build|install|remove|check
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
check)
	# what CI runs: install for every kernel, find the module where the
	# kernel's modprobe would, remove, and find it gone
	"$0" install
	for k in $(kernels); do
		f=$(modinfo -k "$k" -F filename xtfw 2>/dev/null) ||
			{ echo "dkms: no xtfw module for $k after install" >&2; exit 1; }
		echo "dkms: $k: $f"
		case $f in
		*/updates/dkms/*) ;;
		*) echo "dkms: $k: $f is not DKMS's" >&2; exit 1 ;;
		esac
	done
	"$0" remove
	for k in $(kernels); do
		if modinfo -k "$k" -F filename xtfw >/dev/null 2>&1; then
			echo "dkms: xtfw still installed for $k after remove" >&2
			exit 1
		fi
	done
	echo "dkms: install and remove work for every kernel"
	;;
*)
	echo "usage: $0 build|install|remove|check" >&2
	exit 2
	;;
esac
