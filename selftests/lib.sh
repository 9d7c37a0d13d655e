# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Helpers for xtfw selftests, after tools/testing/selftests/net/lib.sh.
# A test sources this file first:
#
#	source "$(dirname "$0")/lib.sh"
#	xtfw_load
#	setup_ns client server		# sets $client, $server
#	...
#	check_eq "ping blocked" 1 "$rc"
#	ksft_exit
#
# Sourcing installs an EXIT trap that runs the commands given to defer (last
# first), kills the processes of every namespace made by setup_ns and deletes
# the namespaces. A test that needs its own cleanup uses defer, not trap.
#
# Exit status follows kselftest: 0 pass, 1 fail, 4 skip. Only ksft_skip
# produces 4; any other status that is neither 0 nor 1 (a stray "exit $?")
# is turned into 1, so that a failing command can never pass for a skip.
#
# Environment:
#   XTFW_KO         xtfw.ko to insmod when xtfw is not loaded (else modprobe)
#   XTFW_XTCTL      the xtctl to run (default: xtctl from PATH); $XTCTL is
#                   used unquoted, so it can be e.g. "valgrind -q xtctl"
#   XTFW_SKIP_LOAD  set to 1 to leave modules alone (e.g. to run a test
#                   against another implementation with XTFW_XTCTL)

# shellcheck disable=SC2034 # the values are for the tests
ksft_pass=0
ksft_fail=1
ksft_skip=4

XTCTL=${XTFW_XTCTL:-xtctl}
SELFTESTS_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=selftests/klog.sh
source "$SELFTESTS_DIR/klog.sh"

NS_LIST=()
DEFERRED=()
RET=0
KSFT_SKIPPED=0

# --- exit and cleanup -------------------------------------------------------

ksft_skip()
{
	echo "SKIP: $*"
	KSFT_SKIPPED=1
	exit "$ksft_skip"
}

ksft_fail()
{
	echo "FAIL: $*"
	exit "$ksft_fail"
}

