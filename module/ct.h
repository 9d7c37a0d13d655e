/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtfw connection tracking: the interface between its files and to the rest
 * of the module. The design is explained at the top of ct_core.c and in
 * doc/conntrack.md.
 *
 * For the rule engine: xtfw_ct_state(), xtfw_ct_mark_get(),
 * xtfw_ct_mark_set() and xtfw_ct_notrack() below; the table hook calls
 * xtfw_ct_pkt_done() after each evaluation.
 */
#ifndef _XTFW_CT_H
#define _XTFW_CT_H

#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/list_nulls.h>
#include <linux/refcount.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "xtfw.h"
#include "ct_tcp_sm.h"

/*
 * A connection in one direction. The 38 bytes before @dir are the key;
 * @dir and @pad are not (they must be zero in a lookup key too).
 */
struct xtfw_ct_tuple {
	union xtfw_addr src;
	union xtfw_addr dst;
	__be16 sport;		/* ports; ICMP: the id */
	__be16 dport;		/* ports; ICMP: type << 8 | code */
	u8 family;		/* XTFW_FAMILY_* */
	u8 proto;		/* IPPROTO_*, 0 for none */
	u8 dir;			/* in an entry: XTFW_CT_DIR_* */
	u8 pad;
} __aligned(sizeof(u64));	/* xtfw_ct_key_equal() */

#define XTFW_CT_KEY_LEN		offsetof(struct xtfw_ct_tuple, dir)

/**
 * xtfw_ct_key_equal() - whether two tuples have the same key
 * @a: a tuple
 * @b: another
 *
 * Compares the first XTFW_CT_KEY_LEN bytes (all but dir and pad) as five
 * words: every lookup does this at least twice, and memcmp() of 38 bytes
 * costs several times as much.
 *
 * Return: true if equal.
 */
static inline bool xtfw_ct_key_equal(const struct xtfw_ct_tuple *a,
				     const struct xtfw_ct_tuple *b)
{
	const u64 *x = (const u64 *)a, *y = (const u64 *)b;
	const u32 *xt = (const u32 *)&a->sport, *yt = (const u32 *)&b->sport;

	BUILD_BUG_ON(offsetof(struct xtfw_ct_tuple, sport) != 4 * sizeof(u64));
	BUILD_BUG_ON(offsetof(struct xtfw_ct_tuple, family) !=
		     offsetof(struct xtfw_ct_tuple, sport) + sizeof(u32));
	BUILD_BUG_ON(XTFW_CT_KEY_LEN != 4 * sizeof(u64) + sizeof(u32) + 2);
	return !((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) |
		 (x[3] ^ y[3]) | (u64)(xt[0] ^ yt[0]) |
		 (u64)(a->family ^ b->family) | (u64)(a->proto ^ b->proto));
}

/*
 * Directions; a hash node's tuple.dir also says which node it is. MID is
 * the node of a connection both SNATed and DNATed (struct xtfw_ct_mid).
 */
enum { XTFW_CT_DIR_ORIG, XTFW_CT_DIR_REPLY, XTFW_CT_DIR_MID };

/*
 * How far a packet is through NAT at a hook (the "stage" of a lookup):
 * past the destination manipulation (nat at -100 in PREROUTING/OUTPUT),
 * past the source manipulation (nat at 100 in POSTROUTING/INPUT).
 */
#define XTFW_CT_STAGE_DST	BIT(0)
#define XTFW_CT_STAGE_SRC	BIT(1)
#define XTFW_CT_STAGE_ALL	(XTFW_CT_STAGE_DST | XTFW_CT_STAGE_SRC)

struct xtfw_ct_thash {
	struct hlist_nulls_node node;
	struct xtfw_ct_tuple tuple;
};

