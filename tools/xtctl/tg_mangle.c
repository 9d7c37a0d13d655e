// SPDX-License-Identifier: GPL-2.0
/* Packet and connection mangling: MARK, CONNMARK, TTL, HL and NOTRACK. */
#include <stdio.h>
#include <string.h>

#include "ext.h"
#include "parse_util.h"

enum {
	O_SET_XMARK, O_SET_MARK, O_AND_MARK, O_OR_MARK, O_XOR_MARK,
	O_SAVE_MARK, O_RESTORE_MARK, O_MASK, O_NFMASK, O_CTMASK,
	O_TTL_SET, O_TTL_DEC, O_TTL_INC,
	O_NOTRACK,
};

#define MARK_OPS	((1U << O_SET_XMARK) | (1U << O_SET_MARK) | \
			 (1U << O_AND_MARK) | (1U << O_OR_MARK) | \
			 (1U << O_XOR_MARK))
#define CONNMARK_OPS	(MARK_OPS | (1U << O_SAVE_MARK) | \
			 (1U << O_RESTORE_MARK))
#define MASK_OPTS	((1U << O_MASK) | (1U << O_NFMASK) | (1U << O_CTMASK))

static const struct ext_opt mark_opts[] = {
	{ "set-xmark", O_SET_XMARK, 1, false },
	{ "set-mark", O_SET_MARK, 1, false },
	{ "and-mark", O_AND_MARK, 1, false },
	{ "or-mark", O_OR_MARK, 1, false },
	{ "xor-mark", O_XOR_MARK, 1, false },
	{ NULL },
};

static const struct ext_opt connmark_opts[] = {
	{ "set-xmark", O_SET_XMARK, 1, false },
	{ "set-mark", O_SET_MARK, 1, false },
	{ "and-mark", O_AND_MARK, 1, false },
	{ "or-mark", O_OR_MARK, 1, false },
	{ "xor-mark", O_XOR_MARK, 1, false },
	{ "save-mark", O_SAVE_MARK, 0, false },
	{ "restore-mark", O_RESTORE_MARK, 0, false },
	{ "mask", O_MASK, 1, false },
	{ "nfmask", O_NFMASK, 1, false },
	{ "ctmask", O_CTMASK, 1, false },
	{ NULL },
};

/* mark = (mark & ~mask) ^ value: the one operation all options map to. */
static void mark_op(struct tg *t, int id, const char *arg)
{
	uint32_t v, m;

	parse_mark_mask(arg, &v, &m);
	if (id != O_SET_XMARK && id != O_SET_MARK && strchr(arg, '/'))
		invarg("mark (no mask allowed here)", arg);
	switch (id) {
	case O_SET_XMARK:
		t->mark = v, t->mask = m;
		break;
	case O_SET_MARK:
		t->mark = v, t->mask = v | m;
		break;
	case O_AND_MARK:
		t->mark = 0, t->mask = ~v;
		break;
	case O_OR_MARK:
		t->mark = v, t->mask = v;
		break;
	case O_XOR_MARK:
		t->mark = v, t->mask = 0;
		break;
	}
	t->has |= BIT64(XTFW_TARGET_A_MARK) | BIT64(XTFW_TARGET_A_MASK);
}

static void mark_parse(struct tg *t, const struct ext_opt *o, char **args,
		       bool inv, const struct rule *r)
{
	(void)inv;
	(void)r;
	if (t->seen & MARK_OPS)
		perr("MARK takes only one of --set-xmark, --set-mark, --and-mark, --or-mark and --xor-mark");
	ext_once(&t->seen, o);
	mark_op(t, o->id, args[0]);
}

static void mark_final(struct tg *t, const struct rule *r)
{
	(void)r;
	if (!(t->seen & MARK_OPS))
		perr("MARK needs --set-xmark, --set-mark, --and-mark, --or-mark or --xor-mark");
}

/* As libxt_MARK/CONNMARK print the one operation back. */
static void print_mark_op(struct sbuf *b, const char *who, uint32_t mark,
			  uint32_t mask)
{
	if (mark == 0)
		sb_printf(b, " %s and 0x%x", who, ~mask);
	else if (mark == mask)
		sb_printf(b, " %s or 0x%x", who, mark);
	else if (mask == 0)
		sb_printf(b, " %s xor 0x%x", who, mark);
	else if (mask == UINT32_MAX)
		sb_printf(b, " %s set 0x%x", who, mark);
	else
		sb_printf(b, " %s xset 0x%x/0x%x", who, mark, mask);
}

static void mark_print(struct pr *p, const struct tg *t, const struct rule *r)
{
	(void)r;
	print_mark_op(p->b, "MARK", t->mark, t->mask);
}

