// SPDX-License-Identifier: GPL-2.0
/*
 * Commands applied to the in-memory copy of a table. The messages follow
 * iptables' reasons (libiptc's errno texts) but name the chain or rule.
 */
#include <string.h>

#include "cmd.h"
#include "ext.h"
#include "rule_nl.h"

bool cmd_modifies(const struct cmd *c)
{
	switch (c->op) {
	case CMD_LIST:
	case CMD_LIST_RULES:
	case CMD_CHECK:
	case CMD_HELP:
	case CMD_VERSION:
	case CMD_NONE:
		return false;
	case CMD_ZERO:
		return c->rulenum != 0;
	default:
		return true;
	}
}

static struct chain *need_chain(const struct table *t, const char *name)
{
	struct chain *c = table_chain(t, name);

	if (!c)
		fail(XT_EXIT_OTHER, "no chain \"%s\" in table", name);
	return c;
}

static void check_jump(const struct table *t, const struct rule *r)
{
	const struct chain *to;

	if (!rule_jumps(r))
		return;
	to = table_chain(t, r->tg.chain);
	if (!to)
		fail(XT_EXIT_OTHER, "%s %s: no chain/target by that name",
		     r->tg.type == XTFW_TARGET_GOTO ? "-g" : "-j",
		     r->tg.chain);
	if (to->builtin)
		fail(XT_EXIT_OTHER, "cannot jump to built-in chain %s",
		     r->tg.chain);
}

/* @take: c->rules, to move the rules into @ch instead of copying them */
static void insert_rules(const struct cmd *c, struct table *t,
			 struct chain *ch, unsigned int pos,
			 struct rule **take)
{
	for (unsigned int i = 0; i < c->nrules; i++)
		check_jump(t, c->rules[i]);
	for (unsigned int i = 0; i < c->nrules; i++) {
		struct rule *r = take ? take[i] : rule_dup(c->rules[i]);

		if (take)
			take[i] = NULL;
		chain_insert(ch, pos + i, r);
	}
}

static unsigned int find_rule(const struct chain *ch, const struct rule *r)
{
	for (unsigned int i = 0; i < ch->nrules; i++)
		if (rule_nl_same(ch->rules[i], r))
			return i;
	return ch->nrules;
}

static void delete_rules(const struct cmd *c, struct chain *ch)
{
	for (unsigned int i = 0; i < c->nrules; i++) {
		unsigned int k = find_rule(ch, c->rules[i]);

		if (k == ch->nrules)
			fail(XT_EXIT_OTHER,
			     "Bad rule (does a matching rule exist in that chain?)");
		chain_remove(ch, k);
	}
}

static void check_index(const struct chain *ch, unsigned int num,
			unsigned int max, const char *what)
{
	if (num > max)
		fail(XT_EXIT_OTHER, "index of %s too big: chain %s has %u rules",
		     what, ch->name, ch->nrules);
}

static void replace_rule(const struct cmd *c, struct table *t,
			 struct chain *ch)
{
	check_index(ch, c->rulenum, ch->nrules, "replacement");
	if (c->nrules != 1)
		perr("-R needs a rule with a single source and destination");
	check_jump(t, c->rules[0]);
	rule_free(ch->rules[c->rulenum - 1]);
	ch->rules[c->rulenum - 1] = rule_dup(c->rules[0]);
}

static void zero_chain(struct chain *ch, unsigned int rulenum)
{
	for (unsigned int i = 0; i < ch->nrules; i++) {
		if (rulenum && i + 1 != rulenum)
			continue;
		ch->rules[i]->has_counters = true;
		ch->rules[i]->pkts = ch->rules[i]->bytes = 0;
	}
	if (ch->builtin && !rulenum) {
		ch->has_counters = true;
		ch->pkts = ch->bytes = 0;
	}
}

static bool is_target_name(const char *name)
{
	for (uint8_t f = 0; f < __XTFW_FAMILY_MAX; f++)
		if (tg_ext_by_name(name, f))
			return true;
	return false;
}

static void new_chain(const struct cmd *c, struct table *t)
{
	if (table_chain(t, c->chain))
		fail(XT_EXIT_OTHER, "chain %s already exists", c->chain);
	if (is_target_name(c->chain))
		perr("chain name \"%s\" may not clash with a target name",
		     c->chain);
	table_add_chain(t, c->chain);
}

static void delete_chain(struct table *t, struct chain *ch)
{
	unsigned int refs;

	if (ch->builtin)
		fail(XT_EXIT_OTHER, "cannot delete built-in chain %s",
		     ch->name);
	if (ch->nrules)
		fail(XT_EXIT_OTHER, "chain %s is not empty", ch->name);
	refs = table_refs(t, ch->name);
	if (refs)
		fail(XT_EXIT_OTHER, "chain %s is still referenced by %u rule%s",
		     ch->name, refs, refs == 1 ? "" : "s");
	table_del_chain(t, ch);
}

