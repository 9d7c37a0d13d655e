// SPDX-License-Identifier: GPL-2.0
/*
 * Netlink attribute policies of the xtfw family. The generic netlink core
 * validates every message against xtfw_attr_policy, nests included, before a
 * handler runs; the parsers then check what a policy cannot express.
 */
#include "xtfw.h"
#include "ct.h"

#define ADDR_POLICY	NLA_POLICY_EXACT_LEN(sizeof(union xtfw_addr))

/* --probability P is stored as P * 2^31, so 1.0 is 0x80000000 */
static struct netlink_range_validation probability_range = {
	.max = 0x80000000ULL,
};

const struct nla_policy xtfw_counters_policy[XTFW_COUNTERS_A_MAX + 1] = {
	[XTFW_COUNTERS_A_PACKETS]	= { .type = NLA_U64 },
	[XTFW_COUNTERS_A_BYTES]		= { .type = NLA_U64 },
};

const struct nla_policy xtfw_match_policy[XTFW_MATCH_A_MAX + 1] = {
	[XTFW_MATCH_A_TYPE]	= NLA_POLICY_RANGE(NLA_U32, XTFW_MATCH_TCP,
						   __XTFW_MATCH_TYPE_MAX - 1),
	[XTFW_MATCH_A_INV]	= NLA_POLICY_MASK(NLA_U32, XTFW_MINV_ALL),
	[XTFW_MATCH_A_SPORT]	=
		NLA_POLICY_EXACT_LEN(sizeof(struct xtfw_port_range)),
	[XTFW_MATCH_A_DPORT]	=
		NLA_POLICY_EXACT_LEN(sizeof(struct xtfw_port_range)),
	[XTFW_MATCH_A_TCP_FLAGS] =
		NLA_POLICY_EXACT_LEN(sizeof(struct xtfw_tcp_flags)),
	[XTFW_MATCH_A_TCP_OPTION] = { .type = NLA_U8 },
	[XTFW_MATCH_A_ICMP_TYPE] = { .type = NLA_U8 },
	[XTFW_MATCH_A_ICMP_CODE] =
		NLA_POLICY_EXACT_LEN(sizeof(struct xtfw_u8_range)),
	[XTFW_MATCH_A_PORTS]	= { .type = NLA_BINARY,
				    .len = XTFW_MAX_MULTIPORT *
					   sizeof(struct xtfw_port_range) },
	[XTFW_MATCH_A_MULTIPORT_DIR] = NLA_POLICY_MAX(NLA_U8,
						      XTFW_MULTIPORT_ANY),
	[XTFW_MATCH_A_CTSTATE]	= NLA_POLICY_MASK(NLA_U32, XTFW_CTSTATE_ALL),
	[XTFW_MATCH_A_MARK]	= { .type = NLA_U32 },
	[XTFW_MATCH_A_MASK]	= { .type = NLA_U32 },
	[XTFW_MATCH_A_RATE]	= NLA_POLICY_MIN(NLA_U32, 1),
	[XTFW_MATCH_A_BURST]	= NLA_POLICY_RANGE(NLA_U32, 1, 10000),
	[XTFW_MATCH_A_LEN]	=
		NLA_POLICY_EXACT_LEN(sizeof(struct xtfw_u16_range)),
	[XTFW_MATCH_A_TTL_OP]	= NLA_POLICY_MAX(NLA_U8, XTFW_TTL_GT),
	[XTFW_MATCH_A_TTL]	= { .type = NLA_U8 },
	[XTFW_MATCH_A_SRC_RANGE] =
		NLA_POLICY_EXACT_LEN(sizeof(struct xtfw_addr_range)),
	[XTFW_MATCH_A_DST_RANGE] =
		NLA_POLICY_EXACT_LEN(sizeof(struct xtfw_addr_range)),
	[XTFW_MATCH_A_COMMENT]	= { .type = NLA_NUL_STRING,
				    .len = XTFW_COMMENT_MAXLEN - 1 },
	[XTFW_MATCH_A_SRC_TYPE]	= NLA_POLICY_MASK(NLA_U16, XTFW_ADDRTYPE_ALL),
	[XTFW_MATCH_A_DST_TYPE]	= NLA_POLICY_MASK(NLA_U16, XTFW_ADDRTYPE_ALL),
	[XTFW_MATCH_A_ADDRTYPE_FLAGS] =
		NLA_POLICY_MASK(NLA_U32, XTFW_ADDRTYPE_F_ALL),
	[XTFW_MATCH_A_RECENT_NAME] = { .type = NLA_NUL_STRING,
				       .len = XTFW_RECENT_NAME_MAXLEN - 1 },
	[XTFW_MATCH_A_RECENT_CMD] = NLA_POLICY_MAX(NLA_U8, XTFW_RECENT_REMOVE),
	[XTFW_MATCH_A_RECENT_SECONDS] = { .type = NLA_U32 },
	[XTFW_MATCH_A_RECENT_HITCOUNT] = { .type = NLA_U32 },
	[XTFW_MATCH_A_RECENT_FLAGS] = NLA_POLICY_MASK(NLA_U32,
						      XTFW_RECENT_F_ALL),
	[XTFW_MATCH_A_RECENT_MASK] = ADDR_POLICY,
	[XTFW_MATCH_A_UID]	=
		NLA_POLICY_EXACT_LEN(sizeof(struct xtfw_u32_range)),
	[XTFW_MATCH_A_GID]	=
		NLA_POLICY_EXACT_LEN(sizeof(struct xtfw_u32_range)),
	[XTFW_MATCH_A_STAT_MODE] = NLA_POLICY_MAX(NLA_U8, XTFW_STAT_NTH),
	[XTFW_MATCH_A_PROBABILITY] =
		NLA_POLICY_FULL_RANGE(NLA_U32, &probability_range),
	[XTFW_MATCH_A_EVERY]	= NLA_POLICY_MIN(NLA_U32, 1),
	[XTFW_MATCH_A_PACKET]	= { .type = NLA_U32 },
	[XTFW_MATCH_A_PKTTYPE]	= { .type = NLA_U8 },
	[XTFW_MATCH_A_RT_TYPE]	= { .type = NLA_U8 },
	[XTFW_MATCH_A_RT_SEGSLEFT] =
		NLA_POLICY_EXACT_LEN(sizeof(struct xtfw_u32_range)),
	[XTFW_MATCH_A_FRAG_ID]	=
		NLA_POLICY_EXACT_LEN(sizeof(struct xtfw_u32_range)),
	[XTFW_MATCH_A_FRAG_FLAGS] = NLA_POLICY_MASK(NLA_U32, XTFW_FRAG_F_ALL),
};

