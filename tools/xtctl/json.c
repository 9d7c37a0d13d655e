// SPDX-License-Identifier: GPL-2.0
/*
 * A small JSON writer and the ruleset schema. Option values are the exact
 * strings of the save format, so JSON and text never disagree.
 */
#include <stdio.h>
#include <string.h>

#include "ext.h"
#include "json.h"
#include "names.h"
#include "parse_util.h"
#include "print.h"
#include "save.h"

#define JSON_MAX_DEPTH	16

struct json {
	struct sbuf *b;
	int depth;
	bool comma[JSON_MAX_DEPTH];
};

/* Length of a valid UTF-8 sequence at s, 0 if invalid. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 :
		   s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;

	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

void json_string(struct sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	sb_putc(b, '"');
	while (*p) {
		size_t n;

		if (*p == '"' || *p == '\\') {
			sb_printf(b, "\\%c", *p++);
		} else if (*p < 0x20) {
			sb_printf(b, "\\u%04x", *p++);
		} else if (*p < 0x80) {
			sb_putc(b, *p++);
		} else if ((n = utf8_len(p)) != 0) {
			sb_printf(b, "%.*s", (int)n, (const char *)p);
			p += n;
		} else {
			sb_puts(b, "\\ufffd");
			p++;
		}
	}
	sb_putc(b, '"');
}

static void key(struct json *j, const char *k)
{
	if (j->comma[j->depth])
		sb_putc(j->b, ',');
	j->comma[j->depth] = true;
	if (k) {
		json_string(j->b, k);
		sb_putc(j->b, ':');
	}
}

static void open(struct json *j, const char *k, char c)
{
	key(j, k);
	sb_putc(j->b, c);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->comma[j->depth] = false;
}

static void close_(struct json *j, char c)
{
	sb_putc(j->b, c);
	j->depth--;
}

static void str(struct json *j, const char *k, const char *v)
{
	key(j, k);
	if (v)
		json_string(j->b, v);
	else
		sb_puts(j->b, "null");
}

static void num(struct json *j, const char *k, unsigned long long v)
{
	key(j, k);
	sb_printf(j->b, "%llu", v);
}

static void boolean(struct json *j, const char *k, bool v)
{
	key(j, k);
	sb_puts(j->b, v ? "true" : "false");
}

static void counters(struct json *j, uint64_t pkts, uint64_t bytes)
{
	open(j, "counters", '{');
	num(j, "packets", pkts);
	num(j, "bytes", bytes);
	close_(j, '}');
}

static void json_opt(struct emit *e, bool inv, const char *name,
		     const char *value, bool quote)
{
	struct json *j = e->priv;

	(void)quote;
	open(j, NULL, '{');
	str(j, "option", name + 2);
	str(j, "value", value);
	boolean(j, "invert", inv);
	close_(j, '}');
}

static void criterion(struct json *j, const char *k, const char *kk,
		      const char *v, bool inv)
{
	open(j, k, '{');
	str(j, kk, v);
	boolean(j, "invert", inv);
	close_(j, '}');
}

static void rule_criteria(struct json *j, const struct rule *r)
{
	char buf[2 * ADDR_STRLEN + 8];

	if (rule_addr_save(r, true, buf, sizeof(buf)))
		criterion(j, "source", "address", buf, r->inv & XTFW_INV_SRC);
	if (rule_addr_save(r, false, buf, sizeof(buf)))
		criterion(j, "destination", "address", buf,
			  r->inv & XTFW_INV_DST);
	if (rule_iface_save(r, true))
		criterion(j, "in_interface", "name", r->iif,
			  r->inv & XTFW_INV_IIF);
	if (rule_iface_save(r, false))
		criterion(j, "out_interface", "name", r->oif,
			  r->inv & XTFW_INV_OIF);
	if (RULE_HAS(r, XTFW_RULE_A_PROTO) && r->proto) {
		open(j, "protocol", '{');
		str(j, "name", rule_proto_save(r, buf, sizeof(buf)));
		num(j, "number", r->proto);
		boolean(j, "invert", r->inv & XTFW_INV_PROTO);
		close_(j, '}');
	}
	if (RULE_HAS(r, XTFW_RULE_A_FRAG)) {
		open(j, "fragment", '{');
		boolean(j, "invert", r->inv & XTFW_INV_FRAG);
		close_(j, '}');
	}
}

static void rule_matches(struct json *j, const struct rule *r)
{
	struct emit e = { .opt = json_opt, .priv = j };

	open(j, "matches", '[');
	for (unsigned int i = 0; i < r->nmt; i++) {
		const struct mt_ext *x = mt_ext_by_type(r->mt[i].type);

		open(j, NULL, '{');
		str(j, "name", x ? x->name : "unknown");
		open(j, "options", '[');
		if (x)
			x->save(&e, &r->mt[i], r);
		close_(j, ']');
		close_(j, '}');
	}
	close_(j, ']');
}

static const char *target_kind(const struct rule *r)
{
	switch (r->tg.type) {
	case XTFW_TARGET_ACCEPT:
	case XTFW_TARGET_DROP:
	case XTFW_TARGET_RETURN:
		return "verdict";
	case XTFW_TARGET_JUMP:
		return "jump";
	case XTFW_TARGET_GOTO:
		return "goto";
	default:
		return "extension";
	}
}

static void rule_target(struct json *j, const struct rule *r)
{
	struct emit e = { .opt = json_opt, .priv = j };
	const struct tg_ext *x = tg_ext_by_type(r->tg.type);

	if (!RULE_HAS(r, XTFW_RULE_A_TARGET) || r->tg.type == XTFW_TARGET_NONE)
		return;
	open(j, "target", '{');
	str(j, "name", rule_target_name(r));
	str(j, "kind", target_kind(r));
	open(j, "options", '[');
	if (x && x->save && !rule_jumps(r))
		x->save(&e, &r->tg, r);
	close_(j, ']');
	close_(j, '}');
}

static void rule(struct json *j, const struct chain *c, const struct rule *r,
		 unsigned int n)
{
	struct sbuf text = { 0 };

	open(j, NULL, '{');
	num(j, "num", n);
	counters(j, r->pkts, r->bytes);
	rule_criteria(j, r);
	rule_matches(j, r);
	rule_target(j, r);
	save_rule(&text, r, c->name, SAVE_NO_COUNTERS);
	str(j, "rule", sb_str(&text));
	close_(j, '}');
	sb_free(&text);
}

static void chain(struct json *j, const struct table *t, const struct chain *c,
		  unsigned int rulenum)
{
	open(j, NULL, '{');
	str(j, "name", c->name);
	boolean(j, "builtin", c->builtin);
	str(j, "policy", c->builtin ? policy_name(c->policy) : NULL);
	if (c->builtin)
		counters(j, c->pkts, c->bytes);
	else
		num(j, "references", chain_refs(t, c));
	open(j, "rules", '[');
	for (unsigned int i = 0; i < c->nrules; i++)
		if (!rulenum || rulenum == i + 1)
			rule(j, c, c->rules[i], i + 1);
	close_(j, ']');
	close_(j, '}');
}

static void table(struct json *j, const struct table *t, const char *only,
		  unsigned int rulenum)
{
	open(j, NULL, '{');
	str(j, "name", table_name(t->id));
	open(j, "chains", '[');
	for (unsigned int i = 0; i < t->nchains; i++)
		if (!only || strcmp(only, t->chains[i]->name) == 0)
			chain(j, t, t->chains[i], rulenum);
	close_(j, ']');
	close_(j, '}');
}

void json_tables(struct sbuf *b, uint8_t family, struct table *const *t,
		 unsigned int n, const char *only, unsigned int rulenum)
{
	struct json j = { .b = b };

	open(&j, NULL, '{');
	num(&j, "xtctl_json", XTCTL_JSON_VERSION);
	str(&j, "family", family_name(family));
	open(&j, "tables", '[');
	for (unsigned int i = 0; i < n; i++)
		if (t[i])
			table(&j, t[i], only, rulenum);
	close_(&j, ']');
	close_(&j, '}');
	sb_putc(b, '\n');
}