static void delete_all_chains(struct table *t)
{
	for (unsigned int i = t->nbuiltin; i < t->nchains; i++)
		if (t->chains[i]->nrules)
			fail(XT_EXIT_OTHER, "chain %s is not empty",
			     t->chains[i]->name);
	while (t->nchains > t->nbuiltin)
		delete_chain(t, t->chains[t->nchains - 1]);
}

static void rename_chain(const struct cmd *c, struct table *t,
			 struct chain *ch)
{
	if (ch->builtin)
		fail(XT_EXIT_OTHER, "cannot rename built-in chain %s", ch->name);
	if (table_chain(t, c->newname))
		fail(XT_EXIT_OTHER, "chain %s already exists", c->newname);
	if (is_target_name(c->newname))
		perr("chain name \"%s\" may not clash with a target name",
		     c->newname);
	for (unsigned int i = 0; i < t->nchains; i++) {
		struct chain *o = t->chains[i];

		for (unsigned int k = 0; k < o->nrules; k++) {
			struct rule *r = o->rules[k];

			if (!rule_jumps(r) || strcmp(r->tg.chain, ch->name))
				continue;
			strcpy(r->tg.chain, c->newname);
			rule_forget_raw(r);
			/*
			 * A changed rule: the kernel cannot carry its counters
			 * over, so send them (what counts between the dump and
			 * the commit is lost, for these rules only).
			 */
			r->has_counters = true;
		}
	}
	/* its rules, unchanged, keep their counters in the kernel */
	if (!ch->from[0])
		strcpy(ch->from, ch->name);
	table_rename_chain(t, ch, c->newname);
}

static void set_policy(const struct cmd *c, struct chain *ch)
{
	if (!ch->builtin)
		fail(XT_EXIT_OTHER, "bad built-in chain name %s (only built-in chains have a policy)",
		     ch->name);
	ch->policy = c->policy;
	if (c->has_counters) {
		ch->has_counters = true;
		ch->pkts = c->pkts;
		ch->bytes = c->bytes;
	}
}

static void for_each_chain(const struct cmd *c, struct table *t,
			   void (*fn)(struct chain *, unsigned int))
{
	if (c->chain) {
		fn(need_chain(t, c->chain), c->rulenum);
		return;
	}
	for (unsigned int i = 0; i < t->nchains; i++)
		fn(t->chains[i], 0);
}

static void flush_one(struct chain *ch, unsigned int unused)
{
	(void)unused;
	chain_flush(ch);
}

static void apply(const struct cmd *c, struct table *t, struct rule **take)
{
	struct chain *ch = c->chain ? table_chain(t, c->chain) : NULL;

	if (c->chain && !ch && c->op != CMD_NEW_CHAIN)
		need_chain(t, c->chain);
	switch (c->op) {
	case CMD_APPEND:
		insert_rules(c, t, ch, ch->nrules, take);
		break;
	case CMD_INSERT:
		check_index(ch, c->rulenum ? c->rulenum - 1 : 0, ch->nrules,
			    "insertion");
		insert_rules(c, t, ch, c->rulenum ? c->rulenum - 1 : 0,
			     take);
		break;
	case CMD_DELETE:
		delete_rules(c, ch);
		break;
	case CMD_DELETE_NUM:
		check_index(ch, c->rulenum, ch->nrules, "deletion");
		chain_remove(ch, c->rulenum - 1);
		break;
	case CMD_REPLACE:
		replace_rule(c, t, ch);
		break;
	case CMD_FLUSH:
		for_each_chain(c, t, flush_one);
		break;
	case CMD_ZERO:
		if (c->rulenum)
			check_index(ch, c->rulenum, ch->nrules, "rule");
		for_each_chain(c, t, zero_chain);
		break;
	case CMD_NEW_CHAIN:
		new_chain(c, t);
		break;
	case CMD_DELETE_CHAIN:
		if (ch)
			delete_chain(t, ch);
		else
			delete_all_chains(t);
		break;
	case CMD_RENAME_CHAIN:
		rename_chain(c, t, ch);
		break;
	case CMD_POLICY:
		set_policy(c, ch);
		break;
	default:
		return;
	}
	t->dirty = true;
}

void cmd_apply(const struct cmd *c, struct table *t)
{
	apply(c, t, NULL);
}

void cmd_apply_take(struct cmd *c, struct table *t)
{
	apply(c, t, c->rules);
}