/* Status bit numbers: the first six are the uapi's XTFW_CT_S_*. */
enum xtfw_ct_bit {
	XTFW_CT_B_SEEN_REPLY,
	XTFW_CT_B_ASSURED,
	XTFW_CT_B_CONFIRMED,
	XTFW_CT_B_SNAT,
	XTFW_CT_B_DNAT,
	XTFW_CT_B_DYING,
	XTFW_CT_B_PENDING,	/* counted in xtfw_ct_net.pending */
	XTFW_CT_B_KILL,		/* delete when its current packet is done */
	XTFW_CT_B_REPLY_HASHED,	/* th[1] (and mid) are in the table */
	XTFW_CT_B_DST_DONE,	/* the destination NAT is decided */
	XTFW_CT_B_SRC_DONE,	/* the source NAT is decided */
	XTFW_CT_B_MASQ,		/* MASQUERADE: dies with its address */
};

#define XTFW_CT_S_UAPI	(XTFW_CT_S_SEEN_REPLY | XTFW_CT_S_ASSURED | \
			 XTFW_CT_S_CONFIRMED | XTFW_CT_S_SNAT | \
			 XTFW_CT_S_DNAT | XTFW_CT_S_DYING)

/*
 * A connection both DNATed and SNATed has one more hash node: the tuple of
 * its original direction between the two (after DNAT, before SNAT). Freed
 * after a grace period, since readers may stand on it.
 */
struct xtfw_ct_mid {
	struct xtfw_ct_thash th;
	struct xtfw_conn *ct;
	struct rcu_head rcu;
};

struct xtfw_ct_udp {
	u32 stream_ts;		/* jiffies32: a reply after this is a stream */
};

/*
 * A tracked connection. Allocated from a SLAB_TYPESAFE_BY_RCU cache: a
 * reader under RCU may find an entry that is being freed and reused, so it
 * takes a reference with refcount_inc_not_zero() and checks the key again
 * (xtfw_ct_find_get()). Everything from @use on is cleared on allocation;
 * the hash nodes are not, because readers may still be walking them.
 * Size: at most that of the kernel's struct nf_conn (248 bytes on 6.1 and
 * 6.12 x86_64), checked in ct_core.c.
 */
struct xtfw_conn {
	struct xtfw_ct_thash th[2];	/* by direction */
	refcount_t use;			/* the table's + one per user */
	u32 timeout;			/* jiffies32 when it expires */
	unsigned long status;		/* XTFW_CT_B_* bits */
	spinlock_t lock;		/* proto state */
	u32 mark;			/* CONNMARK */
	struct xtfw_ct_net *cn;		/* the table it belongs to */
	struct xtfw_ct_mid *mid;	/* see struct xtfw_ct_mid */
	atomic64_t packets[2];		/* by direction */
	atomic64_t bytes[2];
	u32 owner;			/* unconfirmed: hash of its first skb */
	union {
		struct xtfw_tcp tcp;
		struct xtfw_ct_udp udp;
	} proto;
};

/* Per-CPU statistics, in the order of XTFW_CTSTATS_A_FOUND on. */
enum xtfw_ct_stat {
	XTFW_CT_STAT_FOUND,		/* a packet of a known connection */
	XTFW_CT_STAT_NEW,		/* a connection started */
	XTFW_CT_STAT_INVALID,		/* a packet found INVALID */
	XTFW_CT_STAT_INSERT_FAILED,	/* lost a race to insert */
	XTFW_CT_STAT_DROP,		/* a packet dropped: table full */
	XTFW_CT_STAT_EARLY_DROP,	/* an entry evicted to make room */
	XTFW_CT_STAT_SEARCH_RESTART,	/* a lookup began again */
	XTFW_CT_STAT_NAT_FAILED,	/* no free NAT mapping: dropped */
	__XTFW_CT_STAT_MAX
};

struct xtfw_ct_stats {
	u64 v[__XTFW_CT_STAT_MAX];
};

