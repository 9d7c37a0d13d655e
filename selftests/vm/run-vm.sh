#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Usage: selftests/vm/run-vm.sh [--kernel KVER | --kernel-tree DIR | --debug]
#                               [--timeout SECS] [--log FILE] [--] [CMD [ARG...]]
#        selftests/vm/run-vm.sh --list-kernels
#
# Boot a Debian kernel under QEMU (TCG) with the host root and this checkout
# shared read-only over 9p, run CMD as root in the guest with /xtfw (this
# checkout) as working directory, and power off. Without CMD, start an
# interactive shell on the serial line instead (no timeout unless given).
#
# The guest's console is copied to stdout and to the log. The exit status is
# CMD's, read from the "XTFW-VM-EXIT=<status>" line the guest prints last,
# except that the run fails when:
#   * the marker is missing (125) or the timeout expired (124; QEMU killed);
#   * the kernel reported an oops, BUG, WARNING, lockdep, KASAN … on the
#     console or in dmesg, or left taint bits other than O and E (then the
#     status is CMD's if non-zero, else 1).
# The reason is printed as a "run-vm: FAIL: …" line.
#
# KVER defaults to the newest kernel that has /boot/vmlinuz-KVER and headers
# (--list-kernels). Only one VM runs at a time on a machine: a second run
# waits for the first (lock file $XTFW_VM_LOCK, default /tmp/xtfw-vm.lock).
#
# --kernel-tree DIR boots a kernel built from source instead (its bzImage),
# with everything the VM needs built in, so the initramfs has
# no modules. DIR must lie inside this checkout: the guest mounts a tmpfs
# on /lib/modules and fills /lib/modules/KVER from DIR's modules.builtin*,
# so that modprobe of a built-in module succeeds. --debug is --kernel-tree
# with the debug kernel of debug-kernel.sh (which must be built), 2 GiB of
# memory for KASAN's shadow and kmemleak, and panic_on_warn=1; the guest
# then also runs a kmemleak scan after the command (XTFW-VM-KMEMLEAK lines).

set -euo pipefail
shopt -s extglob

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
# shellcheck source=selftests/klog.sh
source "$REPO/selftests/klog.sh"

TIMEOUT=
KVER=
TREE=
DEBUG=0
MEMORY=1G
LOG=
QEMU_PID=
RUN_DIR=
# Time the guest needs to boot before CMD starts, kept out of the guest's own
# command timeout so that the guest rather than the host notices a hang.
BOOT_ALLOWANCE=30

