#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What xtfw.service does at boot, against the real module: xtfw-save
# writes the running rulesets (both families, several tables) and the
# changed conntrack settings of a namespace; a new namespace, with no
# tables and the default settings, gets exactly the same rulesets (xtctl
# save identical; counters start from zero) and settings back from
# xtfw-restore, and its traffic follows the restored rules and timeouts.
# A corrupted rules file fails and leaves the running ruleset untouched,
# counters included, while the other family is still restored; bad
# conntrack lines are reported by number and the others apply.
#
# The packaging scripts come from the tree (packaging/), or, with
# XTFW_DEB=xtctl_*.deb, from that package, unpacked beside the test
# together with its xtctl (the guest cannot dpkg -i: its root is the
# host's, read-only).
#
#   client veth0 10.0.1.1 fd00:1::1 ── server veth0 10.0.1.2 fd00:1::2
#                                      tcp/22, tcp/80 (socat "hello")
#   later the server namespace is deleted and a new one, server2, takes
#   its place with the same addresses.
#
# timeout: 300

# shellcheck source=selftests/lib.sh
source "$(dirname "$0")/lib.sh"

declare client server server2 server3

RULES4="*mangle
:PREROUTING ACCEPT [3:180]
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
[4:240] -A PREROUTING -p tcp -m tcp --dport 22 -j MARK --set-xmark 0x16/0xffffffff
COMMIT
*filter
:INPUT DROP [11:660]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [3:180]
:web - [0:0]
[5:300] -A INPUT -i lo -j ACCEPT
[40:2400] -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
[2:168] -A INPUT -p icmp -j ACCEPT
[7:420] -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
[1:60] -A INPUT -p tcp -j web
[9:540] -A web -s 10.0.1.1/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset
COMMIT"

RULES6="*filter
:INPUT DROP [2:160]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
[6:480] -A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
[3:240] -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT"

# What xtfw-save must keep: each differs from the module's default.
CT_SETTINGS="max 3000
tcp_loose 0
timeout tcp established 7200
timeout udp stream 90
timeout icmp 15
timeout generic 300"

# shellcheck disable=SC2317 # run through check_ok
X() { ns_xtctl "$server" "$@"; }
X2() { ns_xtctl "$server2" "$@"; }

# settings NS: every conntrack setting, as xtfw-save reads them
settings()
{
	ns_xtctl "$1" ct get max && ns_xtctl "$1" ct get tcp_loose &&
		ns_xtctl "$1" ct get timeout
}

# ruleset NS [-6]: "xtctl save" without its dated comments and with the
# policy counters, which a restore without -c does not take, left out
ruleset()
{
	ns_xtctl "$1" save ${2:+"$2"} | grep -v '^#' |
		sed -E 's/^(:[^ ]+ [^ ]+) \[[0-9]+:[0-9]+\]$/\1/'
}

# saved FILE: the same view of a saved rules file
saved() { grep -v '^#' "$1" | sed -E 's/^(:[^ ]+ [^ ]+) \[[0-9]+:[0-9]+\]$/\1/'; }

# xtfw_save NS ARG... / xtfw_restore NS ARG...: the script in NS, with the
# xtctl under test; stderr goes to $tmp/err
# shellcheck disable=SC2317 # run through check_ok
xtfw_save()
{
	echo "[+] ${1%-*}: xtfw-save ${*:2}" >&2
	ip netns exec "$1" env XTCTL="$xtctl" "$save" "${@:2}" 2>"$tmp/err"
}

xtfw_restore()
{
	echo "[+] ${1%-*}: xtfw-restore ${*:2}" >&2
	ip netns exec "$1" env XTCTL="$xtctl" "$restore" "${@:2}" 2>"$tmp/err"
	local rc=$?
	sed 's/^/  stderr: /' "$tmp/err" >&2
	return "$rc"
}

# rule_packets NS RULE...: the packet counter of the filter rule "-A RULE"
rule_packets()
{
	ns_xtctl "$1" save -c -t filter ${3:+"$3"} |
		sed -n "s/^\[\([0-9]*\):[0-9]*\] -A $2\$/\1/p"
}

# udp_send NS ADDR PORT: one datagram, "x\n"
udp_send()
{
	echo x | ns_exec "$1" socat -u - "UDP4-SENDTO:$2:$3" 2>/dev/null
}

require_root
xtfw_load
require_xtctl
require_cmd socat unshare ping

tmp=$(mktemp -d)
defer rm -rf "$tmp"
dir=$tmp/etc
mkdir -p "$tmp/bin"
if [[ -n ${XTFW_DEB:-} ]]; then
	require_cmd dpkg-deb
	[[ -f $XTFW_DEB ]] || ksft_fail "XTFW_DEB=$XTFW_DEB does not exist"
	dpkg-deb -x "$XTFW_DEB" "$tmp/root" || ksft_fail "cannot unpack $XTFW_DEB"
	save=$tmp/root/usr/sbin/xtfw-save restore=$tmp/root/usr/sbin/xtfw-restore
	xtctl=$tmp/root/usr/sbin/xtctl
	echo "# from $XTFW_DEB: $("$xtctl" -V)"
