#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An xtctl stand-in backed by the kernel's own iptables-legacy, to check
# that a test asserts what iptables really does (xtctl promises the same
# command line and output):
#
#   XTFW_SKIP_LOAD=1 XTFW_XTCTL=$PWD/selftests/xtctl-iptables.sh \
#	selftests/run.sh 20-policy
#
# A leading -4/-6 picks iptables-legacy/ip6tables-legacy, as xtctl's does.

# "save" and "restore [OPTION...] [FILE]" map to the -save/-restore tools.

cmd=iptables-legacy
case ${1:-} in
-4|--ipv4)	shift ;;
-6|--ipv6)	cmd=ip6tables-legacy; shift ;;
esac
case ${1:-} in
save)		shift; exec "${cmd%-legacy}-legacy-save" "$@" ;;
restore)	shift; exec "${cmd%-legacy}-legacy-restore" "$@" ;;
esac
exec "$cmd" "$@"
