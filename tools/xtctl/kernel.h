/* SPDX-License-Identifier: GPL-2.0 */
/* Rulesets read from and written to the kernel. */
#ifndef XTCTL_KERNEL_H
#define XTCTL_KERNEL_H

#include "nl.h"
#include "ruleset.h"

/*
 * A command that loses the race to another writer re-reads and retries,
 * after a random pause that doubles each time (so that contenders spread
 * out), up to this many times.
 */
#define KERNEL_MAX_RETRIES	32
#define KERNEL_BACKOFF_MAX_US	20000

/*
 * Rules per NEWRULE message, to a module that takes several (family
 * version 2); TXN_RULES_BYTES usually ends a message first.
 */
#define KERNEL_RULES_PER_MSG	256

/* Sleep before retry number n (0-based). */
void kernel_backoff(unsigned int n);

/*
 * Dump the tables of a family (one table, or all with table < 0) into
 * rs, restarting if a commit interrupts the dump; rs->gen is the
 * generation they were read at. Tables the kernel has not got stay NULL.
 */
void kernel_read(struct nl *nl, struct ruleset *rs, uint8_t family,
		 int table);

struct commit_opts {
	bool use_gen;		/* BEGIN carries rs->gen */
	bool abort;		/* --test: ABORT instead of COMMIT */
	uint32_t del;		/* BIT(table id): delete these tables */
};

/*
 * Replace the dirty tables of the family in one transaction. Returns 0,
 * or -EAGAIN if the ruleset changed since rs->gen; fails on anything else
 * with the kernel's message, prefixed by the restore line if known.
 */
int kernel_commit(struct nl *nl, const struct ruleset *rs, uint8_t family,
		  const struct commit_opts *o);

/* XTFW_CMD_ZERO: one chain, one table, or (table < 0) the family. */
void kernel_zero(struct nl *nl, uint8_t family, int table,
		 const char *chain);

#endif