static void mark_save(struct emit *e, const struct tg *t, const struct rule *r)
{
	(void)r;
	emit_opt(e, false, "--set-xmark", "0x%x/0x%x", t->mark, t->mask);
}

const struct tg_ext tg_mark = {
	.name = "MARK", .type = XTFW_TARGET_MARK, .families = FAM_ALL,
	.opts = mark_opts, .parse = mark_parse, .final = mark_final,
	.print = mark_print, .save = mark_save,
};

/* ---- CONNMARK ---- */

static void connmark_init(struct tg *t, const struct rule *r)
{
	(void)r;
	t->ctmask = t->nfmask = UINT32_MAX;
}

static void connmark_parse(struct tg *t, const struct ext_opt *o,
			   char **args, bool inv, const struct rule *r)
{
	uint32_t mask, ignored;

	(void)inv;
	(void)r;
	if (((1U << o->id) & CONNMARK_OPS) && (t->seen & CONNMARK_OPS))
		perr("CONNMARK takes only one operation");
	ext_once(&t->seen, o);
	switch (o->id) {
	case O_SAVE_MARK:
		t->connmark_op = XTFW_CONNMARK_SAVE;
		return;
	case O_RESTORE_MARK:
		t->connmark_op = XTFW_CONNMARK_RESTORE;
		return;
	case O_MASK: case O_NFMASK: case O_CTMASK:
		parse_mark_mask(args[0], &mask, &ignored);
		if (o->id != O_CTMASK)
			t->nfmask = mask;
		if (o->id != O_NFMASK)
			t->ctmask = mask;
		return;
	}
	t->connmark_op = XTFW_CONNMARK_SET;
	mark_op(t, o->id, args[0]);
}

static void connmark_final(struct tg *t, const struct rule *r)
{
	(void)r;
	if (!(t->seen & CONNMARK_OPS))
		perr("CONNMARK needs an operation such as --set-mark or --save-mark");
	if (t->connmark_op == XTFW_CONNMARK_SET && (t->seen & MASK_OPTS))
		perr("--mask, --nfmask and --ctmask go with --save-mark or --restore-mark");
	t->has |= BIT64(XTFW_TARGET_A_CONNMARK_OP);
	if (t->connmark_op != XTFW_CONNMARK_SET)
		t->has |= BIT64(XTFW_TARGET_A_CTMASK) |
			  BIT64(XTFW_TARGET_A_NFMASK);
}

static void print_save_restore(struct sbuf *b, const char *op, uint32_t m1,
			       const char *n1, uint32_t m2, const char *n2)
{
	if (m1 == UINT32_MAX && m2 == UINT32_MAX)
		sb_printf(b, " CONNMARK %s", op);
	else if (m1 == m2)
		sb_printf(b, " CONNMARK %s mask 0x%x", op, m1);
	else
		sb_printf(b, " CONNMARK %s %s 0x%x %s ~0x%x", op, n1, m1, n2,
			  m2);
}

static void connmark_print(struct pr *p, const struct tg *t,
			   const struct rule *r)
{
	(void)r;
	switch (t->connmark_op) {
	case XTFW_CONNMARK_SET:
		print_mark_op(p->b, "CONNMARK", t->mark, t->mask);
		break;
	case XTFW_CONNMARK_SAVE:
		print_save_restore(p->b, "save", t->nfmask, "nfmask",
				   t->ctmask, "ctmask");
		break;
	case XTFW_CONNMARK_RESTORE:
		print_save_restore(p->b, "restore", t->ctmask, "ctmask",
				   t->nfmask, "nfmask");
		break;
	default:
		sb_puts(p->b, " ERROR: UNKNOWN CONNMARK MODE");
	}
}

static void connmark_save(struct emit *e, const struct tg *t,
			  const struct rule *r)
{
	(void)r;
	if (t->connmark_op == XTFW_CONNMARK_SET) {
		emit_opt(e, false, "--set-xmark", "0x%x/0x%x", t->mark,
			 t->mask);
		return;
	}
	emit_flag(e, false, t->connmark_op == XTFW_CONNMARK_SAVE ?
		  "--save-mark" : "--restore-mark");
	emit_opt(e, false, "--nfmask", "0x%x", t->nfmask);
	emit_opt(e, false, "--ctmask", "0x%x", t->ctmask);
}

const struct tg_ext tg_connmark = {
	.name = "CONNMARK", .type = XTFW_TARGET_CONNMARK, .families = FAM_ALL,
	.opts = connmark_opts, .init = connmark_init,
	.parse = connmark_parse, .final = connmark_final,
	.print = connmark_print, .save = connmark_save,
};

/* ---- TTL / HL ---- */

static const struct ext_opt ttl_opts[] = {
	{ "ttl-set", O_TTL_SET, 1, false },
	{ "ttl-dec", O_TTL_DEC, 1, false },
	{ "ttl-inc", O_TTL_INC, 1, false },
	{ NULL },
};

