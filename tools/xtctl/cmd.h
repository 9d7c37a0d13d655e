/* SPDX-License-Identifier: GPL-2.0 */
/* One iptables command line (or restore line), parsed and applied. */
#ifndef XTCTL_CMD_H
#define XTCTL_CMD_H

#include "ruleset.h"

enum cmd_op {
	CMD_NONE,
	CMD_APPEND,
	CMD_INSERT,
	CMD_DELETE,
	CMD_DELETE_NUM,
	CMD_REPLACE,
	CMD_CHECK,
	CMD_LIST,
	CMD_LIST_RULES,
	CMD_FLUSH,
	CMD_ZERO,
	CMD_NEW_CHAIN,
	CMD_DELETE_CHAIN,
	CMD_RENAME_CHAIN,
	CMD_POLICY,
	CMD_HELP,
	CMD_VERSION,
};

struct cmd {
	enum cmd_op op;
	bool zero_after_list;		/* -L -Z */
	char letter;			/* 'A' for -A, for messages */
	const char *chain, *newname;
	unsigned int rulenum;		/* 1-based, 0 = none */
	uint8_t policy;
	int table;
	uint8_t family;
	bool family_given, skip;	/* restore: line for the other family */
	bool numeric, verbose, exact, linenum, json;
	bool has_counters;		/* -c on -P */
	uint64_t pkts, bytes;
	struct rule **rules;		/* -s/-d lists expand to several */
	unsigned int nrules;
	char ctx[64];			/* "-A INPUT", to prefix messages */
};

/*
 * Parse argv into c. In restore mode the family is fixed, -t and listing
 * commands are refused, and a -4/-6 of the other family sets c->skip.
 * Fails (perr) with a message naming the bad token.
 */
void cmd_parse(struct cmd *c, int argc, char **argv, bool restore,
	       uint8_t family);
void cmd_free(struct cmd *c);

/* Apply a modifying command to its table; fails with iptables' reasons. */
void cmd_apply(const struct cmd *c, struct table *t);
/*
 * cmd_apply(), moving the rules of -A and -I into @t rather than copying
 * them (a restore applies each command once): @c's rule slots are NULL
 * after.
 */
void cmd_apply_take(struct cmd *c, struct table *t);
bool cmd_modifies(const struct cmd *c);

/* -L or -S (text or --json) of a table; false if the chain is missing. */
bool cmd_list(struct sbuf *out, const struct cmd *c, struct table *t);

#endif