const struct nla_policy xtfw_target_policy[XTFW_TARGET_A_MAX + 1] = {
	[XTFW_TARGET_A_TYPE]	= NLA_POLICY_MAX(NLA_U32,
						 __XTFW_TARGET_TYPE_MAX - 1),
	[XTFW_TARGET_A_CHAIN]	= { .type = NLA_NUL_STRING,
				    .len = XTFW_CHAIN_MAXNAMELEN - 1 },
	[XTFW_TARGET_A_REJECT_WITH] = NLA_POLICY_MAX(NLA_U8,
						     __XTFW_REJECT_MAX - 1),
	[XTFW_TARGET_A_LOG_PREFIX] = { .type = NLA_NUL_STRING,
				       .len = XTFW_LOG_PREFIX_MAXLEN - 1 },
	[XTFW_TARGET_A_LOG_LEVEL] = NLA_POLICY_MAX(NLA_U8, 7),
	[XTFW_TARGET_A_LOG_FLAGS] = NLA_POLICY_MASK(NLA_U32, XTFW_LOG_F_ALL),
	[XTFW_TARGET_A_MARK]	= { .type = NLA_U32 },
	[XTFW_TARGET_A_MASK]	= { .type = NLA_U32 },
	[XTFW_TARGET_A_CONNMARK_OP] = NLA_POLICY_MAX(NLA_U8,
						     XTFW_CONNMARK_RESTORE),
	[XTFW_TARGET_A_CTMASK]	= { .type = NLA_U32 },
	[XTFW_TARGET_A_NFMASK]	= { .type = NLA_U32 },
	[XTFW_TARGET_A_TTL_OP]	= NLA_POLICY_MAX(NLA_U8, XTFW_TTL_INC),
	[XTFW_TARGET_A_TTL]	= { .type = NLA_U8 },
	[XTFW_TARGET_A_NAT_RANGE] =
		NLA_POLICY_EXACT_LEN(sizeof(struct xtfw_nat_range)),
	[XTFW_TARGET_A_NAT_FLAGS] = NLA_POLICY_MASK(NLA_U32, XTFW_NAT_F_ALL),
};

