/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * xtfw - a stateful firewall module with its own tables, conntrack and NAT.
 *
 * This header is the whole contract between the kernel module and userspace.
 *
 * Generic Netlink family XTFW_GENL_NAME, version XTFW_GENL_VERSION. Every
 * command needs CAP_NET_ADMIN in the user namespace that owns the network
 * namespace of the socket; dumps included. Every attribute is validated by a
 * policy; errors come back as an errno plus an extack message that names the
 * table, chain, rule number and field at fault.
 *
 * RULESET MODEL
 *
 * A network namespace holds at most one table of each kind (XTFW_TABLE_*)
 * per family (XTFW_FAMILY_*). A table has the built-in chains of its iptables
 * namesake (each with a policy and policy counters) and any number of
 * user-defined chains. A chain is an ordered list of rules; a rule is a set
 * of criteria (the XTFW_RULE_A_* fields and a list of matches, all of which
 * must hold) and one target.
 *
 * TRANSACTIONS
 *
 * The ruleset is only ever changed by replacing whole tables inside a
 * transaction:
 *
 *   XTFW_CMD_BEGIN      [XTFW_A_GENERATION]
 *   XTFW_CMD_NEWTABLE   XTFW_A_FAMILY XTFW_A_TABLE
 *   XTFW_CMD_NEWCHAIN   XTFW_A_FAMILY XTFW_A_TABLE XTFW_A_CHAIN
 *                       [XTFW_A_POLICY] [XTFW_A_COUNTERS]
 *   XTFW_CMD_NEWRULE    XTFW_A_FAMILY XTFW_A_TABLE XTFW_A_CHAIN XTFW_A_RULE...
 *                       [XTFW_A_COUNTERS]
 *   ...
 *   XTFW_CMD_COMMIT     (or XTFW_CMD_ABORT)
 *
 * A transaction belongs to the netlink socket (port id) that sent BEGIN; one
 * socket has at most one open transaction, and closing the socket aborts it.
 * XTFW_A_GENERATION in BEGIN names the ruleset generation the transaction was
 * built on (as read from a dump or XTFW_CMD_GETGEN); if the ruleset has been
 * committed since, COMMIT fails with EAGAIN and the message "ruleset changed
 * since the transaction began", and the caller rebuilds and retries. Without
 * XTFW_A_GENERATION the transaction applies on top of whatever is current.
 *
 * NEWTABLE starts the replacement of a table: it begins empty, holding only
 * its built-in chains, each with policy ACCEPT. NEWCHAIN on a built-in chain
 * sets its policy and, optionally, its policy counters; on any other name it
 * creates a user-defined chain (user chains carry no policy). NEWRULE appends
 * its rules, each XTFW_A_RULE of the message in order, to a chain of a table
 * replaced in this transaction (version 1 of the family took one rule per
 * message; a sender checks the family's version before sending more: a
 * version 1 module would keep only the last). XTFW_CMD_DELTABLE
 * removes a table. Tables the transaction does not name are left as they are.
 *
 * Messages are validated when they arrive, so an error names the offending
 * message (and, in a NEWRULE of several rules, points with NLMSGERR_ATTR_OFFS
 * into the rule at fault); any error poisons the transaction and COMMIT then
 * fails. COMMIT resolves jumps, rejects loops, jumps deeper than
 * XTFW_MAX_JUMP_DEPTH and targets used where their table and hooks do not
 * allow them, then publishes the new ruleset with one pointer swap: every
 * packet sees either the old or the new ruleset. A failed COMMIT changes
 * nothing. COMMIT replies with XTFW_A_GENERATION, the new generation.
 *
 * Rule counters: a rule carried over unchanged (same chain, same XTFW_A_RULE
 * bytes) keeps its counters across a replace, and so do the policies of
 * built-in chains. XTFW_A_COUNTERS on NEWRULE / NEWCHAIN sets them instead;
 * a NEWRULE with counters carries a single rule.
 * XTFW_A_CHAIN_FROM on the NEWCHAIN of a user chain renames: its rules keep
 * the counters of the same rules in the old table's chain of that name.
 *
 * DUMPS
 *
 * XTFW_CMD_GETRULESET with NLM_F_DUMP, optionally filtered by XTFW_A_FAMILY
 * and XTFW_A_TABLE, sends one message per table (XTFW_CMD_NEWTABLE), then for
 * each of its chains one XTFW_CMD_NEWCHAIN (built-in chains first, in hook
 * order, then user chains in creation order) followed by that chain's rules as
 * XTFW_CMD_NEWRULE messages, each carrying XTFW_A_RULE exactly as it was sent,
 * XTFW_A_COUNTERS and XTFW_A_POSITION (1-based). Every message carries
 * XTFW_A_GENERATION; a dump that spans a commit is flagged NLM_F_DUMP_INTR and
 * must be restarted.
 *
 * XTFW_CMD_ZERO zeroes counters: of one chain (XTFW_A_CHAIN), of one table,
 * or of every table of a family. It is not a transaction and does not change
 * the generation.
 */
#ifndef _UAPI_LINUX_XTFW_H
#define _UAPI_LINUX_XTFW_H

#include <linux/const.h>
#include <linux/types.h>

#define XTFW_GENL_NAME		"xtfw"
#define XTFW_GENL_VERSION	2

#define XTFW_CHAIN_MAXNAMELEN	29	/* as iptables: 28 chars + NUL */
#define XTFW_IFNAMSIZ		16
#define XTFW_COMMENT_MAXLEN	256
#define XTFW_LOG_PREFIX_MAXLEN	30	/* 29 chars + NUL */
#define XTFW_RECENT_NAME_MAXLEN	200
#define XTFW_MAX_JUMP_DEPTH	32
/*
 * Rules one transaction may hold: one per 4 KiB of RAM (a quarter of
 * memory at 1 KiB a rule), but never fewer than the minimum nor more than
 * the maximum. The module refuses more; xtctl's restore stops at the same
 * count.
 */
