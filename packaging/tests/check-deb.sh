#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: packaging/tests/check-deb.sh [--quick]
#
# Builds the two Debian packages with packaging/deb/build.sh into a
# temporary directory and checks them without installing anything:
#   * names, control fields (Depends: dkms and kernel headers; libc6,
#     libmnl0 and kmod), root ownership, the exact source file set of
#     xtfw-dkms, every file xtctl must ship, and that make install and
#     make uninstall (DESTDIR) handle the same files;
#   * what was unpacked works: xtctl -V, the man pages render without
#     warnings, the completion is the tree's, systemd-analyze verify
#     accepts the unit, xtfw-save/xtfw-restore do the right xtctl calls
#     (a stand-in xtctl), and the maintainer scripts call dkms,
#     deb-systemd-helper and systemctl as they should (stand-ins too);
#   * lintian (if installed) reports no error.
# Without --quick it also builds the module from the package's source with
# the real dkms, in private trees (--dkmstree/--sourcetree), for the newest
# kernel that has headers: about half a minute more. scripts/check.sh runs
# --quick (about 15 s); `make check-deb` runs it all.
set -uo pipefail
# shellcheck source=packaging/tests/lib.sh
source "$(dirname "$0")/lib.sh"

quick=
[[ ${1:-} == --quick ]] && quick=1
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
debver=$ver-1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

for cmd in dpkg-deb dpkg-shlibdeps gzip; do
	if ! command -v "$cmd" >/dev/null; then
		skip "$cmd not installed (apt-get install dpkg-dev)"
		finish
		exit
	fi
done
arch=$(dpkg --print-architecture)

if ! "$top/packaging/deb/build.sh" "$tmp/out" >"$tmp/build.log" 2>&1; then
	fail "packaging/deb/build.sh"
	sed 's/^/  /' "$tmp/build.log"
	finish
	exit
fi
pass "packaging/deb/build.sh"
dkms_deb=$tmp/out/xtfw-dkms_${debver}_all.deb
xt_deb=$tmp/out/xtctl_${debver}_${arch}.deb
check_eq "two .deb files, named for the version" \
	"xtctl_${debver}_${arch}.deb xtfw-dkms_${debver}_all.deb" \
	"$(find "$tmp/out" -maxdepth 1 -name '*.deb' -printf '%f\n' | LC_ALL=C sort | paste -sd ' ')"

# field DEB NAME
field() { dpkg-deb -f "$1" "$2" 2>/dev/null; }

check_eq "xtfw-dkms: Package Version Architecture" "xtfw-dkms $debver all" \
	"$(field "$dkms_deb" Package) $(field "$dkms_deb" Version) $(field "$dkms_deb" Architecture)"
dep=$(field "$dkms_deb" Depends)
if [[ $dep == *"dkms ("* && $dep == *linux-headers-amd64* && $dep == *"| linux-headers"* ]]; then
	pass "xtfw-dkms: Depends: $dep"
else
	fail "xtfw-dkms: Depends lacks dkms or kernel headers: $dep"
fi
check_eq "xtctl: Package Version Architecture" "xtctl $debver $arch" \
	"$(field "$xt_deb" Package) $(field "$xt_deb" Version) $(field "$xt_deb" Architecture)"
dep=$(field "$xt_deb" Depends)
if [[ $dep == *"libc6 (>="* && $dep == *"libmnl0"* && $dep == *kmod* ]]; then
	pass "xtctl: Depends: $dep"
else
	fail "xtctl: Depends lacks libc6, libmnl0 or kmod: $dep"
fi
check_eq "xtctl: Recommends xtfw-dkms of the same version" "xtfw-dkms (= $debver)" \
	"$(field "$xt_deb" Recommends)"

# Every member owned by root.
for deb in "$dkms_deb" "$xt_deb"; do
	check_eq "${deb##*/}: every file root/root" "" \
		"$(dpkg-deb -c "$deb" | awk '$2 != "root/root" { print $NF }')"
done

