// SPDX-License-Identifier: GPL-2.0
/*
 * The -L listing, column for column as iptables-legacy prints it
 * (print_header, print_rule_details, print_fragment, print_ifaces and the
 * address columns of iptables' xshared.c).
 */
#include <stdio.h>
#include <string.h>

#include "ext.h"
#include "names.h"
#include "parse_util.h"
#include "print.h"
#include "resolve.h"
#include "save.h"

#define KMG_LIMIT	99999ULL
#define KMG_STEP	9999ULL

/* xtables_print_num: K, M, G, T suffixes unless -x. */
static void print_num(struct sbuf *b, uint64_t n, bool kmg, bool table)
{
	static const char units[] = "KMGT";
	unsigned long long v = n;

	if (!kmg) {
		sb_printf(b, table ? "%8llu " : "%llu ", v);
		return;
	}
	if (v <= KMG_LIMIT) {
		sb_printf(b, table ? "%5llu " : "%llu ", v);
		return;
	}
	for (int i = 0; i < 4; i++) {
		v = (v + 500) / 1000;
		if (v <= KMG_STEP || i == 3) {
			sb_printf(b, table ? "%4llu%c " : "%llu%c ", v,
				  units[i]);
			return;
		}
	}
}

unsigned int chain_refs(const struct table *t, const struct chain *c)
{
	return c->refs_known ? c->refs : table_refs(t, c->name);
}

static void print_header(struct sbuf *b, const struct table *t,
			 const struct chain *c, const struct list_opts *o)
{
	sb_printf(b, "Chain %s", c->name);
	if (c->builtin) {
		sb_printf(b, " (policy %s", policy_name(c->policy));
		if (o->verbose) {
			sb_putc(b, ' ');
			print_num(b, c->pkts, !o->exact, false);
			sb_puts(b, "packets, ");
			print_num(b, c->bytes, !o->exact, false);
			sb_puts(b, "bytes");
		}
		sb_puts(b, ")\n");
	} else {
		sb_printf(b, " (%u references)\n", chain_refs(t, c));
	}
	if (o->linenum)
		sb_printf(b, "%-4s ", "num");
	if (o->verbose)
		sb_printf(b, o->exact ? "%8s %10s " : "%5s %5s ", "pkts",
			  "bytes");
	sb_printf(b, "%-9s  prot opt", "target");
	if (o->verbose)
		sb_printf(b, " %-6s %-6s ", "in", "out");
	sb_printf(b, " %-19s  %-19s \n", "source", "destination");
}

static void addr_text(const struct rule *r, bool src, bool numeric,
		      char *buf, size_t len)
{
	const union xtfw_addr *a = src ? &r->src : &r->dst;
	const union xtfw_addr *m = src ? &r->smsk : &r->dmsk;
	union xtfw_addr zero = { 0 };
	char as[ADDR_STRLEN], ms[ADDR_STRLEN + 1] = "";
	bool v6 = r->family == XTFW_FAMILY_IPV6;
	const char *name = NULL;
	int prefix;

	if (!RULE_HAS(r, src ? XTFW_RULE_A_SRC : XTFW_RULE_A_DST))
		a = m = &zero;
	if (!numeric && !memcmp(v6 ? a : m, &zero, sizeof(zero))) {
		snprintf(buf, len, "anywhere");
		return;
	}
	if (!numeric) {
		name = resolver->host(a, r->family);
		if (!name)
			name = resolver->network(a, r->family);
	}
	prefix = mask_to_prefix(m, r->family);
	if (prefix < 0)
		snprintf(ms, sizeof(ms), "/%s", addr_str(m, r->family, as));
	else if (prefix != fam_addrlen(r->family) * 8)
		snprintf(ms, sizeof(ms), "/%d", prefix);
	snprintf(buf, len, "%s%s", name ? name : addr_str(a, r->family, as),
		 ms);
}

