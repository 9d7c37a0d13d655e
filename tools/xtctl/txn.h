/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Building a transaction's messages, independent of the socket: a sink
 * hands out room for each message and takes it back when complete.
 */
#ifndef XTCTL_TXN_H
#define XTCTL_TXN_H

#include <libmnl/libmnl.h>

#include "ruleset.h"

struct txn_sink {
	/* Start a message (netlink + genetlink headers); room is its space. */
	struct nlmsghdr *(*begin)(struct txn_sink *s, uint8_t cmd,
				  uint16_t flags, size_t *room);
	/*
	 * The message is complete; line is its restore line or 0, rules the
	 * number of rules it carries (line is the first one's).
	 */
	void (*end)(struct txn_sink *s, unsigned int line, unsigned int rules);
	/* Rules one NEWRULE may carry; 0 or 1: one each, as version 1 took. */
	unsigned int rules_per_msg;
};

/*
 * A NEWRULE of several rules stops growing at this size: big enough that
 * the per-message costs are spread thin, small enough that the batch
 * buffer's slack always has room for one more rule after it.
 */
#define TXN_RULES_BYTES		(16 << 10)

struct txn_opts {
	bool use_gen;		/* BEGIN carries rs->gen */
	bool abort;		/* ABORT instead of COMMIT */
	uint32_t del;		/* BIT(table id): DELTABLE these */
};

/*
 * BEGIN, then per dirty table of the family NEWTABLE, NEWCHAIN for every
 * chain (built-ins with their policy) and NEWRULE for every rule in order
 * (several per message as s->rules_per_msg allows; a rule with counters
 * alone), then COMMIT (or ABORT), the only message that asks for an ACK.
 */
void txn_build(struct txn_sink *s, const struct ruleset *rs, uint8_t family,
	       const struct txn_opts *o);

#endif
