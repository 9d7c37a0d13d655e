// SPDX-License-Identifier: GPL-2.0
/* Single rules: parse -> encode -> decode -> save, and parse errors. */
#include <arpa/inet.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdlib.h>

#include "test.h"
#include "../cmd.h"
#include "../resolve.h"
#include "../restore.h"
#include "../rule_nl.h"
#include "../save.h"

/*
 * Host names from /etc/hosts only, as iptables finds them in a network
 * namespace without DNS: the output must not depend on the network.
 */
static const char *t_host(const union xtfw_addr *a, uint8_t family)
{
	static char name[256];
	int af = family == XTFW_FAMILY_IPV6 ? AF_INET6 : AF_INET;
	char line[512], addr[64];
	union xtfw_addr x;
	const char *found = NULL;
	FILE *f = fopen("/etc/hosts", "r");

	while (f && !found && fgets(line, sizeof(line), f)) {
		memset(&x, 0, sizeof(x));
		if (sscanf(line, "%63s %255s", addr, name) == 2 &&
		    addr[0] != '#' && inet_pton(af, addr, x.bytes) == 1 &&
		    memcmp(x.bytes, a->bytes, fam_addrlen(family)) == 0)
			found = name;
	}
	if (f)
		fclose(f);
	return found;
}

static struct resolver files_only;

const struct resolver *test_resolver(void)
{
	files_only = system_resolver;
	files_only.host = t_host;
	return &files_only;
}

char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = xmalloc(n + 1);
	*len = fread(buf, 1, n, f);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/*
 * Parse one restore-style command line, round-trip its rule through
 * netlink attributes and return its save line (or NULL with err set).
 */
char *rule_roundtrip_save(const char *line, uint8_t family, char *err,
			  size_t errlen)
{
	static char buf[RULE_NL_MAX + 64];
	struct sbuf out = { 0 };
	struct fail_ctx fc;
	struct rule *d;
	struct cmd c;
	char **argv;
	int argc;

	argc = restore_tokenize(line, &argv);
	fail_push(&fc);
	if (setjmp(fc.jb)) {
		snprintf(err, errlen, "%s", fc.msg);
		free(argv);
		return NULL;
	}
	cmd_parse(&c, argc, argv, true, family);
	fail_pop(&fc);
	rule_nl_encode(c.rules[0], buf, sizeof(buf));
	d = rule_nl_decode((struct nlattr *)buf, family);
	save_rule(&out, d, c.chain, SAVE_NO_COUNTERS);
	rule_free(d);
	cmd_free(&c);
	free(argv);
	return out.s;
}

struct rule_case {
	const char *in, *out;	/* out NULL: same as in */
};

static void check_cases(const struct rule_case *rc, size_t n, uint8_t family)
{
	char err[FAIL_MSG_MAX];

	for (size_t i = 0; i < n; i++) {
		char *got;

		subtest_begin("  %s", rc[i].in);
		got = rule_roundtrip_save(rc[i].in, family, err, sizeof(err));
		if (!got) {
			fprintf(stderr, "  %s: error: %s\n", rc[i].in, err);
			test_failed = 1;
		} else {
			CHECK_STR(got, rc[i].out ? rc[i].out : rc[i].in);
			free(got);
		}
		subtest_end();
	}
}

