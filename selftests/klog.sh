# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# What counts as a kernel problem in an xtfw test run. Sourced by run.sh
# (on a host or in the guest), by the VM's guest.sh after the command and by
# run-vm.sh when it scans the serial console, so all three agree.

# printk text of oopses, BUGs, WARN()s, lockdep, KASAN/UBSAN, hung tasks and
# kmemleak scans that found leaks (a kernel with kmemleak, such as the debug
# kernel of check.sh --debug). Soft lockups print "BUG: soft lockup";
# "Oops: " covers both the 6.1 form ("Oops: 0000 [#1]") and the 6.12 one
# ("Oops: general protection fault").
KLOG_BAD_RE='Oops: |BUG: |BUG at |WARNING: |Kernel panic|general protection fault|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|KASAN|UBSAN|blocked for more than|suspected memory leak'

# Taint bits a test run may leave: O (out-of-tree module, 4096) and
# E (unsigned module, 8192).
KLOG_TAINT_OK=$((4096 | 8192))

# Print the lines of stdin that report a kernel problem.
klog_bad_lines()
{
	grep -E -a -- "$KLOG_BAD_RE" || true
}

# Print the taint bits set in /proc/sys/kernel/tainted besides O and E.
klog_bad_taint()
{
	local taint

	taint=$(cat /proc/sys/kernel/tainted 2>/dev/null) || taint=0
	echo $((taint & ~KLOG_TAINT_OK))
}
