// SPDX-License-Identifier: GPL-2.0
/*
 * xtctl explain: what the loaded ruleset would do with a packet, without
 * sending one (XTFW_CMD_EXPLAIN: the kernel runs its own evaluator on the
 * described packet).
 *
 *   xtctl explain [-4|-6] [-p PROTO] [-s ADDR] [-d ADDR] [--sport P]
 *                 [--dport P] [-i IFACE] [-o IFACE] [--hook HOOK]
 *                 [--ctstate STATE] [--mark M] [--tcp-flags F,...]
 *                 [--icmp-type N] [--len BYTES]
 *
 * The hook defaults from the interfaces: -i alone INPUT, -o alone OUTPUT,
 * both FORWARD; neither: INPUT. Prints one line per step, as
 * "xtctl monitor trace" does, then the verdict.
 */
#include <errno.h>
#include <linux/genetlink.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "names.h"
#include "nl.h"
#include "parse_util.h"

static noreturn void explain_usage(void)
{
	fputs("Usage: xtctl explain [-4|-6] [-p PROTO] [-s ADDR] [-d ADDR] [--sport P] [--dport P]\n"
	      "                     [-i IFACE] [-o IFACE] [--hook HOOK] [--ctstate STATE]\n"
	      "                     [--mark M] [--tcp-flags SYN,ACK,...] [--icmp-type N] [--len N]\n",
	      stderr);
	exit(XT_EXIT_PARAM);
}

static const struct named_value states[] = {
	{ "INVALID", XTFW_CTSTATE_INVALID },
	{ "NEW", XTFW_CTSTATE_NEW },
	{ "RELATED", XTFW_CTSTATE_RELATED },
	{ "ESTABLISHED", XTFW_CTSTATE_ESTABLISHED },
	{ "UNTRACKED", XTFW_CTSTATE_UNTRACKED },
};

static uint8_t parse_flags(const char *s)
{
	char buf[128], *tok, *save = NULL;
	uint8_t flags = 0;
	long v;

	if (strlen(s) >= sizeof(buf))
		perr("bad TCP flags \"%s\"", s);
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		v = value_by_name(tcp_flag_names, n_tcp_flag_names, tok);
		if (v < 0)
			perr("bad TCP flag \"%s\"", tok);
		flags |= v;
	}
	return flags;
}

static uint32_t get_u32(const struct nlattr *a)
{
	return mnl_attr_validate(a, MNL_TYPE_U32) ? 0 : mnl_attr_get_u32(a);
}

static const char *verdict_name(uint32_t v)
{
	switch (v) {
	case 0:
		return "DROP";
	case 1:
		return "ACCEPT";
	case 2:
		return "STOLEN";
	default:
		return "?";
	}
}

static void print_step(struct sbuf *b, const struct nlattr *step)
{
	static const char *const types[] = { "rule", "return", "policy" };
	const struct nlattr *a, *tb[XTFW_EXPLAIN_A_MAX + 1] = { 0 };
	uint8_t type = 0, table = 0;
	const char *chain = "?";

	mnl_attr_for_each_nested(a, step) {
		int t = mnl_attr_get_type(a);

		if (t == XTFW_TRACE_A_TYPE && !mnl_attr_validate(a, MNL_TYPE_U8))
			type = mnl_attr_get_u8(a);
		else if (t == XTFW_TRACE_A_TABLE &&
			 !mnl_attr_validate(a, MNL_TYPE_U8))
			table = mnl_attr_get_u8(a);
		else if (t == XTFW_TRACE_A_CHAIN &&
			 !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			chain = mnl_attr_get_str(a);
		else if (t == XTFW_TRACE_A_RULENUM || t == XTFW_TRACE_A_VERDICT)
			tb[t] = a;
		else if (t == XTFW_EXPLAIN_A_NOTE &&
			 !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
			tb[XTFW_EXPLAIN_A_NOTE] = a;
	}
	sb_printf(b, "%s:%s:%s", table_name(table), chain,
		  type < 3 ? types[type] : "?");
	if (tb[XTFW_TRACE_A_RULENUM])
		sb_printf(b, ":%u", get_u32(tb[XTFW_TRACE_A_RULENUM]));
	if (tb[XTFW_TRACE_A_VERDICT])
		sb_printf(b, " %s",
			  verdict_name(get_u32(tb[XTFW_TRACE_A_VERDICT])));
	if (tb[XTFW_EXPLAIN_A_NOTE])
		sb_printf(b, " (%s)", mnl_attr_get_str(tb[XTFW_EXPLAIN_A_NOTE]));
	sb_putc(b, '\n');
}

static int explain_attr(const struct nlattr *a, void *data)
{
	struct sbuf *b = data;
	const struct nlattr *s;

	if (mnl_attr_get_type(a) != XTFW_A_EXPLAIN)
		return MNL_CB_OK;
	mnl_attr_for_each_nested(s, a) {
		if (mnl_attr_get_type(s) == XTFW_EXPLAIN_A_STEP)
			print_step(b, s);
		else if (mnl_attr_get_type(s) == XTFW_EXPLAIN_A_VERDICT)
			sb_printf(b, "verdict: %s\n",
				  verdict_name(get_u32(s)));
	}
	return MNL_CB_OK;
}

static int explain_msg(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), explain_attr,
			      data);
}

static const char *next(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		perr("option \"%s\" requires an argument", argv[*i]);
	return argv[++*i];
}

