# xtfw: kernel module, xtctl and their tests.
#
#   make                 module for KDIR and xtctl
#   make modules-all     the module for every installed kernel (build/KVER/)
#   make check           build, userspace unit tests, VM selftests on all kernels
#   make check-debug     the selftests on a KASAN/lockdep/kmemleak kernel built
#                        from linux-source-6.1 (cached in build/debug-kernel/;
#                        hours under TCG, so not in check; TESTS=... for some)
#   make debug-kernel    only build that kernel
#   make demo            boot a VM and show xtfw filtering real traffic
#   make bench           forwarding benchmark in the VM vs iptables/nftables
#                        (BENCH_KERNEL=KVER, default the newest; not in check)
#   make insns           kernel instructions per forwarded packet, by function
#                        (a QEMU plugin counts them; INSNS_RULES=FILE,
#                        INSNS_ESTABLISHED=1, INSNS_FWS="xtfw nft legacy")
#   make deps            install what a fresh Debian 12 machine needs (apt)
#   make install         xtctl, xtfw-save/-restore, man pages, bash completion,
#                        xtfw.service, /etc/xtfw (DESTDIR, PREFIX=/usr)
#   make deb             xtfw-dkms and xtctl .deb files in build/deb/
#   make check-man / check-completion / check-deb   the host-side checks
#                        of those (check-man and check-completion are in check)

SHELL := /bin/bash
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' $(TOP)/dkms.conf)

# The running kernel's build dir if it exists, else the newest installed
# Debian headers.
KDIR ?= $(or $(wildcard /lib/modules/$(shell uname -r)/build),\
	     $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))
