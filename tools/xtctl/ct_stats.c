// SPDX-License-Identifier: GPL-2.0
/*
 * xtctl ct stats: the kernel's counters, one u64 attribute each. A counter
 * is found by its attribute type, never by its distance from the first:
 * XTFW_CTSTATS_A_PAD (alignment only) sits among them and newer counters
 * come after it. Counters the kernel does not send are not printed, and
 * types this xtctl does not know are skipped, so an older or newer module
 * still gives a correct line.
 */
#include <assert.h>
#include <libmnl/libmnl.h>

#include "ct.h"

static_assert(__XTFW_CTSTATS_A_MAX <= 32, "ct_stats.have is a u32");

static const char *const names[__XTFW_CTSTATS_A_MAX] = {
	[XTFW_CTSTATS_A_FOUND]		= "found",
	[XTFW_CTSTATS_A_NEW]		= "new",
	[XTFW_CTSTATS_A_INVALID]	= "invalid",
	[XTFW_CTSTATS_A_INSERT_FAILED]	= "insert_failed",
	[XTFW_CTSTATS_A_DROP]		= "drop",
	[XTFW_CTSTATS_A_EARLY_DROP]	= "early_drop",
	[XTFW_CTSTATS_A_SEARCH_RESTART]	= "search_restart",
	[XTFW_CTSTATS_A_NAT_FAILED]	= "nat_failed",
};

const char *ct_stat_name(unsigned int type)
{
	return type < ARRAY_SIZE(names) ? names[type] : NULL;
}

void ct_stats_attr(struct ct_stats *s, const struct nlattr *a)
{
	unsigned int type = mnl_attr_get_type(a);

	if (!ct_stat_name(type) || mnl_attr_validate(a, MNL_TYPE_U64) < 0)
		return;
	s->v[type] = mnl_attr_get_u64(a);
	s->have |= 1U << type;
}

void ct_print_stats(struct sbuf *b, const struct ct_stats *s)
{
	const char *sep = "";

	for (unsigned int i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(s->have & (1U << i)))
			continue;
		sb_printf(b, "%s%s=%llu", sep, names[i],
			  (unsigned long long)s->v[i]);
		sep = " ";
	}
	sb_putc(b, '\n');
}
