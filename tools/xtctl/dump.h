/* SPDX-License-Identifier: GPL-2.0 */
/* XTFW_CMD_GETRULESET dump messages into struct ruleset; no socket. */
#ifndef XTCTL_DUMP_H
#define XTCTL_DUMP_H

#include <libmnl/libmnl.h>

#include "ruleset.h"

struct dump {
	struct ruleset *rs;
	uint8_t family;
	bool have_gen, gen_changed;
	uint64_t gen;
};

/* One dump message (NEWTABLE, NEWCHAIN or NEWRULE); an mnl_cb_t. */
int dump_msg(const struct nlmsghdr *nlh, void *dump);
/* Note XTFW_A_GENERATION of any reply (GETGEN too); an mnl_cb_t. */
int dump_gen(const struct nlmsghdr *nlh, void *dump);

#endif
