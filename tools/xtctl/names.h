/* SPDX-License-Identifier: GPL-2.0 */
/* Name tables shared by the parser and the printers, as iptables spells them. */
#ifndef XTCTL_NAMES_H
#define XTCTL_NAMES_H

#include "xtctl.h"

/* Netfilter hooks, in iptables' order. */
enum hook {
	HOOK_PREROUTING,
	HOOK_INPUT,
	HOOK_FORWARD,
	HOOK_OUTPUT,
	HOOK_POSTROUTING,
	HOOK_COUNT,
};

#define HOOK_BIT(h)	(1U << (h))

const char *table_name(unsigned int id);
int table_by_name(const char *name);
/* Built-in chains of a table as hook bits. */
unsigned int table_hooks(unsigned int id);
const char *hook_name(enum hook h);
/* Hook of a built-in chain name, or -1. */
int hook_by_name(const char *name);

const char *family_name(uint8_t family);

/* Protocols: iptables' own short list first, then /etc/protocols. */
const char *proto_name(uint8_t proto, bool lookup);
int proto_by_name(const char *name, uint8_t family);

struct icmp_name {
	const char *name;
	uint8_t type, code_min, code_max;
};

const struct icmp_name *icmp_names(uint8_t family, size_t *n);
const char *icmp_name_of(uint8_t family, uint8_t type, uint8_t cmin,
			 uint8_t cmax);

struct named_value {
	const char *name;
	uint32_t value;
};

extern const struct named_value reject_names4[], reject_names6[];
extern const size_t n_reject_names4, n_reject_names6;
extern const struct named_value log_level_parse_names[];
extern const size_t n_log_level_parse_names;
extern const struct named_value log_level_print_names[];
extern const size_t n_log_level_print_names;
extern const struct named_value addrtype_names[];
extern const size_t n_addrtype_names;
extern const struct named_value pkttype_names[];
extern const size_t n_pkttype_names;
extern const struct named_value tcp_flag_names[];
extern const size_t n_tcp_flag_names;

const char *reject_name(uint8_t family, uint32_t with);
const char *value_name(const struct named_value *t, size_t n, uint32_t v);
/* Case-insensitive exact lookup; -1 if absent. */
long value_by_name(const struct named_value *t, size_t n, const char *name);

#endif