enum xtfw_ct_limits {
	XTFW_CT_NLOCKS = 256,		/* bucket locks per namespace */
	XTFW_CT_MIN_BUCKETS = 256,
	XTFW_CT_MAX_BUCKETS = 1 << 20,
	XTFW_CT_MAX_ENTRIES = 1 << 24,	/* the largest max userspace may set */
	XTFW_CT_REC_BUCKETS = 64,	/* per-packet records, see ct_hooks.c */
	XTFW_CT_REC_MAX = 65536,
	XTFW_CT_UDP_TIMEOUTS = XTFW_UDP_STREAM + 1,
};

/* The per-namespace timeouts, in jiffies. */
struct xtfw_ct_timeouts {
	u32 tcp[__XTFW_TCP_TIMEOUT_MAX];
	u32 udp[XTFW_CT_UDP_TIMEOUTS];
	u32 icmp;
	u32 icmpv6;
	u32 generic;
};

struct xtfw_ct_htable {
	unsigned int size;		/* buckets, a power of two */
	unsigned long nulls_base;	/* nulls value of bucket 0 */
	struct hlist_nulls_head buckets[];
};

/* Per-packet records (NOTRACK, INVALID), see ct_hooks.c. */
struct xtfw_ct_recs {
	atomic_t count;
	spinlock_t locks[XTFW_CT_REC_BUCKETS];	/* of heads, for writers */
	struct hlist_head heads[XTFW_CT_REC_BUCKETS];
};

/*
 * A namespace's connection tracking, created on first use (the first table
 * committed, or a conntrack netlink request). Freed at namespace exit.
 */
struct xtfw_ct_net {
	struct xtfw_net *xn;
	struct xtfw_ct_htable __rcu *ht;
	u32 seed;
	atomic_t count;			/* entries allocated */
	atomic_t pending;		/* entries the confirm hook must see */
	atomic_t nat_count;		/* entries with SNAT or DNAT */
	atomic_t masq_count;		/* entries with MASQ */
	struct work_struct masq_work;	/* drops stale MASQUERADE entries */
	u32 max;			/* READ_ONCE: the size limit */
	u8 tcp_loose;			/* READ_ONCE */
	struct xtfw_ct_timeouts to;	/* each READ_ONCE */
	struct xtfw_ct_stats __percpu *stats;
	u32 ht_gen;			/* bumped by every resize */
	struct mutex mutex;		/* resize, settings, hooks, GC state */
	unsigned int gc_cursor;		/* next bucket the GC looks at */
	bool grow_kicked;		/* the GC was woken to grow the table */
	struct delayed_work gc;
	bool exiting;
	u8 hook_families;		/* BIT(XTFW_FAMILY_*) registered */
	struct nf_hook_ops *hook_ops[__XTFW_FAMILY_MAX];
	struct xtfw_ct_recs recs;
	bool all_locked;		/* a resize holds every lock */
	spinlock_t all_lock;		/* serialises lock_one() then */
	spinlock_t locks[XTFW_CT_NLOCKS];	/* of buckets, by hash */
};

extern struct kmem_cache *xtfw_ct_cachep;

/* What a hook learned about its packet (ct_proto.c parses it). */
enum xtfw_ct_kind {
	XTFW_CT_K_TRACK,	/* a packet with a tuple */
	XTFW_CT_K_ICMP_ERROR,	/* an ICMP(v6) error: RELATED or INVALID */
	XTFW_CT_K_UNTRACKED,	/* never tracked (ND, MLD) */
	XTFW_CT_K_INVALID,	/* cannot be tracked: broken, fragment */
};

struct xtfw_ct_pkt {
	struct sk_buff *skb;
	const struct nf_hook_state *state;
	struct xtfw_ct_tuple tuple;	/* of this packet, as it travels */
	u32 hash;			/* of tuple */
	unsigned int thoff;		/* transport header offset */
	u8 family;
	u8 kind;			/* enum xtfw_ct_kind */
	u8 stage;			/* XTFW_CT_STAGE_* at this hook */
};

