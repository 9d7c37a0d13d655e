#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages xtfw needs to build, to test in a VM and to
# run its selftests. Idempotent: asks dpkg first and says nothing when every
# package is already installed; only then runs apt-get update + install.
#
# Usage: scripts/install-deps.sh [--check]
#   --check  only report missing packages (exit 1 if any), install nothing

set -euo pipefail

PACKAGES=(
	# build: module and xtctl
	build-essential pkg-config libmnl-dev libjansson-dev dkms kmod sparse
	# make check, host side (packaging/tests/): man pages rendered with
	# warnings on, the .deb files (dpkg-deb, dpkg-shlibdeps, lintian, file),
	# the systemd unit (systemd-analyze verify)
	man-db groff-base dpkg-dev lintian file systemd
	# kernels and headers the VM boots and the module builds against
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	# VM runner, its initramfs and the kernels' decompressors (run-vm.sh
	# boots the uncompressed vmlinux: 6.1 is xz, 6.12 zstd)
	qemu-system-x86 busybox-static cpio xz-utils zstd binutils
	# what the selftests run (inside the guest, from the shared host root)
	iproute2 iputils-ping python3-scapy socat iptables nftables iperf3
	util-linux procps
	# make check-debug: the debug kernel is built from this source
	# (selftests/vm/debug-kernel.sh), which also has checkpatch.pl
	linux-source-6.1 flex bison bc libelf-dev libssl-dev
	# make bench: the plot of its results (matplotlib of /usr/bin/python3)
	python3-matplotlib
	# 14-restore-real.sh runs the real ufw in a namespace for its rules
	ufw
)

missing_packages()
{
	local pkg status

	for pkg in "${PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null) || status=
		[[ $status == ii* ]] || echo "$pkg"
	done
}

main()
{
	local -a missing

	mapfile -t missing < <(missing_packages)
	((${#missing[@]} == 0)) && exit 0

	if [[ ${1:-} == --check ]]; then
		echo "missing packages: ${missing[*]}" >&2
		exit 1
	fi
	if ((EUID != 0)); then
		echo "install-deps: missing ${missing[*]}; run as root to install" >&2
		exit 1
	fi

	echo "install-deps: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get -q update
	apt-get -q install -y --no-install-recommends "${missing[@]}"
}

main "$@"
