// SPDX-License-Identifier: GPL-2.0
/* IPv6 extension headers: -m rt and -m frag. */
#include <stdio.h>
#include <string.h>

#include "ext.h"
#include "parse_util.h"

enum { O_RT_TYPE, O_SEGSLEFT, O_FRAGID, O_FIRST, O_MORE, O_LAST };

static const struct ext_opt rt_opts[] = {
	{ "rt-type", O_RT_TYPE, 1, true },
	{ "rt-segsleft", O_SEGSLEFT, 1, true },
	{ NULL },
};

static const struct ext_opt frag_opts[] = {
	{ "fragid", O_FRAGID, 1, true },
	{ "fragfirst", O_FIRST, 0, false },
	{ "fragmore", O_MORE, 0, false },
	{ "fraglast", O_LAST, 0, false },
	{ NULL },
};

/* "N" or "A:B", as ip6t_rt and ip6t_frag take them. */
static void parse_u32_range(const char *s, struct xtfw_u32_range *r,
			    const char *what)
{
	const char *colon = strchr(s, ':');
	char lo[16];
	size_t n = colon ? (size_t)(colon - s) : strlen(s);

	if (n >= sizeof(lo))
		invarg(what, s);
	memcpy(lo, s, n);
	lo[n] = '\0';
	r->min = n ? parse_u32(lo, 0, UINT32_MAX, what) : 0;
	r->max = r->min;
	if (colon)
		r->max = colon[1] ? parse_u32(colon + 1, 0, UINT32_MAX, what) :
			 UINT32_MAX;
	if (r->min > r->max)
		perr("invalid %s range \"%s\" (min > max)", what, s);
}

static void rt_parse(struct mt *m, const struct ext_opt *o, char **args,
		     bool inv, const struct rule *r)
{
	(void)r;
	ext_once(&m->seen, o);
	if (o->id == O_RT_TYPE) {
		m->rt_type = parse_u32(args[0], 0, 255, "routing header type");
		m->has |= BIT64(XTFW_MATCH_A_RT_TYPE);
		if (inv)
			m->inv |= XTFW_MINV_RT_TYPE;
		return;
	}
	parse_u32_range(args[0], &m->rt_segsleft, "segments left");
	m->has |= BIT64(XTFW_MATCH_A_RT_SEGSLEFT);
	if (inv)
		m->inv |= XTFW_MINV_RT_SEGSLEFT;
}

static bool full_u32(const struct xtfw_u32_range *r)
{
	return r->min == 0 && r->max == UINT32_MAX;
}

/* " segsleft:N", " segslefts:!A:B" */
static void print_nums(struct sbuf *b, const char *sep, const char *name,
		       const struct xtfw_u32_range *r, bool inv)
{
	if (full_u32(r) && !inv)
		return;
	sb_printf(b, "%s%s%s:%s%u", sep, name, r->min == r->max ? "" : "s",
		  inv ? "!" : "", r->min);
	if (r->min != r->max)
		sb_printf(b, ":%u", r->max);
}

static void rt_print(struct pr *p, const struct mt *m, const struct rule *r)
{
	(void)r;
	sb_puts(p->b, " rt");
	if (MT_HAS(m, XTFW_MATCH_A_RT_TYPE))
		sb_printf(p->b, " type:%s%u",
			  m->inv & XTFW_MINV_RT_TYPE ? "!" : "", m->rt_type);
	if (MT_HAS(m, XTFW_MATCH_A_RT_SEGSLEFT))
		print_nums(p->b, " ", "segsleft", &m->rt_segsleft,
			   m->inv & XTFW_MINV_RT_SEGSLEFT);
}

static void save_u32_range(struct emit *e, bool inv, const char *opt,
			   const struct xtfw_u32_range *r)
{
	if (full_u32(r))
		return;
	if (r->min == r->max)
		emit_opt(e, inv, opt, "%u", r->min);
	else
		emit_opt(e, inv, opt, "%u:%u", r->min, r->max);
}

static void rt_save(struct emit *e, const struct mt *m, const struct rule *r)
{
	(void)r;
	if (MT_HAS(m, XTFW_MATCH_A_RT_TYPE))
		emit_opt(e, m->inv & XTFW_MINV_RT_TYPE, "--rt-type", "%u",
			 m->rt_type);
	if (MT_HAS(m, XTFW_MATCH_A_RT_SEGSLEFT))
		save_u32_range(e, m->inv & XTFW_MINV_RT_SEGSLEFT,
			       "--rt-segsleft", &m->rt_segsleft);
}

const struct mt_ext mt_rt = {
	.name = "rt", .type = XTFW_MATCH_RT, .families = FAM_V6,
	.opts = rt_opts, .parse = rt_parse, .print = rt_print,
	.save = rt_save,
};

static const uint32_t frag_flag_of[] = {
	[O_FIRST] = XTFW_FRAG_F_FIRST, [O_MORE] = XTFW_FRAG_F_MORE,
	[O_LAST] = XTFW_FRAG_F_LAST,
};

static void frag_init(struct mt *m, const struct rule *r)
{
	(void)r;
	m->has |= BIT64(XTFW_MATCH_A_FRAG_FLAGS);
}

static void frag_parse(struct mt *m, const struct ext_opt *o, char **args,
		       bool inv, const struct rule *r)
{
	(void)r;
	ext_once(&m->seen, o);
	if (o->id != O_FRAGID) {
		m->frag_flags |= frag_flag_of[o->id];
		return;
	}
	parse_u32_range(args[0], &m->frag_id, "fragment id");
	m->has |= BIT64(XTFW_MATCH_A_FRAG_ID);
	if (inv)
		m->inv |= XTFW_MINV_FRAG_ID;
}

static void frag_final(struct mt *m, const struct rule *r)
{
	(void)r;
	if ((m->frag_flags & XTFW_FRAG_F_MORE) &&
	    (m->frag_flags & XTFW_FRAG_F_LAST))
		perr("--fragmore and --fraglast are exclusive");
}

static void frag_print(struct pr *p, const struct mt *m, const struct rule *r)
{
	(void)r;
	sb_puts(p->b, " frag ");
	if (MT_HAS(m, XTFW_MATCH_A_FRAG_ID))
		print_nums(p->b, "", "id", &m->frag_id,
			   m->inv & XTFW_MINV_FRAG_ID);
	if (m->frag_flags & XTFW_FRAG_F_FIRST)
		sb_puts(p->b, " first");
	if (m->frag_flags & XTFW_FRAG_F_MORE)
		sb_puts(p->b, " more");
	if (m->frag_flags & XTFW_FRAG_F_LAST)
		sb_puts(p->b, " last");
}

static void frag_save(struct emit *e, const struct mt *m, const struct rule *r)
{
	(void)r;
	if (MT_HAS(m, XTFW_MATCH_A_FRAG_ID))
		save_u32_range(e, m->inv & XTFW_MINV_FRAG_ID, "--fragid",
			       &m->frag_id);
	if (m->frag_flags & XTFW_FRAG_F_FIRST)
		emit_flag(e, false, "--fragfirst");
	if (m->frag_flags & XTFW_FRAG_F_MORE)
		emit_flag(e, false, "--fragmore");
	if (m->frag_flags & XTFW_FRAG_F_LAST)
		emit_flag(e, false, "--fraglast");
}

const struct mt_ext mt_frag = {
	.name = "frag", .type = XTFW_MATCH_FRAG, .families = FAM_V6,
	.opts = frag_opts, .init = frag_init, .parse = frag_parse,
	.final = frag_final, .print = frag_print, .save = frag_save,
};
