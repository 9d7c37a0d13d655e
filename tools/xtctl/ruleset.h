/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-memory copy of tables that commands edit before the whole table is
 * sent back. Built-in chains come first in hook order, then user chains
 * sorted by name (the order iptables lists them in).
 */
#ifndef XTCTL_RULESET_H
#define XTCTL_RULESET_H

#include "rule.h"

struct chain {
	char name[XTFW_CHAIN_MAXNAMELEN];
	bool builtin;
	uint8_t policy;			/* enum xtfw_verdict */
	bool has_counters;		/* send policy counters (-c) */
	uint64_t pkts, bytes;
	char from[XTFW_CHAIN_MAXNAMELEN]; /* -E: the kernel's name for it */
	uint32_t refs;			/* as the kernel reported them */
	bool refs_known;
	struct rule **rules;
	unsigned int nrules, cap;
	unsigned int line;		/* restore line that declared it */
};

struct table {
	uint8_t family, id;
	struct chain **chains;
	unsigned int nchains, nbuiltin;
	bool dirty;			/* to be sent in the transaction */
	unsigned int line;		/* restore line of "*table" */
};

struct ruleset {
	struct table *t[__XTFW_FAMILY_MAX][__XTFW_TABLE_MAX];
	uint64_t gen;
	bool have_gen;
};

struct table *table_new(uint8_t family, uint8_t id);
void table_free(struct table *t);
/* Back to built-in chains only, policies ACCEPT, no counters. */
void table_reset(struct table *t);
struct chain *table_chain(const struct table *t, const char *name);
unsigned int table_chain_index(const struct table *t, const char *name);
struct chain *table_add_chain(struct table *t, const char *name);
void table_del_chain(struct table *t, struct chain *c);
void table_rename_chain(struct table *t, struct chain *c, const char *name);
/* Rules that jump or go to the chain. */
unsigned int table_refs(const struct table *t, const char *name);

void chain_insert(struct chain *c, unsigned int pos, struct rule *r);
void chain_remove(struct chain *c, unsigned int pos);
void chain_flush(struct chain *c);

struct table *ruleset_table(struct ruleset *rs, uint8_t family, uint8_t id);
/* The table, created empty if absent. */
struct table *ruleset_get(struct ruleset *rs, uint8_t family, uint8_t id);
void ruleset_free(struct ruleset *rs);

#endif