/* The outcome of tracking a packet. */
struct xtfw_ct_res {
	struct xtfw_conn *ct;		/* a reference, or NULL */
	u32 ctstate;			/* XTFW_CTSTATE_* */
	u8 dir;
	unsigned int verdict;		/* NF_ACCEPT, or NF_DROP if full */
};

/* Per-protocol trackers (ct_proto_*.c). */
struct xtfw_ct_proto {
	/* Initialise the state of a new entry; false: INVALID, no entry. */
	bool (*new)(struct xtfw_ct_net *cn, struct xtfw_conn *c,
		    const struct xtfw_ct_pkt *p);
	/* Track a packet of @c, unlocked; returns XTFW_CT_V_*. */
	int (*packet)(struct xtfw_ct_net *cn, struct xtfw_conn *c,
		      const struct xtfw_ct_pkt *p, u8 dir);
	/* The timeout of @c now, in jiffies (at confirmation). */
	u32 (*timeout)(const struct xtfw_ct_net *cn, struct xtfw_conn *c);
	/* May it go to make room for a new one (besides not assured)? */
	bool (*can_early_drop)(const struct xtfw_conn *c);
	/* Header checks done before any lookup; false: INVALID. */
	bool (*valid)(const struct xtfw_ct_pkt *p);
};

enum xtfw_ct_verdict {
	XTFW_CT_V_ACCEPT,	/* valid, timeout refreshed by the tracker */
	XTFW_CT_V_IGNORE,	/* valid, nothing changed */
	XTFW_CT_V_INVALID,
	XTFW_CT_V_REOPEN,	/* delete the entry, then track as new */
};

const struct xtfw_ct_proto *xtfw_ct_proto_find(u8 proto);
extern const struct xtfw_ct_proto xtfw_ct_proto_tcp;
extern const struct xtfw_ct_proto xtfw_ct_proto_udp;
extern const struct xtfw_ct_proto xtfw_ct_proto_icmp;
extern const struct xtfw_ct_proto xtfw_ct_proto_generic;

/*
 * The trackers of most packets, called directly where retpolines would
 * make the indirect call dear (INDIRECT_CALL_2 in ct_track.c), the way
 * nf_conntrack switches on its protocol.
 */
bool xtfw_ct_tcp_valid(const struct xtfw_ct_pkt *p);
bool xtfw_ct_udp_valid(const struct xtfw_ct_pkt *p);
int xtfw_ct_tcp_packet(struct xtfw_ct_net *cn, struct xtfw_conn *c,
		       const struct xtfw_ct_pkt *p, u8 dir);
int xtfw_ct_udp_packet(struct xtfw_ct_net *cn, struct xtfw_conn *c,
		       const struct xtfw_ct_pkt *p, u8 dir);

/* ct_proto.c: parsing packets into tuples. */
int xtfw_ct_parse(struct xtfw_ct_pkt *p, struct sk_buff *skb,
		  const struct nf_hook_state *state, u8 family);
bool xtfw_ct_parse_inner(const struct xtfw_ct_pkt *p,
			 struct xtfw_ct_tuple *inner);
void xtfw_ct_invert(struct xtfw_ct_tuple *dst,
		    const struct xtfw_ct_tuple *src);

/* ct_core.c: the table. */
int xtfw_ct_init(void);
void xtfw_ct_exit(void);
struct xtfw_ct_net *xtfw_ct_net_create(struct xtfw_net *xn);
void xtfw_ct_net_exit(struct xtfw_net *xn);
u32 xtfw_ct_hash(const struct xtfw_ct_net *cn, const struct xtfw_ct_tuple *t);
struct xtfw_ct_thash *xtfw_ct_find_get(struct xtfw_ct_net *cn,
				       const struct xtfw_ct_tuple *t, u32 hash);
struct xtfw_conn *xtfw_ct_lookup(struct xtfw_ct_net *cn,
				 const struct xtfw_ct_tuple *t, u32 hash,
				 u8 stage, u8 *dir);
