// SPDX-License-Identifier: GPL-2.0
/*
 * iptables-style commands against the kernel. Listing reads one table;
 * changes read it, edit the copy, check it and commit it with the
 * generation it was read at, retrying from a fresh read when another
 * writer got there first.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "errpos.h"
#include "cmd.h"
#include "kernel.h"
#include "rule_nl.h"

/* The table as the kernel has it, or empty built-ins if it has none. */
static struct table *read_table(struct nl *nl, struct ruleset *rs,
				const struct cmd *c)
{
	kernel_read(nl, rs, c->family, c->table);
	return ruleset_get(rs, c->family, c->table);
}

static int list(struct nl *nl, const struct cmd *c)
{
	struct ruleset rs = { 0 };
	struct table *t = read_table(nl, &rs, c);
	struct sbuf out = { 0 };

	if (!cmd_list(&out, c, t))
		fail(XT_EXIT_OTHER, "no chain \"%s\" in table", c->chain);
	fputs(sb_str(&out), stdout);
	sb_free(&out);
	ruleset_free(&rs);
	if (c->zero_after_list)
		kernel_zero(nl, c->family, c->table, c->chain);
	return XT_EXIT_OK;
}

static int check_rule(struct nl *nl, const struct cmd *c)
{
	struct ruleset rs = { 0 };
	struct table *t = read_table(nl, &rs, c);
	struct chain *ch = table_chain(t, c->chain);
	unsigned int found = 0;

	if (!ch)
		fail(XT_EXIT_OTHER, "no chain \"%s\" in table", c->chain);
	for (unsigned int i = 0; i < c->nrules; i++)
		for (unsigned int k = 0; k < ch->nrules; k++)
			if (rule_nl_same(ch->rules[k], c->rules[i])) {
				found++;
				break;
			}
	ruleset_free(&rs);
	if (found != c->nrules)
		fail(XT_EXIT_OTHER,
		     "Bad rule (does a matching rule exist in that chain?)");
	return XT_EXIT_OK;
}

/* Edit a fresh copy of the table and commit it; -EAGAIN to retry. */
static int modify_once(struct nl *nl, const struct cmd *c)
{
	struct commit_opts o = { .use_gen = true };
	struct ruleset rs = { 0 };
	struct table *t = read_table(nl, &rs, c);
	unsigned int line;
	int ret;

	cmd_apply(c, t);
	check_table(t, &line);
	ret = kernel_commit(nl, &rs, c->family, &o);
	ruleset_free(&rs);
	return ret;
}

static int modify(struct nl *nl, const struct cmd *c)
{
	for (int i = 0; i < KERNEL_MAX_RETRIES; i++) {
		if (modify_once(nl, c) != -EAGAIN)
			return XT_EXIT_OK;
		kernel_backoff(i);
	}
	fail(XT_EXIT_RESOURCE, "the ruleset kept changing; gave up after %d tries",
	     KERNEL_MAX_RETRIES);
}

static int run(struct nl *nl, const struct cmd *c)
{
	switch (c->op) {
	case CMD_LIST:
	case CMD_LIST_RULES:
		return list(nl, c);
	case CMD_CHECK:
		return check_rule(nl, c);
	case CMD_ZERO:
		if (!c->rulenum) {
			kernel_zero(nl, c->family, c->table, c->chain);
			return XT_EXIT_OK;
		}
		return modify(nl, c);
	default:
		return modify(nl, c);
	}
}

struct cli_run {
	struct cmd c;
	struct nl nl;
	int argc;
	char **argv;
	int ret;
};

static void cli_body(struct cli_run *cr)
{
	cmd_parse(&cr->c, cr->argc, cr->argv, false, XTFW_FAMILY_IPV4);
	if (cr->c.op == CMD_HELP) {
		cli_usage();
		cr->ret = XT_EXIT_OK;
		return;
	}
	if (cr->c.op == CMD_VERSION) {
		printf("xtctl v%s\n", XTCTL_VERSION);
		cr->ret = XT_EXIT_OK;
		return;
	}
	nl_open(&cr->nl);
	cr->ret = run(&cr->nl, &cr->c);
}

/* Under an error, the command line with a caret at the culprit. */
static void point_at(int argc, char **argv, const char *msg)
{
	struct sbuf line = { 0 }, b = { 0 };

	sb_puts(&line, "xtctl");
	for (int i = 1; i < argc; i++) {
		bool quote = !argv[i][0] || strpbrk(argv[i], " \t");

		sb_printf(&line, quote ? " \"%s\"" : " %s", argv[i]);
	}
	if (errpos_caret(&b, sb_str(&line), msg))
		fputs(sb_str(&b), stderr);
	sb_free(&line);
	sb_free(&b);
}

int cli_command(int argc, char **argv)
{
	struct cli_run cr = { .argc = argc, .argv = argv };
	struct fail_ctx fc;

	fail_push(&fc);
	if (setjmp(fc.jb)) {
		if (cr.c.ctx[0] && fc.code != XT_EXIT_RESOURCE)
			fprintf(stderr, "xtctl: %s: %s\n", cr.c.ctx, fc.msg);
		else
			fprintf(stderr, "xtctl: %s\n", fc.msg);
		if (fc.code != XT_EXIT_RESOURCE)
			point_at(argc, argv, fc.msg);
		if (fc.code == XT_EXIT_PARAM)
			fputs("Try `xtctl -h' for more information.\n", stderr);
		return fc.code;
	}
	cli_body(&cr);
	fail_pop(&fc);
	cmd_free(&cr.c);
	nl_close(&cr.nl);
	return cr.ret;
}
