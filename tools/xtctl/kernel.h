/* SPDX-License-Identifier: GPL-2.0 */
/* Rulesets read from and written to the kernel. */
#ifndef XTCTL_KERNEL_H
#define XTCTL_KERNEL_H

#include "nl.h"
#include "ruleset.h"

#define KERNEL_MAX_RETRIES	10

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
