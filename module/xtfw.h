/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtfw internal interfaces shared by the module's files.
 *
 * Ownership in one paragraph: a network namespace owns one struct xtfw_net.
 * Its published ruleset (xn->ruleset) is immutable: packets reach it with
 * rcu_dereference() and never lock. Writers build whole new tables inside a
 * transaction (txn.c), and commit (ruleset.c) swaps in a new ruleset under
 * xn->commit_mutex; the tables it replaced are freed after a grace period.
 */
#ifndef _XTFW_H
#define _XTFW_H

#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/netfilter.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/skbuff.h>
#include <net/netlink.h>
#include <net/netns/generic.h>
#include <net/sock.h>
#include <uapi/linux/xtfw.h>

#include "compat.h"
#include "classify.h"

#define XTFW_NUMHOOKS		NF_INET_NUMHOOKS
#define XTFW_ERRMSG_LEN		256

/* Limits that bound what one transaction may hold. */
enum xtfw_limits {
	XTFW_MAX_CHAINS_PER_TABLE = 100000,
	XTFW_MAX_MATCHES_PER_RULE = 32,
	XTFW_MAX_TXNS_PER_NET = 64,
	XTFW_MAX_RULE_SPEC = 3072,	/* a dump message must fit a page */
};

struct xtfw_counters {
	u64 packets;
	u64 bytes;
};

/*
 * Count one packet of @len bytes. Per-CPU, no lock: this_cpu_add() is safe
 * against preemption and interrupts.
 */
static inline void xtfw_counters_add(struct xtfw_counters __percpu *ctr,
				     unsigned int len)
{
	this_cpu_add(ctr->packets, 1);
	this_cpu_add(ctr->bytes, len);
}

struct xtfw_conn;

/*
 * What the rule evaluator knows about the packet at hand. Built once per
 * table hook invocation; matches read it and never change it.
 */
struct xtfw_pkt {
	struct sk_buff *skb;
	const struct nf_hook_state *state;
	struct xtfw_net *xn;	/* xtfw_pernet(state->net), looked up once */
	u8 family;		/* XTFW_FAMILY_* */
	u8 table;		/* XTFW_TABLE_* */
	u8 l4proto;		/* transport protocol, past IPv6 ext headers */
	bool fragment;		/* a non-first fragment: no transport header */
	u16 fragoff;		/* fragment offset in 8-byte units */
	unsigned int thoff;	/* transport header offset from skb->data */
	/* conntrack, filled by xtfw_ct_classify() when ct_done is set */
	struct xtfw_conn *ct;	/* a reference, or NULL */
	u32 ctstate;		/* XTFW_CTSTATE_* */
	u8 ctdir;		/* direction of the packet in ct */
	bool ct_done;		/* the hook sets it false */
	bool key_done;		/* key is filled (the hook sets it false) */
	/* read once, by the first port match that needs them (eval.c) */
	bool ports_done;	/* the hook sets it false */
	u16 l4len;		/* bytes of transport header, up to 64 */
	u16 sport, dport;	/* host order, if l4len >= 4 */
	struct xtfw_explain *explain;	/* XTFW_CMD_EXPLAIN's dry run, or NULL */
	struct xtfw_cls_pkt key;	/* for the chain classifiers */
};

/* The iptables rule header: addresses, interfaces, protocol, fragments. */
struct xtfw_ipmatch {
	union xtfw_addr src, smsk, dst, dmsk;
	/* compared a word at a time (eval.c) */
	char iif[IFNAMSIZ] __aligned(sizeof(long));
	char iifmask[IFNAMSIZ] __aligned(sizeof(long));
	char oif[IFNAMSIZ] __aligned(sizeof(long));
	char oifmask[IFNAMSIZ] __aligned(sizeof(long));
	u32 inv;		/* XTFW_INV_* */
	u8 proto;
	u8 flags;		/* XTFW_IPM_F_* */
};

#define XTFW_IPM_F_SRC		BIT(0)
#define XTFW_IPM_F_DST		BIT(1)
#define XTFW_IPM_F_IIF		BIT(2)
#define XTFW_IPM_F_OIF		BIT(3)
#define XTFW_IPM_F_PROTO	BIT(4)
#define XTFW_IPM_F_FRAG		BIT(5)