int xtfw_ct_set_reply(struct xtfw_conn *c, const struct xtfw_ct_tuple *reply,
		      const struct xtfw_ct_tuple *mid);
bool xtfw_ct_tuple_taken(struct xtfw_ct_net *cn, const struct xtfw_conn *c,
			 const struct xtfw_ct_tuple *reply);
struct xtfw_conn *xtfw_ct_alloc(struct xtfw_ct_net *cn,
				const struct xtfw_ct_tuple *orig, u32 hash);
int xtfw_ct_insert(struct xtfw_ct_net *cn, struct xtfw_conn *c,
		   struct xtfw_ct_thash **clash);
bool xtfw_ct_kill(struct xtfw_conn *c);
void xtfw_ct_free(struct xtfw_conn *c);
void xtfw_ct_confirm(struct xtfw_conn *c);
void xtfw_ct_refresh(struct xtfw_conn *c, u32 timeout);
u32 xtfw_ct_left(const struct xtfw_conn *c);
void xtfw_ct_pending_done(struct xtfw_conn *c);
void xtfw_ct_flush(struct xtfw_ct_net *cn,
		   bool (*match)(const struct xtfw_conn *c, const void *arg),
		   const void *arg, u32 *deleted);
int xtfw_ct_set_max(struct xtfw_ct_net *cn, u32 max);
u32 xtfw_ct_default_max(void);
void xtfw_ct_default_timeouts(struct xtfw_ct_timeouts *to);
void xtfw_ct_gc_kick(struct xtfw_ct_net *cn);
void xtfw_ct_stats_read(const struct xtfw_ct_net *cn,
			struct xtfw_ct_stats *sum);

static inline void xtfw_ct_stat_inc(struct xtfw_ct_net *cn,
				    enum xtfw_ct_stat stat)
{
	this_cpu_inc(cn->stats->v[stat]);
}

/* The entry of a hash node; for a MID node, read under RCU. */
static inline struct xtfw_conn *xtfw_ct_of(const struct xtfw_ct_thash *h)
{
	if (unlikely(h->tuple.dir == XTFW_CT_DIR_MID))
		return READ_ONCE(container_of(h, struct xtfw_ct_mid, th)->ct);
	return container_of(h, struct xtfw_conn, th[h->tuple.dir]);
}

/* The id userspace sees: stable while the entry lives, not a pointer. */
static inline u32 xtfw_ct_id(const struct xtfw_conn *c)
{
	return jhash2((const u32 *)&c->th[0].tuple, 9,
		      (u32)hash_ptr(c, 32) ^ c->cn->seed);
}

/* Is @c NATed, in either direction? */
static inline bool xtfw_ct_natted(const struct xtfw_conn *c)
{
	return c->status & (XTFW_CT_S_SNAT | XTFW_CT_S_DNAT);
}

static inline bool xtfw_ct_expired(const struct xtfw_conn *c)
{
	return (s32)(READ_ONCE(c->timeout) - (u32)jiffies) <= 0;
}

static inline bool xtfw_ct_confirmed(const struct xtfw_conn *c)
{
	return test_bit(XTFW_CT_B_CONFIRMED, &c->status);
}

/* Which packet created an unconfirmed entry (its skb, hashed). */
static inline u32 xtfw_ct_owner(const struct sk_buff *skb)
{
	return hash_ptr(skb, 32);
}

/* The namespace's conntrack, or NULL if it was never used. */
static inline struct xtfw_ct_net *xtfw_ct_net_get(struct xtfw_net *xn)
{
	/* pairs with smp_store_release() in xtfw_ct_net_create() */
	return smp_load_acquire(&xn->ct);
}

/* Drop a reference taken by a lookup or allocation. */
static inline void xtfw_ct_put(struct xtfw_conn *c)
{
	if (refcount_dec_and_test(&c->use))
		xtfw_ct_free(c);
}

