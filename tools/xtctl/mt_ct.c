// SPDX-License-Identifier: GPL-2.0
/* Connection state and marks: conntrack, state, mark and connmark. */
#include <string.h>
#include <strings.h>

#include "ext.h"
#include "names.h"
#include "parse_util.h"

enum { O_STATE, O_MARK };

static const struct ext_opt conntrack_opts[] = {
	{ "ctstate", O_STATE, 1, true },
	{ NULL },
};

static const struct ext_opt state_opts[] = {
	{ "state", O_STATE, 1, true },
	{ NULL },
};

static const struct ext_opt mark_opts[] = {
	{ "mark", O_MARK, 1, true },
	{ NULL },
};

/* In the order iptables prints them. */
static const struct named_value ct_states[] = {
	{ "INVALID", XTFW_CTSTATE_INVALID },
	{ "NEW", XTFW_CTSTATE_NEW },
	{ "RELATED", XTFW_CTSTATE_RELATED },
	{ "ESTABLISHED", XTFW_CTSTATE_ESTABLISHED },
	{ "UNTRACKED", XTFW_CTSTATE_UNTRACKED },
	{ "SNAT", XTFW_CTSTATE_SNAT },
	{ "DNAT", XTFW_CTSTATE_DNAT },
};

#define STATE_MATCH_STATES	(XTFW_CTSTATE_INVALID | XTFW_CTSTATE_NEW | \
				 XTFW_CTSTATE_RELATED | \
				 XTFW_CTSTATE_ESTABLISHED | \
				 XTFW_CTSTATE_UNTRACKED)

static uint32_t parse_states(const char *s, uint32_t allowed)
{
	char buf[256], *tok, *save = NULL;
	uint32_t states = 0;
	long v;

	if (strlen(s) >= sizeof(buf))
		invarg("state list", s);
	strcpy(buf, s);
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		v = value_by_name(ct_states, ARRAY_SIZE(ct_states), tok);
		if (v < 0 || !(v & allowed))
			perr("bad state \"%s\"", tok);
		states |= v;
	}
	if (!states)
		invarg("state list", s);
	return states;
}

static void state_parse(struct mt *m, const struct ext_opt *o, char **args,
			bool inv, const struct rule *r)
{
	(void)r;
	ext_once(&m->seen, o);
	m->ctstate = parse_states(args[0], m->type == XTFW_MATCH_STATE ?
				  STATE_MATCH_STATES : XTFW_CTSTATE_ALL);
	m->has |= BIT64(XTFW_MATCH_A_CTSTATE);
	if (inv)
		m->inv |= XTFW_MINV_CTSTATE;
}

static void need_seen(const struct mt *m, const char *mt, const char *opt)
{
	if (!m->seen)
		perr("-m %s needs --%s", mt, opt);
}

static void conntrack_final(struct mt *m, const struct rule *r)
{
	(void)r;
	need_seen(m, "conntrack", "ctstate");
}

static void state_final(struct mt *m, const struct rule *r)
{
	(void)r;
	need_seen(m, "state", "state");
}

static void print_states(struct sbuf *b, uint32_t states)
{
	const char *sep = " ";

	for (size_t i = 0; i < ARRAY_SIZE(ct_states); i++) {
		if (!(states & ct_states[i].value))
			continue;
		sb_printf(b, "%s%s", sep, ct_states[i].name);
		sep = ",";
	}
}

static void state_print(struct pr *p, const struct mt *m,
			const struct rule *r)
{
	(void)r;
	if (m->inv & XTFW_MINV_CTSTATE)
		sb_puts(p->b, " !");
	sb_puts(p->b, m->type == XTFW_MATCH_STATE ? " state" : " ctstate");
	print_states(p->b, m->ctstate);
}

static void state_save(struct emit *e, const struct mt *m,
		       const struct rule *r)
{
	struct sbuf b = { 0 };

	(void)r;
	print_states(&b, m->ctstate);
	emit_opt(e, m->inv & XTFW_MINV_CTSTATE,
		 m->type == XTFW_MATCH_STATE ? "--state" : "--ctstate", "%s",
		 sb_str(&b) + 1);
	sb_free(&b);
}

const struct mt_ext mt_conntrack = {
	.name = "conntrack", .type = XTFW_MATCH_CONNTRACK, .families = FAM_ALL,
	.opts = conntrack_opts, .parse = state_parse, .final = conntrack_final,
	.print = state_print, .save = state_save,
};

const struct mt_ext mt_state = {
	.name = "state", .type = XTFW_MATCH_STATE, .families = FAM_ALL,
	.opts = state_opts, .parse = state_parse, .final = state_final,
	.print = state_print, .save = state_save,
};

static void mark_parse(struct mt *m, const struct ext_opt *o, char **args,
		       bool inv, const struct rule *r)
{
	(void)r;
	ext_once(&m->seen, o);
	parse_mark_mask(args[0], &m->mark, &m->mask);
	m->has |= BIT64(XTFW_MATCH_A_MARK) | BIT64(XTFW_MATCH_A_MASK);
	if (inv)
		m->inv |= XTFW_MINV_MARK;
}

static void mark_final(struct mt *m, const struct rule *r)
{
	(void)r;
	need_seen(m, m->type == XTFW_MATCH_MARK ? "mark" : "connmark", "mark");
}

static uint32_t mark_mask(const struct mt *m)
{
	return MT_HAS(m, XTFW_MATCH_A_MASK) ? m->mask : UINT32_MAX;
}

static void mark_print(struct pr *p, const struct mt *m, const struct rule *r)
{
	bool inv = m->inv & XTFW_MINV_MARK;

	(void)r;
	if (m->type == XTFW_MATCH_MARK)
		sb_printf(p->b, " mark match%s", inv ? " !" : "");
	else
		sb_printf(p->b, " connmark match %s", inv ? "!" : "");
	sb_mask_hex(p->b, m->mark, mark_mask(m));
}

static void mark_save(struct emit *e, const struct mt *m, const struct rule *r)
{
	uint32_t mask = mark_mask(m);

	(void)r;
	if (mask == UINT32_MAX)
		emit_opt(e, m->inv & XTFW_MINV_MARK, "--mark", "0x%x", m->mark);
	else
		emit_opt(e, m->inv & XTFW_MINV_MARK, "--mark", "0x%x/0x%x",
			 m->mark, mask);
}

const struct mt_ext mt_mark = {
	.name = "mark", .type = XTFW_MATCH_MARK, .families = FAM_ALL,
	.opts = mark_opts, .parse = mark_parse, .final = mark_final,
	.print = mark_print, .save = mark_save,
};

const struct mt_ext mt_connmark = {
	.name = "connmark", .type = XTFW_MATCH_CONNMARK, .families = FAM_ALL,
	.opts = mark_opts, .parse = mark_parse, .final = mark_final,
	.print = mark_print, .save = mark_save,
};
