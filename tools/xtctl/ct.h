/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtctl ct: the connection tracking table, in the words of conntrack(8).
 *
 *   xtctl ct list [FILTER] [--json]     entries, as conntrack -L prints them
 *   xtctl ct count                      number of entries
 *   xtctl ct stats                      counters, summed over CPUs
 *   xtctl ct flush [-4|-6]              delete all entries (of a family)
 *   xtctl ct delete FILTER              delete the matching entries
 *   xtctl ct get timeout|max|tcp_loose|count
 *   xtctl ct set timeout PROTO [STATE] SECONDS | max N | tcp_loose 0|1
 *
 * FILTER: [-4|-6|-f ipv4|ipv6] [-p PROTO] [-s ADDR] [-d ADDR] [--sport P]
 *         [--dport P] [--state TCP_STATE] [--mark M[/MASK]]
 *         [--status ASSURED|SEEN_REPLY|SNAT|DNAT[,...]] [--id ID]
 */
#ifndef XTCTL_CT_H
#define XTCTL_CT_H

#include "xtctl.h"

/* One entry as the kernel reports it; [0] original, [1] reply direction. */
struct ct_entry {
	uint8_t family;
	uint8_t proto;
	bool has_tcp_state;
	uint8_t tcp_state;
	union xtfw_addr src[2], dst[2];
	uint16_t sport[2], dport[2];
	uint32_t status;
	uint32_t timeout;
	uint32_t mark;
	uint32_t id;
	uint64_t packets[2], bytes[2];
};

/* The counters of "ct stats", indexed by XTFW_CTSTATS_A_*. */
struct ct_stats {
	uint64_t v[__XTFW_CTSTATS_A_MAX];
	uint32_t have;			/* BIT(XTFW_CTSTATS_A_*) sent */
};

struct nlattr;

/* xtctl ct ...: argv[0] is "ct". */
int cli_ct(int argc, char **argv);

/* An XTFW_A_CT nest, as dumps and events carry it. */
void ct_parse_entry(const struct nlattr *nest, struct ct_entry *e);

/* monitor.c: one event as a line (newline included). */
void monitor_format_trace(struct sbuf *b, const struct nlattr *nest);
void monitor_format_ct(struct sbuf *b, uint8_t event,
		       const struct nlattr *ct);

/* ct_print.c */
const char *ct_tcp_state_name(uint8_t state);
/* A TCP state or timeout name (case-insensitive), -1 if unknown. */
int ct_tcp_state_by_name(const char *name, bool timeouts);
const char *ct_udp_state_name(uint8_t state);
int ct_udp_state_by_name(const char *name);
/* One line of conntrack -L, newline included. */
void ct_print_entry(struct sbuf *b, const struct ct_entry *e);
/* The entries as a JSON array, newline included. */
void ct_print_json(struct sbuf *b, const struct ct_entry *e, size_t n);

/* ct_stats.c */
/* The name of counter TYPE (XTFW_CTSTATS_A_*), NULL if none. */
const char *ct_stat_name(unsigned int type);
/* Take one attribute of an XTFW_A_CT_STATS nest; others are skipped. */
void ct_stats_attr(struct ct_stats *s, const struct nlattr *a);
/* "found=N new=N ...", the counters the kernel sent, newline included. */
void ct_print_stats(struct sbuf *b, const struct ct_stats *s);

#endif