#define XTFW_MIN_RULES_PER_TXN	10000
#define XTFW_MAX_RULES_PER_TXN	2000000
#define XTFW_MAX_MULTIPORT	15	/* ports, a range counts as two */

enum xtfw_family {
	XTFW_FAMILY_IPV4,
	XTFW_FAMILY_IPV6,
	__XTFW_FAMILY_MAX
};

enum xtfw_table_id {
	XTFW_TABLE_RAW,
	XTFW_TABLE_MANGLE,
	XTFW_TABLE_NAT,
	XTFW_TABLE_FILTER,
	XTFW_TABLE_SECURITY,
	__XTFW_TABLE_MAX
};

enum xtfw_cmd {
	XTFW_CMD_UNSPEC,
	XTFW_CMD_GETGEN,	/* reply: XTFW_A_GENERATION */
	XTFW_CMD_BEGIN,
	XTFW_CMD_NEWTABLE,
	XTFW_CMD_DELTABLE,
	XTFW_CMD_NEWCHAIN,
	XTFW_CMD_NEWRULE,
	XTFW_CMD_COMMIT,
	XTFW_CMD_ABORT,
	XTFW_CMD_GETRULESET,	/* dump */
	XTFW_CMD_ZERO,
	/* connection tracking, see the CONNTRACK section below */
	XTFW_CMD_CT_GET,	/* dump */
	XTFW_CMD_CT_DELETE,
	XTFW_CMD_CT_FLUSH,
	XTFW_CMD_CT_GETCONF,
	XTFW_CMD_CT_SETCONF,
	XTFW_CMD_CT_STATS,
	XTFW_CMD_TRACE,		/* multicast "trace": XTFW_A_TRACE */
	XTFW_CMD_CT_EVENT,	/* multicast "ct": XTFW_A_CT_EVENT XTFW_A_CT */
	XTFW_CMD_EXPLAIN,	/* XTFW_A_FAMILY XTFW_A_EXPLAIN, see below */
	__XTFW_CMD_MAX
};

#define XTFW_CMD_MAX (__XTFW_CMD_MAX - 1)

/* Top-level attributes of every command. */
enum xtfw_attr {
	XTFW_A_UNSPEC,
	XTFW_A_GENERATION,	/* u64 */
	XTFW_A_FAMILY,		/* u8, enum xtfw_family */
	XTFW_A_TABLE,		/* u8, enum xtfw_table_id */
	XTFW_A_CHAIN,		/* string, < XTFW_CHAIN_MAXNAMELEN */
	XTFW_A_POLICY,		/* u8, enum xtfw_verdict: ACCEPT or DROP */
	XTFW_A_COUNTERS,	/* nest, enum xtfw_counters_attr */
	XTFW_A_RULE,		/* nest, enum xtfw_rule_attr */
	XTFW_A_POSITION,	/* u32, 1-based rule number in dumps */
	XTFW_A_CHAIN_FLAGS,	/* u32, XTFW_CHAIN_F_*, dumps only */
	XTFW_A_CHAIN_REFS,	/* u32, rules that jump here, dumps only */
	XTFW_A_CT,		/* nest, enum xtfw_ct_attr */
	XTFW_A_CT_FILTER,	/* nest, enum xtfw_ct_attr */
	XTFW_A_CT_CONF,		/* nest, enum xtfw_ctconf_attr */
	XTFW_A_CT_STATS,	/* nest, enum xtfw_ctstats_attr */
	XTFW_A_PAD,
	XTFW_A_TRACE,		/* nest, enum xtfw_trace_attr (events) */
	XTFW_A_CT_EVENT,	/* u8, enum xtfw_ct_event (events) */
	XTFW_A_EXPLAIN,		/* nest, enum xtfw_explain_attr */
	XTFW_A_CHAIN_FROM,	/* string: NEWCHAIN, renamed from this chain */
	__XTFW_A_MAX
};

#define XTFW_A_MAX (__XTFW_A_MAX - 1)

#define XTFW_CHAIN_F_BUILTIN	_BITUL(0)

enum xtfw_counters_attr {
	XTFW_COUNTERS_A_UNSPEC,
	XTFW_COUNTERS_A_PACKETS,	/* u64 */
	XTFW_COUNTERS_A_BYTES,		/* u64 */
	XTFW_COUNTERS_A_PAD,
	__XTFW_COUNTERS_A_MAX
};

#define XTFW_COUNTERS_A_MAX (__XTFW_COUNTERS_A_MAX - 1)

/*
 * Addresses are 16 bytes in network byte order; an IPv4 address occupies the
 * first four bytes and the rest must be zero.
 */
union xtfw_addr {
	__be32 ip;
	__be32 ip6[4];
	__u8 bytes[16];
};

/*
 * A rule. The criteria below are those of iptables' own rule header; all are
 * optional. XTFW_RULE_A_INV holds one XTFW_INV_* bit per criterion that is
 * negated ("!").
 */
enum xtfw_rule_attr {
	XTFW_RULE_A_UNSPEC,
	XTFW_RULE_A_SRC,	/* binary, union xtfw_addr */
	XTFW_RULE_A_SRC_MASK,	/* binary, union xtfw_addr */
	XTFW_RULE_A_DST,	/* binary, union xtfw_addr */
	XTFW_RULE_A_DST_MASK,	/* binary, union xtfw_addr */
	XTFW_RULE_A_IIF,	/* string; a trailing '+' matches a prefix */
	XTFW_RULE_A_OIF,	/* string; a trailing '+' matches a prefix */
	XTFW_RULE_A_PROTO,	/* u8, IP protocol number; absent = any */
	XTFW_RULE_A_FRAG,	/* flag: non-first fragments only (IPv4) */
	XTFW_RULE_A_INV,	/* u32, XTFW_INV_* */
	XTFW_RULE_A_MATCHES,	/* nest of XTFW_MATCH nests, in order */
	XTFW_RULE_A_TARGET,	/* nest, enum xtfw_target_attr */
	__XTFW_RULE_A_MAX
};

