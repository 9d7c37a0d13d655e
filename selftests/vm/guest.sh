#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# PID 1 of the xtfw test VM after switch_root (started by init.sh).
#
# Runs the command run-vm.sh left in the per-run directory named by the
# kernel parameter xtfw_run= (relative to /xtfw), or an interactive shell on
# the serial line when xtfw_shell=1. Then checks the kernel log and taint,
# prints the status marker and powers off:
#
#   XTFW-VM-READY ...       the guest is up, the command starts
#   XTFW-VM-KLOG: <line>    a kernel log line that reports a problem
#   XTFW-VM-KMEMLEAK: <line> a line of /sys/kernel/debug/kmemleak after the
#                           command (xtfw_kmemleak=1, the debug kernel)
#   XTFW-VM-TAINT=<n>       /proc/sys/kernel/tainted
#   XTFW-VM-EXIT=<status>   the command's exit status (last line)
#
# xtfw_timeout=N bounds the command from inside the guest; on expiry the
# blocked tasks are dumped (sysrq w) before the usual checks, which says more
# about a hang than run-vm.sh killing QEMU would. The status is then 124.
#
# xtfw_kmods=DIR (a kernel build tree under /xtfw, run-vm.sh --kernel-tree):
# the kernel is not one of the host's, so /lib/modules/KVER is made on a
# tmpfs from DIR's modules.builtin*, which lets modprobe succeed for the
# modules built into it (lib.sh modprobes xtfw's dependencies).
#
# xtfw_kmemleak=1: leaks reported before the command (the boot's) are
# cleared; after it, two scans (an object must stay unreferenced across
# scans and be older than 5s to count) and the report is printed.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp LANG=C.UTF-8 TERM=${TERM:-vt100}
unset BASH_ENV ENV

param()
{
	local word

	for word in $(</proc/cmdline); do
		[[ $word == "$1="* ]] && { echo "${word#*=}"; return; }
	done
}

run_command()
{
	local run=$1 timeout=$2

	if [[ ! -f /xtfw/$run/cmd ]]; then
		echo "xtfw-vm: no command file /xtfw/$run/cmd"
		return 125
	fi
	cd /xtfw || return 125
	if ((timeout > 0)); then
		timeout --kill-after=10 "$timeout" bash "/xtfw/$run/cmd" </dev/null
	else
		bash "/xtfw/$run/cmd" </dev/null
	fi
}

run_shell()
{
	local size

	cd /xtfw || return 125
	TERM=$(param xtfw_term)
	TERM=${TERM:-vt100}
	size=$(param xtfw_tty)
	if [[ $size == *,* ]]; then
		stty rows "${size%,*}" cols "${size#*,}" </dev/ttyS0
	fi
	echo "xtfw-vm: $(uname -r), repository at /xtfw; exit the shell to power off"
	setsid -c bash -i </dev/ttyS0 >/dev/ttyS0 2>&1
}

# /lib/modules/KVER for a kernel built from source, from its build tree.
setup_builtin_modules()
{
	local tree=/xtfw/$1 dir

	dir=/lib/modules/$(uname -r)
	mount -t tmpfs -o mode=0755 kmods /lib/modules || return 1
	mkdir -p "$dir"
	cp "$tree"/modules.builtin "$tree"/modules.builtin.modinfo "$dir"/ || return 1
	touch "$dir/modules.order"
	depmod -a "$(uname -r)"
}

KMEMLEAK=/sys/kernel/debug/kmemleak

kmemleak_clear()
{
	[[ -w $KMEMLEAK ]] || { echo "xtfw-vm: no $KMEMLEAK"; return; }
	echo scan >"$KMEMLEAK"
	echo clear >"$KMEMLEAK"
}

