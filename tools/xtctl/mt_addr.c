// SPDX-License-Identifier: GPL-2.0
/* Address properties: -m iprange and -m addrtype. */
#include <stdio.h>
#include <string.h>

#include "ext.h"
#include "names.h"
#include "parse_util.h"

enum { O_SRC_RANGE, O_DST_RANGE, O_SRC_TYPE, O_DST_TYPE, O_LIMIT_IN,
       O_LIMIT_OUT };

static const struct ext_opt iprange_opts[] = {
	{ "src-range", O_SRC_RANGE, 1, true },
	{ "dst-range", O_DST_RANGE, 1, true },
	{ NULL },
};

static void parse_range(const char *s, uint8_t family,
			struct xtfw_addr_range *range)
{
	const char *dash = strchr(s, '-');
	char lo[ADDR_STRLEN];
	size_t n = dash ? (size_t)(dash - s) : strlen(s);

	if (n >= sizeof(lo))
		invarg("address range", s);
	memcpy(lo, s, n);
	lo[n] = '\0';
	parse_addr(lo, family, &range->min);
	range->max = range->min;
	if (dash)
		parse_addr(dash + 1, family, &range->max);
}

static void iprange_parse(struct mt *m, const struct ext_opt *o, char **args,
			  bool inv, const struct rule *r)
{
	bool src = o->id == O_SRC_RANGE;

	ext_once(&m->seen, o);
	parse_range(args[0], r->family, src ? &m->src_range : &m->dst_range);
	m->has |= BIT64(src ? XTFW_MATCH_A_SRC_RANGE : XTFW_MATCH_A_DST_RANGE);
	if (inv)
		m->inv |= src ? XTFW_MINV_SRC_RANGE : XTFW_MINV_DST_RANGE;
}

static void iprange_final(struct mt *m, const struct rule *r)
{
	(void)r;
	if (!m->seen)
		perr("-m iprange needs --src-range or --dst-range");
}

static void sb_range(struct sbuf *b, const struct xtfw_addr_range *range,
		     uint8_t family)
{
	char lo[ADDR_STRLEN], hi[ADDR_STRLEN];

	sb_printf(b, "%s-%s", addr_str(&range->min, family, lo),
		  addr_str(&range->max, family, hi));
}

static void iprange_print(struct pr *p, const struct mt *m,
			  const struct rule *r)
{
	if (MT_HAS(m, XTFW_MATCH_A_SRC_RANGE)) {
		sb_printf(p->b, " source IP range%s ",
			  m->inv & XTFW_MINV_SRC_RANGE ? " !" : "");
		sb_range(p->b, &m->src_range, r->family);
	}
	if (MT_HAS(m, XTFW_MATCH_A_DST_RANGE)) {
		sb_printf(p->b, " destination IP range%s ",
			  m->inv & XTFW_MINV_DST_RANGE ? " !" : "");
		sb_range(p->b, &m->dst_range, r->family);
	}
}

static void save_range(struct emit *e, bool inv, const char *opt,
		       const struct xtfw_addr_range *range, uint8_t family)
{
	struct sbuf b = { 0 };

	sb_range(&b, range, family);
	emit_opt(e, inv, opt, "%s", sb_str(&b));
	sb_free(&b);
}

static void iprange_save(struct emit *e, const struct mt *m,
			 const struct rule *r)
{
	if (MT_HAS(m, XTFW_MATCH_A_SRC_RANGE))
		save_range(e, m->inv & XTFW_MINV_SRC_RANGE, "--src-range",
			   &m->src_range, r->family);
	if (MT_HAS(m, XTFW_MATCH_A_DST_RANGE))
		save_range(e, m->inv & XTFW_MINV_DST_RANGE, "--dst-range",
			   &m->dst_range, r->family);
}

const struct mt_ext mt_iprange = {
	.name = "iprange", .type = XTFW_MATCH_IPRANGE, .families = FAM_ALL,
	.opts = iprange_opts, .parse = iprange_parse, .final = iprange_final,
	.print = iprange_print, .save = iprange_save,
};

/* ---- addrtype ---- */

static const struct ext_opt addrtype_opts[] = {
	{ "src-type", O_SRC_TYPE, 1, true },
	{ "dst-type", O_DST_TYPE, 1, true },
	{ "limit-iface-in", O_LIMIT_IN, 0, false },
	{ "limit-iface-out", O_LIMIT_OUT, 0, false },
	{ NULL },
};

