// SPDX-License-Identifier: GPL-2.0
/* Tables, chains and rule lists. */
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "ruleset.h"

static struct chain *chain_new(const char *name, bool builtin)
{
	struct chain *c = xcalloc(1, sizeof(*c));

	strcpy(c->name, name);
	c->builtin = builtin;
	c->policy = XTFW_VERDICT_ACCEPT;
	return c;
}

static void chain_free(struct chain *c)
{
	chain_flush(c);
	free(c->rules);
	free(c);
}

static void add_builtins(struct table *t)
{
	unsigned int hooks = table_hooks(t->id);

	for (unsigned int h = 0; h < HOOK_COUNT; h++) {
		if (!(hooks & HOOK_BIT(h)))
			continue;
		t->chains = xrealloc(t->chains,
				     (t->nchains + 1) * sizeof(*t->chains));
		t->chains[t->nchains++] = chain_new(hook_name(h), true);
	}
	t->nbuiltin = t->nchains;
}

struct table *table_new(uint8_t family, uint8_t id)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->family = family;
	t->id = id;
	add_builtins(t);
	return t;
}

void table_reset(struct table *t)
{
	for (unsigned int i = 0; i < t->nchains; i++)
		chain_free(t->chains[i]);
	free(t->chains);
	t->chains = NULL;
	t->nchains = 0;
	add_builtins(t);
}

void table_free(struct table *t)
{
	if (!t)
		return;
	for (unsigned int i = 0; i < t->nchains; i++)
		chain_free(t->chains[i]);
	free(t->chains);
	free(t);
}

/* Index of the first user chain not before name. */
static unsigned int user_lower_bound(const struct table *t, const char *name)
{
	unsigned int lo = t->nbuiltin, hi = t->nchains;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (strcmp(t->chains[mid]->name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

unsigned int table_chain_index(const struct table *t, const char *name)
{
	unsigned int i;

	for (i = 0; i < t->nbuiltin; i++)
		if (strcmp(t->chains[i]->name, name) == 0)
			return i;
	i = user_lower_bound(t, name);
	if (i < t->nchains && strcmp(t->chains[i]->name, name) == 0)
		return i;
	return t->nchains;
}

struct chain *table_chain(const struct table *t, const char *name)
{
	unsigned int i = table_chain_index(t, name);

	return i < t->nchains ? t->chains[i] : NULL;
}

static void insert_chain(struct table *t, struct chain *c)
{
	unsigned int i = user_lower_bound(t, c->name);

	t->chains = xrealloc(t->chains, (t->nchains + 1) * sizeof(*t->chains));
	memmove(&t->chains[i + 1], &t->chains[i],
		(t->nchains - i) * sizeof(*t->chains));
	t->chains[i] = c;
	t->nchains++;
}

static void unlink_chain(struct table *t, struct chain *c)
{
	unsigned int i = table_chain_index(t, c->name);

	memmove(&t->chains[i], &t->chains[i + 1],
		(t->nchains - i - 1) * sizeof(*t->chains));
	t->nchains--;
}

struct chain *table_add_chain(struct table *t, const char *name)
{
	struct chain *c = chain_new(name, false);

	insert_chain(t, c);
	return c;
}

void table_del_chain(struct table *t, struct chain *c)
{
	unlink_chain(t, c);
	chain_free(c);
}

void table_rename_chain(struct table *t, struct chain *c, const char *name)
{
	unlink_chain(t, c);
	strcpy(c->name, name);
	insert_chain(t, c);
}

unsigned int table_refs(const struct table *t, const char *name)
{
	unsigned int refs = 0;

	for (unsigned int i = 0; i < t->nchains; i++) {
		const struct chain *c = t->chains[i];

		for (unsigned int k = 0; k < c->nrules; k++)
			if (rule_jumps(c->rules[k]) &&
			    strcmp(c->rules[k]->tg.chain, name) == 0)
				refs++;
	}
	return refs;
}

void chain_insert(struct chain *c, unsigned int pos, struct rule *r)
{
	if (c->nrules == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 8;
		c->rules = xrealloc(c->rules, c->cap * sizeof(*c->rules));
	}
	memmove(&c->rules[pos + 1], &c->rules[pos],
		(c->nrules - pos) * sizeof(*c->rules));
	c->rules[pos] = r;
	c->nrules++;
}

void chain_remove(struct chain *c, unsigned int pos)
{
	rule_free(c->rules[pos]);
	memmove(&c->rules[pos], &c->rules[pos + 1],
		(c->nrules - pos - 1) * sizeof(*c->rules));
	c->nrules--;
}

void chain_flush(struct chain *c)
{
	for (unsigned int i = 0; i < c->nrules; i++)
		rule_free(c->rules[i]);
	c->nrules = 0;
}

struct table *ruleset_table(struct ruleset *rs, uint8_t family, uint8_t id)
{
	return rs->t[family][id];
}

struct table *ruleset_get(struct ruleset *rs, uint8_t family, uint8_t id)
{
	if (!rs->t[family][id])
		rs->t[family][id] = table_new(family, id);
	return rs->t[family][id];
}

void ruleset_free(struct ruleset *rs)
{
	for (unsigned int f = 0; f < __XTFW_FAMILY_MAX; f++)
		for (unsigned int i = 0; i < __XTFW_TABLE_MAX; i++) {
			table_free(rs->t[f][i]);
			rs->t[f][i] = NULL;
		}
}