# xtfw-dkms: exactly the module's source, as scripts/dkms.sh registers it.
want=$(cd "$top" && { echo Kbuild; echo dkms.conf; echo uapi/linux/xtfw.h; ls module/*.[ch]; } | LC_ALL=C sort)
got=$(dpkg-deb --fsys-tarfile "$dkms_deb" | tar -t | sed -n "s|^\./usr/src/xtfw-$ver/||p" |
	grep -v '/$' | grep . | LC_ALL=C sort)
check_eq "xtfw-dkms: /usr/src/xtfw-$ver holds Kbuild, dkms.conf, module/*.[ch], uapi" \
	"$want" "$got"

# xtctl: every file it must ship.
list=$(dpkg-deb -c "$xt_deb" | awk '{ print $6 }')
missing=()
for f in ./usr/sbin/xtctl ./usr/sbin/xtfw-save ./usr/sbin/xtfw-restore \
	./usr/share/man/man8/xtctl.8.gz ./usr/share/man/man8/xtfw-save.8.gz \
	./usr/share/man/man8/xtfw-restore.8.gz ./usr/share/man/man7/xtfw.7.gz \
	./usr/share/bash-completion/completions/xtctl \
	./lib/systemd/system/xtfw.service ./etc/xtfw/ \
	./usr/share/doc/xtctl/copyright ./usr/share/doc/xtctl/changelog.Debian.gz; do
	grep -qxF -- "$f" <<<"$list" || missing+=("$f")
done
check_eq "xtctl: binary, helpers, man pages, completion, unit, /etc/xtfw" "" "${missing[*]}"

# make install puts the same files where the package has them, and make
# uninstall takes them away again (but not /etc/xtfw).
inst=$tmp/inst
if make -s --no-print-directory -C "$top" install DESTDIR="$inst" >"$tmp/install.log" 2>&1; then
	check_eq "make install DESTDIR=...: the package's files, uncompressed" \
		"$(dpkg-deb -c "$xt_deb" | awk '{ print $6 }' | grep -v -e '/$' -e '^./usr/share/doc/' \
			-e '^./usr/share/lintian/' | sed 's/\.gz$//' | LC_ALL=C sort)" \
		"$(cd "$inst" && find . ! -type d | LC_ALL=C sort)"
	check_eq "make install: an empty /etc/xtfw" "" "$(find "$inst/etc/xtfw" -mindepth 1)"
	make -s --no-print-directory -C "$top" uninstall DESTDIR="$inst" >>"$tmp/install.log" 2>&1
	check_eq "make uninstall: no file left" "" "$(find "$inst" ! -type d)"
else
	fail "make install DESTDIR=..."
	sed 's/^/  /' "$tmp/install.log"
fi

# --- what was unpacked -------------------------------------------------
root=$tmp/root
dpkg-deb -x "$xt_deb" "$root"
dpkg-deb -e "$xt_deb" "$tmp/xtctl.DEBIAN"
dpkg-deb -e "$dkms_deb" "$tmp/dkms.DEBIAN"

out=$("$root/usr/sbin/xtctl" -V 2>&1)
if [[ $out == "xtctl v"* ]]; then
	pass "unpacked xtctl runs: $out"
else
	fail "unpacked xtctl -V: $out"
fi
if file "$root/usr/sbin/xtctl" 2>/dev/null | grep -q "not stripped"; then
	fail "xtctl is not stripped"
else
	pass "xtctl is stripped"
fi

if command -v man >/dev/null; then
	for page in "$root"/usr/share/man/man*/*.gz; do
		out=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 \
			-l -Tutf8 "$page" 2>&1 >/dev/null)
		check_empty "${page##*/}: renders without warnings" "$out"
	done
else
	skip "man pages: man not installed"
fi
check_ok "the packaged completion is the tree's" \
	cmp "$root/usr/share/bash-completion/completions/xtctl" "$top/tools/xtctl/completion/xtctl"

unit=$root/lib/systemd/system/xtfw.service
missing=()
for line in Type=oneshot RemainAfterExit=yes Before=network-pre.target \
	Wants=network-pre.target "ExecStart=/sbin/modprobe xtfw" \
	ExecStart=/usr/sbin/xtfw-restore ExecReload=/usr/sbin/xtfw-restore \
	WantedBy=multi-user.target; do
	grep -qE "^${line%%=*}=(.* )?${line#*=}( |$)" "$unit" || missing+=("$line")
done
check_eq "xtfw.service: oneshot, before network-pre, modprobe + restore" "" "${missing[*]}"
if command -v systemd-analyze >/dev/null; then
	# its root is the unpacked package, plus a modprobe to point at
	mkdir -p "$root/sbin"
	printf '#!/bin/sh\n' >"$root/sbin/modprobe"
	chmod +x "$root/sbin/modprobe"
	check_ok "systemd-analyze verify xtfw.service" \
		systemd-analyze verify --root="$root" --man=no /lib/systemd/system/xtfw.service
	rm -rf "$root/sbin"
else
	skip "systemd-analyze not installed"
fi

# xtfw-save / xtfw-restore, with a stand-in xtctl: "save -4" prints a
# ruleset, "save -6" fails, "ct get" reports max 1000 and one changed
# timeout (a fresh network namespace, as unshare -n makes one, reports the
# defaults), "ct set" refuses a state "bogus"; every call is recorded.
mkdir -p "$tmp/bin" "$tmp/etc"
cat >"$tmp/bin/xtctl" <<'EOF'
#!/bin/sh
echo "$*" >>"$CALLS"
est=600 max=1000
if [ "$(readlink /proc/self/ns/net)" != "$NETNS" ]; then
	est=432000 max=65536
fi
case "$*" in
"save -4") printf '*filter\n:INPUT DROP [0:0]\nCOMMIT\n' ;;
"save -6") echo "xtctl: the xtfw module is not loaded" >&2; exit 4 ;;
"ct get"*) [ -z "${CT_FAIL:-}" ] || { echo "xtctl: no module" >&2; exit 4; } ;;
esac
case "$*" in
"ct get max") echo "$max" ;;
"ct get tcp_loose") echo 1 ;;
"ct get timeout") printf 'tcp syn_sent 120\ntcp established %s\nudp unreplied 30\ngeneric 600\n' "$est" ;;
"ct set timeout tcp bogus"*) echo 'xtctl: invalid state "bogus"' >&2; exit 2 ;;
esac
EOF
chmod +x "$tmp/bin/xtctl"
export NETNS
NETNS=$(readlink /proc/self/ns/net)
# xtsave|xtrestore ARG...: the unpacked script with the stand-in
xtsave() { CALLS=$tmp/calls XTCTL=$tmp/bin/xtctl "$root/usr/sbin/xtfw-save" "$@"; }
xtrestore() { CALLS=$tmp/calls XTCTL=$tmp/bin/xtctl "$root/usr/sbin/xtfw-restore" "$@"; }
ct_header="# xtfw conntrack settings, applied by xtfw-restore before the rules.
# One \"xtctl ct set\" per line: max N | tcp_loose 0|1 |
# timeout PROTO [STATE] SECONDS. Settings not listed keep the defaults."