static uint16_t parse_types(const char *s)
{
	char buf[256], *tok, *save = NULL;
	uint16_t types = 0;
	long v;

	if (strlen(s) >= sizeof(buf))
		invarg("address type list", s);
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		v = value_by_name(addrtype_names, n_addrtype_names, tok);
		if (v < 0)
			perr("unknown address type \"%s\"", tok);
		types |= v;
	}
	if (!types)
		invarg("address type list", s);
	return types;
}

static void addrtype_parse(struct mt *m, const struct ext_opt *o,
			   char **args, bool inv, const struct rule *r)
{
	(void)r;
	ext_once(&m->seen, o);
	switch (o->id) {
	case O_SRC_TYPE:
		m->src_type = parse_types(args[0]);
		m->has |= BIT64(XTFW_MATCH_A_SRC_TYPE);
		if (inv)
			m->inv |= XTFW_MINV_SRC_TYPE;
		break;
	case O_DST_TYPE:
		m->dst_type = parse_types(args[0]);
		m->has |= BIT64(XTFW_MATCH_A_DST_TYPE);
		if (inv)
			m->inv |= XTFW_MINV_DST_TYPE;
		break;
	case O_LIMIT_IN:
		m->addrtype_flags |= XTFW_ADDRTYPE_F_LIMIT_IFACE_IN;
		break;
	case O_LIMIT_OUT:
		m->addrtype_flags |= XTFW_ADDRTYPE_F_LIMIT_IFACE_OUT;
		break;
	}
}

static void addrtype_final(struct mt *m, const struct rule *r)
{
	(void)r;
	if (!(m->has & (BIT64(XTFW_MATCH_A_SRC_TYPE) |
			BIT64(XTFW_MATCH_A_DST_TYPE))))
		perr("-m addrtype needs --src-type or --dst-type");
	if (m->addrtype_flags == XTFW_ADDRTYPE_F_ALL)
		perr("--limit-iface-in and --limit-iface-out are exclusive");
	m->has |= BIT64(XTFW_MATCH_A_ADDRTYPE_FLAGS);
}

static void sb_types(struct sbuf *b, uint16_t types)
{
	const char *sep = "";

	for (size_t i = 0; i < n_addrtype_names; i++) {
		if (!(types & addrtype_names[i].value))
			continue;
		sb_printf(b, "%s%s", sep, addrtype_names[i].name);
		sep = ",";
	}
}

static void addrtype_print(struct pr *p, const struct mt *m,
			   const struct rule *r)
{
	(void)r;
	sb_puts(p->b, " ADDRTYPE match");
	if (MT_HAS(m, XTFW_MATCH_A_SRC_TYPE)) {
		sb_printf(p->b, " src-type %s",
			  m->inv & XTFW_MINV_SRC_TYPE ? "!" : "");
		sb_types(p->b, m->src_type);
	}
	if (MT_HAS(m, XTFW_MATCH_A_DST_TYPE)) {
		sb_printf(p->b, " dst-type %s",
			  m->inv & XTFW_MINV_DST_TYPE ? "!" : "");
		sb_types(p->b, m->dst_type);
	}
	if (m->addrtype_flags & XTFW_ADDRTYPE_F_LIMIT_IFACE_IN)
		sb_puts(p->b, " limit-in");
	if (m->addrtype_flags & XTFW_ADDRTYPE_F_LIMIT_IFACE_OUT)
		sb_puts(p->b, " limit-out");
}

static void save_types(struct emit *e, bool inv, const char *opt,
		       uint16_t types)
{
	struct sbuf b = { 0 };

	sb_types(&b, types);
	emit_opt(e, inv, opt, "%s", sb_str(&b));
	sb_free(&b);
}

static void addrtype_save(struct emit *e, const struct mt *m,
			  const struct rule *r)
{
	(void)r;
	if (MT_HAS(m, XTFW_MATCH_A_SRC_TYPE))
		save_types(e, m->inv & XTFW_MINV_SRC_TYPE, "--src-type",
			   m->src_type);
	if (MT_HAS(m, XTFW_MATCH_A_DST_TYPE))
		save_types(e, m->inv & XTFW_MINV_DST_TYPE, "--dst-type",
			   m->dst_type);
	if (m->addrtype_flags & XTFW_ADDRTYPE_F_LIMIT_IFACE_IN)
		emit_flag(e, false, "--limit-iface-in");
	if (m->addrtype_flags & XTFW_ADDRTYPE_F_LIMIT_IFACE_OUT)
		emit_flag(e, false, "--limit-iface-out");
}

const struct mt_ext mt_addrtype = {
	.name = "addrtype", .type = XTFW_MATCH_ADDRTYPE, .families = FAM_ALL,
	.opts = addrtype_opts, .parse = addrtype_parse,
	.final = addrtype_final, .print = addrtype_print,
	.save = addrtype_save,
};
