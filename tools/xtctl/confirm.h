/* SPDX-License-Identifier: GPL-2.0 */
/* restore --confirm and xtctl confirm (confirm.c). */
#ifndef XTCTL_CONFIRM_H
#define XTCTL_CONFIRM_H

#include "ruleset.h"

/* Fail unless no change of @family waits for confirmation. */
void confirm_check_free(uint8_t family);
/*
 * Start the process that restores @old (the family's tables before the
 * change) after @seconds unless confirmed; @old is the child's.
 */
void confirm_arm(struct ruleset *old, uint8_t family, unsigned int seconds);
/* xtctl confirm [-4|-6] */
int cli_confirm(int argc, char **argv);

#endif
