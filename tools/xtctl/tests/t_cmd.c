// SPDX-License-Identifier: GPL-2.0
/* Command lines parsed and applied to in-memory tables, as the CLI does. */
#include <stdlib.h>

#include "test.h"
#include "../cmd.h"
#include "../restore.h"
#include "../rule_nl.h"
#include "../save.h"

/*
 * Apply a command line (space-separated, restore quoting) to t; returns
 * NULL or the error message.
 */
static const char *apply(struct table *t, const char *line)
{
	static char msg[FAIL_MSG_MAX];
	struct fail_ctx fc;
	struct cmd c = { 0 };
	char **argv;
	int argc = restore_tokenize(line, &argv);

	fail_push(&fc);
	if (setjmp(fc.jb)) {
		snprintf(msg, sizeof(msg), "%s", fc.msg);
		cmd_free(&c);
		free(argv);
		return msg;
	}
	cmd_parse(&c, argc, argv, true, t->family);
	cmd_apply(&c, t);
	fail_pop(&fc);
	cmd_free(&c);
	free(argv);
	return NULL;
}

static const char *table_text(const struct table *t)
{
	static struct sbuf b;

	sb_reset(&b);
	save_list_rules(&b, t, NULL, 0, false);
	return sb_str(&b);
}

static struct table *fresh(void)
{
	return table_new(XTFW_FAMILY_IPV4, XTFW_TABLE_FILTER);
}

#define POLICIES "-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n"

static void test_append_insert(void)
{
	struct table *t = fresh();

	CHECK(!apply(t, "-A INPUT -p tcp --dport 22 -j ACCEPT"));
	CHECK(!apply(t, "-I INPUT -s 1.2.3.4,5.6.7.8 -j DROP"));
	CHECK(!apply(t, "-I INPUT 4 -j RETURN"));
	CHECK_STR(apply(t, "-I INPUT 6 -j RETURN") ?: "",
		  "index of insertion too big: chain INPUT has 4 rules");
	CHECK_STR(table_text(t), POLICIES
		  "-A INPUT -s 1.2.3.4/32 -j DROP\n"
		  "-A INPUT -s 5.6.7.8/32 -j DROP\n"
		  "-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n"
		  "-A INPUT -j RETURN\n");
	CHECK(t->dirty);
	table_free(t);
}

static void test_delete(void)
{
	struct table *t = fresh();

	CHECK(!apply(t, "-A INPUT -p tcp --dport 22 -j ACCEPT"));
	CHECK(!apply(t, "-A INPUT -p udp --dport 53 -j ACCEPT"));
	CHECK(!apply(t, "-A INPUT -j DROP"));
	/* the same rule spelled differently is the same encoded rule */
	CHECK(!apply(t, "-D INPUT -p tcp -m tcp --destination-port 22 -j ACCEPT"));
	CHECK_STR(apply(t, "-D INPUT -p tcp --dport 22 -j ACCEPT") ?: "",
		  "Bad rule (does a matching rule exist in that chain?)");
	CHECK(!apply(t, "-D INPUT 2"));
	CHECK_STR(apply(t, "-D INPUT 2") ?: "",
		  "index of deletion too big: chain INPUT has 1 rules");
	CHECK_STR(table_text(t), POLICIES
		  "-A INPUT -p udp -m udp --dport 53 -j ACCEPT\n");
	table_free(t);
}

/* A rule as the kernel dumps it keeps its bytes; -D still finds it. */
static void test_delete_dumped(void)
{
	static char buf[RULE_NL_MAX + 64];
	struct table *t = fresh();
	struct chain *in = t->chains[0];
	struct rule *r;

	CHECK(!apply(t, "-A INPUT -m comment --comment hi -j ACCEPT"));
	rule_nl_encode(in->rules[0], buf, sizeof(buf));
	r = rule_nl_decode((struct nlattr *)buf, XTFW_FAMILY_IPV4);
	CHECK(r->raw != NULL);
	rule_free(in->rules[0]);
	in->rules[0] = r;
	CHECK(!apply(t, "-D INPUT -m comment --comment \"hi\" -j ACCEPT"));
	CHECK(in->nrules == 0);
	table_free(t);
}

static void test_replace(void)
{
	struct table *t = fresh();

	CHECK(!apply(t, "-A INPUT -j ACCEPT"));
	CHECK(!apply(t, "-R INPUT 1 -j DROP"));
	CHECK_STR(apply(t, "-R INPUT 2 -j DROP") ?: "",
		  "index of replacement too big: chain INPUT has 1 rules");
	CHECK_STR(apply(t, "-R INPUT 1 -s 1.1.1.1,2.2.2.2 -j DROP") ?: "",
		  "-R needs a rule with a single source and destination");
	CHECK_STR(table_text(t), POLICIES "-A INPUT -j DROP\n");
	table_free(t);
}

