// SPDX-License-Identifier: GPL-2.0
/* -m recent. */
#include <stdlib.h>
#include <string.h>

#include "ext.h"
#include "parse_util.h"

enum {
	O_SET, O_RCHECK, O_UPDATE, O_REMOVE,	/* = the recent command */
	O_SECONDS, O_REAP, O_HITCOUNT, O_RTTL, O_NAME, O_RSOURCE, O_RDEST,
	O_MASK,
};

#define CMD_OPTS	((1U << O_SET) | (1U << O_RCHECK) | \
			 (1U << O_UPDATE) | (1U << O_REMOVE))
#define RECENT_DEFAULT_NAME	"DEFAULT"

static const struct ext_opt recent_opts[] = {
	{ "set", O_SET, 0, true },
	{ "rcheck", O_RCHECK, 0, true },
	{ "update", O_UPDATE, 0, true },
	{ "remove", O_REMOVE, 0, true },
	{ "seconds", O_SECONDS, 1, false },
	{ "reap", O_REAP, 0, false },
	{ "hitcount", O_HITCOUNT, 1, false },
	{ "rttl", O_RTTL, 0, false },
	{ "name", O_NAME, 1, false },
	{ "rsource", O_RSOURCE, 0, false },
	{ "rdest", O_RDEST, 0, false },
	{ "mask", O_MASK, 1, false },
	{ NULL },
};

static const uint8_t cmd_of_opt[] = {
	[O_SET] = XTFW_RECENT_SET, [O_RCHECK] = XTFW_RECENT_CHECK,
	[O_UPDATE] = XTFW_RECENT_UPDATE, [O_REMOVE] = XTFW_RECENT_REMOVE,
};

static void recent_init(struct mt *m, const struct rule *r)
{
	m->recent_name = xstrdup(RECENT_DEFAULT_NAME);
	memset(&m->recent_mask, 0, sizeof(m->recent_mask));
	memset(m->recent_mask.bytes, 0xff, fam_addrlen(r->family));
	m->has |= BIT64(XTFW_MATCH_A_RECENT_NAME) |
		  BIT64(XTFW_MATCH_A_RECENT_CMD) |
		  BIT64(XTFW_MATCH_A_RECENT_SECONDS) |
		  BIT64(XTFW_MATCH_A_RECENT_HITCOUNT) |
		  BIT64(XTFW_MATCH_A_RECENT_FLAGS) |
		  BIT64(XTFW_MATCH_A_RECENT_MASK);
}

static void recent_set_name(struct mt *m, const char *name)
{
	if (!*name || strlen(name) >= XTFW_RECENT_NAME_MAXLEN)
		perr("recent list name must be 1 to %d characters",
		     XTFW_RECENT_NAME_MAXLEN - 1);
	free(m->recent_name);
	m->recent_name = xstrdup(name);
}

static void recent_parse(struct mt *m, const struct ext_opt *o, char **args,
			 bool inv, const struct rule *r)
{
	if (o->id <= O_REMOVE && (m->seen & CMD_OPTS))
		perr("use only one of --set, --rcheck, --update and --remove");
	if (o->id != O_RSOURCE && o->id != O_RDEST)
		ext_once(&m->seen, o);
	if (inv)
		m->inv |= XTFW_MINV_RECENT;
	switch (o->id) {
	case O_SET: case O_RCHECK: case O_UPDATE: case O_REMOVE:
		m->recent_cmd = cmd_of_opt[o->id];
		break;
	case O_SECONDS:
		m->recent_seconds = parse_u32(args[0], 1, UINT32_MAX,
					      "--seconds");
		break;
	case O_HITCOUNT:
		m->recent_hitcount = parse_u32(args[0], 1, UINT32_MAX,
					       "--hitcount");
		break;
	case O_REAP:
		m->recent_flags |= XTFW_RECENT_F_REAP;
		break;
	case O_RTTL:
		m->recent_flags |= XTFW_RECENT_F_RTTL;
		break;
	case O_NAME:
		recent_set_name(m, args[0]);
		break;
	case O_RSOURCE:
		m->recent_flags &= ~XTFW_RECENT_F_RDEST;
		break;
	case O_RDEST:
		m->recent_flags |= XTFW_RECENT_F_RDEST;
		break;
	case O_MASK:
		parse_addr(args[0], r->family, &m->recent_mask);
		break;
	}
}

