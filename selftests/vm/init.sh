#!/bin/busybox sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# /init of the xtfw test VM's initramfs (busybox sh, PID 1).
#
# Builds the guest's root and hands over to selftests/vm/guest.sh, read
# from the repository share (so that it can change without a rebuild):
#
#   /            tmpfs, so that /xtfw, /tmp and /run can be created
#   /usr /etc …  bind mounts of the host root (9p tag "root", read-only)
#   /xtfw        the repository checkout (9p tag "xtfw", read-only); shared
#                on its own because it may live under host /tmp
#   /tmp /run    fresh tmpfs, /run/netns for "ip netns"
#
# The host root is not mounted as / itself: it is read-only, so no mount
# point for /xtfw could be made on it. switch_root (not chroot) is used so
# that the kernel's module autoloader runs the host's /sbin/modprobe.
#
# Any failure here prints the status marker run-vm.sh waits for, so a broken
# boot fails at once instead of running into the timeout.

PATH=/bin
export PATH
/bin/busybox --install -s /bin

die()
{
	echo "xtfw-init: $*"
	echo "XTFW-VM-EXIT=125"
	poweroff -f
	sleep 60
}

# Host top-level entries the guest sees; everything else (/mnt, /media, the
# host's own mount points) stays hidden.
HOST_DIRS="bin sbin lib lib32 lib64 libx32 usr etc opt var home root srv boot"
P9_OPTS=trans=virtio,version=9p2000.L,msize=262144,ro

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
echo	# end the firmware's "Booting from ROM.." line

while read -r mod; do
	insmod "/modules/$mod" || die "insmod $mod failed"
done </modules/order

mkdir -p /host /newroot
mount -t 9p -o "$P9_OPTS,cache=loose" root /host || die "cannot mount host root"
mount -t tmpfs -o mode=0755 guestroot /newroot || die "cannot mount tmpfs root"

for name in $HOST_DIRS; do
	src=/host/$name
	if [ -L "$src" ]; then
		ln -s "$(readlink "$src")" "/newroot/$name"
	elif [ -d "$src" ]; then
		mkdir "/newroot/$name"
		mount -o bind "$src" "/newroot/$name" || die "cannot bind $src"
	fi
done

cd /newroot || die "no /newroot"
mkdir -p proc sys dev tmp run xtfw
mount -t 9p -o "$P9_OPTS" xtfw xtfw || die "cannot mount the xtfw share"
mount -t tmpfs -o mode=1777 tmp tmp
mount -t tmpfs -o mode=0755 run run
mkdir -p run/netns
mount --move /dev dev
ln -s /proc/self/fd dev/fd
ln -s fd/0 dev/stdin
ln -s fd/1 dev/stdout
ln -s fd/2 dev/stderr
mkdir -p dev/pts dev/shm
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts dev/pts
mount -t tmpfs -o mode=1777 shm dev/shm
mount --move /sys sys
mount --move /proc proc

GUEST=xtfw/selftests/vm/guest.sh
[ -x usr/bin/bash ] || die "no bash in the host root"
[ -f $GUEST ] || die "no $GUEST in the xtfw share"
exec switch_root /newroot /usr/bin/bash "/$GUEST"