#define XTFW_RULE_A_MAX (__XTFW_RULE_A_MAX - 1)

#define XTFW_INV_SRC	_BITUL(0)
#define XTFW_INV_DST	_BITUL(1)
#define XTFW_INV_IIF	_BITUL(2)
#define XTFW_INV_OIF	_BITUL(3)
#define XTFW_INV_PROTO	_BITUL(4)
#define XTFW_INV_FRAG	_BITUL(5)
#define XTFW_INV_ALL	(_BITUL(6) - 1)

/* Each entry of XTFW_RULE_A_MATCHES is one XTFW_MATCH nest. */
#define XTFW_MATCH 1

/*
 * Match types: the "-m NAME" modules of iptables. XTFW_MATCH_A_TYPE is
 * required; which of the other attributes a type takes, and which it needs,
 * is listed beside each type. XTFW_MATCH_A_INV holds XTFW_MINV_* bits for
 * negated options. A rule's matches are evaluated in order.
 */
enum xtfw_match_type {
	XTFW_MATCH_UNSPEC,
	XTFW_MATCH_TCP,		/* SPORT DPORT TCP_FLAGS TCP_OPTION; -p tcp */
	XTFW_MATCH_UDP,		/* SPORT DPORT; -p udp */
	XTFW_MATCH_UDPLITE,	/* SPORT DPORT; -p udplite */
	XTFW_MATCH_SCTP,	/* SPORT DPORT; -p sctp */
	XTFW_MATCH_ICMP,	/* ICMP_TYPE [ICMP_CODE]; -p icmp, IPv4 */
	XTFW_MATCH_ICMPV6,	/* ICMP_TYPE [ICMP_CODE]; -p icmpv6, IPv6 */
	XTFW_MATCH_MULTIPORT,	/* PORTS, MULTIPORT_DIR; -p tcp|udp|udplite|sctp */
	XTFW_MATCH_CONNTRACK,	/* CTSTATE */
	XTFW_MATCH_STATE,	/* CTSTATE */
	XTFW_MATCH_MARK,	/* MARK [MASK] */
	XTFW_MATCH_CONNMARK,	/* MARK [MASK] */
	XTFW_MATCH_LIMIT,	/* RATE [BURST] */
	XTFW_MATCH_LENGTH,	/* LEN_MIN LEN_MAX */
	XTFW_MATCH_TTL,		/* TTL_OP TTL; IPv4 */
	XTFW_MATCH_HL,		/* TTL_OP TTL; IPv6 */
	XTFW_MATCH_IPRANGE,	/* SRC_MIN SRC_MAX and/or DST_MIN DST_MAX */
	XTFW_MATCH_COMMENT,	/* COMMENT */
	XTFW_MATCH_ADDRTYPE,	/* SRC_TYPE and/or DST_TYPE, ADDRTYPE_FLAGS */
	XTFW_MATCH_RECENT,	/* RECENT_* */
	XTFW_MATCH_OWNER,	/* UID_MIN UID_MAX and/or GID_MIN GID_MAX */
	XTFW_MATCH_STATISTIC,	/* STAT_MODE and PROBABILITY or EVERY PACKET */
	XTFW_MATCH_PKTTYPE,	/* PKTTYPE */
	XTFW_MATCH_RT,		/* [RT_TYPE] [RT_SEGSLEFT]; IPv6 */
	XTFW_MATCH_FRAG,	/* [FRAG_ID] [FRAG_FLAGS]; IPv6 */
	__XTFW_MATCH_TYPE_MAX
};

enum xtfw_match_attr {
	XTFW_MATCH_A_UNSPEC,
	XTFW_MATCH_A_TYPE,		/* u32, enum xtfw_match_type */
	XTFW_MATCH_A_INV,		/* u32, XTFW_MINV_* */
	XTFW_MATCH_A_SPORT,		/* binary, struct xtfw_port_range */
	XTFW_MATCH_A_DPORT,		/* binary, struct xtfw_port_range */
	XTFW_MATCH_A_TCP_FLAGS,		/* binary, struct xtfw_tcp_flags */
	XTFW_MATCH_A_TCP_OPTION,	/* u8, TCP option kind */
	XTFW_MATCH_A_ICMP_TYPE,		/* u8; absent = any type */
	XTFW_MATCH_A_ICMP_CODE,		/* binary, struct xtfw_u8_range; */
					/* absent = any code */
	XTFW_MATCH_A_PORTS,		/* binary, array of struct xtfw_port_range */
	XTFW_MATCH_A_MULTIPORT_DIR,	/* u8, enum xtfw_multiport_dir */
	XTFW_MATCH_A_CTSTATE,		/* u32, XTFW_CTSTATE_* */
	XTFW_MATCH_A_MARK,		/* u32 */
	XTFW_MATCH_A_MASK,		/* u32; absent = 0xffffffff */
	XTFW_MATCH_A_RATE,		/* u32, see XTFW_LIMIT_SCALE */
	XTFW_MATCH_A_BURST,		/* u32, default 5 */
	XTFW_MATCH_A_LEN,		/* binary, struct xtfw_u16_range */
	XTFW_MATCH_A_TTL_OP,		/* u8, enum xtfw_ttl_op */
	XTFW_MATCH_A_TTL,		/* u8 */
	XTFW_MATCH_A_SRC_RANGE,		/* binary, struct xtfw_addr_range */
	XTFW_MATCH_A_DST_RANGE,		/* binary, struct xtfw_addr_range */
	XTFW_MATCH_A_COMMENT,		/* string, < XTFW_COMMENT_MAXLEN */
	XTFW_MATCH_A_SRC_TYPE,		/* u16, XTFW_ADDRTYPE_* */
	XTFW_MATCH_A_DST_TYPE,		/* u16, XTFW_ADDRTYPE_* */
	XTFW_MATCH_A_ADDRTYPE_FLAGS,	/* u32, XTFW_ADDRTYPE_F_* */
	XTFW_MATCH_A_RECENT_NAME,	/* string, < XTFW_RECENT_NAME_MAXLEN */
	XTFW_MATCH_A_RECENT_CMD,	/* u8, enum xtfw_recent_cmd */
	XTFW_MATCH_A_RECENT_SECONDS,	/* u32; 0 = any age */
	XTFW_MATCH_A_RECENT_HITCOUNT,	/* u32; 0 = any */
	XTFW_MATCH_A_RECENT_FLAGS,	/* u32, XTFW_RECENT_F_* */
	XTFW_MATCH_A_RECENT_MASK,	/* binary, union xtfw_addr */
	XTFW_MATCH_A_UID,		/* binary, struct xtfw_u32_range */
	XTFW_MATCH_A_GID,		/* binary, struct xtfw_u32_range */
	XTFW_MATCH_A_STAT_MODE,		/* u8, enum xtfw_stat_mode */
	XTFW_MATCH_A_PROBABILITY,	/* u32, P * 2^31, 0..0x80000000 */
	XTFW_MATCH_A_EVERY,		/* u32, >= 1 */
	XTFW_MATCH_A_PACKET,		/* u32, < EVERY */
	XTFW_MATCH_A_PKTTYPE,		/* u8, PACKET_HOST/BROADCAST/MULTICAST */
	XTFW_MATCH_A_RT_TYPE,		/* u8 */
	XTFW_MATCH_A_RT_SEGSLEFT,	/* binary, struct xtfw_u32_range */
	XTFW_MATCH_A_FRAG_ID,		/* binary, struct xtfw_u32_range */
	XTFW_MATCH_A_FRAG_FLAGS,	/* u32, XTFW_FRAG_F_* */
	__XTFW_MATCH_A_MAX
};

