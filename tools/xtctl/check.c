// SPDX-License-Identifier: GPL-2.0
/*
 * Whole-table checks, in the order and words of the kernel's COMMIT: jump
 * targets exist and are user chains; the jump graph has no loop and needs
 * fewer than XTFW_MAX_JUMP_DEPTH return frames (a jump adds one, a goto
 * none); targets and matches sit only in tables and hooks that allow
 * them, judged for chains reachable from a built-in chain.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ext.h"
#include "names.h"

enum color { WHITE, GREY, BLACK };

struct graph {
	const struct table *t;
	unsigned char *color;
	unsigned int *depth;		/* return frames needed below a chain */
	unsigned int *hooks;		/* hooks a chain is reached from */
	unsigned int *line;
};

/* "filter B rule 2: ..." as the kernel words it, at the rule's line. */
static noreturn void fail_rule(struct graph *g, const struct chain *c,
			       unsigned int k, const char *fmt, ...)
{
	char msg[FAIL_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	*g->line = c->rules[k]->line;
	fail(XT_EXIT_OTHER, "%s %s rule %u: %s", table_name(g->t->id),
	     c->name, k + 1, msg);
}

static unsigned int resolve(struct graph *g, const struct chain *c,
			    unsigned int k)
{
	const char *to = c->rules[k]->tg.chain;
	unsigned int j = table_chain_index(g->t, to);

	if (j == g->t->nchains)
		fail_rule(g, c, k, "jump to chain \"%s\", which does not exist",
			  to);
	if (g->t->chains[j]->builtin)
		fail_rule(g, c, k, "jump to built-in chain %s", to);
	return j;
}

static void visit(struct graph *g, unsigned int i)
{
	const struct chain *c = g->t->chains[i];

	g->color[i] = GREY;
	for (unsigned int k = 0; k < c->nrules; k++) {
		const struct rule *r = c->rules[k];
		unsigned int j, d;

		if (!rule_jumps(r))
			continue;
		j = resolve(g, c, k);
		if (g->color[j] == GREY)
			fail_rule(g, c, k, "jump to chain %s makes a loop",
				  r->tg.chain);
		if (g->color[j] == WHITE)
			visit(g, j);
		d = g->depth[j] + (r->tg.type == XTFW_TARGET_JUMP);
		if (d > g->depth[i])
			g->depth[i] = d;
		if (d >= XTFW_MAX_JUMP_DEPTH)
			fail_rule(g, c, k, "jumps nest deeper than %d chains below %s",
				  XTFW_MAX_JUMP_DEPTH, r->tg.chain);
	}
	g->color[i] = BLACK;
}

static void spread_hooks(struct graph *g, unsigned int i, unsigned int hook)
{
	const struct chain *c = g->t->chains[i];

	if (g->hooks[i] & HOOK_BIT(hook))
		return;
	g->hooks[i] |= HOOK_BIT(hook);
	for (unsigned int k = 0; k < c->nrules; k++)
		if (rule_jumps(c->rules[k]))
			spread_hooks(g, table_chain_index(g->t,
				     c->rules[k]->tg.chain), hook);
}

static int lowest_hook(unsigned int bits)
{
	return __builtin_ctz(bits);
}

#define H(h)	HOOK_BIT(HOOK_##h)

struct placement {
	uint32_t target;
	int table;
	unsigned int hooks;		/* 0: any */
};

static const struct placement placements[] = {
	{ XTFW_TARGET_REJECT, XTFW_TABLE_FILTER, H(INPUT) | H(FORWARD) | H(OUTPUT) },
	{ XTFW_TARGET_NOTRACK, XTFW_TABLE_RAW, 0 },
	{ XTFW_TARGET_TRACE, XTFW_TABLE_RAW, 0 },
	{ XTFW_TARGET_TTL, XTFW_TABLE_MANGLE, 0 },
	{ XTFW_TARGET_HL, XTFW_TABLE_MANGLE, 0 },
	{ XTFW_TARGET_SNAT, XTFW_TABLE_NAT, H(POSTROUTING) | H(INPUT) },
	{ XTFW_TARGET_DNAT, XTFW_TABLE_NAT, H(PREROUTING) | H(OUTPUT) },
	{ XTFW_TARGET_MASQUERADE, XTFW_TABLE_NAT, H(POSTROUTING) },
	{ XTFW_TARGET_REDIRECT, XTFW_TABLE_NAT, H(PREROUTING) | H(OUTPUT) },
	{ XTFW_TARGET_NETMAP, XTFW_TABLE_NAT, 0 },
};

static void check_target(struct graph *g, const struct chain *c,
			 unsigned int k, unsigned int hooks)
{
	const struct rule *r = c->rules[k];
	const struct tg_ext *x = tg_ext_by_type(r->tg.type);
	unsigned int bad;

	if (!RULE_HAS(r, XTFW_RULE_A_TARGET) || !x)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(placements); i++) {
		const struct placement *p = &placements[i];

		if (p->target != r->tg.type)
			continue;
		if (p->table != g->t->id)
			fail_rule(g, c, k, "%s is only valid in the %s table",
				  x->name, table_name(p->table));
		bad = p->hooks ? hooks & ~p->hooks : 0;
		if (bad)
			fail_rule(g, c, k, "%s is not valid in a chain reached from %s",
				  x->name, hook_name(lowest_hook(bad)));
	}
}