static void explain_body(int argc, char **argv)
{
	char buf[MNL_SOCKET_BUFFER_SIZE], ifbuf[IFNAMSIZ];
	const char *iif = NULL, *oif = NULL, *proto = NULL;
	uint8_t family = XTFW_FAMILY_IPV4;
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct sbuf out = { 0 };
	struct nl_error e;
	struct nl nl;
	int hook = -1;

	/*
	 * The family and the protocol first: addresses depend on the one,
	 * port names on the other ("--dport tftp -p udp": tftp is udp only).
	 */
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-6"))
			family = XTFW_FAMILY_IPV6;
		else if (!strcmp(argv[i], "-p") && i + 1 < argc)
			proto = argv[++i];
	}
	nl_open(&nl);
	nlh = nl_put_msg(&nl, buf, XTFW_CMD_EXPLAIN, NLM_F_ACK);
	mnl_attr_put_u8(nlh, XTFW_A_FAMILY, family);
	nest = mnl_attr_nest_start(nlh, XTFW_A_EXPLAIN);
	for (int i = 1; i < argc; i++) {
		const char *o = argv[i];
		union xtfw_addr a;

		if (!strcmp(o, "-4") || !strcmp(o, "-6")) {
			continue;
		} else if (!strcmp(o, "-p")) {
			int p;

			proto = next(argc, argv, &i);
			p = proto_by_name(proto, family);
			if (p < 0)
				perr("unknown protocol \"%s\"", proto);
			mnl_attr_put_u8(nlh, XTFW_EXPLAIN_A_PROTO, p);
		} else if (!strcmp(o, "-s") || !strcmp(o, "-d")) {
			parse_addr(next(argc, argv, &i), family, &a);
			mnl_attr_put(nlh, o[1] == 's' ? XTFW_EXPLAIN_A_SRC :
				     XTFW_EXPLAIN_A_DST, sizeof(a), &a);
		} else if (!strcmp(o, "--sport") || !strcmp(o, "--dport")) {
			mnl_attr_put_u16(nlh, o[2] == 's' ? XTFW_EXPLAIN_A_SPORT :
					 XTFW_EXPLAIN_A_DPORT,
					 parse_port(next(argc, argv, &i),
						    proto ? proto : "tcp"));
		} else if (!strcmp(o, "-i") || !strcmp(o, "-o")) {
			parse_iface(next(argc, argv, &i), ifbuf);
			if (o[1] == 'i')
				iif = argv[i];
			else
				oif = argv[i];
			mnl_attr_put_strz(nlh, o[1] == 'i' ? XTFW_EXPLAIN_A_IIF :
					  XTFW_EXPLAIN_A_OIF, argv[i]);
		} else if (!strcmp(o, "--hook")) {
			hook = hook_by_name(next(argc, argv, &i));
			if (hook < 0)
				perr("unknown hook \"%s\"", argv[i]);
		} else if (!strcmp(o, "--ctstate")) {
			long v = value_by_name(states, ARRAY_SIZE(states),
					       next(argc, argv, &i));

			if (v < 0)
				perr("bad state \"%s\"", argv[i]);
			mnl_attr_put_u32(nlh, XTFW_EXPLAIN_A_CTSTATE, v);
		} else if (!strcmp(o, "--mark")) {
			mnl_attr_put_u32(nlh, XTFW_EXPLAIN_A_MARK,
					 parse_u32(next(argc, argv, &i), 0,
						   UINT32_MAX, "mark"));
		} else if (!strcmp(o, "--tcp-flags")) {
			mnl_attr_put_u8(nlh, XTFW_EXPLAIN_A_TCP_FLAGS,
					parse_flags(next(argc, argv, &i)));
		} else if (!strcmp(o, "--icmp-type")) {
			mnl_attr_put_u8(nlh, XTFW_EXPLAIN_A_ICMP_TYPE,
					parse_u32(next(argc, argv, &i), 0, 255,
						  "ICMP type"));
		} else if (!strcmp(o, "--len")) {
			mnl_attr_put_u16(nlh, XTFW_EXPLAIN_A_LEN,
					 parse_u32(next(argc, argv, &i), 0,
						   1400, "length"));
		} else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			explain_usage();
		} else {
			perr("unknown explain option \"%s\"", o);
		}
	}
	if (hook < 0)
		hook = iif && oif ? HOOK_FORWARD : oif ? HOOK_OUTPUT :
		       HOOK_INPUT;
	mnl_attr_put_u8(nlh, XTFW_EXPLAIN_A_HOOK, hook);
	mnl_attr_nest_end(nlh, nest);
	if (nl_exchange(&nl, nlh, explain_msg, &out, &e) < 0) {
		if (e.msg[0])
			fail(XT_EXIT_OTHER, "%s", e.msg);
		fail(e.err == EPERM ? XT_EXIT_RESOURCE : XT_EXIT_OTHER,
		     "explain: %s", nl_strerror(e.err));
	}
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	nl_close(&nl);
}

int cli_explain(int argc, char **argv)
{
	struct fail_ctx fc;

	fail_push(&fc);
	if (setjmp(fc.jb)) {
		fprintf(stderr, "xtctl: %s\n", fc.msg);
		return fc.code;
	}
	explain_body(argc, argv);
	fail_pop(&fc);
	return XT_EXIT_OK;
}