# The release the kernel reports (uname -r), which names /lib/modules/KVER.
KVER = $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)
KERNELS = $(sort $(notdir $(patsubst %/build,%,$(wildcard /lib/modules/*/build))))

MODULE_SRCS := $(wildcard $(TOP)/module/*.[ch]) $(TOP)/uapi/linux/xtfw.h \
	       $(TOP)/Kbuild $(TOP)/dkms.conf

.PHONY: all module modules-all xtctl check check-unit check-vm demo deps \
	vm-shell selftests check-debug debug-kernel \
	style sparse dkms-build dkms-install dkms-remove dkms-check install clean \
	install-xtctl install-data uninstall deb check-man check-completion \
	check-deb

all: module xtctl

# Each kernel builds in its own tree of symlinks, build/KVER, so objects
# of one kernel never mix with another's.
module:
	@test -n "$(KVER)" || { echo "no kernel headers at KDIR=$(KDIR)" >&2; exit 1; }
	@$(TOP)/scripts/mkbuildtree.sh $(TOP) $(TOP)/build/$(KVER)
	$(MAKE) -C $(KDIR) M=$(TOP)/build/$(KVER) W=1 modules

modules-all:
	@set -e; for k in $(KERNELS); do \
		$(MAKE) --no-print-directory module KDIR=/lib/modules/$$k/build; \
	done

xtctl:
	$(MAKE) -C $(TOP)/tools/xtctl

check-unit: xtctl
	$(MAKE) -s -C $(TOP)/tools/xtctl test

# check.sh builds the module for each kernel itself and counts a failed
# build as a failure, so that the summary line is always printed.
check-vm: xtctl
	$(TOP)/selftests/vm/check.sh $(TESTS)

# unit tests and VM selftests, summed up in one closing line
check: xtctl
	$(TOP)/scripts/check.sh $(TESTS)

# The debug kernel (selftests/vm/debug-kernel.sh): Debian's linux-source-6.1
# with KASAN, lockdep, kmemleak and the rest of debug-kernel/debug.config,
# built once under nice -n 19 (about 40 minutes on 2 cores) and cached.
debug-kernel:
	$(TOP)/selftests/vm/debug-kernel.sh

# The selftests on the debug kernel; fails on any KASAN, lockdep, WARNING,
# BUG or kmemleak report. Not part of check (see selftests/README.md).
check-debug: xtctl
	$(TOP)/selftests/vm/check.sh --debug $(TESTS)

# an interactive shell in the VM (VM_KERNEL=KVER, default the newest)
vm-shell: modules-all xtctl
	$(TOP)/selftests/vm/run-vm.sh $(if $(VM_KERNEL),--kernel $(VM_KERNEL))

# on a host with xtfw loaded (or loadable): the suite without a VM
selftests: xtctl
	$(TOP)/selftests/run.sh $(TESTS)

demo: modules-all xtctl
	$(TOP)/selftests/vm/demo.sh

deps:
	@$(TOP)/scripts/install-deps.sh

# The forwarding benchmark (selftests/bench/): results and plot go to
# selftests/bench/results/. Not part of check: it takes 20-30 minutes.
.PHONY: bench insns
bench:
	$(TOP)/selftests/bench/bench.sh $(if $(BENCH_KERNEL),--kernel $(BENCH_KERNEL))

# Kernel instructions per forwarded packet, by function, counted by a QEMU
# plugin (selftests/bench/insns/): a few minutes. INSNS_RULES=FILE,
# INSNS_ESTABLISHED=1 (the flow answered first), INSNS_LOAD=1 (the load of
# INSNS_RULES, per rule, instead of packets), INSNS_FWS (firewalls).
insns:
	$(TOP)/selftests/bench/insns/insns.sh $(if $(BENCH_KERNEL),--kernel $(BENCH_KERNEL)) \
		$(if $(INSNS_RULES),--rules $(INSNS_RULES)) \
		$(if $(filter 1,$(INSNS_ESTABLISHED)),--established) \
		$(if $(filter 1,$(INSNS_LOAD)),--load) $(INSNS_FWS)

CHECKPATCH ?= $(firstword $(wildcard /usr/src/linux-source-*/scripts/checkpatch.pl) \
			  $(wildcard /root/src/linux-source-*/scripts/checkpatch.pl))
style:
	@test -n "$(CHECKPATCH)" || { echo "checkpatch.pl not found (apt-get install linux-source-6.1 and unpack it)" >&2; exit 1; }
	$(CHECKPATCH) --no-tree --strict --terse --show-types \
		--ignore FILE_PATH_CHANGES,SPDX_LICENSE_TAG -f \
		$(TOP)/module/*.[ch] $(TOP)/uapi/linux/xtfw.h

sparse:
	@$(TOP)/scripts/mkbuildtree.sh $(TOP) $(TOP)/build/$(KVER)
	$(MAKE) -C $(KDIR) M=$(TOP)/build/$(KVER) C=2 W=1 modules

dkms-build:
	$(TOP)/scripts/dkms.sh build

dkms-install:
	$(TOP)/scripts/dkms.sh install

dkms-remove:
	$(TOP)/scripts/dkms.sh remove

# install for every kernel, check where it went, remove (what CI runs)
dkms-check:
	$(TOP)/scripts/dkms.sh check

# Where make install puts things; the deb build uses the same targets.
PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
UNITDIR ?= /lib/systemd/system
SYSCONFDIR ?= /etc

install: install-xtctl install-data

# xtctl and its bash completion (tools/xtctl/Makefile)
install-xtctl: xtctl
	$(MAKE) -C $(TOP)/tools/xtctl install DESTDIR=$(DESTDIR) \
		SBINDIR=$(SBINDIR) BASHCOMPDIR=$(BASHCOMPDIR)

# the rest: boot-time helpers, man pages, the systemd unit (which names
# the helpers in SBINDIR), the empty rules directory
install-data:
	install -D -m 0755 $(TOP)/packaging/xtfw-save $(DESTDIR)$(SBINDIR)/xtfw-save
	install -D -m 0755 $(TOP)/packaging/xtfw-restore $(DESTDIR)$(SBINDIR)/xtfw-restore
	install -D -m 0644 $(TOP)/doc/man/xtctl.8 $(DESTDIR)$(MANDIR)/man8/xtctl.8
	install -D -m 0644 $(TOP)/doc/man/xtfw-save.8 $(DESTDIR)$(MANDIR)/man8/xtfw-save.8
	ln -sfn xtfw-save.8 $(DESTDIR)$(MANDIR)/man8/xtfw-restore.8
	install -D -m 0644 $(TOP)/doc/man/xtfw.7 $(DESTDIR)$(MANDIR)/man7/xtfw.7
	install -d -m 0755 $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/xtfw
	sed 's|/usr/sbin/xtfw-|$(SBINDIR)/xtfw-|' $(TOP)/packaging/systemd/xtfw.service \
		> $(DESTDIR)$(UNITDIR)/xtfw.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/xtfw.service

# everything install put there, except /etc/xtfw and the rules in it
uninstall:
	rm -f $(DESTDIR)$(SBINDIR)/xtctl $(DESTDIR)$(SBINDIR)/xtfw-save \
		$(DESTDIR)$(SBINDIR)/xtfw-restore \
		$(DESTDIR)$(BASHCOMPDIR)/xtctl \
		$(DESTDIR)$(MANDIR)/man8/xtctl.8 $(DESTDIR)$(MANDIR)/man8/xtfw-save.8 \
		$(DESTDIR)$(MANDIR)/man8/xtfw-restore.8 $(DESTDIR)$(MANDIR)/man7/xtfw.7 \
		$(DESTDIR)$(UNITDIR)/xtfw.service

# Debian packages (packaging/deb/build.sh): build/deb/xtfw-dkms_*.deb and
# build/deb/xtctl_*.deb
deb:
	$(TOP)/packaging/deb/build.sh $(TOP)/build/deb

# host-side checks of the man pages, the bash completion and the packages
# (packaging/tests/); each ends with "N passed, N failed, N skipped"
check-man:
	$(TOP)/packaging/tests/check-man.sh

check-completion:
	$(TOP)/packaging/tests/check-completion.sh

# (check-deb also builds the module from the package with dkms; check runs
# it with --quick, without that build)
check-deb:
	$(TOP)/packaging/tests/check-deb.sh

clean:
	rm -rf $(TOP)/build
	$(MAKE) -C $(TOP)/tools/xtctl clean