static void recent_final(struct mt *m, const struct rule *r)
{
	bool checks = m->recent_cmd == XTFW_RECENT_CHECK ||
		      m->recent_cmd == XTFW_RECENT_UPDATE;

	(void)r;
	if (!(m->seen & CMD_OPTS))
		perr("-m recent needs one of --set, --rcheck, --update or --remove");
	if ((m->recent_seconds || m->recent_hitcount ||
	     (m->recent_flags & XTFW_RECENT_F_RTTL)) && !checks)
		perr("--seconds, --hitcount and --rttl need --rcheck or --update");
	if ((m->recent_flags & XTFW_RECENT_F_REAP) && !m->recent_seconds)
		perr("--reap needs --seconds");
}

static const char *const cmd_print[] = {
	[XTFW_RECENT_SET] = "SET", [XTFW_RECENT_CHECK] = "CHECK",
	[XTFW_RECENT_UPDATE] = "UPDATE", [XTFW_RECENT_REMOVE] = "REMOVE",
};

static const char *const cmd_save[] = {
	[XTFW_RECENT_SET] = "--set", [XTFW_RECENT_CHECK] = "--rcheck",
	[XTFW_RECENT_UPDATE] = "--update", [XTFW_RECENT_REMOVE] = "--remove",
};

static const char *recent_name(const struct mt *m)
{
	return m->recent_name ? m->recent_name : RECENT_DEFAULT_NAME;
}

static void recent_print(struct pr *p, const struct mt *m,
			 const struct rule *r)
{
	char mask[ADDR_STRLEN];

	if (m->inv & XTFW_MINV_RECENT)
		sb_puts(p->b, " !");
	sb_puts(p->b, " recent:");
	if (m->recent_cmd <= XTFW_RECENT_REMOVE)
		sb_printf(p->b, " %s", cmd_print[m->recent_cmd]);
	if (m->recent_seconds)
		sb_printf(p->b, " seconds: %u", m->recent_seconds);
	if (m->recent_flags & XTFW_RECENT_F_REAP)
		sb_puts(p->b, " reap");
	if (m->recent_hitcount)
		sb_printf(p->b, " hit_count: %u", m->recent_hitcount);
	if (m->recent_flags & XTFW_RECENT_F_RTTL)
		sb_puts(p->b, " TTL-Match");
	sb_printf(p->b, " name: %s", recent_name(m));
	sb_printf(p->b, " side: %s",
		  m->recent_flags & XTFW_RECENT_F_RDEST ? "dest" : "source");
	sb_printf(p->b, " mask: %s",
		  addr_str(&m->recent_mask, r->family, mask));
}

static void recent_save(struct emit *e, const struct mt *m,
			const struct rule *r)
{
	char mask[ADDR_STRLEN];

	if (m->recent_cmd <= XTFW_RECENT_REMOVE)
		emit_flag(e, m->inv & XTFW_MINV_RECENT,
			  cmd_save[m->recent_cmd]);
	if (m->recent_seconds)
		emit_opt(e, false, "--seconds", "%u", m->recent_seconds);
	if (m->recent_flags & XTFW_RECENT_F_REAP)
		emit_flag(e, false, "--reap");
	if (m->recent_hitcount)
		emit_opt(e, false, "--hitcount", "%u", m->recent_hitcount);
	if (m->recent_flags & XTFW_RECENT_F_RTTL)
		emit_flag(e, false, "--rttl");
	emit_opt(e, false, "--name", "%s", recent_name(m));
	emit_opt(e, false, "--mask", "%s",
		 addr_str(&m->recent_mask, r->family, mask));
	emit_flag(e, false, m->recent_flags & XTFW_RECENT_F_RDEST ?
		  "--rdest" : "--rsource");
}

const struct mt_ext mt_recent = {
	.name = "recent", .type = XTFW_MATCH_RECENT, .families = FAM_ALL,
	.opts = recent_opts, .init = recent_init, .parse = recent_parse,
	.final = recent_final, .print = recent_print, .save = recent_save,
};
