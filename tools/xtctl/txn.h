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
	/* The message is complete; line is its restore line or 0. */
	void (*end)(struct txn_sink *s, unsigned int line);
};

struct txn_opts {
	bool use_gen;		/* BEGIN carries rs->gen */
	bool abort;		/* ABORT instead of COMMIT */
	uint32_t del;		/* BIT(table id): DELTABLE these */
};

/*
 * BEGIN, then per dirty table of the family NEWTABLE, NEWCHAIN for every
 * chain (built-ins with their policy) and NEWRULE for every rule in order,
 * then COMMIT (or ABORT), the only message that asks for an ACK.
 */
void txn_build(struct txn_sink *s, const struct ruleset *rs, uint8_t family,
	       const struct txn_opts *o);

#endif
