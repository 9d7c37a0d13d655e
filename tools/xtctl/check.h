/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel checks only at COMMIT, checked before sending: jumps to
 * chains that do not exist, loops, jumps deeper than XTFW_MAX_JUMP_DEPTH,
 * and targets used in tables or hooks that do not allow them. restore
 * --test relies on this, since it never commits.
 */
#ifndef XTCTL_CHECK_H
#define XTCTL_CHECK_H

#include "ruleset.h"

/* Fails with a message; *line is set to the offending rule's line first. */
void check_table(const struct table *t, unsigned int *line);

#endif
