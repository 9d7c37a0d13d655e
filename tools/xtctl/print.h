/* SPDX-License-Identifier: GPL-2.0 */
/* iptables -L: the column listing, with -v, -n, -x and --line-numbers. */
#ifndef XTCTL_PRINT_H
#define XTCTL_PRINT_H

#include "ruleset.h"

struct list_opts {
	bool numeric, verbose, exact, linenum;
};

/* -L [CHAIN [N]]; false if the chain does not exist. */
bool print_list(struct sbuf *b, const struct table *t, const char *chain,
		unsigned int rulenum, const struct list_opts *o);
/* References to a chain: the kernel's count if known, else counted here. */
unsigned int chain_refs(const struct table *t, const struct chain *c);

#endif