/* rule.c relies on these naming the same criteria. */
static_assert(XTFW_IPM_F_SRC == XTFW_INV_SRC);
static_assert(XTFW_IPM_F_DST == XTFW_INV_DST);
static_assert(XTFW_IPM_F_IIF == XTFW_INV_IIF);
static_assert(XTFW_IPM_F_OIF == XTFW_INV_OIF);
static_assert(XTFW_IPM_F_PROTO == XTFW_INV_PROTO);
static_assert(XTFW_IPM_F_FRAG == XTFW_INV_FRAG);

/* Where a message or rule being parsed sits, for error messages. */
struct xtfw_parse_ctx {
	struct netlink_ext_ack *extack;
	char *errbuf;		/* XTFW_ERRMSG_LEN, outlives the message */
	u8 family;
	u8 table;
	u8 hook_mask;		/* built-in chain: its hook; else 0 */
	const char *chain;
	u32 rulenum;		/* 1-based, 0 when not about a rule */
};

/*
 * Point the extack at a message that is not a literal; it must outlive the
 * handler (a transaction's errbuf does).
 */
static inline void xtfw_set_errmsg(struct netlink_ext_ack *extack,
				   const struct nlattr *attr, const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	if (attr)
		extack->bad_attr = attr;
}

/**
 * xtfw_nest_fill() - index a nest the generic netlink core has validated
 * @tb: filled: @tb[type] is the last attribute of that type, or NULL
 * @max: the nest's highest attribute type, below 64
 * @nest: the nest, validated against its policy with the message
 *
 * What nla_parse_nested() does without a policy, with fewer steps: the
 * core has checked every length and type already (the ops do not relax it
 * with GENL_DONT_VALIDATE_*), so nothing is checked a second time.
 *
 * Return: the types present, bit i for type i.
 */
static inline u64 xtfw_nest_fill(struct nlattr **tb, unsigned int max,
				 const struct nlattr *nest)
{
	struct nlattr *a;
	u64 present = 0;
	int rem;

	memset(tb, 0, (max + 1) * sizeof(*tb));
	nla_for_each_nested(a, nest, rem) {
		u16 type = nla_type(a);

		if (type <= max) {
			tb[type] = a;
			present |= BIT_ULL(type);
		}
	}
	return present;
}

__printf(3, 4)
int xtfw_parse_error(const struct xtfw_parse_ctx *ctx,
		     const struct nlattr *attr, const char *fmt, ...);

/*
 * Matches (match.c). A rule holds an array of these. Parsing validates
 * everything the rule says about the match; evaluation never fails.
 */
struct xtfw_net;
struct xtfw_match_state;	/* mutable per-match state: limit, nth, recent */

struct xtfw_recent_list;

struct xtfw_match {
	u8 type;		/* enum xtfw_match_type */
	bool ports_only;	/* tcp/udp/...: only ports to check (eval.c) */
	u32 inv;		/* XTFW_MINV_* */
	struct xtfw_match_state *state;
	union {			/* match*.c own these */
		struct {
			struct xtfw_port_range sport, dport;
			struct xtfw_tcp_flags flags;
			u8 option;
			bool has_option;
			u8 hlen;	/* header bytes the match reads */
		} l4;
		struct {
			struct xtfw_u8_range code;
			u8 type;
			bool any_type;
		} icmp;
		struct {
			u8 dir;
			u8 count;
			struct xtfw_port_range ports[XTFW_MAX_MULTIPORT];
		} multiport;
		u32 ctstate;
		struct {
			u32 mark, mask;
		} mark;
		struct {
			u64 cost, cap;	/* credits, see match_limit.c */
		} limit;
		struct xtfw_u16_range len;
		struct {
			u8 op, ttl;
		} ttl;
		struct {
			struct xtfw_addr_range src, dst;
			bool has_src, has_dst;
		} iprange;
		struct {
			u16 src, dst;
			u32 flags;
		} addrtype;
		struct {
			kuid_t uid_min, uid_max;
			kgid_t gid_min, gid_max;
			bool has_uid, has_gid;
		} owner;
		struct {
			u8 mode;
			u32 probability, every;
		} statistic;
		u8 pkttype;
		struct {
			struct xtfw_u32_range segsleft;
			u8 type;
			bool has_type, has_segsleft;
		} rt;
		struct {
			struct xtfw_u32_range id;
			u32 flags;
		} frag;
		struct {
			struct xtfw_recent_list *list;
			unsigned long ticks;	/* --seconds, in jiffies */
			u32 hitcount, flags;
			u8 cmd;
			union xtfw_addr mask;
		} recent;
	} u;
};

/* Outside the range: one compare (parsing rejects min > max). */
static inline bool xtfw_port_miss(u16 port, const struct xtfw_port_range *r)
{
	return (u16)(port - r->min) > (u16)(r->max - r->min);
}

