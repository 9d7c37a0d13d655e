// SPDX-License-Identifier: GPL-2.0
/* Packet properties: -m length, ttl, hl, pkttype and statistic. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ext.h"
#include "names.h"
#include <stdio.h>

#include "parse_util.h"

enum {
	O_LENGTH,
	O_TTL_EQ, O_TTL_LT, O_TTL_GT,
	O_PKTTYPE,
	O_MODE, O_PROBABILITY, O_EVERY, O_PACKET,
};

#define LEN_MAX	0xffff

static const struct ext_opt length_opts[] = {
	{ "length", O_LENGTH, 1, true },
	{ NULL },
};

static void length_parse(struct mt *m, const struct ext_opt *o, char **args,
			 bool inv, const struct rule *r)
{
	const char *s = args[0], *colon = strchr(s, ':');
	char lo[16];
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	(void)r;
	ext_once(&m->seen, o);
	if (n >= sizeof(lo))
		invarg("length", s);
	memcpy(lo, s, n);
	lo[n] = '\0';
	m->len.min = n ? parse_u32(lo, 0, LEN_MAX, "length") : 0;
	m->len.max = m->len.min;
	if (colon)
		m->len.max = colon[1] ?
			     parse_u32(colon + 1, m->len.min, LEN_MAX, "length") :
			     LEN_MAX;
	m->has |= BIT64(XTFW_MATCH_A_LEN);
	if (inv)
		m->inv |= XTFW_MINV_LEN;
}

static void length_final(struct mt *m, const struct rule *r)
{
	(void)r;
	if (!m->seen)
		perr("-m length needs --length");
}

static void sb_u16_range(struct sbuf *b, const struct xtfw_u16_range *len)
{
	sb_printf(b, "%u", len->min);
	if (len->min != len->max)
		sb_printf(b, ":%u", len->max);
}

static void length_print(struct pr *p, const struct mt *m,
			 const struct rule *r)
{
	(void)r;
	sb_printf(p->b, " length %s", m->inv & XTFW_MINV_LEN ? "!" : "");
	sb_u16_range(p->b, &m->len);
}

static void length_save(struct emit *e, const struct mt *m,
			const struct rule *r)
{
	struct sbuf b = { 0 };

	(void)r;
	sb_u16_range(&b, &m->len);
	emit_opt(e, m->inv & XTFW_MINV_LEN, "--length", "%s", sb_str(&b));
	sb_free(&b);
}

const struct mt_ext mt_length = {
	.name = "length", .type = XTFW_MATCH_LENGTH, .families = FAM_ALL,
	.opts = length_opts, .parse = length_parse, .final = length_final,
	.print = length_print, .save = length_save,
};

/* ---- ttl / hl ---- */

static const struct ext_opt ttl_opts[] = {
	{ "ttl-eq", O_TTL_EQ, 1, true },
	{ "ttl-lt", O_TTL_LT, 1, false },
	{ "ttl-gt", O_TTL_GT, 1, false },
	{ NULL },
};

static const struct ext_opt hl_opts[] = {
	{ "hl-eq", O_TTL_EQ, 1, true },
	{ "hl-lt", O_TTL_LT, 1, false },
	{ "hl-gt", O_TTL_GT, 1, false },
	{ NULL },
};

static void ttl_parse(struct mt *m, const struct ext_opt *o, char **args,
		      bool inv, const struct rule *r)
{
	static const uint8_t ops[] = {
		[O_TTL_EQ] = XTFW_TTL_EQ, [O_TTL_LT] = XTFW_TTL_LT,
		[O_TTL_GT] = XTFW_TTL_GT,
	};

	(void)r;
	if (m->seen)
		perr("-m %s takes only one comparison",
		     m->type == XTFW_MATCH_TTL ? "ttl" : "hl");
	ext_once(&m->seen, o);
	m->ttl = parse_u32(args[0], 0, 255, "TTL");
	m->ttl_op = inv ? XTFW_TTL_NE : ops[o->id];
	m->has |= BIT64(XTFW_MATCH_A_TTL_OP) | BIT64(XTFW_MATCH_A_TTL);
}

static void ttl_final(struct mt *m, const struct rule *r)
{
	(void)r;
	if (!m->seen)
		perr("-m %s needs a comparison",
		     m->type == XTFW_MATCH_TTL ? "ttl" : "hl");
}

