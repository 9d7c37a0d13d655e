#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: selftests/vm/debug-kernel.sh [--print]
#
# Build the xtfw debug kernel, or find it already built, and print the
# directory of its build tree (the KDIR for "make module", with
# arch/x86/boot/bzImage in it) as the last line of stdout.
#
# The kernel is Debian's linux-source-6.1 (/usr/src/linux-source-6.1.tar.xz)
# configured as x86_64_defconfig + kvm_guest.config + debug-kernel/debug.config
# (KASAN, lockdep, kmemleak, DEBUG_LIST, DEBUG_ATOMIC_SLEEP; everything the VM
# and the selftests need built in). Under build/debug-kernel/:
#
#   src-VERSION/         the source, extracted once per package version
#   KEY/                 objects, .config, vmlinux, Module.symvers; KEY is
#                        a hash of the fragment's options, the package
#                        version and RECIPE below, so a changed config
#                        builds anew (a changed comment does not)
#   KEY/.xtfw-built      written last: the tree is complete
#   KEY/build.log        the build's output
#
# --print only prints the tree if it is complete (status 1 otherwise).
# The build runs under "nice -n 19" with make -j$XTFW_DEBUG_JOBS (default:
# the number of CPUs): it takes most of an hour on 2 cores.

set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
TARBALL=${XTFW_LINUX_SOURCE:-/usr/src/linux-source-6.1.tar.xz}
FRAGMENT=$HERE/debug-kernel/debug.config
OUT=$REPO/build/debug-kernel
JOBS=${XTFW_DEBUG_JOBS:-$(nproc)}
# Part of the cache key: change it when the way the kernel is configured or
# built changes (the base configs, make targets), not for comments.
RECIPE="x86_64_defconfig kvm_guest.config make-all 1"

say()
{
	echo "debug-kernel: $*" >&2
}

die()
{
	say "$*"
	exit 1
}

# The package version of the tarball (or its size and date when it is not
# from a package), which names the extracted source.
source_version()
{
	local pkg

	pkg=$(dpkg -S "$TARBALL" 2>/dev/null | cut -d: -f1) || true
	if [[ -n $pkg ]]; then
		dpkg-query -W -f='${Version}' "$pkg"
	else
		stat -L -c '%s-%Y' "$TARBALL"
	fi
}

extract_source()
{
	local dir=$1 tmp

	[[ -f $dir/.xtfw-extracted ]] && return 0
	say "extracting $TARBALL into $dir"
	rm -rf "$dir"
	tmp=$(mktemp -d "$OUT/extract.XXXXXX")
	tar -C "$tmp" -xf "$TARBALL"
	# The tarball holds one directory, linux-source-6.1.
	mv "$tmp"/linux-source-* "$dir"
	rmdir "$tmp"
	touch "$dir/.xtfw-extracted"
}

# The fragment's options that did not end up in .config as asked (Kconfig
# drops what depends on something missing): the build stops on any.
config_mismatches()
{
	local config=$1 line opt want got

	while IFS= read -r line; do
		[[ $line =~ ^(CONFIG_[A-Za-z0-9_]+)=(.*)$ ]] || continue
		opt=${BASH_REMATCH[1]}
		want=${BASH_REMATCH[2]}
		got=$(sed -n "s/^$opt=\(.*\)$/\1/p" "$config")
		if [[ -z $got ]] && grep -q "^# $opt is not set$" "$config"; then
			got=n
		fi
		[[ -n $got ]] || got=n
		[[ $got == "$want" ]] || echo "$opt: asked $want, got $got"
	done <"$FRAGMENT"
}

configure()
{
	local src=$1 obj=$2 bad

	make -C "$src" O="$obj" x86_64_defconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" \
		"$src/kernel/configs/kvm_guest.config" "$FRAGMENT"
	make -C "$src" O="$obj" olddefconfig
	bad=$(config_mismatches "$obj/.config")
	[[ -z $bad ]] || { say "config options not as asked:"; echo "$bad" >&2; return 1; }
}

main()
{
	local version key src obj start

	[[ ${1:-} == --print || $# -eq 0 ]] || { sed -n '3s/^# //p' "$0" >&2; exit 2; }
	[[ -f $TARBALL ]] || die "no $TARBALL (apt-get install linux-source-6.1)"
	[[ -f $FRAGMENT ]] || die "no $FRAGMENT"

	version=$(source_version)
	key=$( { echo "$version"; echo "$RECIPE"; grep -v -e '^#' -e '^$' "$FRAGMENT"; } |
		sha256sum | cut -c1-16)
	src=$OUT/src-$version
	obj=$OUT/$key

	if [[ -f $obj/.xtfw-built ]]; then
		echo "$obj"
		return 0
	fi
	[[ ${1:-} != --print ]] || die "not built yet: $obj"

	mkdir -p "$OUT"
	exec {lock}>"$OUT/.lock"
	flock "$lock"
	if [[ -f $obj/.xtfw-built ]]; then
		echo "$obj"
		return 0
	fi

	extract_source "$src"
	mkdir -p "$obj"
	start=$SECONDS
	say "building linux-source $version with $FRAGMENT in $obj" \
	    "(make -j$JOBS under nice -n 19; log: $obj/build.log)"
	if ! {
		configure "$src" "$obj" &&
		nice -n 19 make -C "$src" O="$obj" -j"$JOBS" all
	} >"$obj/build.log" 2>&1; then
		tail -n 30 "$obj/build.log" >&2
		die "build failed (log: $obj/build.log)"
	fi
	[[ -f $obj/vmlinux && -f $obj/Module.symvers ]] ||
		die "build left no vmlinux or Module.symvers in $obj"
	echo "$((SECONDS - start))" >"$obj/build-seconds"
	touch "$obj/.xtfw-built"
	say "built in $((SECONDS - start))s: $obj"
	echo "$obj"
}

main "$@"