#define XTFW_MATCH_A_MAX (__XTFW_MATCH_A_MAX - 1)

/* XTFW_MATCH_A_INV bits: one per option that can be negated. */
#define XTFW_MINV_SPORT		_BITUL(0)
#define XTFW_MINV_DPORT		_BITUL(1)
#define XTFW_MINV_TCP_FLAGS	_BITUL(2)
#define XTFW_MINV_TCP_OPTION	_BITUL(3)
#define XTFW_MINV_ICMP		_BITUL(4)
#define XTFW_MINV_PORTS		_BITUL(5)
#define XTFW_MINV_CTSTATE	_BITUL(6)
#define XTFW_MINV_MARK		_BITUL(7)
#define XTFW_MINV_LEN		_BITUL(8)
#define XTFW_MINV_SRC_RANGE	_BITUL(9)
#define XTFW_MINV_DST_RANGE	_BITUL(10)
#define XTFW_MINV_SRC_TYPE	_BITUL(11)
#define XTFW_MINV_DST_TYPE	_BITUL(12)
#define XTFW_MINV_RECENT	_BITUL(13)
#define XTFW_MINV_UID		_BITUL(14)
#define XTFW_MINV_GID		_BITUL(15)
#define XTFW_MINV_STATISTIC	_BITUL(16)
#define XTFW_MINV_PKTTYPE	_BITUL(17)
#define XTFW_MINV_RT_TYPE	_BITUL(18)
#define XTFW_MINV_RT_SEGSLEFT	_BITUL(19)
#define XTFW_MINV_FRAG_ID	_BITUL(20)
#define XTFW_MINV_LIMIT		_BITUL(21)
#define XTFW_MINV_ALL		(_BITUL(22) - 1)

/* Inclusive ranges, host byte order. */
struct xtfw_port_range {
	__u16 min;
	__u16 max;
};

struct xtfw_u8_range {
	__u8 min;
	__u8 max;
};

struct xtfw_u16_range {
	__u16 min;
	__u16 max;
};

struct xtfw_u32_range {
	__u32 min;
	__u32 max;
};

struct xtfw_addr_range {
	union xtfw_addr min;
	union xtfw_addr max;
};

/* TCP flag bits as in the TCP header's byte 13. */
#define XTFW_TCP_FIN	0x01
#define XTFW_TCP_SYN	0x02
#define XTFW_TCP_RST	0x04
#define XTFW_TCP_PSH	0x08
#define XTFW_TCP_ACK	0x10
#define XTFW_TCP_URG	0x20
#define XTFW_TCP_ECE	0x40
#define XTFW_TCP_CWR	0x80

/* (flags & mask) == cmp */
struct xtfw_tcp_flags {
	__u8 mask;
	__u8 cmp;
};

enum xtfw_multiport_dir {
	XTFW_MULTIPORT_SRC,	/* --sports */
	XTFW_MULTIPORT_DST,	/* --dports */
	XTFW_MULTIPORT_ANY,	/* --ports */
};

#define XTFW_CTSTATE_INVALID	_BITUL(0)
#define XTFW_CTSTATE_ESTABLISHED _BITUL(1)
#define XTFW_CTSTATE_RELATED	_BITUL(2)
#define XTFW_CTSTATE_NEW	_BITUL(3)
#define XTFW_CTSTATE_UNTRACKED	_BITUL(4)
#define XTFW_CTSTATE_SNAT	_BITUL(5)
#define XTFW_CTSTATE_DNAT	_BITUL(6)
#define XTFW_CTSTATE_ALL	(_BITUL(7) - 1)

/*
 * --limit N/UNIT: RATE is the average interval between matches in units of
 * 1/XTFW_LIMIT_SCALE seconds, as iptables' avg: XTFW_LIMIT_SCALE * (1, 60,
 * 3600 or 86400) / N. --limit-burst is BURST, 1..10000.
 */
#define XTFW_LIMIT_SCALE	10000

enum xtfw_ttl_op {
	XTFW_TTL_EQ,
	XTFW_TTL_NE,
	XTFW_TTL_LT,
	XTFW_TTL_GT,
};

