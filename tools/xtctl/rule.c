// SPDX-License-Identifier: GPL-2.0
/* Rule allocation and copying. */
#include <stdlib.h>
#include <string.h>

#include "rule.h"

struct rule *rule_new(uint8_t family)
{
	struct rule *r = xcalloc(1, sizeof(*r));

	r->family = family;
	return r;
}

static void mt_free_strings(struct mt *m)
{
	free(m->comment);
	free(m->recent_name);
}

void rule_free(struct rule *r)
{
	if (!r)
		return;
	for (unsigned int i = 0; i < r->nmt; i++)
		mt_free_strings(&r->mt[i]);
	free(r->mt);
	free(r->raw);
	free(r);
}

struct rule *rule_dup(const struct rule *r)
{
	struct rule *d = xmalloc(sizeof(*d));

	*d = *r;
	d->mt = xcalloc(r->nmt, sizeof(*d->mt));
	if (r->nmt)
		memcpy(d->mt, r->mt, r->nmt * sizeof(*d->mt));
	for (unsigned int i = 0; i < r->nmt; i++) {
		if (r->mt[i].comment)
			d->mt[i].comment = xstrdup(r->mt[i].comment);
		if (r->mt[i].recent_name)
			d->mt[i].recent_name = xstrdup(r->mt[i].recent_name);
	}
	if (r->raw) {
		d->raw = xmalloc(r->rawlen);
		memcpy(d->raw, r->raw, r->rawlen);
	}
	return d;
}

struct mt *rule_add_match(struct rule *r, uint32_t type)
{
	struct mt *m;

	r->mt = xrealloc(r->mt, (r->nmt + 1) * sizeof(*r->mt));
	m = &r->mt[r->nmt++];
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->has = BIT64(XTFW_MATCH_A_TYPE);
	r->has |= BIT64(XTFW_RULE_A_MATCHES);
	return m;
}

void rule_set_target(struct rule *r, uint32_t type)
{
	memset(&r->tg, 0, sizeof(r->tg));
	r->tg.type = type;
	r->tg.has = BIT64(XTFW_TARGET_A_TYPE);
	r->has |= BIT64(XTFW_RULE_A_TARGET);
}

void rule_forget_raw(struct rule *r)
{
	free(r->raw);
	r->raw = NULL;
	r->rawlen = 0;
}

bool rule_jumps(const struct rule *r)
{
	return RULE_HAS(r, XTFW_RULE_A_TARGET) &&
	       (r->tg.type == XTFW_TARGET_JUMP ||
		r->tg.type == XTFW_TARGET_GOTO);
}