/* Canonical forms iptables-save prints, from the iptables-legacy oracle. */
static const struct rule_case canon4[] = {
	{ "-A INPUT -s 10.1.2.3/8 -j ACCEPT", "-A INPUT -s 10.0.0.0/8 -j ACCEPT" },
	{ "-A INPUT -d 1.2.3.4", "-A INPUT -d 1.2.3.4/32" },
	{ "-A INPUT -s 1.2.3.4/255.255.0.0", "-A INPUT -s 1.2.0.0/16" },
	{ "-A INPUT -s 1.2.3.4/255.0.255.0", "-A INPUT -s 1.0.3.0/255.0.255.0" },
	{ "-A INPUT -s 0.0.0.0/0 -j DROP", "-A INPUT -j DROP" },
	{ "-A INPUT -p tcp --dport 22 -j ACCEPT",
	  "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT" },
	{ "-A INPUT -p tcp --destination-port 22:80 --source-port 1:",
	  "-A INPUT -p tcp -m tcp --sport 1:65535 --dport 22:80" },
	{ "-A INPUT -p tcp --syn -j DROP",
	  "-A INPUT -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j DROP" },
	{ "-A INPUT -p tcp ! --syn",
	  "-A INPUT -p tcp -m tcp ! --tcp-flags FIN,SYN,RST,ACK SYN" },
	{ "-A INPUT -p TCP --dport ssh", "-A INPUT -p tcp -m tcp --dport 22" },
	{ "-A INPUT -p 6 --dport 0x16", "-A INPUT -p tcp -m tcp --dport 22" },
	{ "-A INPUT -p icmp --icmp-type echo-request",
	  "-A INPUT -p icmp -m icmp --icmp-type 8" },
	{ "-A INPUT -p icmp --icmp-type port-unreachable",
	  "-A INPUT -p icmp -m icmp --icmp-type 3/3" },
	{ "-A INPUT -p icmp -m icmp --icmp-type any",
	  "-A INPUT -p icmp -m icmp --icmp-type any" },
	{ "-A INPUT -p icmp -m icmp",
	  "-A INPUT -p icmp -m icmp --icmp-type any" },
	{ "-A INPUT -m mark --mark 1/0xff", "-A INPUT -m mark --mark 0x1/0xff" },
	{ "-A INPUT -m mark --mark 0x1/0xffffffff", "-A INPUT -m mark --mark 0x1" },
	{ "-A INPUT -m limit --limit 3/min --limit-burst 5",
	  "-A INPUT -m limit --limit 3/min" },
	{ "-A INPUT -m limit --limit 3/minute --limit-burst 7",
	  "-A INPUT -m limit --limit 3/min --limit-burst 7" },
	{ "-A INPUT -m limit", "-A INPUT -m limit --limit 3/hour" },
	{ "-A INPUT -j LOG --log-prefix \"a b\" --log-level info",
	  "-A INPUT -j LOG --log-prefix \"a b\" --log-level 6" },
	{ "-A INPUT -j LOG --log-level warning", "-A INPUT -j LOG" },
	{ "-A INPUT -m comment --comment \"it's \\\"x\\\"\"",
	  "-A INPUT -m comment --comment \"it\\'s \\\"x\\\"\"" },
	{ "-A INPUT -m comment --comment plain_1-2", NULL },
	{ "-A INPUT -m state --state established,related",
	  "-A INPUT -m state --state RELATED,ESTABLISHED" },
	{ "-A INPUT -m conntrack --ctstate DNAT,NEW", "-A INPUT -m conntrack --ctstate NEW,DNAT" },
	{ "-A INPUT -j REJECT", "-A INPUT -j REJECT --reject-with icmp-port-unreachable" },
	{ "-A INPUT -j REJECT --reject-with icmp-host-prohib",
	  "-A INPUT -j REJECT --reject-with icmp-host-prohibited" },
	{ "-A INPUT -p tcp -j REJECT --reject-with tcp-rst",
	  "-A INPUT -p tcp -j REJECT --reject-with tcp-reset" },
	{ "-A OUTPUT -m owner --uid-owner root", "-A OUTPUT -m owner --uid-owner 0" },
	{ "-A INPUT -m recent --update --seconds 60 --name SSH",
	  "-A INPUT -m recent --update --seconds 60 --name SSH --mask 255.255.255.255 --rsource" },
	{ "-A FORWARD -i eth+ ! -o ppp0", NULL },
	{ "-A INPUT -i +", "-A INPUT" },
	{ "-A INPUT ! -i +", "-A INPUT" },
	{ "-A INPUT -p tcp --dport ! 22", "-A INPUT -p tcp -m tcp ! --dport 22" },
	{ "-A PREROUTING -j NOTRACK", "-A PREROUTING -j CT --notrack" },
	{ "-A PREROUTING -j MARK --set-mark 5", "-A PREROUTING -j MARK --set-xmark 0x5/0xffffffff" },
	{ "-A PREROUTING -p udp -m multiport --dports 53,domain,1000:2000",
	  "-A PREROUTING -p udp -m multiport --dports 53,53,1000:2000" },
	{ "-A POSTROUTING -p tcp -j SNAT --to-source 1.2.3.4:1000-2000",
	  "-A POSTROUTING -p tcp -j SNAT --to-source 1.2.3.4:1000-2000" },
	{ "-A POSTROUTING -j NETMAP --to 10.1.2.3/16",
	  "-A POSTROUTING -j NETMAP --to 10.1.0.0/16" },
	{ "-A INPUT -m statistic --mode random --probability 0.1",
	  "-A INPUT -m statistic --mode random --probability 0.10000000009" },
	{ "-A INPUT -p udplite --dport 5", "-A INPUT -p udplite -m udplite --dport 5" },
	{ "-A INPUT -p tcp -m tcp --sport 0:65535", "-A INPUT -p tcp -m tcp" },
	{ "-A INPUT -p 47", "-A INPUT -p gre" },
	{ "-A INPUT -p 253", "-A INPUT -p 253" },
};