kmemleak_report()
{
	local line

	if [[ ! -w $KMEMLEAK ]]; then
		echo "XTFW-VM-KMEMLEAK: no $KMEMLEAK (kmemleak off or disabled)"
		return
	fi
	sleep 6
	echo scan >"$KMEMLEAK"
	echo scan >"$KMEMLEAK"
	while IFS= read -r line; do
		echo "XTFW-VM-KMEMLEAK: $line"
	done <"$KMEMLEAK"
}

check_kernel()
{
	local line

	# shellcheck source=selftests/klog.sh
	source /xtfw/selftests/klog.sh
	while IFS= read -r line; do
		echo "XTFW-VM-KLOG: $line"
	done < <(dmesg | klog_bad_lines)
	echo "XTFW-VM-TAINT=$(cat /proc/sys/kernel/tainted)"
}

# Keep on, for the whole run, the static keys that tests would otherwise
# flip while packets flow. Under QEMU 7.2's multi-threaded TCG, a 6.12
# guest that patches a static key while the other vCPU forwards a flood
# through the patched site sometimes executes the breakpoint that
# text_poke_bp() had already taken out again: "Oops: int3" at
# ip_rcv+0x42 (nf_hooks_needed, which flips when the last hook of a kind
# goes, e.g. at rmmod xtfw) or at __netif_receive_skb_core+0x3f
# (netstamp_needed_key, which every ping's SO_TIMESTAMP flips), with xtfw
# on no stack; 6.1 never showed it. A real host keeps these keys on
# anyway (any firewall, any time-stamping socket). With them on, hooks
# come and go by swapping the hook arrays, without patching kernel text;
# what xtfw's own teardown does is tested all the same.
pin_static_keys()
{
	nft -f - <<'EOF' ||
table inet xtfw_vm_keys {
	chain keep_pre { type filter hook prerouting priority 0; }
	chain keep_in { type filter hook input priority 0; }
	chain keep_fwd { type filter hook forward priority 0; }
	chain keep_out { type filter hook output priority 0; }
	chain keep_post { type filter hook postrouting priority 0; }
}
EOF
		echo "xtfw-vm: cannot pin the netfilter static keys (nft)"
	python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# SO_TIMESTAMP, which the socket module does not name
s.setsockopt(socket.SOL_SOCKET, 29, 1)
while True:
    time.sleep(3600)' &
}

main()
{
	local run timeout status kmods kmemleak

	hostname xtfw-vm
	ip link set lo up
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	# Show KERN_WARNING and worse on the console, as the test runs.
	echo 5 >/proc/sys/kernel/printk

	kmods=$(param xtfw_kmods)
	if [[ -n $kmods ]]; then
		setup_builtin_modules "$kmods" ||
			echo "xtfw-vm: cannot make /lib/modules/$(uname -r) from /xtfw/$kmods"
	fi
	kmemleak=$(param xtfw_kmemleak)
	[[ $kmemleak != 1 ]] || kmemleak_clear
	pin_static_keys

	echo "XTFW-VM-READY kernel=$(uname -r) uptime=$(cut -d' ' -f1 /proc/uptime)"
	run=$(param xtfw_run)
	timeout=$(param xtfw_timeout)
	if [[ $(param xtfw_shell) == 1 ]]; then
		run_shell
		status=$?
	else
		run_command "$run" "${timeout:-0}"
		status=$?
		if ((status == 124)); then
			echo "xtfw-vm: command timed out after ${timeout}s; blocked tasks:"
			echo w >/proc/sysrq-trigger
		fi
	fi

	[[ $kmemleak != 1 ]] || kmemleak_report
	check_kernel
	echo "XTFW-VM-EXIT=$status"
	echo o >/proc/sysrq-trigger
	# Wait for the power-off without needing the root file system: once
	# it begins, 9p reads can fail (seen: "sleep: ... Input/output
	# error"), and if this shell, init, then ran off the end of its
	# script, the kernel would panic ("Attempted to kill init!").
	sleep 60 2>/dev/null
	while :; do :; done
}

main