static const struct ext_opt hl_opts[] = {
	{ "hl-set", O_TTL_SET, 1, false },
	{ "hl-dec", O_TTL_DEC, 1, false },
	{ "hl-inc", O_TTL_INC, 1, false },
	{ NULL },
};

static void ttl_parse(struct tg *t, const struct ext_opt *o, char **args,
		      bool inv, const struct rule *r)
{
	(void)inv;
	(void)r;
	if (t->seen)
		perr("%s takes only one of its options", o->name[0] == 't' ?
		     "TTL" : "HL");
	ext_once(&t->seen, o);
	t->ttl_op = o->id - O_TTL_SET;
	t->ttl = parse_u32(args[0], o->id == O_TTL_SET ? 0 : 1, 255, o->name);
	t->has |= BIT64(XTFW_TARGET_A_TTL_OP) | BIT64(XTFW_TARGET_A_TTL);
}

static void ttl_final(struct tg *t, const struct rule *r)
{
	(void)r;
	if (!t->seen)
		perr("%s needs one of its options", t->type == XTFW_TARGET_TTL ?
		     "TTL (--ttl-set, --ttl-dec, --ttl-inc)" :
		     "HL (--hl-set, --hl-dec, --hl-inc)");
}

static const char *const ttl_words[] = {
	[XTFW_TTL_SET] = "set to", [XTFW_TTL_DEC] = "decrement by",
	[XTFW_TTL_INC] = "increment by",
};

static const char *const ttl_suffix[] = {
	[XTFW_TTL_SET] = "set", [XTFW_TTL_DEC] = "dec",
	[XTFW_TTL_INC] = "inc",
};

static void ttl_print(struct pr *p, const struct tg *t, const struct rule *r)
{
	(void)r;
	sb_printf(p->b, " %s %s %u", t->type == XTFW_TARGET_TTL ? "TTL" : "HL",
		  t->ttl_op <= XTFW_TTL_INC ? ttl_words[t->ttl_op] : "?",
		  t->ttl);
}

static void ttl_save(struct emit *e, const struct tg *t, const struct rule *r)
{
	char opt[16];

	(void)r;
	snprintf(opt, sizeof(opt), "--%s-%s",
		 t->type == XTFW_TARGET_TTL ? "ttl" : "hl",
		 t->ttl_op <= XTFW_TTL_INC ? ttl_suffix[t->ttl_op] : "?");
	emit_opt(e, false, opt, "%u", t->ttl);
}

const struct tg_ext tg_ttl = {
	.name = "TTL", .type = XTFW_TARGET_TTL, .families = FAM_V4,
	.opts = ttl_opts, .parse = ttl_parse, .final = ttl_final,
	.print = ttl_print, .save = ttl_save,
};

const struct tg_ext tg_hl = {
	.name = "HL", .type = XTFW_TARGET_HL, .families = FAM_V6,
	.opts = hl_opts, .parse = ttl_parse, .final = ttl_final,
	.print = ttl_print, .save = ttl_save,
};

/* ---- NOTRACK, "CT --notrack" ---- */

static const struct ext_opt ct_opts[] = {
	{ "notrack", O_NOTRACK, 0, false },
	{ NULL },
};

static void ct_parse(struct tg *t, const struct ext_opt *o, char **args,
		     bool inv, const struct rule *r)
{
	(void)args;
	(void)inv;
	(void)r;
	ext_once(&t->seen, o);
}

static void ct_final(struct tg *t, const struct rule *r)
{
	(void)r;
	if (!t->seen)
		perr("CT: xtfw supports only -j CT --notrack");
}

static void notrack_print(struct pr *p, const struct tg *t,
			  const struct rule *r)
{
	(void)t;
	(void)r;
	sb_puts(p->b, " CT notrack");
}

static void notrack_save(struct emit *e, const struct tg *t,
			 const struct rule *r)
{
	(void)t;
	(void)r;
	emit_flag(e, false, "--notrack");
}

const struct tg_ext tg_notrack = {
	.name = "NOTRACK", .type = XTFW_TARGET_NOTRACK, .families = FAM_ALL,
	.print = notrack_print, .save = notrack_save, .show_name = "CT",
};

const struct tg_ext tg_ct = {
	.name = "CT", .type = XTFW_TARGET_NOTRACK, .families = FAM_ALL,
	.opts = ct_opts, .parse = ct_parse, .final = ct_final,
	.print = notrack_print, .save = notrack_save,
};

/* ---- TRACE ---- */

const struct tg_ext tg_trace = {
	.name = "TRACE", .type = XTFW_TARGET_TRACE, .families = FAM_ALL,
};
