/* SPDX-License-Identifier: GPL-2.0 */
/* struct rule <-> XTFW_A_RULE nest. Needs libmnl, but no socket. */
#ifndef XTCTL_RULE_NL_H
#define XTCTL_RULE_NL_H

#include <libmnl/libmnl.h>

#include "rule.h"

/* Upper bound of one encoded XTFW_A_RULE nest: a netlink attribute length. */
#define RULE_NL_MAX	65535

/*
 * Append XTFW_A_RULE to nlh (buffer of buflen bytes). A rule read from the
 * kernel and not changed since is resent byte for byte. Returns false if
 * it does not fit.
 */
bool rule_nl_put(struct nlmsghdr *nlh, size_t buflen, const struct rule *r);

/* Encode into buf, which then starts with the XTFW_A_RULE nlattr. */
size_t rule_nl_encode(const struct rule *r, void *buf, size_t buflen);

/*
 * Decode an XTFW_A_RULE nest; the nest is also kept as the rule's raw
 * bytes. Unknown attributes are skipped. Fails with a message on
 * malformed input.
 */
struct rule *rule_nl_decode(const struct nlattr *nest, uint8_t family);

/* Same rule, by encoded form (what -D RULESPEC and -C compare). */
bool rule_nl_same(const struct rule *a, const struct rule *b);

#endif