else
	save=$SELFTESTS_DIR/../packaging/xtfw-save
	restore=$SELFTESTS_DIR/../packaging/xtfw-restore
	# xtfw-save runs one program as xtctl; $XTCTL may be a wrapper command
	xtctl=$tmp/bin/xtctl
	printf '#!/bin/sh\nexec %s "$@"\n' "$XTCTL" >"$xtctl"
	chmod +x "$xtctl"
fi

setup_ns client server
connect_ns "$client" veth0 "$server" veth0 1
printf '%s\n' "$RULES4" >"$tmp/in.v4"
printf '%s\n' "$RULES6" >"$tmp/in.v6"
check_ok "a ruleset with counters loads (IPv4)" X restore -c "$tmp/in.v4"
check_ok "and IPv6" X -6 restore -c "$tmp/in.v6"
check_eq "the counters are in place" 7 \
	"$(rule_packets "$server" "INPUT -p tcp -m tcp --dport 22 -j ACCEPT")"
defaults=$(settings "$server")
for s in "tcp_loose 0" "max 3000" "timeout tcp established 7200" \
	"timeout udp stream 90" "timeout icmp 15" "timeout generic 300"; do
	# shellcheck disable=SC2086 # the words of one setting
	check_ok "ct set $s" X ct set $s
done
before=$(settings "$server")
rules4=$(ruleset "$server")
rules6=$(ruleset "$server" -6)

check_ok "xtfw-save -d DIR" xtfw_save "$server" -d "$dir"
check_eq "xtfw-save: nothing on stderr" "" "$(cat "$tmp/err")"
check_eq "rules.v4: the running IPv4 tables" "$rules4" "$(saved "$dir/rules.v4")"
check_eq "rules.v6: the running IPv6 tables" "$rules6" "$(saved "$dir/rules.v6")"
check_eq "conntrack: the changed settings, nothing else" "$CT_SETTINGS" \
	"$(grep -v '^#' "$dir/conntrack")"
check_eq "mode 0640, no temporary file left" \
	"conntrack 640 rules.v4 640 rules.v6 640" \
	"$(cd "$dir" && stat -c '%n %a' -- * .[!.]* 2>/dev/null | LC_ALL=C sort | paste -sd ' ')"

# The reboot: the namespace and all its state go, a new one comes.
cleanup_ns "$server"
# As at boot, xtfw-restore runs before the network is up: nothing but the
# restore touches the counters (a link that comes up sends IPv6 router
# solicitations and MLD reports, which the policies would count).
setup_ns server2
check_eq "the new namespace has no tables" "" "$(X2 save; X2 save -6)"
check_eq "and the default settings" "$defaults" "$(settings "$server2")"

check_ok "xtfw-restore -d DIR" xtfw_restore "$server2" -d "$dir"
check_eq "xtfw-restore: nothing on stderr" "" "$(cat "$tmp/err")"
check_eq "the IPv4 ruleset is back, identical" "$rules4" "$(ruleset "$server2")"
check_eq "the IPv6 ruleset is back, identical" "$rules6" "$(ruleset "$server2" -6)"
check_eq "the conntrack settings are back, exactly" "$before" "$(settings "$server2")"
check_eq "every counter starts from zero" "[0:0]" \
	"$({ X2 save -c; X2 save -6 -c; } | grep -o '\[[0-9]*:[0-9]*\]' | sort -u)"
connect_ns "$client" veth0 "$server2" veth0 1
start_tcp_server "$server2" 22
start_tcp_server "$server2" 80

# Traffic follows the restored rules.
check_eq "tcp/22 accepted (IPv4)" hello "$(tcp_hello "$client" 10.0.1.2 22)"
check_eq "tcp/22 accepted (IPv6)" hello "$(tcp_hello "$client" fd00:1::2 22)"
check_fail "tcp/80 from 10.0.1.1 reset by web" tcp_hello "$client" 10.0.1.2 80 2
check_fail "tcp/80 over IPv6: dropped by the policy" tcp_hello "$client" fd00:1::2 80 1
udp_send "$client" 10.0.1.2 9
check_ok "ping answered (icmp rule)" ping_once "$client" 10.0.1.2
check_eq "dport 22 rule: one SYN" 1 \
	"$(rule_packets "$server2" "INPUT -p tcp -m tcp --dport 22 -j ACCEPT")"
check_eq "web REJECT rule: one SYN" 1 \
	"$(rule_packets "$server2" "web -s 10.0.1.1\/32 -p tcp -m tcp --dport 80 -j REJECT --reject-with tcp-reset")"
check_eq "icmp rule: one echo request" 1 \
	"$(rule_packets "$server2" "INPUT -p icmp -j ACCEPT")"