static void test_chains(void)
{
	struct table *t = fresh();

	CHECK(!apply(t, "-N zeta"));
	CHECK(!apply(t, "-N alpha"));
	CHECK_STR(apply(t, "-N alpha") ?: "", "chain alpha already exists");
	CHECK_STR(apply(t, "-N DROP") ?: "",
		  "chain name \"DROP\" may not clash with a target name");
	CHECK_STR(apply(t, "-A INPUT -j nowhere") ?: "",
		  "-j nowhere: no chain/target by that name");
	CHECK(!apply(t, "-A INPUT -j zeta"));
	CHECK(!apply(t, "-A zeta -g alpha"));
	CHECK_STR(apply(t, "-X zeta") ?: "", "chain zeta is not empty");
	CHECK_STR(apply(t, "-X alpha") ?: "",
		  "chain alpha is still referenced by 1 rule");
	CHECK(!apply(t, "-E alpha beta"));
	CHECK_STR(table_text(t), POLICIES "-N beta\n-N zeta\n"
		  "-A INPUT -j zeta\n-A zeta -g beta\n");
	CHECK(!apply(t, "-F zeta"));
	CHECK(!apply(t, "-X beta"));
	CHECK_STR(apply(t, "-X INPUT") ?: "", "cannot delete built-in chain INPUT");
	CHECK_STR(apply(t, "-X") ?: "", "chain zeta is still referenced by 1 rule");
	CHECK(!apply(t, "-F"));
	CHECK(!apply(t, "-X"));
	CHECK_STR(table_text(t), POLICIES);
	table_free(t);
}

static void test_policy_zero(void)
{
	struct table *t = fresh();

	CHECK(!apply(t, "-P FORWARD DROP"));
	CHECK(!apply(t, "-P INPUT DROP -c 5 6"));
	CHECK(t->chains[0]->has_counters && t->chains[0]->pkts == 5);
	CHECK_STR(apply(t, "-P INPUT REJECT") ?: "",
		  "bad policy name \"REJECT\" (ACCEPT or DROP)");
	CHECK(!apply(t, "-N U"));
	CHECK_STR(apply(t, "-P U DROP") ?: "",
		  "bad built-in chain name U (only built-in chains have a policy)");
	CHECK(!apply(t, "-A INPUT -j ACCEPT"));
	CHECK(!apply(t, "-A INPUT -j DROP"));
	CHECK(!apply(t, "-Z INPUT 2"));
	CHECK(!t->chains[0]->rules[0]->has_counters);
	CHECK(t->chains[0]->rules[1]->has_counters &&
	      t->chains[0]->rules[1]->pkts == 0);
	table_free(t);
}

static void parse_only(struct cmd *c, const char *line, uint8_t family)
{
	char **argv;
	int argc = restore_tokenize(line, &argv);

	cmd_parse(c, argc, argv, false, family);
	cmd_free(c);
	free(argv);
}

static const char *parse_err(const char *line)
{
	static char msg[FAIL_MSG_MAX];
	struct fail_ctx fc;
	struct cmd c;
	char **argv;
	int argc = restore_tokenize(line, &argv);

	fail_push(&fc);
	if (setjmp(fc.jb)) {
		snprintf(msg, sizeof(msg), "%s", fc.msg);
		free(argv);
		return msg;
	}
	cmd_parse(&c, argc, argv, false, XTFW_FAMILY_IPV4);
	fail_pop(&fc);
	cmd_free(&c);
	free(argv);
	return "(no error)";
}

static void test_command_line(void)
{
	struct cmd c;

	parse_only(&c, "xtctl -nvL INPUT --line-numbers -x", 0);
	CHECK(c.op == CMD_LIST && c.numeric && c.verbose && c.exact &&
	      c.linenum && !strcmp(c.ctx, "-L INPUT"));
	parse_only(&c, "xtctl -t nat -6 -S POSTROUTING 2", 0);
	CHECK(c.op == CMD_LIST_RULES && c.table == XTFW_TABLE_NAT &&
	      c.family == XTFW_FAMILY_IPV6 && c.rulenum == 2);
	parse_only(&c, "xtctl -L --line -n", 0);
	CHECK(c.linenum);
	parse_only(&c, "xtctl -L -Z", 0);
	CHECK(c.op == CMD_LIST && c.zero_after_list);
	parse_only(&c, "xtctl -D INPUT 3", 0);
	CHECK(c.op == CMD_DELETE_NUM && c.rulenum == 3);
	parse_only(&c, "xtctl --json -S", 0);
	CHECK(c.json);
	CHECK_STR(parse_err("xtctl -A INPUT -D INPUT"), "cannot use -D with -A");
	/* a bundle longer than any real one (the fuzzer found an overflow) */
	CHECK(strlen(parse_err("xtctl -nvnvnvnvnvnvnvnvnvnvnvnvnvnvnvnvnvnvnvnvnvnvnvnvnvnvnvL")) > 0);
	CHECK_STR(parse_err("xtctl -t bogus -L"), "unknown table \"bogus\"");
	CHECK_STR(parse_err("xtctl -L -s 1.2.3.4"),
		  "rule options are not allowed with -L");
	CHECK_STR(parse_err("xtctl -v"), "no command specified");
	CHECK_STR(parse_err("xtctl -D INPUT"),
		  "-D needs a rule number or a rule specification");
	CHECK_STR(parse_err("xtctl -I INPUT 0 -j DROP"),
		  "invalid rule number \"0\" (expected 1 to 2147483647)");
	CHECK_STR(parse_err("xtctl -A"), "option \"-A\" requires an argument");
}

static const struct test_case cases[] = {
	{ "append_insert", test_append_insert },
	{ "delete", test_delete },
	{ "delete_dumped", test_delete_dumped },
	{ "replace", test_replace },
	{ "chains", test_chains },
	{ "policy_zero", test_policy_zero },
	{ "command_line", test_command_line },
};

SUITE(cmd_suite, cases);
