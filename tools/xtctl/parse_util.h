/* SPDX-License-Identifier: GPL-2.0 */
/* Value parsers shared by the rule options; each fails naming the token. */
#ifndef XTCTL_PARSE_UTIL_H
#define XTCTL_PARSE_UTIL_H

#include <string.h>

#include "xtctl.h"

#define PORT_MAX	0xffff

/*
 * strcmp(arg, opt) == 0 for an option name @opt of two characters or more.
 * Restore files pass every argument of every line through the option
 * tables; comparing three characters inline settles almost every mismatch
 * without a call. a[2] is read only when a[0] and a[1] equal @opt's, which
 * are not NUL.
 */
static inline bool opt_eq(const char *a, const char *opt)
{
	return a[0] == opt[0] && a[1] == opt[1] && a[2] == opt[2] &&
	       strcmp(a, opt) == 0;
}

/* Decimal, 0x hex or 0 octal, as xtables_strtoui. */
bool str_to_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
uint32_t parse_u32(const char *s, uint32_t min, uint32_t max,
		   const char *what);
uint16_t parse_port(const char *s, const char *proto);
/* "P", "A:B", "A:", ":B" */
void parse_port_range(const char *s, const char *proto,
		      struct xtfw_port_range *r);
/* "V[/M]"; mask defaults to 0xffffffff */
void parse_mark_mask(const char *s, uint32_t *mark, uint32_t *mask);
/* Numeric address of the family. */
void parse_addr(const char *s, uint8_t family, union xtfw_addr *a);
/* Mask given as prefix length or in address notation. */
void parse_mask(const char *s, uint8_t family, union xtfw_addr *mask);
void prefix_to_mask(unsigned int len, uint8_t family, union xtfw_addr *mask);
/* Prefix length of a contiguous mask, -1 if not contiguous. */
int mask_to_prefix(const union xtfw_addr *mask, uint8_t family);
void addr_apply_mask(union xtfw_addr *a, const union xtfw_addr *mask);
const char *addr_str(const union xtfw_addr *a, uint8_t family, char *buf);
/* Interface name with optional trailing '+'. */
void parse_iface(const char *s, char *out);
/* Chain names as targets and -N arguments. */
void check_chain_name(const char *name);

#define ADDR_STRLEN	46

#endif