static void check_matches(struct graph *g, const struct chain *c,
			  unsigned int k, unsigned int hooks)
{
	const unsigned int in = H(PREROUTING) | H(INPUT);
	const unsigned int out = H(POSTROUTING) | H(OUTPUT);
	const struct rule *r = c->rules[k];

	for (unsigned int i = 0; i < r->nmt; i++) {
		const struct mt *m = &r->mt[i];

		if (m->type == XTFW_MATCH_OWNER && (hooks & ~out))
			fail_rule(g, c, k, "owner is only valid in OUTPUT and POSTROUTING, not from %s",
				  hook_name(lowest_hook(hooks & ~out)));
		if (m->type != XTFW_MATCH_ADDRTYPE)
			continue;
		if ((m->addrtype_flags & XTFW_ADDRTYPE_F_LIMIT_IFACE_OUT) &&
		    (hooks & in))
			fail_rule(g, c, k, "addrtype: --limit-iface-out is not valid from %s",
				  hook_name(lowest_hook(hooks & in)));
		if ((m->addrtype_flags & XTFW_ADDRTYPE_F_LIMIT_IFACE_IN) &&
		    (hooks & out))
			fail_rule(g, c, k, "addrtype: --limit-iface-in is not valid from %s",
				  hook_name(lowest_hook(hooks & out)));
	}
}

static void check_placements(struct graph *g)
{
	for (unsigned int i = 0; i < g->t->nchains; i++) {
		const struct chain *c = g->t->chains[i];

		if (!g->hooks[i])
			continue;
		for (unsigned int k = 0; k < c->nrules; k++) {
			check_target(g, c, k, g->hooks[i]);
			check_matches(g, c, k, g->hooks[i]);
		}
	}
}

static void free_graph(void *arg)
{
	struct graph *g = arg;

	free(g->color);
	free(g->depth);
	free(g->hooks);
}

static void run_checks(void *arg)
{
	struct graph *g = arg;
	const struct table *t = g->t;

	for (unsigned int i = 0; i < t->nchains; i++)
		for (unsigned int k = 0; k < t->chains[i]->nrules; k++)
			if (rule_jumps(t->chains[i]->rules[k]))
				resolve(g, t->chains[i], k);
	for (unsigned int i = 0; i < t->nchains; i++)
		if (g->color[i] == WHITE)
			visit(g, i);
	for (unsigned int i = 0; i < t->nbuiltin; i++)
		spread_hooks(g, i, hook_by_name(t->chains[i]->name));
	check_placements(g);
}

void check_table(const struct table *t, unsigned int *line)
{
	struct graph g = {
		.t = t, .line = line,
		.color = xcalloc(t->nchains, 1),
		.depth = xcalloc(t->nchains, sizeof(unsigned int)),
		.hooks = xcalloc(t->nchains, sizeof(unsigned int)),
	};

	*line = 0;
	fail_guard(run_checks, free_graph, &g);
	free_graph(&g);
}
