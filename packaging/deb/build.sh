#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: packaging/deb/build.sh [OUTDIR]      (what `make deb` runs)
#
# Build two Debian packages from this tree with dpkg-deb, no debhelper
# (dkms 3 has no "mkdeb" any more):
#
#   xtfw-dkms_VERSION-1_all.deb    the module's source in /usr/src/xtfw-VERSION
#                                  with dkms.conf; postinst adds it to DKMS and
#                                  builds it for every kernel with headers,
#                                  prerm removes it
#   xtctl_VERSION-1_ARCH.deb       xtctl, xtfw-save, xtfw-restore, the man
#                                  pages, bash completion, xtfw.service and
#                                  an empty /etc/xtfw
#
# into OUTDIR (default build/deb). xtctl is compiled from a copy of its
# sources with Debian's hardening flags (dpkg-buildflags) and installed
# with the same make targets as `make install`. VERSION is dkms.conf's.
# DEB_MAINTAINER overrides the Maintainer field (default: git's user).
set -euo pipefail
umask 022
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$(mkdir -p "${1:-$top/build/deb}" && cd "${1:-$top/build/deb}" && pwd)
here=$top/packaging/deb
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
debver=$ver-1
arch=$(dpkg --print-architecture)
work=$out/work

# File dates from the last commit, not from the build.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$top" log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH
maint=${DEB_MAINTAINER:-}
if [[ -z $maint ]]; then
	name=$(git -C "$top" config user.name 2>/dev/null || true)
	mail=$(git -C "$top" config user.email 2>/dev/null || true)
	maint="${name:-xtfw developers} <${mail:-xtfw@localhost}>"
fi

[[ -n $ver ]] || { echo "build.sh: no PACKAGE_VERSION in dkms.conf" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"
rm -f "$out"/xtfw-dkms_*.deb "$out"/xtctl_*.deb

# subst FILE: the file with @VERSION@ @DEBVERSION@ @ARCH@ @MAINTAINER@ filled in
subst()
{
	sed -e "s|@VERSION@|$ver|g" -e "s|@DEBVERSION@|$debver|g" \
	    -e "s|@ARCH@|$arch|g" -e "s|@MAINTAINER@|$maint|g" "$1"
}

# docs PKGROOT PKG: copyright and changelog.Debian.gz
docs()
{
	local d=$1/usr/share/doc/$2

	install -d -m 0755 "$d"
	install -m 0644 "$here/copyright" "$d/copyright"
	install -D -m 0644 "$here/lintian/$2" "$1/usr/share/lintian/overrides/$2"
	{
		echo "xtfw ($debver) unstable; urgency=medium"
		echo
		echo "  * Built from the xtfw source tree by packaging/deb/build.sh."
		echo
		echo " -- $maint  $(date -u -R -d "@$SOURCE_DATE_EPOCH")"
	} | gzip -9n >"$d/changelog.Debian.gz"
	chmod 0644 "$d/changelog.Debian.gz"
}

# finish PKGROOT CONTROL: DEBIAN/control with Installed-Size, md5sums, build
finish()
{
	local root=$1 control=$2 size

	install -d -m 0755 "$root/DEBIAN"
	size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
	subst "$control" | sed "s|@SIZE@|$size|" >"$root/DEBIAN/control"
	(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' |
		LC_ALL=C sort -z | xargs -0r md5sum) >"$root/DEBIAN/md5sums"
	chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
	# every file dated like the commit, for reproducible archives
	find "$root" -newermt "@$SOURCE_DATE_EPOCH" -print0 |
		xargs -0r touch --no-dereference --date="@$SOURCE_DATE_EPOCH"
	dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
}

# --- xtfw-dkms ----------------------------------------------------------
dkms_root=$work/xtfw-dkms
src=$dkms_root/usr/src/xtfw-$ver
install -d -m 0755 "$src/module" "$src/uapi/linux"
install -m 0644 "$top/Kbuild" "$top/dkms.conf" "$src/"
install -m 0644 "$top"/module/*.[ch] "$src/module/"
install -m 0644 "$top/uapi/linux/xtfw.h" "$src/uapi/linux/"
docs "$dkms_root" xtfw-dkms
install -d -m 0755 "$dkms_root/DEBIAN"
for s in postinst prerm; do
	subst "$here/xtfw-dkms.$s" >"$dkms_root/DEBIAN/$s"
	chmod 0755 "$dkms_root/DEBIAN/$s"
done
finish "$dkms_root" "$here/xtfw-dkms.control"

# --- xtctl --------------------------------------------------------------
xt_root=$work/xtctl
copy=$work/src
install -d "$copy/tools/xtctl/completion" "$copy/uapi/linux"
cp "$top"/tools/xtctl/*.[ch] "$top/tools/xtctl/Makefile" "$copy/tools/xtctl/"
cp "$top/tools/xtctl/completion/xtctl" "$copy/tools/xtctl/completion/"
cp "$top/uapi/linux/xtfw.h" "$copy/uapi/linux/"
(
	export DEB_BUILD_MAINT_OPTIONS=hardening=+all
	eval "$(dpkg-buildflags --export=sh)"
	make -s -C "$copy/tools/xtctl" xtctl
	make -s -C "$copy/tools/xtctl" install DESTDIR="$xt_root" PREFIX=/usr
) >"$work/xtctl-build.log" 2>&1 || { cat "$work/xtctl-build.log" >&2; exit 1; }
strip --remove-section=.comment --remove-section=.note --strip-unneeded \
	"$xt_root/usr/sbin/xtctl"
make -s --no-print-directory -C "$top" install-data DESTDIR="$xt_root" PREFIX=/usr
# Debian compresses man pages; the xtfw-restore link follows
find "$xt_root/usr/share/man" -type f -name '*.[0-9]' -exec gzip -9n {} +
find "$xt_root/usr/share/man" -type l -name '*.[0-9]' | while read -r l; do
	ln -sfn "$(readlink "$l").gz" "$l.gz"
	rm -f "$l"
done
docs "$xt_root" xtctl
install -d -m 0755 "$xt_root/DEBIAN"
for s in postinst postrm; do
	subst "$here/xtctl.$s" >"$xt_root/DEBIAN/$s"
	chmod 0755 "$xt_root/DEBIAN/$s"
done

# Depends: the libraries xtctl links, with versions from their symbols
shlibs=$(cd "$work" && mkdir -p debian && touch debian/control &&
	dpkg-shlibdeps -O "$xt_root/usr/sbin/xtctl" 2>/dev/null |
	sed -n 's/^shlibs:Depends=//p') || shlibs=
[[ -n $shlibs ]] || shlibs="libc6 (>= 2.34), libmnl0 (>= 1.0.3-4~)"
sed "s|@SHLIBS@|$shlibs|" "$here/xtctl.control" >"$work/xtctl.control"
finish "$xt_root" "$work/xtctl.control"

ls "$out"/xtfw-dkms_"$debver"_all.deb "$out"/xtctl_"$debver"_"$arch".deb
