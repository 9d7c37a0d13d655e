// SPDX-License-Identifier: GPL-2.0
/* Rules and tables in iptables-save / iptables -S form. */
#include <stdio.h>
#include <string.h>

#include "names.h"
#include "parse_util.h"
#include "save.h"

const char *policy_name(uint8_t policy)
{
	return policy == XTFW_VERDICT_DROP ? "DROP" : "ACCEPT";
}

/* As xtables_save_string: bare if safe, else quoted with \ escapes. */
void sb_save_string(struct sbuf *b, const char *s)
{
	static const char safe[] = "_-0123456789abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	size_t n = strspn(s, safe);

	if (n > 0 && s[n] == '\0') {
		sb_puts(b, s);
		return;
	}
	sb_putc(b, '"');
	for (; *s; s++) {
		if (strchr("\"\\'", *s))
			sb_putc(b, '\\');
		sb_putc(b, *s);
	}
	sb_putc(b, '"');
}

static void text_opt(struct emit *e, bool inv, const char *name,
		     const char *value, bool quote)
{
	struct sbuf *b = e->priv;

	sb_printf(b, "%s %s", inv ? " !" : "", name);
	if (!value)
		return;
	sb_putc(b, ' ');
	if (quote)
		sb_save_string(b, value);
	else
		sb_puts(b, value);
}

void emit_text_init(struct emit *e, struct sbuf *b)
{
	e->opt = text_opt;
	e->priv = b;
}

const char *rule_target_name(const struct rule *r)
{
	const struct tg_ext *x;

	if (!RULE_HAS(r, XTFW_RULE_A_TARGET) ||
	    r->tg.type == XTFW_TARGET_NONE)
		return "";
	if (rule_jumps(r))
		return r->tg.chain;
	x = tg_ext_by_type(r->tg.type);
	if (!x)
		return "UNKNOWN";
	return x->show_name ? x->show_name : x->name;
}

bool rule_addr_save(const struct rule *r, bool src, char *buf, size_t len)
{
	const union xtfw_addr *a = src ? &r->src : &r->dst;
	const union xtfw_addr *m = src ? &r->smsk : &r->dmsk;
	bool inv = r->inv & (src ? XTFW_INV_SRC : XTFW_INV_DST);
	char as[ADDR_STRLEN], ms[ADDR_STRLEN];
	int prefix;

	if (!RULE_HAS(r, src ? XTFW_RULE_A_SRC : XTFW_RULE_A_DST))
		return false;
	prefix = mask_to_prefix(m, r->family);
	if (prefix == 0 && !inv)
		return false;
	addr_str(a, r->family, as);
	if (prefix >= 0)
		snprintf(buf, len, "%s/%d", as, prefix);
	else
		snprintf(buf, len, "%s/%s", as, addr_str(m, r->family, ms));
	return true;
}

/* "-i +" (any interface) has an empty mask: iptables-save leaves it out. */
bool rule_iface_save(const struct rule *r, bool in)
{
	const char *name = in ? r->iif : r->oif;

	return RULE_HAS(r, in ? XTFW_RULE_A_IIF : XTFW_RULE_A_OIF) &&
	       strcmp(name, "+") != 0;
}

const char *rule_proto_save(const struct rule *r, char *buf, size_t len)
{
	const char *n = proto_name(r->proto, true);

	if (n)
		return n;
	snprintf(buf, len, "%u", r->proto);
	return buf;
}

static void save_criteria(struct sbuf *b, const struct rule *r)
{
	char buf[2 * ADDR_STRLEN + 8];

	if (rule_addr_save(r, true, buf, sizeof(buf)))
		sb_printf(b, "%s -s %s", r->inv & XTFW_INV_SRC ? " !" : "", buf);
	if (rule_addr_save(r, false, buf, sizeof(buf)))
		sb_printf(b, "%s -d %s", r->inv & XTFW_INV_DST ? " !" : "", buf);
	if (rule_iface_save(r, true))
		sb_printf(b, "%s -i %s", r->inv & XTFW_INV_IIF ? " !" : "",
			  r->iif);
	if (rule_iface_save(r, false))
		sb_printf(b, "%s -o %s", r->inv & XTFW_INV_OIF ? " !" : "",
			  r->oif);
	if (RULE_HAS(r, XTFW_RULE_A_PROTO) && r->proto)
		sb_printf(b, "%s -p %s", r->inv & XTFW_INV_PROTO ? " !" : "",
			  rule_proto_save(r, buf, sizeof(buf)));
	if (RULE_HAS(r, XTFW_RULE_A_FRAG))
		sb_printf(b, "%s -f", r->inv & XTFW_INV_FRAG ? " !" : "");
}