static const struct rule_case canon6[] = {
	{ "-A INPUT -s 2001:db8::1 -j ACCEPT", "-A INPUT -s 2001:db8::1/128 -j ACCEPT" },
	{ "-A INPUT -s 2001:db8::1/ffff:ffff::", "-A INPUT -s 2001:db8::/32" },
	{ "-A INPUT -p icmpv6 --icmpv6-type echo-request",
	  "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 128" },
	{ "-A INPUT -p ipv6-icmp -m icmpv6 --icmpv6-type 1/4",
	  "-A INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 1/4" },
	{ "-A INPUT -j REJECT", "-A INPUT -j REJECT --reject-with icmp6-port-unreachable" },
	{ "-A INPUT -j REJECT --reject-with adm-prohibited",
	  "-A INPUT -j REJECT --reject-with icmp6-adm-prohibited" },
	{ "-A PREROUTING -p tcp -j DNAT --to-destination [fd00::1]:80",
	  "-A PREROUTING -p tcp -j DNAT --to-destination [fd00::1]:80" },
	{ "-A PREROUTING -j DNAT --to-destination fd00::1", NULL },
	{ "-A INPUT -m recent --set", "-A INPUT -m recent --set --name DEFAULT --mask ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff --rsource" },
	{ "-A INPUT -m hl ! --hl-eq 5", NULL },
	{ "-A PREROUTING -j HL --hl-dec 1", NULL },
};

static void test_canonical_v4(void)
{
	check_cases(canon4, ARRAY_SIZE(canon4), XTFW_FAMILY_IPV4);
}

static void test_canonical_v6(void)
{
	check_cases(canon6, ARRAY_SIZE(canon6), XTFW_FAMILY_IPV6);
}

struct err_case {
	const char *in, *msg;
	uint8_t family;
};

