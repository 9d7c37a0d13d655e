/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rule options of the iptables command line (-s -d -p -i -o -f -j -g
 * -m -c, "!" and every extension option) turned into struct rule. Used by
 * the command line and by restore alike; knows nothing of netlink.
 */
#ifndef XTCTL_PARSE_H
#define XTCTL_PARSE_H

#include "ext.h"
#include "rule.h"

struct addr_list {
	union xtfw_addr *addr, *mask;
	unsigned int n;
	bool given;
};

struct rparse {
	struct rule *rule;
	uint8_t family;
	const char *chain;		/* for the -i/-o hook check */
	struct addr_list src, dst;
	const struct tg_ext *tgx;	/* the -j extension, if any */
	unsigned int tg_at;		/* matches loaded before -j */
	bool proto_loaded;		/* implicit -m tcp etc. done */
	uint32_t seen;			/* builtin options given */
};

void rparse_init(struct rparse *p, uint8_t family, const char *chain);
/*
 * If argv[*i] starts a rule option, consume it with its arguments, advance
 * *i past them and return true; return false for anything else.
 */
bool rparse_opt(struct rparse *p, int argc, char **argv, int *i);
/* True if any rule option was given. */
bool rparse_any(const struct rparse *p);
/* True if nothing but -c was given (what -P allows). */
bool rparse_only_counters(const struct rparse *p);
/*
 * Check the rule and expand -s/-d lists into one rule per address pair.
 * The returned array and its rules belong to the caller.
 */
struct rule **rparse_finish(struct rparse *p, unsigned int *n);
/* Free what the parser still owns (after rparse_finish or a failure). */
void rparse_free(struct rparse *p);

#endif