static void save_matches(struct sbuf *b, const struct rule *r)
{
	struct emit e;

	emit_text_init(&e, b);
	for (unsigned int i = 0; i < r->nmt; i++) {
		const struct mt_ext *x = mt_ext_by_type(r->mt[i].type);

		if (!x) {
			sb_printf(b, " -m unknown-%u", r->mt[i].type);
			continue;
		}
		sb_printf(b, " -m %s", x->name);
		x->save(&e, &r->mt[i], r);
	}
}

static void save_target(struct sbuf *b, const struct rule *r)
{
	const struct tg_ext *x;
	struct emit e;

	if (!RULE_HAS(r, XTFW_RULE_A_TARGET) || r->tg.type == XTFW_TARGET_NONE)
		return;
	if (rule_jumps(r)) {
		sb_printf(b, " -%c %s", r->tg.type == XTFW_TARGET_GOTO ?
			  'g' : 'j', r->tg.chain);
		return;
	}
	sb_printf(b, " -j %s", rule_target_name(r));
	x = tg_ext_by_type(r->tg.type);
	emit_text_init(&e, b);
	if (x && x->save)
		x->save(&e, &r->tg, r);
}

void save_rule(struct sbuf *b, const struct rule *r, const char *chain,
	       enum save_counters ctr)
{
	if (ctr == SAVE_PREFIX_COUNTERS)
		sb_printf(b, "[%llu:%llu] ", (unsigned long long)r->pkts,
			  (unsigned long long)r->bytes);
	sb_printf(b, "-A %s", chain);
	save_criteria(b, r);
	save_matches(b, r);
	if (ctr == SAVE_INLINE_COUNTERS)
		sb_printf(b, " -c %llu %llu", (unsigned long long)r->pkts,
			  (unsigned long long)r->bytes);
	save_target(b, r);
}

static void save_chain_head(struct sbuf *b, const struct chain *c,
			    bool verbose)
{
	if (!c->builtin) {
		sb_printf(b, "-N %s\n", c->name);
		return;
	}
	sb_printf(b, "-P %s %s", c->name, policy_name(c->policy));
	if (verbose)
		sb_printf(b, " -c %llu %llu", (unsigned long long)c->pkts,
			  (unsigned long long)c->bytes);
	sb_putc(b, '\n');
}

static void save_chain_rules(struct sbuf *b, const struct chain *c,
			     unsigned int rulenum, enum save_counters ctr)
{
	for (unsigned int i = 0; i < c->nrules; i++) {
		if (rulenum && i + 1 != rulenum)
			continue;
		save_rule(b, c->rules[i], c->name, ctr);
		sb_putc(b, '\n');
	}
}

bool save_list_rules(struct sbuf *b, const struct table *t,
		     const char *chain, unsigned int rulenum, bool verbose)
{
	enum save_counters ctr = verbose ? SAVE_INLINE_COUNTERS :
					   SAVE_NO_COUNTERS;
	const struct chain *one = chain ? table_chain(t, chain) : NULL;

	if (chain && !one)
		return false;
	if (one) {
		if (!rulenum)
			save_chain_head(b, one, verbose);
		save_chain_rules(b, one, rulenum, ctr);
		return true;
	}
	for (unsigned int i = 0; i < t->nchains; i++)
		save_chain_head(b, t->chains[i], verbose);
	for (unsigned int i = 0; i < t->nchains; i++)
		save_chain_rules(b, t->chains[i], 0, ctr);
	return true;
}

void save_table(struct sbuf *b, const struct table *t, bool counters,
		const char *when)
{
	if (when)
		sb_printf(b, "# Generated by xtctl v%s on %s\n", XTCTL_VERSION,
			  when);
	sb_printf(b, "*%s\n", table_name(t->id));
	for (unsigned int i = 0; i < t->nchains; i++) {
		const struct chain *c = t->chains[i];

		if (c->builtin)
			sb_printf(b, ":%s %s [%llu:%llu]\n", c->name,
				  policy_name(c->policy),
				  (unsigned long long)c->pkts,
				  (unsigned long long)c->bytes);
		else
			sb_printf(b, ":%s - [0:0]\n", c->name);
	}
	for (unsigned int i = 0; i < t->nchains; i++)
		save_chain_rules(b, t->chains[i], 0, counters ?
				 SAVE_PREFIX_COUNTERS : SAVE_NO_COUNTERS);
	sb_puts(b, "COMMIT\n");
	if (when)
		sb_printf(b, "# Completed on %s\n", when);
}