static const struct err_case errs[] = {
	{ "-A INPUT --dport 22", "--dport needs -p tcp|udp|udplite|sctp", 0 },
	{ "-A INPUT -p tcp --dport 99999", "invalid port/service \"99999\"", 0 },
	{ "-A INPUT -m foo", "unknown match \"foo\"", 0 },
	{ "-A INPUT -m hl --hl-eq 1", "unknown match \"hl\" for IPv4", 0 },
	{ "-A INPUT -p tcp --bogus", "unknown option \"--bogus\"", 0 },
	{ "-A INPUT -s 1.2.3.4/33", "invalid mask \"33\"", 0 },
	{ "-A INPUT -s 1.2.3.4 -s 5.6.7.8", "multiple -s flags not allowed", 0 },
	{ "-A INPUT -j", "option \"-j\" requires an argument", 0 },
	{ "-A INPUT -m comment", "-m comment needs --comment", 0 },
	{ "-A INPUT -p tcp --syn --tcp-flags ALL SYN",
	  "only one of --syn and --tcp-flags is allowed", 0 },
	{ "-A INPUT -m tcp --dport 1", "-m tcp needs -p tcp", 0 },
	{ "-A INPUT -p udp -m multiport --ports 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16",
	  "too many ports in \"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\" (at most 15, a range counts as two)", 0 },
	{ "-A INPUT -j LOG --log-prefix 012345678901234567890123456789",
	  "--log-prefix \"012345678901234567890123456789\" is longer than 29 characters", 0 },
	{ "-A INPUT -m limit --limit 0/sec", "invalid rate \"0/sec\"", 0 },
	{ "-A INPUT -m limit --limit 5/fortnight", "invalid rate \"5/fortnight\"", 0 },
	{ "-A INPUT -j REJECT --reject-with tcp-reset",
	  "--reject-with tcp-reset needs -p tcp", 0 },
	{ "-A INPUT -o eth0", "can't use -o with INPUT", 0 },
	{ "-A OUTPUT -i eth0", "can't use -i with OUTPUT", 0 },
	{ "-A INPUT ! -j ACCEPT", "cannot have ! before -j", 0 },
	{ "-A INPUT -m mark ! --mark", "option \"--mark\" requires an argument", 0 },
	{ "-A INPUT -m ttl --ttl-eq 256", "invalid TTL \"256\" (expected 0 to 255)", 0 },
	{ "-A INPUT -f", "-f is not supported for IPv6 (use -m frag)", 1 },
	{ "-A INPUT -p icmp --icmp-type bogus",
	  "invalid ICMP type \"bogus\"", 0 },
	{ "-A INPUT -p icmp --icmp-type r",
	  "ambiguous ICMP type \"r\": \"redirect\" or \"router-advertisement\"?", 0 },
	{ "-A INPUT -j SNAT", "SNAT needs --to-source", 0 },
	{ "-A INPUT -j DNAT --to-destination 1.2.3.4:80",
	  "port mapping needs -p tcp|udp|udplite|sctp", 0 },
	{ "-A INPUT -m recent --name x", "-m recent needs one of --set, --rcheck, --update or --remove", 0 },
	{ "-A INPUT -m statistic --mode nth --every 3",
	  "--mode nth needs --every and --packet", 0 },
	{ "-A INPUT -j CT --zone 1", "unknown option \"--zone\"", 0 },
	{ "-A INPUT -j CT", "CT: xtfw supports only -j CT --notrack", 0 },
	{ "-A INPUT -m owner --socket-exists", "unknown option \"--socket-exists\"", 0 },
	{ "-A INPUT -g ACCEPT", "goto \"ACCEPT\" is not a chain", 0 },
	{ "-A INPUT -j 0123456789012345678901234567890",
	  "chain name \"0123456789012345678901234567890\" too long (must be under 29 chars)", 0 },
	{ "-A INPUT -p tcp --dport 1 --dport 2",
	  "option \"--dport\" can only be used once", 0 },
	{ "-A INPUT -m addrtype", "-m addrtype needs --src-type or --dst-type", 0 },
	{ "-A INPUT -m state --state BOGUS", "bad state \"BOGUS\"", 0 },
	{ "-A INPUT -m state --state SNAT", "bad state \"SNAT\"", 0 },
	{ "-A INPUT -m length --length 9:2", "invalid length \"2\" (expected 9 to 65535)", 0 },
	{ "-A INPUT bogus", "bad argument \"bogus\"", 0 },
};

static void test_errors(void)
{
	char err[FAIL_MSG_MAX];

	for (size_t i = 0; i < ARRAY_SIZE(errs); i++) {
		char *got;

		subtest_begin("  error: %s", errs[i].in);
		got = rule_roundtrip_save(errs[i].in, errs[i].family, err,
					  sizeof(err));
		if (got) {
			fprintf(stderr, "  %s: no error, got [%s]\n",
				errs[i].in, got);
			test_failed = 1;
			free(got);
		} else {
			CHECK_STR(err, errs[i].msg);
		}
		subtest_end();
	}
}

static const struct test_case cases[] = {
	{ "canonical_v4", test_canonical_v4 },
	{ "canonical_v6", test_canonical_v6 },
	{ "parse_errors", test_errors },
};

SUITE(rules_suite, cases);