#define XTFW_ADDRTYPE_UNSPEC	_BITUL(0)
#define XTFW_ADDRTYPE_UNICAST	_BITUL(1)
#define XTFW_ADDRTYPE_LOCAL	_BITUL(2)
#define XTFW_ADDRTYPE_BROADCAST	_BITUL(3)
#define XTFW_ADDRTYPE_ANYCAST	_BITUL(4)
#define XTFW_ADDRTYPE_MULTICAST	_BITUL(5)
#define XTFW_ADDRTYPE_BLACKHOLE	_BITUL(6)
#define XTFW_ADDRTYPE_UNREACHABLE _BITUL(7)
#define XTFW_ADDRTYPE_PROHIBIT	_BITUL(8)
#define XTFW_ADDRTYPE_THROW	_BITUL(9)
#define XTFW_ADDRTYPE_NAT	_BITUL(10)
#define XTFW_ADDRTYPE_XRESOLVE	_BITUL(11)
#define XTFW_ADDRTYPE_ALL	(_BITUL(12) - 1)

#define XTFW_ADDRTYPE_F_LIMIT_IFACE_IN	_BITUL(0)
#define XTFW_ADDRTYPE_F_LIMIT_IFACE_OUT	_BITUL(1)
#define XTFW_ADDRTYPE_F_ALL		(_BITUL(2) - 1)

enum xtfw_recent_cmd {
	XTFW_RECENT_SET,
	XTFW_RECENT_CHECK,	/* --rcheck */
	XTFW_RECENT_UPDATE,
	XTFW_RECENT_REMOVE,
};

#define XTFW_RECENT_F_RDEST	_BITUL(0)	/* else --rsource */
#define XTFW_RECENT_F_RTTL	_BITUL(1)
#define XTFW_RECENT_F_REAP	_BITUL(2)
#define XTFW_RECENT_F_ALL	(_BITUL(3) - 1)

enum xtfw_stat_mode {
	XTFW_STAT_RANDOM,
	XTFW_STAT_NTH,
};

#define XTFW_FRAG_F_FIRST	_BITUL(0)
#define XTFW_FRAG_F_MORE	_BITUL(1)
#define XTFW_FRAG_F_LAST	_BITUL(2)
#define XTFW_FRAG_F_ALL		(_BITUL(3) - 1)

/*
 * Targets. XTFW_TARGET_A_TYPE is required; absent XTFW_RULE_A_TARGET means a
 * rule with no target, which only counts.
 */
enum xtfw_target_type {
	XTFW_TARGET_NONE,
	XTFW_TARGET_ACCEPT,
	XTFW_TARGET_DROP,
	XTFW_TARGET_RETURN,
	XTFW_TARGET_JUMP,	/* CHAIN */
	XTFW_TARGET_GOTO,	/* CHAIN */
	XTFW_TARGET_REJECT,	/* [REJECT_WITH]; filter INPUT/FORWARD/OUTPUT */
	XTFW_TARGET_LOG,	/* [LOG_PREFIX] [LOG_LEVEL] [LOG_FLAGS] */
	XTFW_TARGET_MARK,	/* MARK [MASK, default ~0]: */
				/* mark = (mark & ~MASK) ^ MARK */
	XTFW_TARGET_CONNMARK,	/* CONNMARK_OP; SET: MARK [MASK]; */
				/* SAVE, RESTORE: [CTMASK] [NFMASK] */
	XTFW_TARGET_NOTRACK,	/* raw only; printed as "CT --notrack" */
	XTFW_TARGET_TTL,	/* TTL_OP TTL; mangle, IPv4 */
	XTFW_TARGET_HL,		/* TTL_OP TTL; mangle, IPv6 */
	XTFW_TARGET_SNAT,	/* NAT_RANGE [NAT_FLAGS]; nat POSTROUTING/INPUT */
	XTFW_TARGET_DNAT,	/* NAT_RANGE [NAT_FLAGS]; nat PREROUTING/OUTPUT */
	XTFW_TARGET_MASQUERADE,	/* [NAT_RANGE ports only]; nat POSTROUTING */
	XTFW_TARGET_REDIRECT,	/* [NAT_RANGE ports only]; nat PREROUTING/OUTPUT */
	XTFW_TARGET_NETMAP,	/* NAT_RANGE (prefix as min/max); nat */
	XTFW_TARGET_TRACE,	/* raw only: trace the packet from here on */
	__XTFW_TARGET_TYPE_MAX
};

enum xtfw_target_attr {
	XTFW_TARGET_A_UNSPEC,
	XTFW_TARGET_A_TYPE,		/* u32, enum xtfw_target_type */
	XTFW_TARGET_A_CHAIN,		/* string, JUMP and GOTO */
	XTFW_TARGET_A_REJECT_WITH,	/* u8, enum xtfw_reject_with */
	XTFW_TARGET_A_LOG_PREFIX,	/* string, < XTFW_LOG_PREFIX_MAXLEN */
	XTFW_TARGET_A_LOG_LEVEL,	/* u8, 0..7, default 4 (warning) */
	XTFW_TARGET_A_LOG_FLAGS,	/* u32, XTFW_LOG_F_* */
	XTFW_TARGET_A_MARK,		/* u32 */
	XTFW_TARGET_A_MASK,		/* u32 */
	XTFW_TARGET_A_CONNMARK_OP,	/* u8, enum xtfw_connmark_op */
	XTFW_TARGET_A_CTMASK,		/* u32, --save/--restore-mark --ctmask */
	XTFW_TARGET_A_NFMASK,		/* u32, --save/--restore-mark --nfmask */
	XTFW_TARGET_A_TTL_OP,		/* u8, enum xtfw_ttl_mod */
	XTFW_TARGET_A_TTL,		/* u8 */
	XTFW_TARGET_A_NAT_RANGE,	/* binary, struct xtfw_nat_range */
	XTFW_TARGET_A_NAT_FLAGS,	/* u32, XTFW_NAT_F_*; MAP_IPS and */
					/* PROTO say what NAT_RANGE holds */
	__XTFW_TARGET_A_MAX
};