/*
 * The ports of a tcp, udp, udplite or sctp match (host order), negations
 * included: xtfw_l4_eval() and the rule loop's port fast path (eval.c).
 * "!" applies to both at once, as in header_match() (eval.c).
 */
static inline bool xtfw_l4_ports_match(const struct xtfw_match *m,
				       u16 sport, u16 dport)
{
	u32 miss = 0;

	if (xtfw_port_miss(sport, &m->u.l4.sport))
		miss |= XTFW_MINV_SPORT;
	if (xtfw_port_miss(dport, &m->u.l4.dport))
		miss |= XTFW_MINV_DPORT;
	return !((miss ^ m->inv) & (XTFW_MINV_SPORT | XTFW_MINV_DPORT));
}

int xtfw_match_parse(struct net *net, struct xtfw_match *m,
		     const struct nlattr *nest,
		     const struct xtfw_ipmatch *ip,
		     const struct xtfw_parse_ctx *ctx);
void xtfw_match_destroy(struct xtfw_match *m);
bool xtfw_match_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt);
/* May the match be used from these hooks (bit mask) of ctx->table? */
int xtfw_match_check_hooks(const struct xtfw_match *m, u32 hook_mask,
			   const struct xtfw_parse_ctx *ctx);
/* Per-netns state of matches (the named lists of -m recent). */
int xtfw_match_net_init(struct xtfw_net *xn);
void xtfw_match_net_exit(struct xtfw_net *xn);

/*
 * Targets (target.c). Terminal verdicts are NF_ACCEPT/NF_DROP/NF_STOLEN;
 * XTFW_CONTINUE means go on with the next rule.
 */
#define XTFW_CONTINUE	(-1)

struct xtfw_target {
	u8 type;		/* enum xtfw_target_type */
	union {
		struct {
			u32 chain;	/* resolved at commit */
			char name[XTFW_CHAIN_MAXNAMELEN];
		} jump;
		u8 reject_with;
		struct {
			char prefix[XTFW_LOG_PREFIX_MAXLEN];
			u8 level;
			u8 pf;		/* NFPROTO_*, of the logger held */
			u32 flags;
		} log;
		struct {
			u32 mark, mask;
		} mark;
		struct {
			u8 op;
			u32 mark, mask, ctmask, nfmask;
		} connmark;
		struct {
			u8 op, ttl;
		} ttl;
		struct {
			struct xtfw_nat_range range;
			u32 flags;
		} nat;
	} u;
};

int xtfw_target_parse(struct xtfw_target *t, const struct nlattr *nest,
		      const struct xtfw_ipmatch *ip,
		      const struct xtfw_parse_ctx *ctx);
/* Undo a successful parse (LOG holds the syslog logger); idempotent. */
void xtfw_target_destroy(struct xtfw_target *t);
/* May the target be used from these hooks (bit mask) of ctx->table? */
int xtfw_target_check_hooks(const struct xtfw_target *t, u32 hook_mask,
			    const struct xtfw_parse_ctx *ctx);
int xtfw_target_eval(const struct xtfw_target *t, struct xtfw_pkt *pkt);

/*
 * Rules' counters come XTFW_CTR_BLOCK at a time from one per-CPU
 * allocation (rule.c), which lives while any of them does.
 */
struct xtfw_ctr_block;

/*
 * A compiled rule; immutable once its table is published. It is one
 * allocation: this, its matches, and then XTFW_A_RULE as it
 * was sent (see xtfw_rule_spec()). Its size decides the kmalloc bucket:
 * the commonest rule of large rulesets, "-s ADDR -j DROP", fits in 256
 * bytes.
 */
struct xtfw_rule {
	struct xtfw_counters __percpu *ctr;
	struct xtfw_ctr_block *ctr_blk;	/* where ctr is, referenced */
	struct xtfw_ipmatch ip;
	struct xtfw_target target;
	bool ctr_moved;			/* counters now owned by a newer rule */
	bool ctr_given;			/* counters set by the transaction */
	u16 nmatches;
	struct xtfw_match matches[];
};

/* Where a rule's XTFW_A_RULE starts, after its matches. */
static inline size_t xtfw_rule_spec_offset(unsigned int nmatches)
{
	return ALIGN(struct_size_t(struct xtfw_rule, matches, nmatches),
		     NLA_ALIGNTO);
}

