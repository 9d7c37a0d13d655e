// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for xtctl's rule-file parser (make -C selftests/unit fuzz-xtctl): any input
 * either fails with an error (never a crash, a leak or undefined
 * behaviour: built with ASan and UBSan) or gives a ruleset whose saved
 * text restores to the same saved text, and whose transaction encodes.
 * The first input byte picks the family and -c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "restore.h"
#include "save.h"
#include "txn.h"

static char msgbuf[1 << 17];	/* a NEWRULE of several rules, and one more */

static struct nlmsghdr *sink_begin(struct txn_sink *s, uint8_t cmd,
				   uint16_t flags, size_t *room)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(msgbuf);

	(void)s;
	(void)cmd;
	nlh->nlmsg_flags = flags;
	*room = sizeof(msgbuf);
	return nlh;
}

static void sink_end(struct txn_sink *s, unsigned int line,
		     unsigned int rules)
{
	(void)s;
	(void)line;
	(void)rules;
}

/* The saved text of @rs's tables of @family, "" if it cannot be read. */
static char *saved(const char *text, size_t len, const struct restore_opts *o,
		   bool *ok)
{
	struct ruleset rs = { 0 };
	struct sbuf b = { 0 };
	struct fail_ctx fc;
	char *out;

	fail_push(&fc);
	if (setjmp(fc.jb)) {
		ruleset_free(&rs);
		*ok = false;
		return NULL;
	}
	restore_apply(text, len, o, &rs);
	fail_pop(&fc);
	for (unsigned int i = 0; i < __XTFW_TABLE_MAX; i++)
		if (rs.t[o->family][i])
			save_table(&b, rs.t[o->family][i], o->counters, NULL);
	{
		struct txn_sink s = { .begin = sink_begin, .end = sink_end,
				      .rules_per_msg = 256 };
		struct txn_opts to = { 0 };

		fail_push(&fc);
		if (!setjmp(fc.jb))
			txn_build(&s, &rs, o->family, &to);
		fail_pop(&fc);
	}
	out = strdup(sb_str(&b));
	sb_free(&b);
	ruleset_free(&rs);
	*ok = true;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct restore_opts o = { 0 };
	char *first, *second;
	bool ok;

	if (!size)
		return 0;
	o.family = data[0] & 1 ? XTFW_FAMILY_IPV6 : XTFW_FAMILY_IPV4;
	o.counters = data[0] & 2;
	first = saved((const char *)data + 1, size - 1, &o, &ok);
	if (!ok)
		return 0;
	second = saved(first, strlen(first), &o, &ok);
	if (!ok || strcmp(first, second)) {
		fprintf(stderr, "save -> restore -> save differs:\n%s\n---\n%s\n",
			first, ok ? second : "(refused)");
		abort();
	}
	free(first);
	free(second);
	return 0;
}