/**
 * xtfw_ct_state_of() - the XTFW_CTSTATE_* of a packet of @c
 * @c: the connection
 * @dir: the packet's direction in it
 *
 * NEW until the connection has seen a reply, ESTABLISHED after, and for
 * every packet in the reply direction, as Linux's ctinfo. Inline: each
 * hook that looks at a packet's state asks.
 */
static inline u32 xtfw_ct_state_of(const struct xtfw_conn *c, u8 dir)
{
	u32 state = XTFW_CTSTATE_ESTABLISHED;

	if (dir == XTFW_CT_DIR_ORIG &&
	    !test_bit(XTFW_CT_B_SEEN_REPLY, &c->status))
		state = XTFW_CTSTATE_NEW;
	if (test_bit(XTFW_CT_B_SNAT, &c->status))
		state |= XTFW_CTSTATE_SNAT;
	if (test_bit(XTFW_CT_B_DNAT, &c->status))
		state |= XTFW_CTSTATE_DNAT;
	return state;
}

/* ct_track.c: tracking one packet. */
void xtfw_ct_track(struct xtfw_ct_net *cn, struct xtfw_ct_pkt *p,
		   bool update, struct xtfw_ct_res *res);
bool xtfw_ct_track_hinted(struct xtfw_ct_net *cn, const struct xtfw_ct_pkt *p,
			  struct xtfw_conn *c, u8 dir, struct xtfw_ct_res *res);

/* nat.c */
void xtfw_nat_tuple_at(const struct xtfw_conn *c, u8 dir, u8 stage,
		       struct xtfw_ct_tuple *t);
unsigned int xtfw_nat_hook(const struct xtfw_table *t, struct xtfw_pkt *pkt);
unsigned int xtfw_nat_target(const struct xtfw_target *tg,
			     struct xtfw_pkt *pkt);
void xtfw_nat_masq_work(struct work_struct *work);
int xtfw_nat_init(void);
void xtfw_nat_exit(void);

/* ct_hooks.c */
void xtfw_ct_hooks_unregister(struct xtfw_ct_net *cn);
u8 xtfw_ct_stage(const struct nf_hook_state *state, int table);
void xtfw_ct_recs_flush(struct xtfw_ct_net *cn, bool all);

/**
 * xtfw_ct_hooks_sync() - register the conntrack hooks the ruleset needs
 * @xn: the namespace, with xn->commit_mutex held
 * @want: the ruleset about to be or just published; NULL for none
 * @add: the phase, as in xtfw_hooks_sync()
 *
 * Connection tracking runs for a family while that family has a table that
 * needs it (xtfw_table.needs_ct: the nat table, a conntrack, state or
 * connmark match, a CONNMARK target), as nf_ct_netns_get() turns on the
 * kernel's conntrack for iptables rules. With @add, before the new ruleset
 * is published, it adds the hooks @want needs and removes none (it may
 * fail); without, after publishing, it removes those @want does not need
 * (it does not fail). Entries stay until they expire or the namespace
 * exits.
 *
 * Return: 0 or a negative errno; on failure nothing was added.
 */
int xtfw_ct_hooks_sync(struct xtfw_net *xn, const struct xtfw_ruleset *want,
		       bool add);

/* Drop the references the per-CPU lookup hints hold (ct_hooks.c). */
void xtfw_ct_hint_drain(void);

/**
 * xtfw_ct_classify() - find the connection and state of a table's packet
 * @pkt: the packet, as the table hook built it (ct_done false)
 *
 * Fills pkt->ct (a reference, or NULL), pkt->ctstate and pkt->ctdir and
 * sets pkt->ct_done. Cheap when called again. Must run under the hook's
 * RCU read lock; xtfw_ct_pkt_done() drops the reference.
 */
void xtfw_ct_classify(struct xtfw_pkt *pkt);

