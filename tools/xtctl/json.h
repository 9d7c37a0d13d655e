/* SPDX-License-Identifier: GPL-2.0 */
/* JSON output of -L, -S and save (schema in README.md). */
#ifndef XTCTL_JSON_H
#define XTCTL_JSON_H

#include "ruleset.h"

#define XTCTL_JSON_VERSION	1

/*
 * The tables (NULL entries skipped), optionally one chain (and one rule)
 * of them, as one JSON document followed by a newline.
 */
void json_tables(struct sbuf *b, uint8_t family, struct table *const *t,
		 unsigned int n, const char *chain, unsigned int rulenum);

/* A JSON string literal, quotes included; invalid UTF-8 becomes U+FFFD. */
void json_string(struct sbuf *b, const char *s);

#endif