check_match "IPv4 policy: the one datagram to udp/9" "^1 " \
	"$(policy_counters "$server2" INPUT)"
check_match "mangle MARK rule: the IPv4 tcp/22 connection's packets (3 or more)" \
	'^([3-9]|[1-9][0-9]+)$' \
	"$(X2 save -c -t mangle | sed -n 's/^\[\([0-9]*\):[0-9]*\] -A PREROUTING .*--dport 22 .*/\1/p')"
icmp_timeout=$(X2 ct list -p icmp | awk '{ print $3 }')
if [[ $icmp_timeout =~ ^[0-9]+$ ]] && ((icmp_timeout > 0 && icmp_timeout <= 15)); then
	check_ok "the ping's entry times out per the restored icmp timeout: $icmp_timeout <= 15" true
else
	check_eq "the ping's entry has the restored icmp timeout (<= 15)" "<= 15" "$icmp_timeout"
fi

# A corrupted rules file changes nothing and fails; the other family is
# still restored.
good4=$dir/good.v4
cp "$dir/rules.v4" "$good4"
printf '%s\n' "$RULES6" | sed 's/^\[[0-9:]*\] //' |
	sed '/^COMMIT$/i -A INPUT -p tcp -m tcp --dport 80 -j ACCEPT' >"$dir/rules.v6"
head -c 200 "$good4" >"$tmp/truncated"
sed 's/-j web$/-m nosuchmatch -j web/' "$good4" >"$tmp/badmatch"
for bad in truncated badmatch; do
	cp "$tmp/$bad" "$dir/rules.v4"
	X2 -6 restore "$tmp/in.v6"		# back to the first IPv6 rules
	live4=$(X2 save -c | grep -v '^#')
	xtfw_restore "$server2" -d "$dir" >/dev/null
	check_eq "$bad rules.v4: xtfw-restore exits 1" 1 "$?"
	check_match "$bad rules.v4: the failure is reported" \
		"rules.v4 was not restored" "$(cat "$tmp/err")"
	check_eq "$bad rules.v4: the running IPv4 ruleset, counters included, unchanged" \
		"$live4" "$(X2 save -c | grep -v '^#')"
	check_match "$bad rules.v4: rules.v6 restored all the same" \
		"--dport 80 -j ACCEPT" "$(X2 save -6)"
done
check_eq "and IPv6 tcp/80 is now accepted" hello "$(tcp_hello "$client" fd00:1::2 80)"
cp "$good4" "$dir/rules.v4"

# Broken conntrack lines: named by number, the others and the rules applied.
printf '%s\n' "# edited by hand" "max 2500" "timeout tcp nosuchstate 10" \
	"timeout udp stream soon" "max 99999999" 'max 1; reboot' "tcp_loose 1" \
	"timeout icmp 20" >"$dir/conntrack"
X2 -F web
xtfw_restore "$server2" -d "$dir" >/dev/null
check_eq "bad conntrack lines: xtfw-restore exits 1" 1 "$?"
check_eq "each bad line is named with its number" "3 4 5 6" \
	"$(sed -n "s|^xtfw-restore: $dir/conntrack:\([0-9]*\):.*|\1|p" "$tmp/err" | paste -sd ' ')"
check_match "with xtctl's reason" "conntrack:3: timeout tcp nosuchstate 10: .*nosuchstate" \
	"$(cat "$tmp/err")"
check_eq "the good lines applied" "2500 1 20" \
	"$(X2 ct get max) $(X2 ct get tcp_loose) $(X2 ct get timeout | sed -n 's/^icmp //p')"
check_eq "the rules restored all the same" "$rules4" "$(ruleset "$server2")"

# Without unshare -n, xtfw-save keeps every setting, each in a form that
# "xtctl ct set" takes back: a third namespace gets them all.
printf '#!/bin/sh\necho "unshare: not allowed" >&2\nexit 1\n' >"$tmp/bin/unshare"
chmod +x "$tmp/bin/unshare"
all=$(settings "$server2")
PATH=$tmp/bin:$PATH xtfw_save "$server2" -d "$dir" >/dev/null
check_eq "without unshare -n, xtfw-save still succeeds" 0 "$?"
check_match "and says it saves every setting" "saving every conntrack setting" "$(cat "$tmp/err")"
check_eq "conntrack: every setting" "$(wc -l <<<"$all")" "$(grep -vc '^#' "$dir/conntrack")"
setup_ns server3
check_ok "xtfw-restore of every setting" xtfw_restore "$server3" -d "$dir"
check_eq "a new namespace gets every setting exactly" "$all" "$(settings "$server3")"
check_eq "and the rules" "$rules4" "$(ruleset "$server3")"

if command -v shellcheck >/dev/null; then
	check_ok "shellcheck xtfw-save xtfw-restore" shellcheck -s sh "$save" "$restore"
fi
ksft_exit