echo "old v6 rules" >"$tmp/etc/rules.v6"
xtsave -d "$tmp/etc" >/dev/null 2>"$tmp/err"
status=$?
check_eq "xtfw-save: exit 1 when one family fails" 1 "$status"
check_eq "xtfw-save: rules.v4 written" "$(printf '*filter\n:INPUT DROP [0:0]\nCOMMIT')" \
	"$(cat "$tmp/etc/rules.v4" 2>&1)"
check_eq "xtfw-save: rules.v4 mode 0640" 640 "$(stat -c %a "$tmp/etc/rules.v4" 2>&1)"
check_eq "xtfw-save: a failed save leaves rules.v6 alone" "old v6 rules" "$(cat "$tmp/etc/rules.v6")"
if unshare -n true 2>/dev/null; then
	check_eq "xtfw-save: conntrack holds what differs from a new namespace's" \
		"$ct_header"$'\nmax 1000\ntimeout tcp established 600' "$(cat "$tmp/etc/conntrack" 2>&1)"
else
	skip "xtfw-save: unshare -n is not allowed here"
fi
check_eq "xtfw-save: conntrack mode 0640" 640 "$(stat -c %a "$tmp/etc/conntrack" 2>&1)"
# Without a new namespace to read the defaults in: every setting, and a word.
mkdir -p "$tmp/nons"
printf '#!/bin/sh\necho "unshare: unshare failed: Operation not permitted" >&2\nexit 1\n' \
	>"$tmp/nons/unshare"
chmod +x "$tmp/nons/unshare"
mkdir -p "$tmp/etc2"
PATH=$tmp/nons:$PATH xtsave -d "$tmp/etc2" >/dev/null 2>"$tmp/err"
check_eq "xtfw-save: without unshare -n, conntrack holds every setting" \
	"$ct_header"$'\nmax 1000\ntcp_loose 1\ntimeout tcp syn_sent 120\ntimeout tcp established 600\ntimeout udp unreplied 30\ntimeout generic 600' \
	"$(cat "$tmp/etc2/conntrack" 2>&1)"
check_ok "xtfw-save: and warns that it saves every setting" grep -q "saving every conntrack setting" "$tmp/err"
check_eq "xtfw-save: no temporary file left" "conntrack rules.v4 rules.v6" \
	"$(find "$tmp/etc" -mindepth 1 -printf '%f\n' | LC_ALL=C sort | paste -sd ' ')"
