// SPDX-License-Identifier: GPL-2.0
/* -L and -S of one table, as text or JSON. */
#include "cmd.h"
#include "json.h"
#include "print.h"
#include "save.h"

bool cmd_list(struct sbuf *out, const struct cmd *c, struct table *t)
{
	struct list_opts o = { c->numeric, c->verbose, c->exact, c->linenum };

	if (c->json) {
		if (c->chain && !table_chain(t, c->chain))
			return false;
		json_tables(out, c->family, &t, 1, c->chain, c->rulenum);
		return true;
	}
	if (c->op == CMD_LIST)
		return print_list(out, t, c->chain, c->rulenum, &o);
	return save_list_rules(out, t, c->chain, c->rulenum, c->verbose);
}
