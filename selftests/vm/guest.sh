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
#   XTFW-VM-TAINT=<n>       /proc/sys/kernel/tainted
#   XTFW-VM-EXIT=<status>   the command's exit status (last line)
#
# xtfw_timeout=N bounds the command from inside the guest; on expiry the
# blocked tasks are dumped (sysrq w) before the usual checks, which says more
# about a hang than run-vm.sh killing QEMU would. The status is then 124.

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

main()
{
	local run timeout status

	hostname xtfw-vm
	ip link set lo up
	mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
	# Show KERN_WARNING and worse on the console, as the test runs.
	echo 5 >/proc/sys/kernel/printk

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

	check_kernel
	echo "XTFW-VM-EXIT=$status"
	echo o >/proc/sysrq-trigger
	sleep 60
}

main