/* XTFW_A_RULE as sent, for dumps and to tell unchanged rules. */
static inline const struct nlattr *xtfw_rule_spec(const struct xtfw_rule *r)
{
	return (const void *)r + xtfw_rule_spec_offset(r->nmatches);
}

struct xtfw_chain {
	char name[XTFW_CHAIN_MAXNAMELEN];
	s8 hook;			/* built-in: NF_INET_*; user: -1 */
	u8 policy;			/* built-in only: NF_ACCEPT / NF_DROP */
	bool ctr_moved;
	bool ctr_given;
	u32 refs;			/* rules that jump or goto here */
	u32 hook_mask;			/* hooks that reach this chain */
	struct xtfw_counters __percpu *policy_ctr;
	u32 nrules, cap;
	struct xtfw_rule **rules;
	struct xtfw_cls *cls;		/* NULL: walk the rules */
	u32 cls_lead;			/* first rules, keyed on nothing */
	char from[XTFW_CHAIN_MAXNAMELEN]; /* renamed from: counters' source */
};

struct xtfw_table {
	u8 family, id;
	bool needs_ct;			/* a rule uses conntrack; nat always */
	u32 nchains, cap;
	s32 builtin[XTFW_NUMHOOKS];	/* chain index per hook, or -1 */
	struct xtfw_chain **chains;	/* built-ins first, hook order */
	u32 *index;			/* chain name hash, see ruleset.c */
	u32 index_size;
};

struct xtfw_ruleset {
	u64 generation;
	struct xtfw_table *tables[__XTFW_FAMILY_MAX][__XTFW_TABLE_MAX];
};

struct xtfw_txn;
struct xtfw_recent_net;
struct xtfw_ct_net;

/* What a table hook's priv points to: in struct xtfw_net, see hooks.c. */
struct xtfw_hook_priv {
	struct xtfw_net *xn;
	u8 family;
	u8 table;
};

struct xtfw_net {
	struct net *net;
	struct xtfw_ruleset __rcu *ruleset;
	struct mutex commit_mutex;	/* serialises commits and hook changes */
	u64 generation;			/* under commit_mutex */
	struct mutex txn_mutex;		/* the list of transactions */
	struct list_head txns;
	unsigned int ntxns;
	struct nf_hook_ops *hook_ops[__XTFW_FAMILY_MAX][__XTFW_TABLE_MAX];
	struct xtfw_hook_priv hook_priv[__XTFW_FAMILY_MAX][__XTFW_TABLE_MAX];
	bool exiting;
	struct mutex ctr_lock;		/* rule.c: ctr_cur */
	struct xtfw_ctr_block *ctr_cur;	/* the block new counters come from */
	struct xtfw_recent_net *recent;	/* match.c */
	struct xtfw_ct_net *ct;		/* ct_*.c, created on first use */
	struct {			/* trace.c: events of this second */
		u32 second;
		atomic_t sent;
		atomic_t lost;
	} trace;
};

extern unsigned int xtfw_net_id;
extern struct workqueue_struct *xtfw_wq;	/* frees old rulesets */

static inline struct xtfw_net *xtfw_pernet(const struct net *net)
{
	return net_generic(net, xtfw_net_id);
}

/* trace.c: TRACE events and the multicast groups. */
enum xtfw_mcgrp { XTFW_MCGRP_TRACE_ID, XTFW_MCGRP_CT_ID };
extern const struct genl_multicast_group xtfw_mcgrps[2];
extern struct genl_family xtfw_genl_family;
void xtfw_trace_event(const struct xtfw_pkt *pkt,
		      const struct xtfw_chain *c, u32 rulenum, u8 type,
		      int verdict);

static inline bool xtfw_traced(const struct sk_buff *skb)
{
	return unlikely(xtfw_skb_trace(skb));
}

/* explain.c: a dry run of a described packet (XTFW_CMD_EXPLAIN). */
struct xtfw_explain;
void xtfw_explain_step(const struct xtfw_pkt *pkt,
		       const struct xtfw_chain *c, u32 rulenum, u8 type,
		       int verdict, const char *note);
int xtfw_explain_target(const struct xtfw_target *t, struct xtfw_pkt *pkt);
int xtfw_nl_explain(struct sk_buff *skb, struct genl_info *info);
extern const struct nla_policy xtfw_explain_policy[XTFW_EXPLAIN_A_MAX + 1];

