// SPDX-License-Identifier: GPL-2.0
/* Verdicts, REJECT and LOG. */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "ext.h"
#include "names.h"
#include "parse_util.h"

const struct tg_ext tg_accept = {
	.name = "ACCEPT", .type = XTFW_TARGET_ACCEPT, .families = FAM_ALL,
};

const struct tg_ext tg_drop = {
	.name = "DROP", .type = XTFW_TARGET_DROP, .families = FAM_ALL,
};

const struct tg_ext tg_return = {
	.name = "RETURN", .type = XTFW_TARGET_RETURN, .families = FAM_ALL,
};

/* ---- REJECT ---- */

enum { O_REJECT_WITH };

static const struct ext_opt reject_opts[] = {
	{ "reject-with", O_REJECT_WITH, 1, false },
	{ NULL },
};

static void reject_init(struct tg *t, const struct rule *r)
{
	t->reject_with = r->family == XTFW_FAMILY_IPV6 ?
			 XTFW_REJECT_ICMP6_PORT_UNREACH :
			 XTFW_REJECT_ICMP_PORT_UNREACH;
	t->has |= BIT64(XTFW_TARGET_A_REJECT_WITH);
}

/* As libipt_REJECT: the first name or alias the argument is a prefix of. */
static void reject_parse(struct tg *t, const struct ext_opt *o, char **args,
			 bool inv, const struct rule *r)
{
	bool v6 = r->family == XTFW_FAMILY_IPV6;
	const struct named_value *names = v6 ? reject_names6 : reject_names4;
	size_t n = v6 ? n_reject_names6 : n_reject_names4;
	size_t len = strlen(args[0]);

	(void)inv;
	ext_once(&t->seen, o);
	for (size_t i = 0; len && i < n; i++) {
		if (strncasecmp(names[i].name, args[0], len) == 0) {
			t->reject_with = names[i].value;
			return;
		}
	}
	perr("unknown reject type \"%s\"", args[0]);
}

static void reject_final(struct tg *t, const struct rule *r)
{
	if (t->reject_with == XTFW_REJECT_TCP_RESET &&
	    (r->proto != IPPROTO_TCP || (r->inv & XTFW_INV_PROTO)))
		perr("--reject-with tcp-reset needs -p tcp");
}

static const char *reject_with(const struct tg *t, const struct rule *r)
{
	const char *n = reject_name(r->family, t->reject_with);

	return n ? n : "unknown";
}

static void reject_print(struct pr *p, const struct tg *t,
			 const struct rule *r)
{
	sb_printf(p->b, " reject-with %s", reject_with(t, r));
}

static void reject_save(struct emit *e, const struct tg *t,
			const struct rule *r)
{
	emit_opt(e, false, "--reject-with", "%s", reject_with(t, r));
}

const struct tg_ext tg_reject = {
	.name = "REJECT", .type = XTFW_TARGET_REJECT, .families = FAM_ALL,
	.opts = reject_opts, .init = reject_init, .parse = reject_parse,
	.final = reject_final, .print = reject_print, .save = reject_save,
};

/* ---- LOG ---- */

enum { O_LEVEL, O_PREFIX, O_TCPSEQ, O_TCPOPT, O_IPOPT, O_UID, O_MACDECODE };

#define LOG_DEFAULT_LEVEL	LOG_WARNING

static const struct ext_opt log_opts[] = {
	{ "log-level", O_LEVEL, 1, false },
	{ "log-prefix", O_PREFIX, 1, false },
	{ "log-tcp-sequence", O_TCPSEQ, 0, false },
	{ "log-tcp-options", O_TCPOPT, 0, false },
	{ "log-ip-options", O_IPOPT, 0, false },
	{ "log-uid", O_UID, 0, false },
	{ "log-macdecode", O_MACDECODE, 0, false },
	{ NULL },
};

/* Flag bits with their save option and -L word, in iptables' order. */
static const struct {
	uint32_t flag;
	const char *opt, *word;
} log_flags[] = {
	{ XTFW_LOG_F_TCPSEQ, "--log-tcp-sequence", "tcp-sequence" },
	{ XTFW_LOG_F_TCPOPT, "--log-tcp-options", "tcp-options" },
	{ XTFW_LOG_F_IPOPT, "--log-ip-options", "ip-options" },
	{ XTFW_LOG_F_UID, "--log-uid", "uid" },
	{ XTFW_LOG_F_MACDECODE, "--log-macdecode", "macdecode" },
};

static void log_init(struct tg *t, const struct rule *r)
{
	(void)r;
	t->log_level = LOG_DEFAULT_LEVEL;
	t->has |= BIT64(XTFW_TARGET_A_LOG_LEVEL) |
		  BIT64(XTFW_TARGET_A_LOG_FLAGS);
}

static uint8_t parse_level(const char *s)
{
	uint32_t v;
	long l;

	if (str_to_u32(s, 0, LOG_DEBUG, &v))
		return v;
	l = value_by_name(log_level_parse_names, n_log_level_parse_names, s);
	if (l < 0)
		perr("log level \"%s\" unknown", s);
	return l;
}

static void log_parse(struct tg *t, const struct ext_opt *o, char **args,
		      bool inv, const struct rule *r)
{
	(void)inv;
	(void)r;
	ext_once(&t->seen, o);
	switch (o->id) {
	case O_LEVEL:
		t->log_level = parse_level(args[0]);
		break;
	case O_PREFIX:
		if (!*args[0])
			perr("no prefix given for --log-prefix");
		if (strlen(args[0]) >= XTFW_LOG_PREFIX_MAXLEN)
			perr("--log-prefix \"%s\" is longer than %d characters",
			     args[0], XTFW_LOG_PREFIX_MAXLEN - 1);
		strcpy(t->log_prefix, args[0]);
		t->has |= BIT64(XTFW_TARGET_A_LOG_PREFIX);
		break;
	default:
		t->log_flags |= log_flags[o->id - O_TCPSEQ].flag;
		break;
	}
}

static void log_print(struct pr *p, const struct tg *t, const struct rule *r)
{
	const char *lvl;

	(void)r;
	sb_puts(p->b, " LOG");
	if (p->numeric) {
		sb_printf(p->b, " flags %u level %u", t->log_flags,
			  t->log_level);
	} else {
		lvl = value_name(log_level_print_names,
				 n_log_level_print_names, t->log_level);
		if (lvl)
			sb_printf(p->b, " level %s", lvl);
		else
			sb_printf(p->b, " UNKNOWN level %u", t->log_level);
		for (size_t i = 0; i < ARRAY_SIZE(log_flags); i++)
			if (t->log_flags & log_flags[i].flag)
				sb_printf(p->b, " %s", log_flags[i].word);
	}
	if (t->log_prefix[0])
		sb_printf(p->b, " prefix \"%s\"", t->log_prefix);
}

static void log_save(struct emit *e, const struct tg *t, const struct rule *r)
{
	(void)r;
	if (t->log_prefix[0])
		emit_str(e, false, "--log-prefix", t->log_prefix);
	if (t->log_level != LOG_DEFAULT_LEVEL)
		emit_opt(e, false, "--log-level", "%u", t->log_level);
	for (size_t i = 0; i < ARRAY_SIZE(log_flags); i++)
		if (t->log_flags & log_flags[i].flag)
			emit_flag(e, false, log_flags[i].opt);
}

const struct tg_ext tg_log = {
	.name = "LOG", .type = XTFW_TARGET_LOG, .families = FAM_ALL,
	.opts = log_opts, .init = log_init, .parse = log_parse,
	.print = log_print, .save = log_save,
};