cp "$tmp/etc/conntrack" "$tmp/conntrack.saved"
CT_FAIL=1 xtsave -d "$tmp/etc" >/dev/null 2>"$tmp/err"
status=$?
check_eq "xtfw-save: unreadable settings: exit 1, conntrack left as it was" \
	"1 $(cat "$tmp/conntrack.saved")" "$status $(cat "$tmp/etc/conntrack")"
check_ok "xtfw-save: and says so" grep -q "could not save the conntrack settings" "$tmp/err"
: >"$tmp/calls"
xtsave -4 -d "$tmp/etc" >/dev/null 2>&1
check_eq "xtfw-save -4: only the IPv4 rules, no conntrack settings" "save -4" "$(cat "$tmp/calls")"

: >"$tmp/etc/rules.v6"
printf '%s\n' "max 1000" "timeout tcp established 600" >"$tmp/etc/conntrack"
: >"$tmp/calls"
xtrestore -d "$tmp/etc" >/dev/null 2>&1
status=$?
check_eq "xtfw-restore: conntrack settings, then rules.v4; skips the empty rules.v6" \
	"0 ct set max 1000"$'\n'"ct set timeout tcp established 600"$'\n'"restore -4 $tmp/etc/rules.v4" \
	"$status $(cat "$tmp/calls")"
echo "x" >"$tmp/etc/rules.v6"
: >"$tmp/calls"
xtrestore -6 -d "$tmp/etc" >/dev/null 2>&1
check_eq "xtfw-restore -6: only rules.v6" "restore -6 $tmp/etc/rules.v6" "$(cat "$tmp/calls")"

# A broken or hostile conntrack file: each bad line named, the good ones
# and the rules applied all the same, nothing run but xtctl ct set.
# shellcheck disable=SC2016 # not to be expanded, here or there
printf '%s\n' "# a comment" "" "  max 2000  " "timeout tcp bogus 5" \
	'max 1; touch $HOME/x' "timeout *" "max -1" "max" "ports 22 2" \
	"\$(touch x) 1" $'tcp_loose 0\r' "timeout udp stream 200" >"$tmp/etc/conntrack"
printf 'timeout generic 60' >>"$tmp/etc/conntrack"	# no newline at the end
: >"$tmp/etc/rules.v6"
: >"$tmp/calls"
(cd "$tmp" && xtrestore -d "$tmp/etc" >/dev/null 2>"$tmp/err")
status=$?
check_eq "xtfw-restore: bad conntrack lines: exit 1" 1 "$status"
check_eq "xtfw-restore: the good lines, then the rules, still applied" \
	"ct set max 2000
ct set timeout tcp bogus 5
ct set tcp_loose 0
ct set timeout udp stream 200
ct set timeout generic 60
restore -4 $tmp/etc/rules.v4" "$(cat "$tmp/calls")"
check_eq "xtfw-restore: each bad line named, with xtctl's reason" \
	"4: timeout tcp bogus 5: xtctl: invalid state \"bogus\"
5: not a conntrack setting
6: not a conntrack setting
7: not a conntrack setting
8: not a conntrack setting
9: not a conntrack setting
10: not a conntrack setting" \
	"$(sed -n "s|^xtfw-restore: $tmp/etc/conntrack:\([0-9]*: [^(]*\)\( (.*\)\?$|\1|p" "$tmp/err" |
		sed 's/ $//')"
check_ok "xtfw-restore: and a summary" grep -q "conntrack: some settings were not applied" "$tmp/err"
check_eq "xtfw-restore: nothing but xtctl ran" "" \
	"$(find "$tmp" "$HOME" -maxdepth 1 -name x 2>/dev/null)"