static const char *const ttl_op_sym[] = {
	[XTFW_TTL_EQ] = "==", [XTFW_TTL_NE] = "!=",
	[XTFW_TTL_LT] = "<", [XTFW_TTL_GT] = ">",
};

static void ttl_print(struct pr *p, const struct mt *m, const struct rule *r)
{
	const char *n = m->type == XTFW_MATCH_TTL ? "TTL" : "HL";

	(void)r;
	sb_printf(p->b, " %s match %s %s %u", n, n,
		  m->ttl_op <= XTFW_TTL_GT ? ttl_op_sym[m->ttl_op] : "?",
		  m->ttl);
}

static void ttl_save(struct emit *e, const struct mt *m, const struct rule *r)
{
	const char *n = m->type == XTFW_MATCH_TTL ? "ttl" : "hl";
	const char *op = "eq";
	char opt[16];

	(void)r;
	if (m->ttl_op == XTFW_TTL_LT)
		op = "lt";
	else if (m->ttl_op == XTFW_TTL_GT)
		op = "gt";
	snprintf(opt, sizeof(opt), "--%s-%s", n, op);
	emit_opt(e, m->ttl_op == XTFW_TTL_NE, opt, "%u", m->ttl);
}

const struct mt_ext mt_ttl = {
	.name = "ttl", .type = XTFW_MATCH_TTL, .families = FAM_V4,
	.opts = ttl_opts, .parse = ttl_parse, .final = ttl_final,
	.print = ttl_print, .save = ttl_save,
};

const struct mt_ext mt_hl = {
	.name = "hl", .type = XTFW_MATCH_HL, .families = FAM_V6,
	.opts = hl_opts, .parse = ttl_parse, .final = ttl_final,
	.print = ttl_print, .save = ttl_save,
};

/* ---- pkttype ---- */

static const struct ext_opt pkttype_opts[] = {
	{ "pkt-type", O_PKTTYPE, 1, true },
	{ NULL },
};

static void pkttype_parse(struct mt *m, const struct ext_opt *o, char **args,
			  bool inv, const struct rule *r)
{
	long v = value_by_name(pkttype_names, n_pkttype_names, args[0]);

	(void)r;
	ext_once(&m->seen, o);
	if (v < 0)
		perr("bad packet type \"%s\" (unicast, broadcast or multicast)",
		     args[0]);
	m->pkttype = v;
	m->has |= BIT64(XTFW_MATCH_A_PKTTYPE);
	if (inv)
		m->inv |= XTFW_MINV_PKTTYPE;
}

static void pkttype_final(struct mt *m, const struct rule *r)
{
	(void)r;
	if (!m->seen)
		perr("-m pkttype needs --pkt-type");
}

static void sb_pkttype(struct sbuf *b, uint8_t t)
{
	const char *n = value_name(pkttype_names, n_pkttype_names, t);

	if (n)
		sb_puts(b, n);
	else
		sb_printf(b, "%u", t);
}

static void pkttype_print(struct pr *p, const struct mt *m,
			  const struct rule *r)
{
	(void)r;
	sb_printf(p->b, " PKTTYPE %s= ",
		  m->inv & XTFW_MINV_PKTTYPE ? "!" : "");
	sb_pkttype(p->b, m->pkttype);
}

static void pkttype_save(struct emit *e, const struct mt *m,
			 const struct rule *r)
{
	struct sbuf b = { 0 };

	(void)r;
	sb_pkttype(&b, m->pkttype);
	emit_opt(e, m->inv & XTFW_MINV_PKTTYPE, "--pkt-type", "%s",
		 sb_str(&b));
	sb_free(&b);
}

const struct mt_ext mt_pkttype = {
	.name = "pkttype", .type = XTFW_MATCH_PKTTYPE, .families = FAM_ALL,
	.opts = pkttype_opts, .parse = pkttype_parse, .final = pkttype_final,
	.print = pkttype_print, .save = pkttype_save,
};

/* ---- statistic ---- */

#define PROBABILITY_ONE	0x80000000U

static const struct ext_opt statistic_opts[] = {
	{ "mode", O_MODE, 1, false },
	{ "probability", O_PROBABILITY, 1, true },
	{ "every", O_EVERY, 1, true },
	{ "packet", O_PACKET, 1, false },
	{ NULL },
};

