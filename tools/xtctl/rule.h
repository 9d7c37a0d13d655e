/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The in-memory form of one rule: exactly the XTFW_RULE_A_* criteria, the
 * match nests and the target nest of the uapi, with a presence bit per
 * attribute, so that encoding and decoding are table driven (rule_nl.c).
 */
#ifndef XTCTL_RULE_H
#define XTCTL_RULE_H

#include "xtctl.h"

#define BIT64(n)	(1ULL << (n))
#define RULE_MAX_MATCHES	32

struct mt {
	uint32_t type;
	uint32_t inv;			/* XTFW_MINV_* */
	uint64_t has;			/* BIT64(XTFW_MATCH_A_*) */
	uint32_t seen;			/* options given, while parsing */
	struct xtfw_port_range sport, dport;
	struct xtfw_tcp_flags tcp_flags;
	uint8_t tcp_option;
	uint8_t icmp_type;
	struct xtfw_u8_range icmp_code;
	uint8_t nports;
	struct xtfw_port_range ports[XTFW_MAX_MULTIPORT];
	uint8_t multiport_dir;
	uint32_t ctstate;
	uint32_t mark, mask;
	uint32_t rate, burst;
	struct xtfw_u16_range len;
	uint8_t ttl_op, ttl;
	struct xtfw_addr_range src_range, dst_range;
	char *comment;
	uint16_t src_type, dst_type;
	uint32_t addrtype_flags;
	char *recent_name;
	uint8_t recent_cmd;
	uint32_t recent_seconds, recent_hitcount, recent_flags;
	union xtfw_addr recent_mask;
	struct xtfw_u32_range uid, gid;
	uint8_t stat_mode;
	uint32_t probability, every, packet;
	uint8_t pkttype;
	uint8_t rt_type;
	struct xtfw_u32_range rt_segsleft, frag_id;
	uint32_t frag_flags;
};

struct tg {
	uint32_t type;
	uint32_t has;			/* BIT64(XTFW_TARGET_A_*) */
	uint32_t seen;
	char chain[XTFW_CHAIN_MAXNAMELEN];
	uint8_t reject_with;
	char log_prefix[XTFW_LOG_PREFIX_MAXLEN];
	uint8_t log_level;
	uint32_t log_flags;
	uint32_t mark, mask;
	uint8_t connmark_op;
	uint32_t ctmask, nfmask;
	uint8_t ttl_op, ttl;
	struct xtfw_nat_range nat;
	uint32_t nat_flags;
};

struct rule {
	uint8_t family;
	uint32_t has;			/* BIT64(XTFW_RULE_A_*) */
	union xtfw_addr src, smsk, dst, dmsk;
	char iif[XTFW_IFNAMSIZ], oif[XTFW_IFNAMSIZ];
	uint8_t proto;
	uint32_t inv;			/* XTFW_INV_* */
	struct mt *mt;
	unsigned int nmt;
	struct tg tg;			/* valid if has XTFW_RULE_A_TARGET */
	bool has_counters;
	uint64_t pkts, bytes;
	/* XTFW_A_RULE as the kernel dumped it; resent verbatim if unchanged */
	void *raw;
	size_t rawlen;
	unsigned int line;		/* restore file line, 0 if none */
};

#define RULE_HAS(r, a)	(((r)->has & BIT64(a)) != 0)
#define MT_HAS(m, a)	(((m)->has & BIT64(a)) != 0)
#define TG_HAS(t, a)	(((t)->has & BIT64(a)) != 0)

struct rule *rule_new(uint8_t family);
void rule_free(struct rule *r);
struct rule *rule_dup(const struct rule *r);
struct mt *rule_add_match(struct rule *r, uint32_t type);
void rule_set_target(struct rule *r, uint32_t type);
void rule_forget_raw(struct rule *r);
bool rule_jumps(const struct rule *r);

#endif
