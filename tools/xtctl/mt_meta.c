// SPDX-License-Identifier: GPL-2.0
/* -m limit, -m comment and -m owner. */
#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <strings.h>

#include "ext.h"
#include "names.h"
#include "parse_util.h"
#include "resolve.h"

enum { O_LIMIT, O_BURST, O_COMMENT, O_UID, O_GID };

#define LIMIT_DEFAULT_COUNT	3
#define LIMIT_DEFAULT_PERIOD	3600
#define LIMIT_DEFAULT_BURST	5
#define LIMIT_MAX_BURST		10000

static const struct ext_opt limit_opts[] = {
	{ "limit", O_LIMIT, 1, true },
	{ "limit-burst", O_BURST, 1, false },
	{ NULL },
};

/* Largest unit first, as libxt_limit's print_rate walks them. */
static const struct named_value rate_units[] = {
	{ "day", XTFW_LIMIT_SCALE * 24 * 60 * 60 },
	{ "hour", XTFW_LIMIT_SCALE * 60 * 60 },
	{ "min", XTFW_LIMIT_SCALE * 60 },
	{ "sec", XTFW_LIMIT_SCALE },
};

static const struct named_value unit_words[] = {
	{ "second", 1 }, { "minute", 60 }, { "hour", 3600 }, { "day", 86400 },
};

static uint32_t unit_seconds(const char *unit, const char *arg)
{
	size_t n = strlen(unit);

	for (size_t i = 0; n && i < ARRAY_SIZE(unit_words); i++)
		if (strncasecmp(unit_words[i].name, unit, n) == 0)
			return unit_words[i].value;
	invarg("rate", arg);
}

static uint32_t parse_rate(const char *s)
{
	const char *slash = strchr(s, '/');
	uint32_t seconds = slash ? unit_seconds(slash + 1, s) : 1;
	char num[16];
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	uint32_t count;
	uint64_t avg;

	if (n == 0 || n >= sizeof(num))
		invarg("rate", s);
	memcpy(num, s, n);
	num[n] = '\0';
	if (!str_to_u32(num, 1, UINT32_MAX, &count))
		invarg("rate", s);
	avg = (uint64_t)XTFW_LIMIT_SCALE * seconds / count;
	if (avg == 0)
		perr("rate too fast \"%s\"", s);
	return avg;
}

static void limit_init(struct mt *m, const struct rule *r)
{
	(void)r;
	m->rate = XTFW_LIMIT_SCALE * LIMIT_DEFAULT_PERIOD / LIMIT_DEFAULT_COUNT;
	m->burst = LIMIT_DEFAULT_BURST;
	m->has |= BIT64(XTFW_MATCH_A_RATE) | BIT64(XTFW_MATCH_A_BURST);
}

static void limit_parse(struct mt *m, const struct ext_opt *o, char **args,
			bool inv, const struct rule *r)
{
	(void)r;
	ext_once(&m->seen, o);
	if (o->id == O_BURST) {
		m->burst = parse_u32(args[0], 1, LIMIT_MAX_BURST, "burst");
		return;
	}
	m->rate = parse_rate(args[0]);
	if (inv)
		m->inv |= XTFW_MINV_LIMIT;
}

static void print_rate(struct sbuf *b, uint32_t period)
{
	size_t i;

	if (period == 0) {
		sb_puts(b, " inf");
		return;
	}
	for (i = 1; i < ARRAY_SIZE(rate_units); ++i)
		if (period > rate_units[i].value ||
		    rate_units[i].value / period < rate_units[i].value % period)
			break;
	sb_printf(b, " %u/%s", rate_units[i - 1].value / period,
		  rate_units[i - 1].name);
}

static void limit_print(struct pr *p, const struct mt *m, const struct rule *r)
{
	(void)r;
	if (m->inv & XTFW_MINV_LIMIT)
		sb_puts(p->b, " !");
	sb_puts(p->b, " limit: avg");
	print_rate(p->b, m->rate);
	sb_printf(p->b, " burst %u", m->burst);
}

static void limit_save(struct emit *e, const struct mt *m, const struct rule *r)
{
	struct sbuf b = { 0 };

	(void)r;
	print_rate(&b, m->rate);
	emit_opt(e, m->inv & XTFW_MINV_LIMIT, "--limit", "%s", sb_str(&b) + 1);
	if (m->burst != LIMIT_DEFAULT_BURST)
		emit_opt(e, false, "--limit-burst", "%u", m->burst);
	sb_free(&b);
}

const struct mt_ext mt_limit = {
	.name = "limit", .type = XTFW_MATCH_LIMIT, .families = FAM_ALL,
	.opts = limit_opts, .init = limit_init, .parse = limit_parse,
	.print = limit_print, .save = limit_save,
};

/* ---- comment ---- */

static const struct ext_opt comment_opts[] = {
	{ "comment", O_COMMENT, 1, false },
	{ NULL },
};

static void comment_parse(struct mt *m, const struct ext_opt *o, char **args,
			  bool inv, const struct rule *r)
{
	(void)inv;
	(void)r;
	ext_once(&m->seen, o);
	if (strlen(args[0]) >= XTFW_COMMENT_MAXLEN)
		perr("comment may not exceed %d characters",
		     XTFW_COMMENT_MAXLEN - 1);
	m->comment = xstrdup(args[0]);
	m->has |= BIT64(XTFW_MATCH_A_COMMENT);
}

