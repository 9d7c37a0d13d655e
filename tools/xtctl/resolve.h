/* SPDX-License-Identifier: GPL-2.0 */
/* Name lookups of -L without -n; replaceable so that tests are hermetic. */
#ifndef XTCTL_RESOLVE_H
#define XTCTL_RESOLVE_H

#include "xtctl.h"

struct resolver {
	const char *(*service)(uint16_t port, const char *proto);
	const char *(*host)(const union xtfw_addr *a, uint8_t family);
	const char *(*network)(const union xtfw_addr *a, uint8_t family);
	const char *(*user)(uint32_t uid);
	const char *(*group)(uint32_t gid);
};

extern const struct resolver system_resolver;
extern const struct resolver *resolver;

#endif