ksft_pass()
{
	[[ $# -eq 0 ]] || echo "PASS: $*"
	exit "$ksft_pass"
}

# Exit with the test's result: 1 if any check failed, else 0.
ksft_exit()
{
	exit "$RET"
}

# Run "$@" when the test exits, before the namespaces are deleted.
defer()
{
	DEFERRED+=("$(printf '%q ' "$@")")
}

cleanup_ns()
{
	local ns pids

	for ns in "$@"; do
		pids=$(ip netns pids "$ns" 2>/dev/null)
		if [[ -n $pids ]]; then
			# shellcheck disable=SC2086 # a list of pids
			kill -TERM $pids 2>/dev/null
			if ! busywait 2000 _ns_has_no_pids "$ns"; then
				pids=$(ip netns pids "$ns" 2>/dev/null)
				# shellcheck disable=SC2086
				kill -KILL $pids 2>/dev/null
			fi
		fi
		ip netns del "$ns" 2>/dev/null
	done
}

_ns_has_no_pids()
{
	[[ -z $(ip netns pids "$1" 2>/dev/null) ]]
}

cleanup_all_ns()
{
	cleanup_ns "${NS_LIST[@]}"
	NS_LIST=()
}

# shellcheck disable=SC2317 # run from the EXIT trap
_lib_exit()
{
	local rc=$? i

	trap - EXIT
	for ((i = ${#DEFERRED[@]} - 1; i >= 0; i--)); do
		eval "${DEFERRED[i]}"
	done
	cleanup_all_ns
	if ((rc == ksft_skip && !KSFT_SKIPPED)) || ((rc != 0 && rc != 1 && rc != ksft_skip)); then
		echo "exit status $rc: counted as a failure"
		rc=$ksft_fail
	fi
	exit "$rc"
}

trap _lib_exit EXIT
trap 'echo "interrupted"; exit 1' INT TERM HUP

# --- requirements -------------------------------------------------------------

require_root()
{
	((EUID == 0)) || ksft_skip "needs root"
}

require_cmd()
{
	local cmd

	for cmd in "$@"; do
		command -v "$cmd" >/dev/null || ksft_skip "needs $cmd"
	done
}

# The program $XTCTL runs: its last word, so that wrappers are allowed.
require_xtctl()
{
	local -a words

	read -r -a words <<<"$XTCTL"
	command -v "${words[-1]}" >/dev/null ||
		ksft_skip "xtctl not found: $XTCTL (build it or set XTFW_XTCTL)"
}

# Make sure the xtfw module is loaded. Skips when modules cannot be loaded
# here or no module is available; fails when a module is there and does not
# load (a broken module must not look like a skip).
xtfw_load()
{
	local dep

	require_root
	[[ ${XTFW_SKIP_LOAD:-0} == 1 ]] && return 0
	[[ -d /sys/module/xtfw ]] && return 0
	[[ -e /proc/modules ]] || ksft_skip "this kernel cannot load modules"

	if [[ -n ${XTFW_KO:-} ]]; then
		[[ -f $XTFW_KO ]] || ksft_skip "XTFW_KO=$XTFW_KO does not exist"
		# insmod does not resolve dependencies (nf_defrag_*, nf_reject_*).
		[[ -n ${_XTFW_DEPS+set} ]] ||
			_XTFW_DEPS=$(modinfo -F depends "$XTFW_KO" | tr ',' ' ')
		for dep in $_XTFW_DEPS; do
			[[ -d /sys/module/$dep ]] || modprobe "$dep" ||
				ksft_fail "cannot load $dep, needed by xtfw"
		done
		run insmod "$XTFW_KO" || ksft_fail "insmod $XTFW_KO failed"
	else
		modinfo xtfw >/dev/null 2>&1 || ksft_skip "no xtfw module (set XTFW_KO)"
		run modprobe xtfw || ksft_fail "modprobe xtfw failed"
	fi
}

xtfw_unload()
{
	[[ ${XTFW_SKIP_LOAD:-0} == 1 ]] && return 0
	[[ -d /sys/module/xtfw ]] || return 0
	run rmmod xtfw
}

# --- namespaces and commands --------------------------------------------------

# setup_ns NAME...: create one namespace per NAME, called NAME-<random>, with
# lo up, and set the variable NAME to its name. Deleted when the test exits.
setup_ns()
{
	local var ns

	for var in "$@"; do
		ns="$var-$(mktemp -u XXXXXX)"
		ip netns add "$ns" || ksft_fail "cannot create namespace $ns"
		NS_LIST+=("$ns")
		ip -n "$ns" link set lo up || ksft_fail "cannot set lo up in $ns"
		printf -v "$var" '%s' "$ns"
	done
}

# Echo a command (to stderr), then run it (like WireGuard's netns.sh).
run()
{
	echo "[+] $*" >&2
	"$@"
}

# ns_exec NS CMD...: echo, then run CMD in namespace NS.
ns_exec()
{
	local ns=$1
	shift

	echo "[+] ${ns%-*}: $*" >&2
	ip netns exec "$ns" "$@"
}

# ns_xtctl NS ARGS...: run $XTCTL in namespace NS.
ns_xtctl()
{
	local ns=$1
	shift

	# shellcheck disable=SC2086 # $XTCTL may be a command with arguments
	ns_exec "$ns" $XTCTL "$@"
}

# veth_pair NS1 NS2 [IF1 [IF2]]: connect NS1 and NS2 with a veth pair (named
# veth0 in both by default) and set both ends up.
veth_pair()
{
	local ns1=$1 ns2=$2 if1=${3:-veth0} if2=${4:-veth0}

	if ! ip link add "$if1" netns "$ns1" type veth peer name "$if2" netns "$ns2" ||
	   ! ip -n "$ns1" link set "$if1" up || ! ip -n "$ns2" link set "$if2" up; then
		ksft_fail "cannot connect $ns1 and $ns2"
	fi
}

# connect_ns NS1 IF1 NS2 IF2 N: a veth between NS1 (IF1) and NS2 (IF2) on
# subnet N, both ends up:
#   NS1: 10.0.N.1/24 fd00:N::1/64 02:00:00:00:N:01
#   NS2: 10.0.N.2/24 fd00:N::2/64 02:00:00:00:N:02
# IPv6 neighbours are static and DAD is off, so no neighbour discovery
# passes through a firewall under test and packet counters stay exact.
connect_ns()
{
	local ns1=$1 if1=$2 ns2=$3 if2=$4 n=$5 mac1 mac2

	mac1=$(printf '02:00:00:00:%02x:01' "$n")
	mac2=$(printf '02:00:00:00:%02x:02' "$n")
	veth_pair "$ns1" "$ns2" "$if1" "$if2"
	if ! ip -n "$ns1" link set "$if1" address "$mac1" ||
	   ! ip -n "$ns2" link set "$if2" address "$mac2" ||
	   ! ip -n "$ns1" addr add "10.0.$n.1/24" dev "$if1" ||
	   ! ip -n "$ns2" addr add "10.0.$n.2/24" dev "$if2" ||
	   ! ip -n "$ns1" addr add "fd00:$n::1/64" dev "$if1" nodad ||
	   ! ip -n "$ns2" addr add "fd00:$n::2/64" dev "$if2" nodad ||
	   ! ip -n "$ns1" neigh replace "fd00:$n::2" lladdr "$mac2" dev "$if1" nud permanent ||
	   ! ip -n "$ns2" neigh replace "fd00:$n::1" lladdr "$mac1" dev "$if2" nud permanent; then
		ksft_fail "cannot configure the link between $ns1 and $ns2"
	fi
}

# ping_once NS ADDR [WAIT_S]: one echo request; succeeds if answered.
ping_once()
{
	ns_exec "$1" ping -c 1 -W "${3:-2}" "$2" >/dev/null
}

# start_tcp_server NS PORT: answer "hello" to every TCP connection on PORT,
# over IPv4 and IPv6; returns once both listen. Killed with the namespace.
start_tcp_server()
{
	local ns=$1 port=$2

	ip netns exec "$ns" socat "TCP4-LISTEN:$port,reuseaddr,fork" SYSTEM:"echo hello" &
	ip netns exec "$ns" socat "TCP6-LISTEN:$port,ipv6only=1,reuseaddr,fork" SYSTEM:"echo hello" &
	busywait 5000 _tcp_listeners_up "$ns" "$port" ||
		ksft_fail "the TCP server on port $port in $ns did not start"
}

_tcp_listeners_up()
{
	[[ $(ip netns exec "$1" ss -Hltn "sport = :$2" | wc -l) -ge 2 ]]
}

# tcp_hello NS ADDR PORT [TIMEOUT_S]: connect from NS, print what the server
# said ("hello"), fail if the connection cannot be made in time (default
# 3 s; either times XTFW_TIMEOUT_SCALE).
tcp_hello()
{
	local ns=$1 addr=$2 port=$3 proto=TCP4
	local timeout=$((${4:-3} * ${XTFW_TIMEOUT_SCALE:-1}))

	if [[ $addr == *:* ]]; then
		proto=TCP6
		addr="[$addr]"
	fi
	# -t: stdin is at EOF at once; wait for the answer, not socat's 0.5s
	ns_exec "$ns" socat -t "$timeout" -T "$timeout" - \
		"$proto:$addr:$port,connect-timeout=$timeout" </dev/null 2>/dev/null
}

# --- waiting ------------------------------------------------------------------

_now_ms()
{
	local t=${EPOCHREALTIME/[.,]/}

	echo $((t / 1000))
}

# busywait TIMEOUT_MS CMD...: run CMD until it succeeds, for at most
# TIMEOUT_MS (times XTFW_TIMEOUT_SCALE: a wait for success only gets longer
# on a slow kernel). Returns 0 on success, else CMD's last status. CMD's
# stdout of the last attempt is printed. Sleeps 10ms between attempts (TCG
# guests are slow enough without a spinning shell).
busywait()
{
	local timeout=$(($1 * ${XTFW_TIMEOUT_SCALE:-1})) start out rc
	shift

	start=$(_now_ms)
	while :; do
		out=$("$@")
		rc=$?
		if ((rc == 0)) || (($(_now_ms) - start > timeout)); then
			[[ -z $out ]] || echo "$out"
			return "$rc"
		fi
		sleep 0.01
	done
}

# slowwait TIMEOUT_S CMD...: as busywait (scaled alike), polling every 100ms.
slowwait()
{
	local timeout=$(($1 * ${XTFW_TIMEOUT_SCALE:-1})) deadline out rc
	shift

	deadline=$(($(_now_ms) + timeout * 1000))
	while :; do
		out=$("$@")
		rc=$?
		if ((rc == 0)) || (($(_now_ms) > deadline)); then
			[[ -z $out ]] || echo "$out"
			return "$rc"
		fi
		sleep 0.1
	done
}

_port_listening()
{
	local ns=$1 port=$2 proto=$3

	[[ -n $(ip netns exec "$ns" ss -Hln --"$proto" "sport = :$port") ]]
}

# wait_local_port_listen NS PORT [tcp|udp]: wait up to 5s for a listener.
wait_local_port_listen()
{
	busywait 5000 _port_listening "$1" "$2" "${3:-tcp}" ||
		ksft_fail "nothing listens on ${3:-tcp} port $2 in $1"
}

# --- xtctl output ---------------------------------------------------------------

# policy_line NS CHAIN [XTCTL OPTION...]: the "Chain CHAIN (policy ...)" line
# of "$XTCTL [OPTION...] -L CHAIN -n", e.g. policy_line "$ns" INPUT -6 -v -x.
policy_line()
{
	local ns=$1 chain=$2
	shift 2

	ns_xtctl "$ns" "$@" -L "$chain" -n | head -n1
}

# policy_counters NS CHAIN [-4|-6]: "PACKETS BYTES" of the chain's policy.
policy_counters()
{
	local line

	line=$(policy_line "$1" "$2" ${3:+"$3"} -v -x)
	if [[ $line =~ \(policy\ [A-Z]+\ ([0-9]+)\ packets,\ ([0-9]+)\ bytes\) ]]; then
		echo "${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
	else
		echo "unparsable: $line"
	fi
}

# --- checks -------------------------------------------------------------------

_check_result()
{
	local ok=$1 name=$2

	if ((ok)); then
		echo "PASS: $name"
		return 0
	fi
	echo "FAIL: $name"
	RET=$ksft_fail
	return 1
}

# Longer values are compared as a diff, and only its start is shown.
CHECK_MAX_LINES=20

# check_eq NAME EXPECTED ACTUAL
check_eq()
{
	[[ $2 == "$3" ]] && { _check_result 1 "$1"; return; }
	_check_result 0 "$1"
	if (($(wc -l <<<"$2") > CHECK_MAX_LINES || $(wc -l <<<"$3") > CHECK_MAX_LINES)); then
		echo "  expected ($(wc -l <<<"$2") lines) vs actual ($(wc -l <<<"$3") lines):"
		diff -u --label expected --label actual <(echo "$2") <(echo "$3") |
			head -n $((2 * CHECK_MAX_LINES)) | sed 's/^/  /'
		return 1
	fi
	echo "  expected: ${2//$'\n'/$'\n            '}"
	echo "  actual:   ${3//$'\n'/$'\n            '}"
	return 1
}

# check_match NAME ERE ACTUAL
check_match()
{
	[[ $3 =~ $2 ]] && { _check_result 1 "$1"; return; }
	_check_result 0 "$1"
	echo "  expected to match: $2"
	echo "  actual:            ${3//$'\n'/$'\n                     '}"
	return 1
}

# check_ok NAME CMD...: CMD must succeed.
check_ok()
{
	local name=$1 rc=0
	shift

	"$@" || rc=$?
	((rc == 0)) && { _check_result 1 "$name"; return; }
	_check_result 0 "$name"
	echo "  expected success, got exit status $rc from: $*"
	return 1
}

# check_fail NAME CMD...: CMD must fail.
check_fail()
{
	local name=$1 rc=0
	shift

	"$@" || rc=$?
	((rc != 0)) && { _check_result 1 "$name"; return; }
	_check_result 0 "$name"
	echo "  expected failure, but succeeded: $*"
	return 1
}