/* policy.c: the netlink attribute policies, shared by parsers. */
extern const struct nla_policy xtfw_attr_policy[XTFW_A_MAX + 1];
extern const struct nla_policy xtfw_counters_policy[XTFW_COUNTERS_A_MAX + 1];
extern const struct nla_policy xtfw_rule_policy[XTFW_RULE_A_MAX + 1];
extern const struct nla_policy xtfw_match_policy[XTFW_MATCH_A_MAX + 1];
extern const struct nla_policy xtfw_target_policy[XTFW_TARGET_A_MAX + 1];

/* table.c: the static shape of the five tables. */
const char *xtfw_table_name(u8 table);
const char *xtfw_hook_name(u8 hook);
u32 xtfw_table_hooks(u8 table);
int xtfw_table_priority(u8 table, u8 hook);

/* rule.c */
struct xtfw_rule *xtfw_rule_create(struct net *net, const struct nlattr *spec,
				   const struct xtfw_parse_ctx *ctx);
void xtfw_rule_destroy(struct xtfw_rule *rule);
int xtfw_rule_caches_init(void);
void xtfw_rule_caches_exit(void);
void xtfw_rule_ctr_move(struct xtfw_rule *to, struct xtfw_rule *from);
void xtfw_ctr_net_exit(struct xtfw_net *xn);
void xtfw_counters_read(struct xtfw_counters __percpu *pcpu,
			struct xtfw_counters *sum);
void xtfw_counters_zero(struct xtfw_counters __percpu *pcpu);

/* ruleset.c */
struct xtfw_table *xtfw_table_create(u8 family, u8 id);
void xtfw_table_destroy(struct xtfw_table *table);
struct xtfw_chain *xtfw_table_find_chain(const struct xtfw_table *table,
					 const char *name, u32 *index);
struct xtfw_chain *xtfw_table_add_chain(struct xtfw_table *table,
					const char *name);
int xtfw_chain_append(struct xtfw_chain *chain, struct xtfw_rule *rule);
struct xtfw_ruleset *xtfw_ruleset_get_locked(struct xtfw_net *xn);
int xtfw_ruleset_commit(struct xtfw_net *xn, struct xtfw_txn *txn,
			struct xtfw_parse_ctx *ctx);
void xtfw_ruleset_free_all(struct xtfw_net *xn);

/* hooks.c */
int xtfw_hooks_sync(struct xtfw_net *xn, const struct xtfw_ruleset *want,
		    bool add);
void xtfw_hooks_unregister_all(struct xtfw_net *xn);

/* eval.c */
void xtfw_rule_cls_key(const struct xtfw_rule *r, u8 family,
		       struct xtfw_cls_key *k);
unsigned int xtfw_hook(void *priv, struct sk_buff *skb,
		       const struct nf_hook_state *state);
unsigned int xtfw_table_eval(const struct xtfw_table *table,
			     struct xtfw_pkt *pkt);

/* txn.c */
struct xtfw_txn {
	struct list_head list;
	u32 portid;
	bool open;
	bool poisoned;
	int error;			/* the error that poisoned it */
	bool has_gen;
	u64 base_gen;
	u32 nrules;
	struct xtfw_table *tables[__XTFW_FAMILY_MAX][__XTFW_TABLE_MAX];
	bool deleted[__XTFW_FAMILY_MAX][__XTFW_TABLE_MAX];
	char errbuf[XTFW_ERRMSG_LEN];
};

struct xtfw_txn *xtfw_txn_lookup(struct xtfw_net *xn, u32 portid);
struct xtfw_txn *xtfw_txn_begin(struct xtfw_net *xn, u32 portid);
void xtfw_txn_end(struct xtfw_txn *txn);
void xtfw_txn_poison(struct xtfw_txn *txn);
int xtfw_txn_newtable(struct xtfw_txn *txn, u8 family, u8 table);
void xtfw_txn_deltable(struct xtfw_txn *txn, u8 family, u8 table);
int xtfw_txn_newchain(struct xtfw_txn *txn, struct xtfw_parse_ctx *ctx,
		      const struct nlattr *policy, const struct nlattr *from,
		      const struct xtfw_counters *ctr);
int xtfw_txn_newrule(struct net *net, struct xtfw_txn *txn,
		     struct xtfw_parse_ctx *ctx, const struct nlattr *attrs,
		     int len, const struct xtfw_counters *ctr);
void xtfw_txn_release_portid(struct xtfw_net *xn, u32 portid);
void xtfw_txn_free_all(struct xtfw_net *xn);

/* netlink.c */
int xtfw_genl_register(void);
void xtfw_genl_unregister(void);

#endif /* _XTFW_H */