# Maintainer scripts: syntax, then run with stand-ins for dkms,
# deb-systemd-helper and systemctl that only record their arguments.
for s in "$tmp"/dkms.DEBIAN/{postinst,prerm} "$tmp"/xtctl.DEBIAN/{postinst,postrm}; do
	name=$(basename "$(dirname "$s")" .DEBIAN)/${s##*/}
	check_ok "$name: sh -n" sh -n "$s"
	if command -v shellcheck >/dev/null; then
		check_ok "$name: shellcheck" shellcheck -s sh "$s"
	fi
done
mkdir -p "$tmp/stub"
for c in dkms deb-systemd-helper systemctl; do
	# shellcheck disable=SC2016 # $* $CALLS $STATUS are the stand-in's
	printf '#!/bin/sh\necho "%s $*" >>"$CALLS"\n[ "%s $1" != "dkms status" ] || cat "$STATUS"\n' \
		"$c" "$c" >"$tmp/stub/$c"
	chmod +x "$tmp/stub/$c"
done
: >"$tmp/status"
: >"$tmp/calls"
CALLS=$tmp/calls STATUS=$tmp/status PATH=$tmp/stub:$PATH \
	sh "$tmp/dkms.DEBIAN/postinst" configure >/dev/null 2>&1
status=$?
want="dkms status -m xtfw -v $ver"$'\n'"dkms add -m xtfw -v $ver"
for d in /lib/modules/*/build; do
	[[ -e $d ]] || continue
	k=${d#/lib/modules/}
	want+=$'\n'"dkms install -m xtfw -v $ver -k ${k%/build}"
done
check_eq "xtfw-dkms postinst: dkms add, install for every kernel with headers" \
	"0 $want" "$status $(cat "$tmp/calls")"
echo "xtfw/$ver: added" >"$tmp/status"
: >"$tmp/calls"
CALLS=$tmp/calls STATUS=$tmp/status PATH=$tmp/stub:$PATH \
	sh "$tmp/dkms.DEBIAN/postinst" configure >/dev/null 2>&1
check_eq "xtfw-dkms postinst again: no second dkms add" "" \
	"$(grep "dkms add" "$tmp/calls")"
: >"$tmp/calls"
CALLS=$tmp/calls STATUS=$tmp/status PATH=$tmp/stub:$PATH \
	sh "$tmp/dkms.DEBIAN/prerm" remove >/dev/null 2>&1
check_eq "xtfw-dkms prerm remove: dkms remove --all" \
	"0 dkms status -m xtfw -v $ver"$'\n'"dkms remove -m xtfw -v $ver --all" \
	"$? $(cat "$tmp/calls")"
: >"$tmp/calls"
CALLS=$tmp/calls PATH=$tmp/stub:$PATH sh "$tmp/xtctl.DEBIAN/postrm" purge >/dev/null 2>&1
check_eq "xtctl postrm purge: deb-systemd-helper purge, unmask" \
	"deb-systemd-helper purge xtfw.service"$'\n'"deb-systemd-helper unmask xtfw.service" \
	"$(grep -v "daemon-reload" "$tmp/calls")"
: >"$tmp/calls"
CALLS=$tmp/calls PATH=$tmp/stub:$PATH sh "$tmp/xtctl.DEBIAN/postinst" configure >/dev/null 2>&1
check_eq "xtctl postinst: does not enable the unit" "" \
	"$(grep -E "enable|start" "$tmp/calls")"

if command -v lintian >/dev/null; then
	lintian --no-tag-display-limit "$dkms_deb" "$xt_deb" >"$tmp/lintian" 2>&1
	grep -E '^[WI]: ' "$tmp/lintian" | sed 's/^/  lintian: /'
	check_eq "lintian: no errors" "" "$(grep -E '^E: ' "$tmp/lintian")"
else
	skip "lintian not installed"
fi

if [[ -n $quick ]]; then
	skip "module build from the package's source (--quick)"
elif ! command -v dkms >/dev/null; then
	skip "dkms not installed"
else
	kver=$(find /lib/modules -mindepth 2 -maxdepth 2 -name build -printf '%h\n' 2>/dev/null |
		sed 's|.*/||' | sort -V | tail -n 1)
	if [[ -z $kver ]]; then
		skip "no kernel headers for a module build"
	else
		mkdir -p "$tmp/dkms/src" "$tmp/dkms/tree"
		dpkg-deb -x "$dkms_deb" "$tmp/unpacked-dkms"
		cp -r "$tmp/unpacked-dkms/usr/src/xtfw-$ver" "$tmp/dkms/src/"
		if dkms build -m xtfw -v "$ver" -k "$kver" --dkmstree "$tmp/dkms/tree" \
			--sourcetree "$tmp/dkms/src" >"$tmp/dkms.log" 2>&1; then
			ko=$(find "$tmp/dkms/tree" -name 'xtfw.ko*' | head -n 1)
			check_eq "dkms builds the packaged source for $kver" "$ver" \
				"$(modinfo -F version "$ko" 2>&1)"
		else
			fail "dkms build of the packaged source for $kver"
			tail -n 30 "$tmp/dkms.log" | sed 's/^/  /'
		fi
	fi
fi

finish
