#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Real-world rulesets through xtctl save/restore, then with real traffic.
#
# ufw: the real ufw package, run in a scratch namespace on the kernel's
# iptables-legacy (its config on a tmpfs in a private mount namespace, so
# the machine's ufw setup is neither used nor touched), configured with
# typical rules; its iptables-save and ip6tables-save output loads with
# "xtctl restore" / "xtctl -6 restore", saves back byte-identical (and the
# saved text round-trips), and behaves as ufw means it to:
#
#   client 10.0.1.1 fd00:1::1 ──── fw 10.0.1.2 fd00:1::2 (ufw's rules)
#
#   22/tcp limit: 5 new connections pass, the 6th is rejected (ICMP)
#   80 from 10.0.0.0/8 passes (IPv4 only), 8080/tcp from fd00:1::/64
#   passes (IPv6 only), 23/tcp is refused by a TCP reset, anything else
#   is dropped by the INPUT policy after ufw's LOG; fw's own connections
#   to port 25 are dropped in OUTPUT, to other ports they pass.
#
# Docker: tools/xtctl/tests/golden/docker.v4.save (nat and filter tables as
# Docker writes them) loads, round-trips, publishes container port 80 as
# the host's 8080 (DNAT from outside and from the host itself) and
# masquerades the container's own connections out:
#
#   container 172.17.0.2 ── docker0 172.17.0.1  dhost  wan0 10.0.2.1 ── outside
#   default via 172.17.0.1  (bridge)                          10.0.2.2, no route
#                                                             to 172.17.0.0/16
#
# Each server answers with the address it saw the connection come from,
# and the DOCKER chains' rules count exactly one packet per connection.
#
# timeout: 600

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=selftests/mt_lib.sh
source "$(dirname "$0")/mt_lib.sh"
# shellcheck source=selftests/ct_lib.sh
source "$(dirname "$0")/ct_lib.sh"

DOCKER_SAVE=$SELFTESTS_DIR/../tools/xtctl/tests/golden/docker.v4.save

declare ufwns client fw dhost container outside
dir=

# --- helpers ------------------------------------------------------------------

# no_comments: stdin without iptables-save's "#" lines.
no_comments()
{
	grep -v '^#'
}

# tables FILE|-: the names of the tables in iptables-save text, sorted.
tables()
{
	sed -n 's/^\*//p' "$@" | sort
}

# table_text FILE|-  TABLE: that table's part of iptables-save text, from
# "*TABLE" to its COMMIT, without comments.
table_text()
{
	awk -v t="*$2" '$0 == t { on = 1 } on && !/^#/ { print } on && /^COMMIT$/ { on = 0 }' "$1"
}

# check_roundtrip NAME NS FAMILY FILE: FILE restores into NS, every table
# saves back byte-identical (comments aside; iptables-save orders tables as
# they were loaded, xtctl in a fixed order), and that saved text restores
# and saves identically again.
check_roundtrip()
{
	local name=$1 ns=$2 fam=$3 file=$4 saved table

	check_ok "$name: xtctl $fam restore" ns_xtctl "$ns" "$fam" restore "$file" ||
		return
	saved=$(ns_xtctl "$ns" "$fam" save | no_comments)
	check_eq "$name: save has the file's tables" "$(tables "$file")" \
		"$(tables <<<"$saved")"
	for table in $(tables "$file"); do
		check_eq "$name: xtctl $fam save prints the $table table back" \
			"$(table_text "$file" "$table")" \
			"$(table_text - "$table" <<<"$saved")"
	done
	echo "$saved" >"$file.saved"
	check_ok "$name: the saved text restores" \
		ns_xtctl "$ns" "$fam" restore "$file.saved"
	check_eq "$name: and saves identically again" \
		"$saved" "$(ns_xtctl "$ns" "$fam" save | no_comments)"
}

# tcp_try NS ADDR PORT [TIMEOUT_S]: open a TCP connection from NS and print
# what happened: the server's answer, "refused" (a reset or an ICMP error
# came back) or "timeout" (no answer). A connect timeout below 1s sends
# exactly one SYN: the first retransmission comes after 1s.
tcp_try()
{
	local ns=$1 addr=$2 port=$3 timeout=${4:-3} proto=TCP4 out

	if [[ $addr == *:* ]]; then
		proto=TCP6
		addr="[$addr]"
	fi
	echo "[+] ${ns%-*}: socat $proto:$addr:$port (timeout ${timeout}s)" >&2
	out=$(ip netns exec "$ns" socat -t "$timeout" -T "$timeout" - \
		"$proto:$addr:$port,connect-timeout=$timeout" </dev/null 2>&1)
	case $out in
	*"Connection refused"*)	echo refused ;;
	*"timed out"*)		echo timeout ;;
	*)			echo "$out" ;;
	esac
}