usage()
{
	sed -n '3,8s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

# Append a line to the console copy and to the --log file.
log_line()
{
	if [[ -n ${CONSOLE_FD:-} ]]; then printf '%s\n' "$1" >&"$CONSOLE_FD"; fi
	if [[ -n ${LOG_FD:-} ]]; then printf '%s\n' "$1" >&"$LOG_FD"; fi
}

say()
{
	echo "run-vm: $*"
	log_line "run-vm: $*"
}

# Kernels the VM can boot and the module can be built for.
list_kernels()
{
	local image kver

	for image in /boot/vmlinuz-*; do
		[[ -e $image ]] || continue
		kver=${image#/boot/vmlinuz-}
		if [[ -d /lib/modules/$kver/build || -d /usr/src/linux-headers-$kver ]] &&
		   [[ -d /lib/modules/$kver/kernel ]]; then
			echo "$kver"
		fi
	done | sort -V
}

parse_args()
{
	while (($#)); do
		case $1 in
		--kernel)	KVER=${2:?}; shift ;;
		--kernel-tree)	TREE=$(cd "${2:?}" && pwd); shift ;;
		--debug)	DEBUG=1 ;;
		--timeout)	TIMEOUT=${2:?}; shift ;;
		--log)		LOG=${2:?}; shift ;;
		--list-kernels)	list_kernels; exit 0 ;;
		-h|--help)	usage ;;
		--)		shift; break ;;
		-*)		echo "run-vm: unknown option $1" >&2; usage ;;
		*)		break ;;
		esac
		shift
	done
	CMD=("$@")
	[[ -z $TIMEOUT || $TIMEOUT =~ ^[0-9]+$ ]] || usage
	if ((DEBUG)) && [[ -z $TREE ]]; then
		TREE=$("$HERE/debug-kernel.sh" --print) ||
			{ echo "run-vm: build the debug kernel first (make debug-kernel)" >&2; exit 125; }
	fi
	if ((DEBUG)); then
		MEMORY=2G
	fi
	if [[ -n $TREE ]]; then
		[[ $TREE == "$REPO"/* ]] ||
			{ echo "run-vm: --kernel-tree must lie inside $REPO" >&2; exit 125; }
		[[ -f $TREE/arch/x86/boot/bzImage && -f $TREE/include/config/kernel.release ]] ||
			{ echo "run-vm: no built kernel in $TREE" >&2; exit 125; }
		KVER=$(<"$TREE/include/config/kernel.release")
		return
	fi
	if [[ -z $KVER ]]; then
		KVER=$(list_kernels | tail -n1)
		[[ -n $KVER ]] || { echo "run-vm: no kernel with headers in /boot" >&2; exit 125; }
	fi
	[[ -f /boot/vmlinuz-$KVER ]] || { echo "run-vm: no /boot/vmlinuz-$KVER" >&2; exit 125; }
}

kernel_cmdline()
{
	local args="console=ttyS0 quiet panic=-1 xtfw_run=${RUN_DIR#"$REPO"/}"

	[[ -z $TREE ]] || args+=" xtfw_kmods=${TREE#"$REPO"/}"
	((DEBUG == 0)) || args+=" panic_on_warn=1 log_buf_len=8M xtfw_kmemleak=1"

	if ((${#CMD[@]} == 0)); then
		args+=" xtfw_shell=1 xtfw_term=${TERM:-vt100}"
		[[ -z ${TTY_SIZE:-} ]] || args+=" xtfw_tty=$TTY_SIZE"
	elif [[ -n $TIMEOUT ]] && ((TIMEOUT > 2 * BOOT_ALLOWANCE)); then
		args+=" xtfw_timeout=$((TIMEOUT - BOOT_ALLOWANCE))"
	fi
	echo "$args"
}

# The uncompressed kernel of /boot/vmlinuz-KVER, cached in build/vm/: QEMU
# boots it through its PVH entry point, which skips the bzImage's real-mode
# setup and decompressor (about 4 of the 9 seconds a 6.1 boot takes under
# TCG). Falls back to the bzImage when no ELF with a PVH note comes out.
boot_image()
{
	local bz=/boot/vmlinuz-$KVER out=$REPO/build/vm/vmlinux-$KVER
	local stamp offset

	# Not the PVH entry for a tree: 6.1's PVH setup code is KASAN
	# instrumented and runs before KASAN's shadow exists (the debug kernel
	# triple-faults at once), so it boots the bzImage.
	if [[ -n $TREE ]]; then
		echo "$TREE/arch/x86/boot/bzImage"
		return
	fi
	stamp=$(stat -L -c '%s %Y' "$bz")
	if [[ -f $out && $(cat "$out.stamp" 2>/dev/null) == "$stamp" ]]; then
		echo "$out"
		return
	fi
	# shellcheck disable=SC2013 # one number per line
	for offset in $(LC_ALL=C grep -obUaP '\xFD7zXZ\x00|\x28\xB5\x2F\xFD' "$bz" | cut -d: -f1); do
		{ tail -c "+$((offset + 1))" "$bz" | xz -dc || true; } >"$out.tmp" 2>/dev/null
		[[ -s $out.tmp ]] ||
			{ tail -c "+$((offset + 1))" "$bz" | zstd -qdc || true; } >"$out.tmp" 2>/dev/null
		# XEN_ELFNOTE_PHYS32_ENTRY (18) is the PVH entry point.
		if readelf -n "$out.tmp" 2>/dev/null | grep -q 'Xen.*0x00000012'; then
			mv "$out.tmp" "$out"
			echo "$stamp" >"$out.stamp"
			echo "$out"
			return
		fi
	done
	rm -f "$out.tmp"
	echo "$bz"
}

qemu_args()
{
	local initrd=$1 share=local,security_model=none,readonly=on,multidevs=remap

	# shellcheck disable=SC2054 # the commas belong to QEMU options
	QEMU=(qemu-system-x86_64
		-accel tcg,thread=multi -cpu max -m "$MEMORY" -smp 2
		-nographic -no-reboot -nic none
		-kernel "$(boot_image)" -initrd "$initrd"
		-append "$(kernel_cmdline)"
		-virtfs "$share,path=/,mount_tag=root"
		-virtfs "$share,path=$REPO,mount_tag=xtfw")
}

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup()
{
	if [[ -n $QEMU_PID ]]; then kill -KILL "$QEMU_PID" 2>/dev/null || true; fi
	if [[ -n $RUN_DIR ]]; then rm -rf "$RUN_DIR"; fi
}

seconds_since()
{
	awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }'
}

# Copy the console to stdout and the log line by line, note when the guest is
# up, and kill QEMU once the deadline has passed.
stream_console()
{
	local fd=$1 start=$2 deadline=$3 buf='' part line rc

	while :; do
		rc=0
		IFS= read -r -t 1 -u "$fd" part || rc=$?
		if ((rc > 128)); then
			buf+=$part
			if ((deadline > 0 && SECONDS >= deadline)); then
				TIMED_OUT=1
				kill -KILL "$QEMU_PID" 2>/dev/null || true
				deadline=0
			fi
			continue
		fi
		line=${buf}${part}
		buf=
		((rc == 0)) || [[ -n $line ]] || break
		line=${line%$'\r'}
		# SeaBIOS clears the screen: drop the terminal escapes.
		line=${line//$'\e'c/}
		line=${line//$'\e['*([0-9;?])[a-zA-Z]/}
		printf '%s\n' "$line"
		log_line "$line"
		if [[ $line == *XTFW-VM-READY* && -z $BOOT_TIME ]]; then
			BOOT_TIME=$(seconds_since "$start")
			say "guest up after ${BOOT_TIME}s (kernel $KVER)"
		fi
		((rc == 0)) || break
	done
}

# Decide the run's status from the console log; print why it failed.
verdict()
{
	local log=$1 status taint bad klog line

	if ((TIMED_OUT)); then
		say "FAIL: timeout after ${TIMEOUT}s, QEMU killed"
		return 124
	fi
	status=$(sed -n 's/^XTFW-VM-EXIT=\([0-9]\{1,3\}\)$/\1/p' "$log" | tail -n1)
	if [[ -z $status ]]; then
		say "FAIL: the guest printed no XTFW-VM-EXIT marker (crash or panic?)"
		status=125
	elif ((status == 124)) && grep -q '^xtfw-vm: command timed out' "$log"; then
		say "FAIL: the command timed out in the guest"
	fi

	klog=$( { grep -a -E '^\[ *[0-9]+\.[0-9]+\] ' "$log" || true; } | klog_bad_lines
		grep -a -E '^XTFW-VM-(KLOG|KMEMLEAK): ' "$log" || true)
	if [[ -n $klog ]]; then
		say "FAIL: the kernel reported problems:"
		while IFS= read -r line; do say "  $line"; done <<<"$klog"
		((status != 0)) || status=1
	fi

	taint=$(sed -n 's/^XTFW-VM-TAINT=\([0-9]*\)$/\1/p' "$log" | tail -n1)
	if [[ -n $taint ]]; then
		bad=$((taint & ~KLOG_TAINT_OK))
		if ((bad)); then
			say "FAIL: kernel taint $taint (bits $bad besides O/E)"
			((status != 0)) || status=1
		fi
	fi
	return "$status"
}

run_batch()
{
	local initrd=$1 fd start deadline=0 status=0

	printf '%q ' "${CMD[@]}" >"$RUN_DIR/cmd"
	echo >>"$RUN_DIR/cmd"
	qemu_args "$initrd"

	start=$EPOCHREALTIME
	[[ -z $TIMEOUT ]] || deadline=$((SECONDS + TIMEOUT))
	exec {fd}< <(exec "${QEMU[@]}" </dev/null 2>&1)
	QEMU_PID=$!
	TIMED_OUT=0
	BOOT_TIME=
	stream_console "$fd" "$start" "$deadline"
	exec {fd}<&-
	wait "$QEMU_PID" 2>/dev/null || true
	QEMU_PID=

	verdict "$CONSOLE" || status=$?
	say "$KVER: exit status $status after $(seconds_since "$start")s" \
	    "(boot ${BOOT_TIME:-?}s)"
	return "$status"
}

# Did the last run's kernel panic before the guest printed XTFW-VM-READY?
# Under TCG the debug kernel has been seen to take a KASAN report in an
# interrupt that arrived during identify_cpu(), 1.4 s into the boot; that
# is QEMU and the kernel's early boot, not the code under test, which only
# starts after READY.
early_death()
{
	((!TIMED_OUT)) && [[ -z $BOOT_TIME ]] &&
		grep -a -q 'Kernel panic - not syncing' "$CONSOLE"
}

run_shell()
{
	local initrd=$1

	: >"$RUN_DIR/cmd"
	# The guest's shell learns the terminal's size from here.
	if [[ -t 0 ]]; then
		TTY_SIZE=$(stty size | tr ' ' ',')
	fi
	qemu_args "$initrd"
	if [[ -n $TIMEOUT ]]; then
		timeout --foreground -k 5 "$TIMEOUT" "${QEMU[@]}" | tee "${LOG:-$CONSOLE}"
	else
		"${QEMU[@]}" | tee "${LOG:-$CONSOLE}"
	fi
}

main()
{
	local initrd status=0

	parse_args "$@"
	# The lock also covers the boot files, which runs of other checkouts
	# may be rebuilding in theirs.
	exec {LOCK_FD}>"${XTFW_VM_LOCK:-/tmp/xtfw-vm.lock}"
	if ! flock -n "$LOCK_FD"; then
		say "waiting for another VM to finish"
		flock "$LOCK_FD"
	fi

	if [[ -n $TREE ]]; then
		initrd=$REPO/build/vm/initramfs-builtin.cpio
		"$HERE/mkinitramfs.sh" --no-modules "$initrd"
	else
		initrd=$REPO/build/vm/initramfs-$KVER.cpio
		"$HERE/mkinitramfs.sh" "$KVER" "$initrd"
	fi

	trap cleanup EXIT
	trap 'exit 130' INT TERM
	RUN_DIR=$(mktemp -d "$REPO/build/vm/run.XXXXXX")
	# The verdict reads this private copy: --log may be clobbered by
	# another run that was given the same file.
	CONSOLE=$RUN_DIR/console.log
	exec {CONSOLE_FD}>"$CONSOLE"
	if [[ -n $LOG ]]; then
		mkdir -p "$(dirname "$LOG")"
		exec {LOG_FD}>"$LOG"
	fi

	if ((${#CMD[@]} == 0)); then
		run_shell "$initrd" || status=$?
	else
		run_batch "$initrd" || status=$?
		if ((status != 0)) && early_death; then
			say "the kernel died before the guest came up, before" \
			    "anything of xtfw ran: booting once more"
			exec {CONSOLE_FD}>&- {CONSOLE_FD}>"$CONSOLE"
			if [[ -n $LOG ]]; then
				exec {LOG_FD}>&- {LOG_FD}>"$LOG"
			fi
			log_line "run-vm: second boot (the first died early)"
			status=0
			run_batch "$initrd" || status=$?
		fi
	fi
	exit "$status"
}

main "$@"