const struct nla_policy xtfw_rule_policy[XTFW_RULE_A_MAX + 1] = {
	[XTFW_RULE_A_SRC]	= ADDR_POLICY,
	[XTFW_RULE_A_SRC_MASK]	= ADDR_POLICY,
	[XTFW_RULE_A_DST]	= ADDR_POLICY,
	[XTFW_RULE_A_DST_MASK]	= ADDR_POLICY,
	[XTFW_RULE_A_IIF]	= { .type = NLA_NUL_STRING,
				    .len = XTFW_IFNAMSIZ - 1 },
	[XTFW_RULE_A_OIF]	= { .type = NLA_NUL_STRING,
				    .len = XTFW_IFNAMSIZ - 1 },
	[XTFW_RULE_A_PROTO]	= { .type = NLA_U8 },
	[XTFW_RULE_A_FRAG]	= { .type = NLA_FLAG },
	[XTFW_RULE_A_INV]	= NLA_POLICY_MASK(NLA_U32, XTFW_INV_ALL),
	[XTFW_RULE_A_MATCHES]	= NLA_POLICY_NESTED_ARRAY(xtfw_match_policy),
	[XTFW_RULE_A_TARGET]	= NLA_POLICY_NESTED(xtfw_target_policy),
};

const struct nla_policy xtfw_attr_policy[XTFW_A_MAX + 1] = {
	[XTFW_A_GENERATION]	= { .type = NLA_U64 },
	[XTFW_A_FAMILY]		= NLA_POLICY_MAX(NLA_U8, __XTFW_FAMILY_MAX - 1),
	[XTFW_A_TABLE]		= NLA_POLICY_MAX(NLA_U8, __XTFW_TABLE_MAX - 1),
	[XTFW_A_CHAIN]		= { .type = NLA_NUL_STRING,
				    .len = XTFW_CHAIN_MAXNAMELEN - 1 },
	[XTFW_A_POLICY]		= NLA_POLICY_MAX(NLA_U8, XTFW_VERDICT_ACCEPT),
	[XTFW_A_COUNTERS]	= NLA_POLICY_NESTED(xtfw_counters_policy),
	[XTFW_A_RULE]		= NLA_POLICY_NESTED(xtfw_rule_policy),
	[XTFW_A_POSITION]	= { .type = NLA_U32 },
	[XTFW_A_CHAIN_FLAGS]	= { .type = NLA_U32 },
	[XTFW_A_CHAIN_REFS]	= { .type = NLA_U32 },
	[XTFW_A_CT]		= NLA_POLICY_NESTED(xtfw_ct_policy),
	[XTFW_A_CT_FILTER]	= NLA_POLICY_NESTED(xtfw_ct_policy),
	[XTFW_A_CT_CONF]	= NLA_POLICY_NESTED(xtfw_ctconf_policy),
	[XTFW_A_EXPLAIN]	= NLA_POLICY_NESTED(xtfw_explain_policy),
	[XTFW_A_CT_STATS]	= NLA_POLICY_NESTED(xtfw_ctstats_policy),
	[XTFW_A_CHAIN_FROM]	= { .type = NLA_NUL_STRING,
				    .len = XTFW_CHAIN_MAXNAMELEN - 1 },
};