# start_whoami NS PORT: a TCP server on PORT (IPv4) that answers
# "from PEER to LOCAL port PORT" and closes.
start_whoami()
{
	# shellcheck disable=SC2016 # socat's variables, for the shell it runs
	ip netns exec "$1" socat "TCP4-LISTEN:$2,reuseaddr,fork" \
		SYSTEM:'echo "from $SOCAT_PEERADDR to $SOCAT_SOCKADDR port $SOCAT_SOCKPORT"' &
	wait_local_port_listen "$1" "$2"
}

# policy_pkts NS FAMILY TABLE CHAIN: the packet count of CHAIN's policy.
policy_pkts()
{
	local line

	line=$(ns_xtctl "$1" "$2" -t "$3" -L "$4" -v -x -n | head -n1)
	if [[ $line =~ \(policy\ [A-Z]+\ ([0-9]+)\ packets ]]; then
		echo "${BASH_REMATCH[1]}"
	else
		echo "unparsable: $line"
	fi
}

# --- ufw ------------------------------------------------------------------------

# What ufw needs, in a mount namespace of its own: /etc/ufw writable (the
# rule files, ufw.conf; Debian keeps user*.rules there, /lib/ufw only holds
# ufw-init) and /etc/default/ufw (the policies). Both start as the
# package's defaults. ufw runs /usr/sbin/iptables*, which Debian points at
# iptables-nft: here they run xtables-legacy-multi (it picks its tool by
# the name it is called under). The lock is /run/ufw.lock.
# shellcheck disable=SC2016 # expanded by the inner shell
UFW_SCRIPT='
set -e
out=$1
mount -t tmpfs -o mode=0755 ufw-test /etc/ufw
for f in before.rules before6.rules after.rules after6.rules user.rules \
	 user6.rules ufw.conf before.init after.init; do
	install -m 0640 "/usr/share/ufw/$f" "/etc/ufw/$f"
done
mkdir /etc/ufw/applications.d
: >/etc/ufw/sysctl.conf
cat >"$out/default" <<EOF
IPV6=yes
DEFAULT_INPUT_POLICY="DROP"
DEFAULT_OUTPUT_POLICY="ACCEPT"
DEFAULT_FORWARD_POLICY="DROP"
DEFAULT_APPLICATION_POLICY="SKIP"
MANAGE_BUILTINS=no
IPT_SYSCTL=/etc/ufw/sysctl.conf
IPT_MODULES=""
EOF
mount --bind "$out/default" /etc/default/ufw
legacy=$(readlink -f /usr/sbin/xtables-legacy-multi)
for real in $(readlink -f /usr/sbin/iptables /usr/sbin/ip6tables \
	/usr/sbin/iptables-restore /usr/sbin/ip6tables-restore | sort -u); do
	[ "$real" = "$legacy" ] || mount --bind "$legacy" "$real"
done
iptables -V
ufw default deny incoming
ufw allow 22/tcp
ufw limit ssh
ufw allow from 10.0.0.0/8 to any port 80
ufw reject 23/tcp
ufw deny out 25
ufw allow from fd00:1::/64 to any port 8080 proto tcp
ufw --force enable
ufw status verbose
iptables-legacy-save >"$out/ufw.v4"
ip6tables-legacy-save >"$out/ufw.v6"
'

# Run ufw; skip, with its own words, if it cannot run here.
ufw_generate()
{
	local rc=0

	setup_ns ufwns
	echo "[+] ${ufwns%-*}: ufw (its output in $dir/ufw.log)" >&2
	ip netns exec "$ufwns" unshare -m bash -c "$UFW_SCRIPT" ufw-test "$dir" \
		>"$dir/ufw.log" 2>&1 || rc=$?
	sed 's/^/  ufw: /' "$dir/ufw.log"
	((rc == 0)) ||
		ksft_skip "ufw cannot run here (exit status $rc): $(tail -n1 "$dir/ufw.log")"
	[[ -s $dir/ufw.v4 && -s $dir/ufw.v6 ]] ||
		ksft_skip "ufw left no rules in iptables-legacy"
	grep -q -- '-A ufw-user-input' "$dir/ufw.v4" ||
		ksft_fail "ufw's IPv4 rules lack its user rules"
	cleanup_ns "$ufwns"
}

test_ufw()
{
	local fam i port log0 pol0

	ufw_generate
	setup_ns client fw
	# The round trips run before any link exists: no packet (such as an
	# IGMP or MLD report) can move a counter that save prints.
	check_roundtrip "ufw IPv4" "$fw" -4 "$dir/ufw.v4"
	check_roundtrip "ufw IPv6" "$fw" -6 "$dir/ufw.v6"

	connect_ns "$client" veth0 "$fw" veth0 1
	for port in 22 80 8080 23; do
		start_tcp_server "$fw" "$port"
	done
	start_tcp_server "$client" 25
	start_tcp_server "$client" 26

	# IPv4 --------------------------------------------------------------
	fam=-4
	for i in 1 2 3 4 5; do
		check_eq "$fam 22/tcp limit: connection $i passes" hello \
			"$(tcp_try "$client" 10.0.1.2 22)"
	done
	check_eq "$fam 22/tcp limit: the 6th within 30s is rejected" refused \
		"$(tcp_try "$client" 10.0.1.2 22)"
	check_eq "$fam 80 from 10.0.0.0/8 passes" hello \
		"$(tcp_try "$client" 10.0.1.2 80)"
	check_eq "$fam 23/tcp is refused" refused \
		"$(tcp_try "$client" 10.0.1.2 23)"
	log0=$(rule_pkts "$fw" "$fam" filter ufw-after-logging-input 1)
	pol0=$(policy_pkts "$fw" "$fam" filter INPUT)
	check_eq "$fam 8080 (IPv6-only rule) is dropped" timeout \
		"$(tcp_try "$client" 10.0.1.2 8080 0.5)"
	check_eq "$fam the dropped SYN was logged once" 1 \
		"$(($(rule_pkts "$fw" "$fam" filter ufw-after-logging-input 1) - log0))"
	check_eq "$fam and dropped once by the INPUT policy" 1 \
		"$(($(policy_pkts "$fw" "$fam" filter INPUT) - pol0))"
	check_eq "$fam fw -> port 25 is dropped in OUTPUT" timeout \
		"$(tcp_try "$fw" 10.0.1.1 25 0.5)"
	check_eq "$fam fw -> port 26 passes" hello "$(tcp_try "$fw" 10.0.1.1 26)"
	# 22: --set 6, --update hit 1, accepted 5; 80 tcp 1, 80 udp 0; 23 1
	check_eq "$fam ufw-user-input counters" "6 1 5 1 0 1" \
		"$(rule_counts "$fw" "$fam" filter ufw-user-input)"
	check_eq "$fam ufw-user-limit counters (LOG, REJECT)" "1 1" \
		"$(rule_counts "$fw" "$fam" filter ufw-user-limit)"
	check_eq "$fam ufw-user-limit-accept counters" 5 \
		"$(rule_counts "$fw" "$fam" filter ufw-user-limit-accept)"
	check_eq "$fam ufw-user-output counters (tcp 25, udp 25)" "1 0" \
		"$(rule_counts "$fw" "$fam" filter ufw-user-output)"

	# IPv6 --------------------------------------------------------------
	fam=-6
	check_eq "$fam 22/tcp limit: a connection passes" hello \
		"$(tcp_try "$client" fd00:1::2 22)"
	check_eq "$fam 8080 from fd00:1::/64 passes" hello \
		"$(tcp_try "$client" fd00:1::2 8080)"
	check_eq "$fam 23/tcp is refused" refused \
		"$(tcp_try "$client" fd00:1::2 23)"
	log0=$(rule_pkts "$fw" "$fam" filter ufw6-after-logging-input 1)
	pol0=$(policy_pkts "$fw" "$fam" filter INPUT)
	check_eq "$fam 80 (IPv4-only rule) is dropped" timeout \
		"$(tcp_try "$client" fd00:1::2 80 0.5)"
	check_eq "$fam the dropped SYN was logged once" 1 \
		"$(($(rule_pkts "$fw" "$fam" filter ufw6-after-logging-input 1) - log0))"
	check_eq "$fam and dropped once by the INPUT policy" 1 \
		"$(($(policy_pkts "$fw" "$fam" filter INPUT) - pol0))"
	check_eq "$fam fw -> port 25 is dropped in OUTPUT" timeout \
		"$(tcp_try "$fw" fd00:1::1 25 0.5)"
	check_eq "$fam fw -> port 26 passes" hello "$(tcp_try "$fw" fd00:1::1 26)"
	# 22: --set 1, --update 0 (IPv4's hits do not count), accepted 1;
	# 23 1; 8080 1
	check_eq "$fam ufw6-user-input counters" "1 0 1 1 1" \
		"$(rule_counts "$fw" "$fam" filter ufw6-user-input)"
	check_eq "$fam ufw6-user-limit counters" "0 0" \
		"$(rule_counts "$fw" "$fam" filter ufw6-user-limit)"
	check_eq "$fam ufw6-user-output counters (tcp 25, udp 25)" "1 0" \
		"$(rule_counts "$fw" "$fam" filter ufw6-user-output)"
	cleanup_ns "$client" "$fw"
}

# --- Docker ---------------------------------------------------------------------

docker_topology()
{
	connect_ns "$dhost" wan0 "$outside" veth0 2
	if ! ip -n "$dhost" link add docker0 type bridge stp_state 0 forward_delay 0 ||
	   ! ip -n "$dhost" addr add 172.17.0.1/16 dev docker0 ||
	   ! ip -n "$dhost" link set docker0 up ||
	   ! ip link add vethc0 netns "$dhost" type veth peer name eth0 netns "$container" ||
	   ! ip -n "$dhost" link set vethc0 master docker0 ||
	   ! ip -n "$dhost" link set vethc0 up ||
	   ! ip -n "$container" link set eth0 up ||
	   ! ip -n "$container" addr add 172.17.0.2/16 dev eth0 ||
	   ! ip -n "$container" route add default via 172.17.0.1 ||
	   ! ip netns exec "$dhost" sysctl -qw net.ipv4.ip_forward=1; then
		ksft_fail "cannot build the Docker host"
	fi
}

test_docker()
{
	local docker=$dir/docker.v4.save

	cp "$DOCKER_SAVE" "$docker" || ksft_fail "cannot read $DOCKER_SAVE"
	setup_ns dhost container outside
	# Before the links: the IGMP reports of new addresses cross OUTPUT.
	check_roundtrip "Docker" "$dhost" -4 "$docker"
	docker_topology

	start_whoami "$container" 80
	start_whoami "$outside" 9000

	check_eq "outside -> host:8080 reaches the container (DNAT)" \
		"from 10.0.2.2 to 172.17.0.2 port 80" \
		"$(tcp_try "$outside" 10.0.2.1 8080)"
	check_eq "the host itself -> 10.0.2.1:8080 too (DNAT in OUTPUT)" \
		"from 10.0.2.1 to 172.17.0.2 port 80" \
		"$(tcp_try "$dhost" 10.0.2.1 8080)"
	check_eq "container -> outside is masqueraded" \
		"from 10.0.2.1 to 10.0.2.2 port 9000" \
		"$(tcp_try "$container" 10.0.2.2 9000)"
	check_eq "container -> host:8080 is not DNATed (DOCKER -i docker0 RETURN)" \
		refused "$(tcp_try "$container" 10.0.2.1 8080)"
	check_eq "outside -> host:5432 is not DNATed (published on 127.0.0.1 only)" \
		refused "$(tcp_try "$outside" 10.0.2.1 5432)"

	# First packets only: the PREROUTING jumps of 8080, the hairpin and
	# 5432; OUTPUT's of the host's own connection; one MASQUERADE.
	check_eq "nat PREROUTING counters" 3 \
		"$(rule_counts "$dhost" -4 nat PREROUTING)"
	check_eq "nat OUTPUT counters" 1 "$(rule_counts "$dhost" -4 nat OUTPUT)"
	check_eq "nat DOCKER counters (RETURN docker0, RETURN br-, DNAT 8080, DNAT 5432)" \
		"1 0 2 0" "$(rule_counts "$dhost" -4 nat DOCKER)"
	check_eq "nat POSTROUTING counters (MASQUERADE 172.17/16 first)" "1 0 0 0" \
		"$(rule_counts "$dhost" -4 nat POSTROUTING)"
	check_eq "filter DOCKER counters (the forwarded SYN to port 80)" "1 0" \
		"$(rule_counts "$dhost" -4 filter DOCKER)"
	check_eq "filter FORWARD -o docker0 -j DOCKER counted it" 1 \
		"$(rule_pkts "$dhost" -4 filter FORWARD 4)"
	check_eq "nothing forwarded fell to the FORWARD DROP policy" 0 \
		"$(policy_pkts "$dhost" -4 filter FORWARD)"
}

# --- main -------------------------------------------------------------------------

require_root
require_cmd ip socat ss unshare mount iptables-legacy-save ip6tables-legacy-save
[[ -f $DOCKER_SAVE ]] || ksft_skip "no $DOCKER_SAVE"
xtfw_load
require_xtctl
ct_require
command -v ufw >/dev/null || ksft_skip "needs ufw (scripts/install-deps.sh installs it)"

dir=$(mktemp -d)
defer rm -rf "$dir"

test_ufw
test_docker

ksft_exit
