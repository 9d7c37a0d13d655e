#!/bin/bash
# Usage: mkbuildtree.sh SRCDIR DESTDIR
# Mirror the module's sources into DESTDIR as symlinks, so each kernel gets
# its own object directory while every build compiles the same files.
set -euo pipefail
src=$(realpath "$1")
dst=$2
mkdir -p "$dst/module" "$dst/uapi/linux"
ln -sfn "$src/Kbuild" "$dst/Kbuild"
ln -sfn "$src/dkms.conf" "$dst/dkms.conf"
ln -sfn "$src/uapi/linux/xtfw.h" "$dst/uapi/linux/xtfw.h"
# drop links to sources that no longer exist
find "$dst/module" -maxdepth 1 -type l ! -exec test -e {} \; -delete
for f in "$src"/module/*.[ch]; do
	ln -sfn "$f" "$dst/module/$(basename "$f")"
done