/**
 * xtfw_ct_pkt_done() - a table hook is done with its packet
 * @pkt: the packet
 * @verdict: the table's verdict
 *
 * Drops the reference xtfw_ct_classify() took. If the table dropped the
 * packet and it was the first of its connection, the unconfirmed entry
 * goes with it, so that a first packet dropped by a rule leaves nothing
 * behind. Does nothing, and need not be called, unless the verdict is
 * NF_DROP or the packet holds a connection (pkt->ct_done && pkt->ct).
 */
void xtfw_ct_pkt_done(struct xtfw_pkt *pkt, unsigned int verdict);

/**
 * xtfw_ct_state() - the packet's XTFW_CTSTATE_* bits
 * @pkt: the packet of a table hook
 *
 * Exactly one of INVALID, NEW, ESTABLISHED, RELATED and UNTRACKED, plus
 * SNAT and/or DNAT when the connection is NATed. Classifies the packet on
 * first use (the pkt->ct* fields are a cache, hence the cast inside).
 */
u32 xtfw_ct_state(const struct xtfw_pkt *pkt);

/**
 * xtfw_ct_mark_get() - the connection mark (CONNMARK) of the packet
 * @pkt: the packet of a table hook
 *
 * Return: the mark; 0 when the packet has no connection (INVALID,
 * UNTRACKED), which -m connmark treats as mark 0 like iptables.
 */
u32 xtfw_ct_mark_get(const struct xtfw_pkt *pkt);

/**
 * xtfw_ct_mark_set() - set the connection mark of the packet
 * @pkt: the packet of a table hook
 * @mark: the new mark
 *
 * Return: false when the packet has no connection (nothing was set).
 */
bool xtfw_ct_mark_set(const struct xtfw_pkt *pkt, u32 mark);

/**
 * xtfw_ct_has_conn() - does the packet belong to a connection?
 * @pkt: the packet of a table hook
 */
bool xtfw_ct_has_conn(const struct xtfw_pkt *pkt);

/**
 * xtfw_ct_notrack() - NOTRACK: leave this packet untracked
 * @pkt: a packet in the raw table (PREROUTING or OUTPUT)
 *
 * The conntrack hook that follows creates no entry for it and every later
 * hook sees it as UNTRACKED, until it leaves (INPUT or POSTROUTING) or a
 * table drops it. Recorded per packet in a small per-namespace set, not in
 * the skb. Return: false if the record could not be made (no memory, or
 * too many packets in flight); the packet should then be dropped.
 */
bool xtfw_ct_notrack(const struct xtfw_pkt *pkt);

/* ct_netlink.c: the conntrack commands, for netlink.c's family. */
void xtfw_ct_event(const struct xtfw_conn *c, u8 event);
extern struct genl_family xtfw_genl_family;
int xtfw_ct_nl_dump_start(struct netlink_callback *cb);
int xtfw_ct_nl_dump(struct sk_buff *skb, struct netlink_callback *cb);
int xtfw_ct_nl_dump_done(struct netlink_callback *cb);
int xtfw_ct_nl_delete(struct sk_buff *skb, struct genl_info *info);
int xtfw_ct_nl_flush(struct sk_buff *skb, struct genl_info *info);
int xtfw_ct_nl_getconf(struct sk_buff *skb, struct genl_info *info);
int xtfw_ct_nl_setconf(struct sk_buff *skb, struct genl_info *info);
int xtfw_ct_nl_stats(struct sk_buff *skb, struct genl_info *info);

/*
 * The conntrack operations, to be merged into the family's ops at
 * registration; the handlers above are what they point to.
 */
#define XTFW_CT_GENL_N_OPS	6
extern const struct genl_ops xtfw_ct_genl_ops[XTFW_CT_GENL_N_OPS];
extern const unsigned int xtfw_ct_genl_n_ops;
extern const struct nla_policy xtfw_ct_policy[XTFW_CT_A_MAX + 1];
extern const struct nla_policy xtfw_ctconf_policy[XTFW_CTCONF_A_MAX + 1];
extern const struct nla_policy xtfw_ctstats_policy[XTFW_CTSTATS_A_MAX + 1];

#endif /* _XTFW_CT_H */