#define XTFW_TARGET_A_MAX (__XTFW_TARGET_A_MAX - 1)

enum xtfw_reject_with {
	XTFW_REJECT_ICMP_NET_UNREACH,
	XTFW_REJECT_ICMP_HOST_UNREACH,
	XTFW_REJECT_ICMP_PORT_UNREACH,	/* the default, both families */
	XTFW_REJECT_ICMP_PROTO_UNREACH,
	XTFW_REJECT_ICMP_NET_PROHIBITED,
	XTFW_REJECT_ICMP_HOST_PROHIBITED,
	XTFW_REJECT_ICMP_ADMIN_PROHIBITED,
	XTFW_REJECT_TCP_RESET,
	XTFW_REJECT_ICMP6_NO_ROUTE,
	XTFW_REJECT_ICMP6_ADM_PROHIBITED,
	XTFW_REJECT_ICMP6_ADDR_UNREACH,
	XTFW_REJECT_ICMP6_PORT_UNREACH,
	__XTFW_REJECT_MAX
};

#define XTFW_LOG_F_TCPSEQ	_BITUL(0)
#define XTFW_LOG_F_TCPOPT	_BITUL(1)
#define XTFW_LOG_F_IPOPT	_BITUL(2)
#define XTFW_LOG_F_UID		_BITUL(3)
#define XTFW_LOG_F_MACDECODE	_BITUL(5)
#define XTFW_LOG_F_ALL		(0x2f)

enum xtfw_connmark_op {
	XTFW_CONNMARK_SET,	/* ctmark = (ctmark & ~MASK) ^ MARK */
	XTFW_CONNMARK_SAVE,	/* ctmark = (ctmark & ~CTMASK) ^ (mark & NFMASK) */
	XTFW_CONNMARK_RESTORE,	/* mark = (mark & ~NFMASK) ^ (ctmark & CTMASK) */
};

enum xtfw_ttl_mod {
	XTFW_TTL_SET,
	XTFW_TTL_DEC,
	XTFW_TTL_INC,
};

/* NAT: addresses and ports (host byte order) to map to, inclusive. */
struct xtfw_nat_range {
	union xtfw_addr min_addr;
	union xtfw_addr max_addr;
	__u16 min_port;
	__u16 max_port;
};

#define XTFW_NAT_F_MAP_IPS	_BITUL(0)	/* addresses given */
#define XTFW_NAT_F_PROTO	_BITUL(1)	/* ports given */
#define XTFW_NAT_F_RANDOM	_BITUL(2)
#define XTFW_NAT_F_PERSISTENT	_BITUL(3)
#define XTFW_NAT_F_RANDOM_FULLY	_BITUL(4)
#define XTFW_NAT_F_ALL		(_BITUL(5) - 1)

/*
 * Verdicts, for built-in chain policies. The numbers are netfilter's
 * (NF_DROP, NF_ACCEPT).
 */
enum xtfw_verdict {
	XTFW_VERDICT_DROP = 0,
	XTFW_VERDICT_ACCEPT = 1,
};

/*
 * CONNTRACK
 *
 * Each network namespace tracks its own connections, while it has at least
 * one table of the family; entries belong to the namespace and are never
 * seen from another.
 *
 *   XTFW_CMD_CT_GET     dump; [XTFW_A_FAMILY] [XTFW_A_CT_FILTER]
 *       one XTFW_CMD_CT_GET message per confirmed entry, carrying XTFW_A_CT
 *       with FAMILY, PROTO, the ORIG_* and REPL_* tuples, STATUS,
 *       TCP_STATE (TCP only), TIMEOUT, MARK, ID and the four counters. The
 *       dump walks the table without locking it and may repeat an entry
 *       that moved meanwhile; a resize of the table between two parts flags
 *       the dump NLM_F_DUMP_INTR (restart it).
 *   XTFW_CMD_CT_DELETE  XTFW_A_CT_FILTER [XTFW_A_FAMILY]
 *   XTFW_CMD_CT_FLUSH   [XTFW_A_FAMILY]
 *       delete the matching entries (FLUSH: all, or all of a family); the
 *       reply carries XTFW_A_CT_CONF with XTFW_CTCONF_A_DELETED.
 *   XTFW_CMD_CT_GETCONF reply: XTFW_A_CT_CONF with MAX_ENTRIES, TCP_LOOSE,
 *       COUNT and one XTFW_CTCONF_A_TIMEOUT nest per timeout.
 *   XTFW_CMD_CT_SETCONF XTFW_A_CT_CONF with any of MAX_ENTRIES (1..2^24),
 *       TCP_LOOSE and XTFW_CTCONF_A_TIMEOUT nests (PROTO, SECONDS and, for
 *       TCP and UDP, STATE). All are checked before any is applied.
 *   XTFW_CMD_CT_STATS   reply: XTFW_A_CT_STATS, summed over CPUs.
 *
 * A filter (XTFW_A_CT_FILTER, enum xtfw_ct_attr) matches an entry when
 * every attribute it has matches: FAMILY, PROTO, ID and the ORIG_* and
 * REPL_* addresses and ports exactly, TCP_STATE the TCP state, STATUS
 * when the entry has all those XTFW_CT_S_* bits, MARK under MARK_MASK
 * (default all ones), CTSTATE when the entry is in one of those states
 * (NEW: no reply yet, ESTABLISHED: replied, SNAT, DNAT).
 *
 * Timeouts are per namespace, in seconds; TIMEOUT in an entry is the
 * seconds left. Default limit MAX_ENTRIES: like nf_conntrack_max, from the
 * memory size. When the table is full, a new connection evicts one that is
 * not assured; if there is none, its packet is dropped (stat DROP).
 */