static uint32_t parse_probability(const char *s)
{
	char *end;
	double p = strtod(s, &end);

	if (!*s || *end || !(p >= 0.0 && p <= 1.0))
		perr("invalid probability \"%s\" (expected 0 to 1)", s);
	return lround(PROBABILITY_ONE * p);
}

static void statistic_parse(struct mt *m, const struct ext_opt *o,
			    char **args, bool inv, const struct rule *r)
{
	(void)r;
	ext_once(&m->seen, o);
	if (inv)
		m->inv |= XTFW_MINV_STATISTIC;
	switch (o->id) {
	case O_MODE:
		if (strcmp(args[0], "random") == 0)
			m->stat_mode = XTFW_STAT_RANDOM;
		else if (strcmp(args[0], "nth") == 0)
			m->stat_mode = XTFW_STAT_NTH;
		else
			perr("bad mode \"%s\" (random or nth)", args[0]);
		m->has |= BIT64(XTFW_MATCH_A_STAT_MODE);
		break;
	case O_PROBABILITY:
		m->probability = parse_probability(args[0]);
		m->has |= BIT64(XTFW_MATCH_A_PROBABILITY);
		break;
	case O_EVERY:
		m->every = parse_u32(args[0], 1, UINT32_MAX, "--every");
		m->has |= BIT64(XTFW_MATCH_A_EVERY);
		break;
	case O_PACKET:
		m->packet = parse_u32(args[0], 0, UINT32_MAX - 1, "--packet");
		m->has |= BIT64(XTFW_MATCH_A_PACKET);
		break;
	}
}

static void statistic_final(struct mt *m, const struct rule *r)
{
	bool nth = m->stat_mode == XTFW_STAT_NTH;

	(void)r;
	if (!MT_HAS(m, XTFW_MATCH_A_STAT_MODE))
		perr("-m statistic needs --mode");
	if (!nth && (m->seen & ((1U << O_EVERY) | (1U << O_PACKET))))
		perr("--every and --packet need --mode nth");
	if (nth && (m->seen & (1U << O_PROBABILITY)))
		perr("--probability needs --mode random");
	if (nth && (!MT_HAS(m, XTFW_MATCH_A_EVERY) ||
		    !MT_HAS(m, XTFW_MATCH_A_PACKET)))
		perr("--mode nth needs --every and --packet");
	if (nth && m->packet >= m->every)
		perr("--packet P must be 0 <= P <= N-1 (--every N)");
	if (!nth && !MT_HAS(m, XTFW_MATCH_A_PROBABILITY))
		perr("--mode random needs --probability");
}

static void statistic_print(struct pr *p, const struct mt *m,
			    const struct rule *r)
{
	const char *inv = m->inv & XTFW_MINV_STATISTIC ? " !" : "";

	(void)r;
	sb_puts(p->b, " statistic");
	if (m->stat_mode == XTFW_STAT_RANDOM) {
		sb_printf(p->b, " mode random%s probability %.11f", inv,
			  1.0 * m->probability / PROBABILITY_ONE);
		return;
	}
	sb_printf(p->b, " mode nth%s every %u", inv, m->every);
	if (m->packet)
		sb_printf(p->b, " packet %u", m->packet);
}

static void statistic_save(struct emit *e, const struct mt *m,
			   const struct rule *r)
{
	bool inv = m->inv & XTFW_MINV_STATISTIC;

	(void)r;
	if (m->stat_mode == XTFW_STAT_RANDOM) {
		emit_opt(e, false, "--mode", "random");
		emit_opt(e, inv, "--probability", "%.11f",
			 1.0 * m->probability / PROBABILITY_ONE);
		return;
	}
	emit_opt(e, false, "--mode", "nth");
	emit_opt(e, inv, "--every", "%u", m->every);
	emit_opt(e, false, "--packet", "%u", m->packet);
}

const struct mt_ext mt_statistic = {
	.name = "statistic", .type = XTFW_MATCH_STATISTIC,
	.families = FAM_ALL, .opts = statistic_opts,
	.parse = statistic_parse, .final = statistic_final,
	.print = statistic_print, .save = statistic_save,
};
