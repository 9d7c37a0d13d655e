#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: selftests/vm/mkinitramfs.sh KVER OUT
#        selftests/vm/mkinitramfs.sh --no-modules OUT
#
# Build the initramfs of the xtfw test VM for kernel KVER into OUT (an
# uncompressed newc cpio: the kernel unpacks it faster than it would inflate
# a compressed one, and it is only a few MB). It holds busybox-static, the
# virtio/9p modules of KVER that are not built in (decompressed: busybox
# insmod does not read .ko.xz) and init.sh as /init. With --no-modules it
# holds no modules, for a kernel with virtio and 9p built in (the debug
# kernel, run-vm.sh --kernel-tree).
#
# OUT.stamp records what OUT was built from (this script, init.sh, busybox,
# the module files); when nothing changed, OUT is left alone.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BOOT_MODULES=(virtio_pci 9pnet_virtio 9p)

die()
{
	echo "mkinitramfs: $*" >&2
	exit 1
}

find_busybox()
{
	local bb

	for bb in /bin/busybox /usr/bin/busybox; do
		if [[ -x $bb ]] && ! ldd "$bb" >/dev/null 2>&1; then
			echo "$bb"
			return
		fi
	done
	die "no static busybox (apt-get install busybox-static)"
}

# The module files to load, in dependency order, each once.
list_modules()
{
	local kver=$1

	modprobe -a -S "$kver" --show-depends "${BOOT_MODULES[@]}" |
		awk '$1 == "insmod" && !seen[$2]++ { print $2 }'
}

stamp_of()
{
	local busybox=$1
	shift

	{
		sha256sum "$HERE/mkinitramfs.sh" "$HERE/init.sh"
		stat -L -c '%n %s %Y' "$busybox" "$@"
	} | sha256sum | cut -d' ' -f1
}

add_module()
{
	local src=$1 dir=$2 name

	name=$(basename "$src")
	case $src in
	*.ko.xz)  name=${name%.xz};  xz -dc "$src" >"$dir/$name" ;;
	*.ko.zst) name=${name%.zst}; zstd -qdc "$src" >"$dir/$name" ;;
	*.ko.gz)  name=${name%.gz};  gzip -dc "$src" >"$dir/$name" ;;
	*.ko)     cp "$src" "$dir/$name" ;;
	*)        die "unknown module file $src" ;;
	esac
	echo "$name" >>"$dir/order"
}

main()
{
	local kver=${1:-} out=${2:-} busybox stamp staging mod
	local -a modules

	[[ -n $kver && -n $out && $# -eq 2 ]] || die "usage: mkinitramfs.sh KVER OUT"
	busybox=$(find_busybox)
	modules=()
	if [[ $kver != --no-modules ]]; then
		[[ -d /lib/modules/$kver ]] || die "no /lib/modules/$kver"
		mapfile -t modules < <(list_modules "$kver")
		((${#modules[@]} > 0)) || die "modprobe found no 9p modules for $kver"
	fi

	stamp=$(stamp_of "$busybox" "${modules[@]}")
	if [[ -f $out && -f $out.stamp && $(<"$out.stamp") == "$stamp" ]]; then
		return 0
	fi

	mkdir -p "$(dirname "$out")"
	staging=$(mktemp -d "$out.staging.XXXXXX")
	# shellcheck disable=SC2064 # expand now: $staging is local
	trap "rm -rf '$staging'" EXIT

	mkdir -p "$staging"/{bin,dev,proc,sys,modules}
	cp "$busybox" "$staging/bin/busybox"
	install -m 0755 "$HERE/init.sh" "$staging/init"
	: >"$staging/modules/order"
	for mod in "${modules[@]+"${modules[@]}"}"; do
		add_module "$mod" "$staging/modules"
	done

	(cd "$staging" && find . -mindepth 1 -print0 |
		LC_ALL=C sort -z |
		cpio --null --create --format=newc --owner=0:0 --quiet) >"$out.tmp"
	mv "$out.tmp" "$out"
	echo "$stamp" >"$out.stamp"
	echo "mkinitramfs: built $out for ${kver#--} ($(du -k "$out" | cut -f1) KiB," \
	     "modules: $(tr '\n' ' ' <"$staging/modules/order"))"
}

main "$@"