enum xtfw_ct_attr {
	XTFW_CT_A_UNSPEC,
	XTFW_CT_A_FAMILY,	/* u8 */
	XTFW_CT_A_PROTO,	/* u8 */
	XTFW_CT_A_ORIG_SRC,	/* binary, union xtfw_addr */
	XTFW_CT_A_ORIG_DST,	/* binary, union xtfw_addr */
	XTFW_CT_A_ORIG_SPORT,	/* u16, host order (ICMP: id) */
	XTFW_CT_A_ORIG_DPORT,	/* u16, host order (ICMP: type << 8 | code) */
	XTFW_CT_A_REPL_SRC,
	XTFW_CT_A_REPL_DST,
	XTFW_CT_A_REPL_SPORT,
	XTFW_CT_A_REPL_DPORT,
	XTFW_CT_A_STATUS,	/* u32, XTFW_CT_S_* */
	XTFW_CT_A_TCP_STATE,	/* u8, enum xtfw_tcp_state */
	XTFW_CT_A_TIMEOUT,	/* u32, seconds left */
	XTFW_CT_A_MARK,		/* u32 */
	XTFW_CT_A_ORIG_PACKETS,	/* u64 */
	XTFW_CT_A_ORIG_BYTES,	/* u64 */
	XTFW_CT_A_REPL_PACKETS,	/* u64 */
	XTFW_CT_A_REPL_BYTES,	/* u64 */
	XTFW_CT_A_ID,		/* u32 */
	XTFW_CT_A_CTSTATE,	/* u32, XTFW_CTSTATE_* (filter only) */
	XTFW_CT_A_MARK_MASK,	/* u32 (filter only) */
	XTFW_CT_A_PAD,
	__XTFW_CT_A_MAX
};

#define XTFW_CT_A_MAX (__XTFW_CT_A_MAX - 1)

#define XTFW_CT_S_SEEN_REPLY	_BITUL(0)
#define XTFW_CT_S_ASSURED	_BITUL(1)
#define XTFW_CT_S_CONFIRMED	_BITUL(2)
#define XTFW_CT_S_SNAT		_BITUL(3)
#define XTFW_CT_S_DNAT		_BITUL(4)
#define XTFW_CT_S_DYING		_BITUL(5)
#define XTFW_CT_S_ALL		(_BITUL(6) - 1)

enum xtfw_tcp_state {
	XTFW_TCP_NONE,
	XTFW_TCP_SYN_SENT,
	XTFW_TCP_SYN_RECV,
	XTFW_TCP_ESTABLISHED,
	XTFW_TCP_FIN_WAIT,
	XTFW_TCP_CLOSE_WAIT,
	XTFW_TCP_LAST_ACK,
	XTFW_TCP_TIME_WAIT,
	XTFW_TCP_CLOSE,
	XTFW_TCP_SYN_SENT2,
	__XTFW_TCP_STATE_MAX
};

/*
 * Two more TCP timeouts for XTFW_TIMEOUT_A_STATE that are not states: RETRANS
 * caps the timeout of a connection whose segment was retransmitted three
 * times or whose receiver advertises a zero window; UNACK caps it while data
 * is unacknowledged and for a connection picked up mid-stream until its
 * first reply.
 */
enum xtfw_tcp_timeout_extra {
	XTFW_TCP_TIMEOUT_RETRANS = __XTFW_TCP_STATE_MAX,
	XTFW_TCP_TIMEOUT_UNACK,
	__XTFW_TCP_TIMEOUT_MAX
};

enum xtfw_ctconf_attr {
	XTFW_CTCONF_A_UNSPEC,
	XTFW_CTCONF_A_MAX_ENTRIES,	/* u32 */
	XTFW_CTCONF_A_TCP_LOOSE,	/* u8, 0 or 1 */
	XTFW_CTCONF_A_TIMEOUT,		/* nest of XTFW_TIMEOUT_A_* */
	XTFW_CTCONF_A_COUNT,		/* u32, entries now (GETCONF) */
	XTFW_CTCONF_A_DELETED,		/* u32, reply of CT_DELETE, CT_FLUSH */
	__XTFW_CTCONF_A_MAX
};

#define XTFW_CTCONF_A_MAX (__XTFW_CTCONF_A_MAX - 1)

enum xtfw_timeout_attr {
	XTFW_TIMEOUT_A_UNSPEC,
	XTFW_TIMEOUT_A_PROTO,		/* u8, IP protocol, 0 = generic */
	XTFW_TIMEOUT_A_STATE,		/* u8, enum xtfw_tcp_state or */
					/* xtfw_tcp_timeout_extra for TCP, */
					/* enum xtfw_udp_state for UDP */
	XTFW_TIMEOUT_A_SECONDS,		/* u32 */
	__XTFW_TIMEOUT_A_MAX
};

#define XTFW_TIMEOUT_A_MAX (__XTFW_TIMEOUT_A_MAX - 1)

/* UDP: no reply yet; replied; traffic both ways for over two seconds. */
enum xtfw_udp_state {
	XTFW_UDP_UNREPLIED,
	XTFW_UDP_REPLIED,
	XTFW_UDP_STREAM,
};

enum xtfw_ctstats_attr {
	XTFW_CTSTATS_A_UNSPEC,
	XTFW_CTSTATS_A_FOUND,		/* u64 */
	XTFW_CTSTATS_A_NEW,
	XTFW_CTSTATS_A_INVALID,
	XTFW_CTSTATS_A_INSERT_FAILED,
	XTFW_CTSTATS_A_DROP,
	XTFW_CTSTATS_A_EARLY_DROP,
	XTFW_CTSTATS_A_SEARCH_RESTART,
	XTFW_CTSTATS_A_PAD,
	XTFW_CTSTATS_A_NAT_FAILED,	/* u64: no free NAT mapping, dropped */
	__XTFW_CTSTATS_A_MAX
};

#define XTFW_CTSTATS_A_MAX (__XTFW_CTSTATS_A_MAX - 1)