static void comment_final(struct mt *m, const struct rule *r)
{
	(void)r;
	if (!m->seen)
		perr("-m comment needs --comment");
}

static const char *comment_of(const struct mt *m)
{
	return m->comment ? m->comment : "";
}

static void comment_print(struct pr *p, const struct mt *m,
			  const struct rule *r)
{
	(void)r;
	sb_printf(p->b, " /* %s */", comment_of(m));
}

static void comment_save(struct emit *e, const struct mt *m,
			 const struct rule *r)
{
	(void)r;
	emit_str(e, false, "--comment", comment_of(m));
}

const struct mt_ext mt_comment = {
	.name = "comment", .type = XTFW_MATCH_COMMENT, .families = FAM_ALL,
	.opts = comment_opts, .parse = comment_parse, .final = comment_final,
	.print = comment_print, .save = comment_save,
};

/* ---- owner ---- */

#define OWNER_ID_MAX	(UINT32_MAX - 1)

static const struct ext_opt owner_opts[] = {
	{ "uid-owner", O_UID, 1, true },
	{ "gid-owner", O_GID, 1, true },
	{ NULL },
};

static void parse_id_range(const char *s, struct xtfw_u32_range *r,
			   const char *what)
{
	const char *dash = strpbrk(s, "-:");
	char lo[16];
	size_t n = dash ? (size_t)(dash - s) : strlen(s);

	if (n == 0 || n >= sizeof(lo))
		invarg(what, s);
	memcpy(lo, s, n);
	lo[n] = '\0';
	if (!str_to_u32(lo, 0, OWNER_ID_MAX, &r->min))
		perr("no such %s \"%s\"", what, s);
	r->max = r->min;
	if (dash && !str_to_u32(dash + 1, r->min, OWNER_ID_MAX, &r->max))
		invarg(what, s);
}

static void owner_parse(struct mt *m, const struct ext_opt *o, char **args,
			bool inv, const struct rule *r)
{
	struct xtfw_u32_range *range = o->id == O_UID ? &m->uid : &m->gid;
	struct passwd *pw;
	struct group *gr;

	(void)r;
	ext_once(&m->seen, o);
	if (o->id == O_UID && (pw = getpwnam(args[0])) != NULL)
		range->min = range->max = pw->pw_uid;
	else if (o->id == O_GID && (gr = getgrnam(args[0])) != NULL)
		range->min = range->max = gr->gr_gid;
	else
		parse_id_range(args[0], range, o->id == O_UID ? "user" :
			       "group");
	m->has |= BIT64(o->id == O_UID ? XTFW_MATCH_A_UID : XTFW_MATCH_A_GID);
	if (inv)
		m->inv |= o->id == O_UID ? XTFW_MINV_UID : XTFW_MINV_GID;
}

static void owner_final(struct mt *m, const struct rule *r)
{
	(void)r;
	if (!m->seen)
		perr("-m owner needs --uid-owner or --gid-owner");
}

static void print_id(struct pr *p, const struct xtfw_u32_range *range,
		     bool uid)
{
	const char *name = NULL;

	if (range->min != range->max) {
		sb_printf(p->b, " %u-%u", range->min, range->max);
		return;
	}
	if (!p->numeric)
		name = uid ? resolver->user(range->min) :
		       resolver->group(range->min);
	if (name)
		sb_printf(p->b, " %s", name);
	else
		sb_printf(p->b, " %u", range->min);
}

static void owner_print(struct pr *p, const struct mt *m,
			const struct rule *r)
{
	(void)r;
	if (MT_HAS(m, XTFW_MATCH_A_UID)) {
		sb_printf(p->b, "%s owner UID match",
			  m->inv & XTFW_MINV_UID ? " !" : "");
		print_id(p, &m->uid, true);
	}
	if (MT_HAS(m, XTFW_MATCH_A_GID)) {
		sb_printf(p->b, "%s owner GID match",
			  m->inv & XTFW_MINV_GID ? " !" : "");
		print_id(p, &m->gid, false);
	}
}

static void save_id(struct emit *e, bool inv, const char *opt,
		    const struct xtfw_u32_range *range)
{
	if (range->min != range->max)
		emit_opt(e, inv, opt, "%u-%u", range->min, range->max);
	else
		emit_opt(e, inv, opt, "%u", range->min);
}

static void owner_save(struct emit *e, const struct mt *m,
		       const struct rule *r)
{
	(void)r;
	if (MT_HAS(m, XTFW_MATCH_A_UID))
		save_id(e, m->inv & XTFW_MINV_UID, "--uid-owner", &m->uid);
	if (MT_HAS(m, XTFW_MATCH_A_GID))
		save_id(e, m->inv & XTFW_MINV_GID, "--gid-owner", &m->gid);
}

const struct mt_ext mt_owner = {
	.name = "owner", .type = XTFW_MATCH_OWNER, .families = FAM_ALL,
	.opts = owner_opts, .parse = owner_parse, .final = owner_final,
	.print = owner_print, .save = owner_save,
};
