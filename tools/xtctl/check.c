// SPDX-License-Identifier: GPL-2.0
/* Whole-table checks: chain graph and target placement. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ext.h"
#include "names.h"

enum color { WHITE, GREY, BLACK };

struct graph {
	const struct table *t;
	unsigned char *color;
	unsigned int *depth;		/* longest jump path below a chain */
	unsigned int *hooks;		/* hooks a chain is reached from */
	unsigned int *line;
};

static noreturn void fail_at(struct graph *g, const struct rule *r,
			     const char *fmt, const char *a, const char *b)
{
	*g->line = r ? r->line : 0;
	fail(XT_EXIT_OTHER, fmt, a, b);
}

static unsigned int target_index(struct graph *g, const struct chain *c,
				 const struct rule *r)
{
	unsigned int k = table_chain_index(g->t, r->tg.chain);

	if (k == g->t->nchains)
		fail_at(g, r, "chain %s jumps to %s, which does not exist",
			c->name, r->tg.chain);
	if (g->t->chains[k]->builtin)
		fail_at(g, r, "chain %s jumps to built-in chain %s", c->name,
			r->tg.chain);
	return k;
}

static void visit(struct graph *g, unsigned int i, unsigned int level)
{
	const struct chain *c = g->t->chains[i];

	g->color[i] = GREY;
	for (unsigned int k = 0; k < c->nrules; k++) {
		const struct rule *r = c->rules[k];
		unsigned int j;

		if (!rule_jumps(r))
			continue;
		j = target_index(g, c, r);
		if (g->color[j] == GREY)
			fail_at(g, r, "chain %s jumps to %s, which makes a loop",
				c->name, r->tg.chain);
		if (g->color[j] == WHITE && level <= XTFW_MAX_JUMP_DEPTH)
			visit(g, j, level + 1);
		if (g->depth[j] + 1 > g->depth[i])
			g->depth[i] = g->depth[j] + 1;
		if (g->depth[i] > XTFW_MAX_JUMP_DEPTH ||
		    level > XTFW_MAX_JUMP_DEPTH)
			fail_at(g, r, "chain %s: jumps nest deeper than %s",
				c->name, "XTFW_MAX_JUMP_DEPTH (32)");
	}
	g->color[i] = BLACK;
}

static void spread_hooks(struct graph *g, unsigned int i, unsigned int hooks)
{
	const struct chain *c = g->t->chains[i];

	if ((g->hooks[i] & hooks) == hooks)
		return;
	g->hooks[i] |= hooks;
	for (unsigned int k = 0; k < c->nrules; k++)
		if (rule_jumps(c->rules[k]))
			spread_hooks(g, table_chain_index(g->t,
				     c->rules[k]->tg.chain), g->hooks[i]);
}

#define H(h)	HOOK_BIT(HOOK_##h)

struct placement {
	uint32_t target;
	int table;			/* -1: any */
	unsigned int hooks;		/* 0: any */
	uint8_t families;
};

static const struct placement placements[] = {
	{ XTFW_TARGET_REJECT, XTFW_TABLE_FILTER, H(INPUT) | H(FORWARD) | H(OUTPUT),
	  FAM_ALL },
	{ XTFW_TARGET_NOTRACK, XTFW_TABLE_RAW, 0, FAM_ALL },
	{ XTFW_TARGET_TTL, XTFW_TABLE_MANGLE, 0, FAM_V4 },
	{ XTFW_TARGET_HL, XTFW_TABLE_MANGLE, 0, FAM_V6 },
	{ XTFW_TARGET_SNAT, XTFW_TABLE_NAT, H(POSTROUTING) | H(INPUT), FAM_ALL },
	{ XTFW_TARGET_DNAT, XTFW_TABLE_NAT, H(PREROUTING) | H(OUTPUT), FAM_ALL },
	{ XTFW_TARGET_MASQUERADE, XTFW_TABLE_NAT, H(POSTROUTING), FAM_ALL },
	{ XTFW_TARGET_REDIRECT, XTFW_TABLE_NAT, H(PREROUTING) | H(OUTPUT),
	  FAM_ALL },
	{ XTFW_TARGET_NETMAP, XTFW_TABLE_NAT, 0, FAM_ALL },
};

static const char *target_show_name(const struct rule *r)
{
	const struct tg_ext *x = tg_ext_by_type(r->tg.type);

	return x ? x->name : "?";
}

static void check_placement(struct graph *g, const struct chain *c,
			    unsigned int hooks, const struct rule *r)
{
	const struct placement *p = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(placements); i++)
		if (placements[i].target == r->tg.type)
			p = &placements[i];
	if (!p || !RULE_HAS(r, XTFW_RULE_A_TARGET))
		return;
	if (!(p->families & FAM_BIT(g->t->family)))
		fail_at(g, r, "%s is not available for %s",
			target_show_name(r), family_name(g->t->family));
	if (p->table >= 0 && p->table != g->t->id)
		fail_at(g, r, "%s is only valid in the %s table",
			target_show_name(r), table_name(p->table));
	if (p->hooks && (hooks & ~p->hooks))
		fail_at(g, r, "%s is not valid in chain %s (or a chain that calls it)",
			target_show_name(r), c->name);
}

void check_table(const struct table *t, unsigned int *line)
{
	unsigned int n = t->nchains;
	struct graph g = {
		.t = t, .line = line,
		.color = xcalloc(n, 1),
		.depth = xcalloc(n, sizeof(unsigned int)),
		.hooks = xcalloc(n, sizeof(unsigned int)),
	};
	struct fail_ctx fc;

	fail_push(&fc);
	if (setjmp(fc.jb)) {
		free(g.color);
		free(g.depth);
		free(g.hooks);
		fail(fc.code, "%s", fc.msg);
	}
	for (unsigned int i = 0; i < n; i++)
		if (g.color[i] == WHITE)
			visit(&g, i, 0);
	for (unsigned int i = 0; i < t->nbuiltin; i++)
		spread_hooks(&g, i, HOOK_BIT(hook_by_name(t->chains[i]->name)));
	for (unsigned int i = 0; i < n; i++)
		for (unsigned int k = 0; k < t->chains[i]->nrules; k++)
			check_placement(&g, t->chains[i], g.hooks[i],
					t->chains[i]->rules[k]);
	fail_pop(&fc);
	free(g.color);
	free(g.depth);
	free(g.hooks);
}