/*
 * Events, sent to multicast groups of the family (resolve their ids with
 * the generic netlink controller; each namespace sees its own):
 *
 *   "trace"  XTFW_CMD_TRACE: one message per step of a packet that a TRACE
 *            rule (raw table) selected: every rule it matches (TYPE RULE),
 *            the end of a user chain it falls off (RETURN), the policy of
 *            a built-in chain (POLICY), as iptables' TRACE logs them. The
 *            kernel sends at most XTFW_TRACE_RATE events a second per
 *            namespace; LOST counts the ones it did not send since the
 *            last message.
 *   "ct"     XTFW_CMD_CT_EVENT: a connection confirmed (NEW), its TCP
 *            state or status changed (UPDATE), deleted (DESTROY), with
 *            XTFW_A_CT as in XTFW_CMD_CT_GET.
 *
 * Listening needs CAP_NET_ADMIN in the namespace's user namespace.
 */
#define XTFW_MCGRP_TRACE	"trace"
#define XTFW_MCGRP_CT		"ct"

#define XTFW_TRACE_RATE		1000

enum xtfw_trace_type {
	XTFW_TRACE_RULE,	/* RULENUM matched; VERDICT if it ended there */
	XTFW_TRACE_RETURN,	/* fell off the end of (or RETURNed from) CHAIN */
	XTFW_TRACE_POLICY,	/* the policy VERDICT of built-in CHAIN */
};

enum xtfw_trace_attr {
	XTFW_TRACE_A_UNSPEC,
	XTFW_TRACE_A_ID,	/* u32, the same for every event of a packet; */
				/* a later packet may reuse it */
	XTFW_TRACE_A_TYPE,	/* u8, enum xtfw_trace_type */
	XTFW_TRACE_A_FAMILY,	/* u8 */
	XTFW_TRACE_A_TABLE,	/* u8 */
	XTFW_TRACE_A_HOOK,	/* u8, NF_INET_* */
	XTFW_TRACE_A_CHAIN,	/* string */
	XTFW_TRACE_A_RULENUM,	/* u32, 1-based */
	XTFW_TRACE_A_VERDICT,	/* u32, NF_ACCEPT / NF_DROP ... */
	XTFW_TRACE_A_IIF,	/* string */
	XTFW_TRACE_A_OIF,	/* string */
	XTFW_TRACE_A_SRC,	/* binary, union xtfw_addr */
	XTFW_TRACE_A_DST,	/* binary, union xtfw_addr */
	XTFW_TRACE_A_PROTO,	/* u8 */
	XTFW_TRACE_A_SPORT,	/* u16, host order, when the protocol has ports */
	XTFW_TRACE_A_DPORT,	/* u16 */
	XTFW_TRACE_A_LEN,	/* u32, bytes */
	XTFW_TRACE_A_MARK,	/* u32 */
	XTFW_TRACE_A_LOST,	/* u32 */
	__XTFW_TRACE_A_MAX
};

#define XTFW_TRACE_A_MAX (__XTFW_TRACE_A_MAX - 1)

enum xtfw_ct_event {
	XTFW_CT_EVENT_NEW,
	XTFW_CT_EVENT_UPDATE,
	XTFW_CT_EVENT_DESTROY,
};

/*
 * XTFW_CMD_EXPLAIN: what the loaded ruleset would do with a packet,
 * without sending one. The request describes the packet (XTFW_A_EXPLAIN
 * with HOOK and any of the others); the kernel builds it, runs every table
 * of that hook in priority order on it, as the packet path does (the same
 * classifier and matches), and replies with XTFW_A_EXPLAIN holding one
 * STEP per rule matched, user chain returned from and policy applied
 * (XTFW_TRACE_A_TYPE, TABLE, CHAIN, RULENUM, VERDICT, and NOTE for a target
 * it did not carry out), then VERDICT, the hook's verdict. Counters do not
 * move; LOG, NOTRACK, CONNMARK and TRACE are not carried out, MARK, TTL
 * and HL are (on the described packet); REJECT counts as DROP, a NAT
 * target as ACCEPT; limit, recent and statistic matches are taken to
 * match. The connection state is CTSTATE (default NEW), INVALID in raw.
 */
enum xtfw_explain_attr {
	XTFW_EXPLAIN_A_UNSPEC,
	XTFW_EXPLAIN_A_HOOK,		/* u8, NF_INET_*; required */
	XTFW_EXPLAIN_A_IIF,		/* string, an existing device */
	XTFW_EXPLAIN_A_OIF,		/* string, an existing device */
	XTFW_EXPLAIN_A_SRC,		/* binary, union xtfw_addr */
	XTFW_EXPLAIN_A_DST,		/* binary, union xtfw_addr */
	XTFW_EXPLAIN_A_PROTO,		/* u8 */
	XTFW_EXPLAIN_A_SPORT,		/* u16, host order */
	XTFW_EXPLAIN_A_DPORT,		/* u16, host order */
	XTFW_EXPLAIN_A_TCP_FLAGS,	/* u8, default SYN */
	XTFW_EXPLAIN_A_ICMP_TYPE,	/* u8, default echo request */
	XTFW_EXPLAIN_A_ICMP_CODE,	/* u8 */
	XTFW_EXPLAIN_A_CTSTATE,		/* u32, one XTFW_CTSTATE_* bit */
	XTFW_EXPLAIN_A_MARK,		/* u32 */
	XTFW_EXPLAIN_A_LEN,		/* u16, payload bytes, at most 1400 */
	XTFW_EXPLAIN_A_STEP,		/* nest (reply), XTFW_TRACE_A_* + NOTE */
	XTFW_EXPLAIN_A_VERDICT,		/* u32 (reply) */
	XTFW_EXPLAIN_A_NOTE,		/* string, in a STEP */
	__XTFW_EXPLAIN_A_MAX
};

#define XTFW_EXPLAIN_A_MAX (__XTFW_EXPLAIN_A_MAX - 1)
#define XTFW_EXPLAIN_MAX_STEPS	256

#endif /* _UAPI_LINUX_XTFW_H */