static void print_ifaces(struct sbuf *b, const struct rule *r, bool numeric)
{
	const char *any = numeric ? "*" : "any";
	char buf[XTFW_IFNAMSIZ + 2];

	snprintf(buf, sizeof(buf), "%s%s", r->inv & XTFW_INV_IIF ? "!" : "",
		 RULE_HAS(r, XTFW_RULE_A_IIF) ? r->iif : any);
	sb_printf(b, " %-6s ", buf);
	snprintf(buf, sizeof(buf), "%s%s", r->inv & XTFW_INV_OIF ? "!" : "",
		 RULE_HAS(r, XTFW_RULE_A_OIF) ? r->oif : any);
	sb_printf(b, "%-6s ", buf);
}

static void print_proto(struct sbuf *b, const struct rule *r, bool numeric)
{
	uint8_t proto = RULE_HAS(r, XTFW_RULE_A_PROTO) ? r->proto : 0;
	const char *name = proto_name(proto, !numeric);

	sb_putc(b, r->inv & XTFW_INV_PROTO ? '!' : ' ');
	if (numeric || !name)
		sb_printf(b, "%-4u ", proto);
	else
		sb_printf(b, "%-4s ", name);
}

static void print_fragment(struct sbuf *b, const struct rule *r)
{
	if (r->family == XTFW_FAMILY_IPV6) {
		sb_puts(b, "-- ");
		return;
	}
	sb_putc(b, r->inv & XTFW_INV_FRAG ? '!' : '-');
	sb_putc(b, RULE_HAS(r, XTFW_RULE_A_FRAG) ? 'f' : '-');
	sb_putc(b, ' ');
}

static void print_extensions(struct sbuf *b, const struct rule *r,
			     bool numeric)
{
	struct pr p = { .b = b, .numeric = numeric };
	const struct tg_ext *x;

	for (unsigned int i = 0; i < r->nmt; i++) {
		const struct mt_ext *m = mt_ext_by_type(r->mt[i].type);

		if (m)
			m->print(&p, &r->mt[i], r);
		else
			sb_printf(b, "UNKNOWN match %u ", r->mt[i].type);
	}
	if (!RULE_HAS(r, XTFW_RULE_A_TARGET) || rule_jumps(r))
		return;
	x = tg_ext_by_type(r->tg.type);
	if (x && x->print)
		x->print(&p, &r->tg, r);
}

static void print_rule(struct sbuf *b, const struct rule *r,
		       unsigned int num, const struct list_opts *o)
{
	char addr[2 * ADDR_STRLEN + 8];

	if (o->linenum)
		sb_printf(b, "%-4u ", num);
	if (o->verbose) {
		print_num(b, r->pkts, !o->exact, true);
		print_num(b, r->bytes, !o->exact, true);
	}
	sb_printf(b, "%-9s ", rule_target_name(r));
	print_proto(b, r, o->numeric);
	print_fragment(b, r);
	if (o->verbose)
		print_ifaces(b, r, o->numeric);
	addr_text(r, true, o->numeric, addr, sizeof(addr));
	sb_printf(b, "%c%-19s ", r->inv & XTFW_INV_SRC ? '!' : ' ', addr);
	addr_text(r, false, o->numeric, addr, sizeof(addr));
	sb_printf(b, "%c%-19s ", r->inv & XTFW_INV_DST ? '!' : ' ', addr);
	if (RULE_HAS(r, XTFW_RULE_A_TARGET) &&
	    r->tg.type == XTFW_TARGET_GOTO)
		sb_puts(b, "[goto] ");
	print_extensions(b, r, o->numeric);
	sb_putc(b, '\n');
}

static void print_chain(struct sbuf *b, const struct table *t,
			const struct chain *c, unsigned int rulenum,
			const struct list_opts *o)
{
	if (!rulenum)
		print_header(b, t, c, o);
	for (unsigned int i = 0; i < c->nrules; i++)
		if (!rulenum || rulenum == i + 1)
			print_rule(b, c->rules[i], i + 1, o);
}

bool print_list(struct sbuf *b, const struct table *t, const char *chain,
		unsigned int rulenum, const struct list_opts *o)
{
	bool found = false;

	for (unsigned int i = 0; i < t->nchains; i++) {
		if (chain && strcmp(chain, t->chains[i]->name))
			continue;
		if (found)
			sb_putc(b, '\n');
		print_chain(b, t, t->chains[i], rulenum, o);
		found = true;
	}
	return found;
}
