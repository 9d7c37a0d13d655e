/* SPDX-License-Identifier: GPL-2.0 */
/* iptables-restore input applied to an in-memory ruleset. */
#ifndef XTCTL_RESTORE_H
#define XTCTL_RESTORE_H

#include "ruleset.h"

#define RESTORE_MAX_LINE	65536
#define RESTORE_MAX_ARGS	1024

struct restore_opts {
	uint8_t family;
	bool counters;		/* -c: take [p:b] counters */
	bool noflush;		/* edit the tables instead of replacing them */
};

/*
 * Apply buf to rs: every table named in it is reset (unless noflush) and
 * marked dirty, then edited line by line and checked as a whole. Fails
 * with "line N: reason" on the first error.
 */
void restore_apply(const char *buf, size_t len, const struct restore_opts *o,
		   struct ruleset *rs);

/*
 * Split one line into arguments as iptables-restore does: blanks separate,
 * double quotes group, and a backslash inside quotes takes the next
 * character literally. Returns the count; *argv and its strings are one
 * allocation for the caller to free.
 */
int restore_tokenize(const char *line, char ***argv);

#endif
