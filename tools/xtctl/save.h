/* SPDX-License-Identifier: GPL-2.0 */
/* iptables-save text: rule lines, -S listings and whole tables. */
#ifndef XTCTL_SAVE_H
#define XTCTL_SAVE_H

#include "ext.h"
#include "ruleset.h"

enum save_counters {
	SAVE_NO_COUNTERS,
	SAVE_PREFIX_COUNTERS,		/* "[p:b] -A ..." (save -c) */
	SAVE_INLINE_COUNTERS,		/* "-A ... -c p b -j ..." (-S -v) */
};

/* One rule as "-A CHAIN ...", without the newline. */
void save_rule(struct sbuf *b, const struct rule *r, const char *chain,
	       enum save_counters ctr);
/* -S [CHAIN [N]]; false if the chain does not exist. */
bool save_list_rules(struct sbuf *b, const struct table *t,
		     const char *chain, unsigned int rulenum, bool verbose);
/* One table in iptables-save format, with its comment lines. */
void save_table(struct sbuf *b, const struct table *t, bool counters,
		const char *when);

/* Pieces shared with -L and JSON. */
const char *rule_target_name(const struct rule *r);
bool rule_addr_save(const struct rule *r, bool src, char *buf, size_t len);
bool rule_iface_save(const struct rule *r, bool in);
const char *rule_proto_save(const struct rule *r, char *buf, size_t len);
const char *policy_name(uint8_t policy);
/* A text emitter appending " [!] --opt [value]" to b. */
void emit_text_init(struct emit *e, struct sbuf *b);
void sb_save_string(struct sbuf *b, const char *s);

#endif
