// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: Conntrack hooks, and finding a packet's connection again
 *
 * Four hooks per family, registered while a table of that family has a
 * rule that needs conntrack (xtfw_ct_hooks_sync()), after nf_defrag at
 * -400:
 *
 *   PREROUTING, OUTPUT  -200 (NF_IP_PRI_CONNTRACK)   xtfw_ct_in()
 *   INPUT, POSTROUTING  INT_MAX (..._CONFIRM)        xtfw_ct_confirm_hook()
 *
 * xtfw_ct_in() runs the tracker once per packet. The first packet of a
 * connection inserts its entry at once, unconfirmed and owned by that
 * packet, so that the hooks after it find it by tuple like any other. The
 * confirm hook, the last one the packet passes, confirms it. If one of
 * xtfw's tables drops the packet, xtfw_ct_pkt_done() deletes the entry the
 * packet owns; if anyone else drops it, the entry expires five seconds
 * after its creation (UNCONFIRMED_TIMEOUT in ct_core.c), and is the first
 * to go when the table is full.
 *
 * What a later hook cannot find by tuple is a verdict about the packet
 * itself: that the raw table said NOTRACK, or that the tracker found it
 * INVALID (out of window, say) although its connection exists. Those
 * packets get a record in a small per-namespace hash keyed by the skb's
 * address (struct xtfw_ct_rec), made by NOTRACK in raw or by
 * xtfw_ct_in(), found by every later hook, and removed by the confirm hook
 * or when a table drops the packet. An skb address is unique while the
 * packet lives; a record outliving its packet (dropped elsewhere) is
 * removed by the next packet with that address at xtfw_ct_in(), which
 * decides afresh, or by the GC after REC_TTL. A NOTRACK record counts at
 * xtfw_ct_in() only if made in the last second, i.e. by the raw table of
 * this very traversal. When no record exists, which is the normal case,
 * the hooks pay one atomic_read() for all this.
 *
 * The table hooks after xtfw_ct_in() (FORWARD, INPUT, ...) look the
 * connection up again by tuple, which costs a hash and a bucket walk. A
 * per-CPU hint (struct ct_hint) lets them skip both: xtfw_ct_in() leaves
 * the entry it found, with a reference, in its CPU's slot under the skb's
 * address, and a table hook of the same skb on that CPU checks that entry
 * with xtfw_ct_track_hinted() (live, of this table, not NATed, with the
 * packet's tuple hashed in that direction: the entry the lookup would
 * find) before falling back to the lookup. A packet queued and resumed on
 * another CPU, or a slot left behind by a packet dropped elsewhere, only
 * costs that lookup. The slot's reference goes at the packet's confirm
 * hook, when a table drops it, when the next packet takes the slot, or in
 * xtfw_ct_hint_drain() (after a flush, at namespace exit, before counting).
 *
 * Loopback: a packet sent to this host was tracked at OUTPUT, so
 * PREROUTING on lo leaves it alone, and its records survive POSTROUTING
 * on lo to be removed at INPUT.
 */
#include <linux/hash.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "ct.h"

#define REC_TTL		(10 * HZ)	/* a packet dropped by someone else */
#define REC_FRESH	HZ		/* raw -> conntrack of one traversal */

struct xtfw_ct_rec {
	struct hlist_node node;
	const struct sk_buff *skb;
	unsigned long stamp;
	u32 ctstate;			/* UNTRACKED or INVALID */
	struct rcu_head rcu;
};

static u8 family_of(const struct nf_hook_state *state)
{
	return state->pf == NFPROTO_IPV4 ? XTFW_FAMILY_IPV4 : XTFW_FAMILY_IPV6;
}

/* --- per-packet records -------------------------------------------------- */

static unsigned int rec_bucket(const struct sk_buff *skb)
{
	return hash_ptr(skb, ilog2(XTFW_CT_REC_BUCKETS));
}

static struct xtfw_ct_rec *rec_find_rcu(struct xtfw_ct_net *cn,
					const struct sk_buff *skb)
{
	struct xtfw_ct_rec *r;

	hlist_for_each_entry_rcu(r, &cn->recs.heads[rec_bucket(skb)], node)
		if (r->skb == skb)
			return r;
	return NULL;
}

static struct xtfw_ct_rec *rec_find_locked(struct xtfw_ct_net *cn,
					   const struct sk_buff *skb)
{
	struct xtfw_ct_rec *r;

	hlist_for_each_entry(r, &cn->recs.heads[rec_bucket(skb)], node)
		if (r->skb == skb)
			return r;
	return NULL;
}

static void rec_unlink(struct xtfw_ct_net *cn, struct xtfw_ct_rec *r)
{
	hlist_del_rcu(&r->node);
	atomic_dec(&cn->recs.count);
	kfree_rcu(r, rcu);
}

/* Record @ctstate for the packet; false if no room or memory. */
static bool rec_add(struct xtfw_ct_net *cn, const struct sk_buff *skb,
		    u32 ctstate)
{
	unsigned int b = rec_bucket(skb);
	struct xtfw_ct_rec *r;
	bool ok = true;

	spin_lock_bh(&cn->recs.locks[b]);
	r = rec_find_locked(cn, skb);
	if (!r) {
		if (atomic_read(&cn->recs.count) >= XTFW_CT_REC_MAX)
			r = NULL;
		else
			r = kmalloc(sizeof(*r), GFP_ATOMIC);
		if (!r) {
			ok = false;
			goto out;
		}
		r->skb = skb;
		atomic_inc(&cn->recs.count);
		hlist_add_head_rcu(&r->node, &cn->recs.heads[b]);
	}
	WRITE_ONCE(r->stamp, jiffies);
	WRITE_ONCE(r->ctstate, ctstate);
out:
	spin_unlock_bh(&cn->recs.locks[b]);
	return ok;
}

/* rec_del() when there are records. */
static noinline u32 rec_del_slow(struct xtfw_ct_net *cn,
				 const struct sk_buff *skb)
{
	unsigned int b = rec_bucket(skb);
	struct xtfw_ct_rec *r;
	u32 ctstate = 0;

	spin_lock_bh(&cn->recs.locks[b]);
	r = rec_find_locked(cn, skb);
	if (r) {
		ctstate = r->ctstate;
		rec_unlink(cn, r);
	}
	spin_unlock_bh(&cn->recs.locks[b]);
	return ctstate;
}

/*
 * Remove the packet's record; returns its ctstate, 0 if there was none.
 * Inline, so that a packet of a namespace without records pays one read.
 */
static __always_inline u32 rec_del(struct xtfw_ct_net *cn,
				   const struct sk_buff *skb)
{
	if (!atomic_read(&cn->recs.count))
		return 0;
	return rec_del_slow(cn, skb);
}

/* The packet's record, under RCU; 0 if none. */
static u32 rec_get(struct xtfw_ct_net *cn, const struct sk_buff *skb)
{
	const struct xtfw_ct_rec *r;

	if (!atomic_read(&cn->recs.count))
		return 0;
	r = rec_find_rcu(cn, skb);
	return r ? READ_ONCE(r->ctstate) : 0;
}

/*
 * At the conntrack hook: true if the raw table just said NOTRACK. Any
 * other record is from an earlier packet at this address: remove it.
 */
static bool rec_notrack_now(struct xtfw_ct_net *cn, const struct sk_buff *skb)
{
	const struct xtfw_ct_rec *r;
	bool fresh;

	if (!atomic_read(&cn->recs.count))
		return false;
	r = rec_find_rcu(cn, skb);
	if (!r)
		return false;
	fresh = READ_ONCE(r->ctstate) == XTFW_CTSTATE_UNTRACKED &&
		time_before(jiffies, READ_ONCE(r->stamp) + REC_FRESH);
	if (!fresh)
		rec_del(cn, skb);
	return fresh;
}

/**
 * xtfw_ct_recs_flush() - remove records of packets long gone, or all
 * @cn: the namespace's conntrack
 * @all: remove every record (namespace exit)
 */
void xtfw_ct_recs_flush(struct xtfw_ct_net *cn, bool all)
{
	struct xtfw_ct_rec *r;
	struct hlist_node *tmp;
	unsigned int b;

	for (b = 0; b < XTFW_CT_REC_BUCKETS; b++) {
		spin_lock_bh(&cn->recs.locks[b]);
		hlist_for_each_entry_safe(r, tmp, &cn->recs.heads[b], node)
			if (all || time_after(jiffies, r->stamp + REC_TTL))
				rec_unlink(cn, r);
		spin_unlock_bh(&cn->recs.locks[b]);
	}
}

/* --- the per-CPU hint ---------------------------------------------------- */

/*
 * @ct is exchanged atomically (xtfw_ct_hint_drain() takes it from other
 * CPUs); @skb and @dir are only written by their own CPU with BH off,
 * which is also the only time the slot is read.
 */
struct ct_hint {
	const struct sk_buff *skb;
	struct xtfw_conn *ct;		/* a reference, or NULL */
	u8 dir;
};

static DEFINE_PER_CPU(struct ct_hint, ct_hint);

/*
 * May this context use its CPU's slot? Not with BH on (another packet's
 * softirq could come in between), nor where BH off leaves it preemptible.
 */
static bool hint_usable(void)
{
	return !IS_ENABLED(CONFIG_PREEMPT_RT) && in_softirq();
}

/* xtfw_ct_in() found @res->ct for @skb: the slot takes the reference. */
static void hint_set(const struct sk_buff *skb, const struct xtfw_ct_res *res)
{
	struct ct_hint *h;
	struct xtfw_conn *old;

	if (!hint_usable()) {
		xtfw_ct_put(res->ct);
		return;
	}
	h = this_cpu_ptr(&ct_hint);
	h->skb = skb;
	h->dir = res->dir;
	old = xchg(&h->ct, res->ct);
	if (old)
		xtfw_ct_put(old);
}

/* The slot's entry if it was left for @skb, without a reference. */
static struct xtfw_conn *hint_get(const struct sk_buff *skb, u8 *dir)
{
	struct ct_hint *h;

	if (!hint_usable())
		return NULL;
	h = this_cpu_ptr(&ct_hint);
	if (h->skb != skb)
		return NULL;
	*dir = h->dir;
	return READ_ONCE(h->ct);
}

/* @skb is done with: drop the reference its slot holds, if any. */
static void hint_clear(const struct sk_buff *skb)
{
	struct xtfw_conn *c;
	struct ct_hint *h;

	if (!hint_usable())
		return;
	h = this_cpu_ptr(&ct_hint);
	if (h->skb != skb)
		return;
	h->skb = NULL;
	c = xchg(&h->ct, NULL);
	if (c)
		xtfw_ct_put(c);
}

/**
 * xtfw_ct_hint_drain() - drop the references every CPU's hint holds
 *
 * So that an entry deleted while a hint still held it is freed now: after
 * a flush, at namespace exit, before counting entries. Any context.
 */
void xtfw_ct_hint_drain(void)
{
	struct xtfw_conn *c;
	int cpu;

	for_each_possible_cpu(cpu) {
		c = xchg(&per_cpu_ptr(&ct_hint, cpu)->ct, NULL);
		if (c)
			xtfw_ct_put(c);
	}
}

/* --- the hooks --------------------------------------------------------- */

static bool loopback(const struct net_device *dev)
{
	return dev && (dev->flags & IFF_LOOPBACK);
}

static unsigned int xtfw_ct_in(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct xtfw_ct_net *cn = priv;
	/* filled whole by xtfw_ct_parse() and xtfw_ct_track(): not zeroed */
	struct xtfw_ct_res res __uninitialized;
	struct xtfw_ct_pkt p __uninitialized;

	if (state->hook == NF_INET_PRE_ROUTING && loopback(state->in))
		return NF_ACCEPT;	/* tracked at OUTPUT */
	if (rec_notrack_now(cn, skb))
		return NF_ACCEPT;
	xtfw_ct_parse(&p, skb, state, family_of(state));
	xtfw_ct_track(cn, &p, true, &res);
	if (res.ct && p.kind == XTFW_CT_K_TRACK) {
		hint_set(skb, &res);
	} else {
		if (res.ct)
			xtfw_ct_put(res.ct);
		hint_clear(skb);	/* an earlier packet's, at this address */
	}
	if (res.ctstate == XTFW_CTSTATE_INVALID && res.verdict == NF_ACCEPT &&
	    !rec_add(cn, skb, XTFW_CTSTATE_INVALID)) {
		xtfw_ct_stat_inc(cn, XTFW_CT_STAT_DROP);
		return NF_DROP;
	}
	return res.verdict;
}

/**
 * xtfw_ct_stage() - how far through NAT a packet is at a table's hook
 * @state: the hook
 * @table: XTFW_TABLE_*, or -1 for the confirm hook, the last of all
 *
 * Destinations are translated by nat in PREROUTING and OUTPUT (-100),
 * sources by nat in POSTROUTING and INPUT (100); the nat table itself
 * sees its packet before it translates it. A packet that comes in on
 * loopback was sent by this host and went through both already.
 */
u8 xtfw_ct_stage(const struct nf_hook_state *state, int table)
{
	switch (state->hook) {
	case NF_INET_PRE_ROUTING:
		return loopback(state->in) ? XTFW_CT_STAGE_ALL : 0;
	case NF_INET_LOCAL_OUT:
		return table == XTFW_TABLE_FILTER ||
		       table == XTFW_TABLE_SECURITY ? XTFW_CT_STAGE_DST : 0;
	case NF_INET_LOCAL_IN:
		if (loopback(state->in))
			return XTFW_CT_STAGE_ALL;
		fallthrough;
	case NF_INET_POST_ROUTING:
		return table < 0 ? XTFW_CT_STAGE_ALL : XTFW_CT_STAGE_DST;
	default:
		return XTFW_CT_STAGE_DST;
	}
}

/* find_pending() when some entry is pending. */
static noinline struct xtfw_conn *
find_pending_slow(struct xtfw_ct_net *cn, struct sk_buff *skb,
		  const struct nf_hook_state *state, u8 family, u8 stage)
{
	struct xtfw_ct_pkt p;
	u8 dir;

	if (xtfw_ct_parse(&p, skb, state, family) ||
	    p.kind != XTFW_CT_K_TRACK)
		return NULL;
	return xtfw_ct_lookup(cn, &p.tuple, xtfw_ct_hash(cn, &p.tuple), stage,
			      &dir);
}

/*
 * The entry the packet is the first of, if any, with a reference. Inline,
 * so that the packets of established connections (none pending) pay one
 * read, not a call that sets up a parse.
 */
static __always_inline struct xtfw_conn *
find_pending(struct xtfw_ct_net *cn, struct sk_buff *skb,
	     const struct nf_hook_state *state, u8 family, u8 stage)
{
	if (!atomic_read(&cn->pending))
		return NULL;
	return find_pending_slow(cn, skb, state, family, stage);
}

/* Hash the reply node that insertion found taken, if no NAT moved it. */
static int hash_reply(struct xtfw_conn *c)
{
	int ret = 0;

	spin_lock_bh(&c->lock);
	if (!test_bit(XTFW_CT_B_REPLY_HASHED, &c->status))
		ret = xtfw_ct_set_reply(c, &c->th[1].tuple, NULL);
	spin_unlock_bh(&c->lock);
	return ret;
}

static unsigned int xtfw_ct_confirm_hook(void *priv, struct sk_buff *skb,
					 const struct nf_hook_state *state)
{
	unsigned int verdict = NF_ACCEPT;
	struct xtfw_ct_net *cn = priv;
	struct xtfw_conn *c;

	hint_clear(skb);
	/* on lo the packet goes on to PREROUTING and INPUT */
	if (!(state->hook == NF_INET_POST_ROUTING && loopback(state->out)) &&
	    rec_del(cn, skb))
		return NF_ACCEPT;
	c = find_pending(cn, skb, state, family_of(state), XTFW_CT_STAGE_ALL);
	if (!c)
		return NF_ACCEPT;
	if (test_bit(XTFW_CT_B_KILL, &c->status)) {
		xtfw_ct_kill(c);
	} else if (!xtfw_ct_confirmed(c) &&
		   c->owner == xtfw_ct_owner(skb) &&
		   !test_bit(XTFW_CT_B_REPLY_HASHED, &c->status) &&
		   hash_reply(c)) {
		/* its reply tuple is another's, and no NAT gave it a new one */
		xtfw_ct_stat_inc(cn, XTFW_CT_STAT_INSERT_FAILED);
		xtfw_ct_kill(c);
		verdict = NF_DROP;
	} else if (!xtfw_ct_confirmed(c)) {
		xtfw_ct_confirm(c);
	}
	xtfw_ct_put(c);
	return verdict;
}

static const struct nf_hook_ops ct_hook_template[] = {
	{
		.hook = xtfw_ct_in,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_CONNTRACK,
	}, {
		.hook = xtfw_ct_in,
		.hooknum = NF_INET_LOCAL_OUT,
		.priority = NF_IP_PRI_CONNTRACK,
	}, {
		.hook = xtfw_ct_confirm_hook,
		.hooknum = NF_INET_LOCAL_IN,
		.priority = NF_IP_PRI_CONNTRACK_CONFIRM,
	}, {
		.hook = xtfw_ct_confirm_hook,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_CONNTRACK_CONFIRM,
	},
};

static_assert(NF_IP_PRI_CONNTRACK == (int)NF_IP6_PRI_CONNTRACK);
static_assert(NF_IP_PRI_CONNTRACK_CONFIRM == (int)NF_IP6_PRI_LAST);

static int defrag_enable(struct net *net, u8 family)
{
	if (family == XTFW_FAMILY_IPV4)
		return nf_defrag_ipv4_enable(net);
	return nf_defrag_ipv6_enable(net);
}

static void defrag_disable(struct net *net, u8 family)
{
	if (family == XTFW_FAMILY_IPV4)
		nf_defrag_ipv4_disable(net);
	else
		nf_defrag_ipv6_disable(net);
}

static int hooks_add(struct xtfw_ct_net *cn, u8 family)
{
	struct net *net = cn->xn->net;
	struct nf_hook_ops *ops;
	unsigned int i;
	int ret;

	ops = kmemdup(ct_hook_template, sizeof(ct_hook_template), GFP_KERNEL);
	if (!ops)
		return -ENOMEM;
	for (i = 0; i < ARRAY_SIZE(ct_hook_template); i++) {
		ops[i].pf = family == XTFW_FAMILY_IPV4 ? NFPROTO_IPV4 :
							 NFPROTO_IPV6;
		ops[i].priv = cn;
	}
	ret = defrag_enable(net, family);
	if (ret)
		goto err_defrag;
	ret = nf_register_net_hooks(net, ops, ARRAY_SIZE(ct_hook_template));
	if (ret)
		goto err_hooks;
	cn->hook_ops[family] = ops;
	WRITE_ONCE(cn->hook_families, cn->hook_families | BIT(family));
	return 0;

err_hooks:
	defrag_disable(net, family);
err_defrag:
	kfree(ops);
	return ret;
}

static void hooks_del(struct xtfw_ct_net *cn, u8 family)
{
	struct net *net = cn->xn->net;

	nf_unregister_net_hooks(net, cn->hook_ops[family],
				ARRAY_SIZE(ct_hook_template));
	defrag_disable(net, family);
	kfree(cn->hook_ops[family]);
	cn->hook_ops[family] = NULL;
	WRITE_ONCE(cn->hook_families, cn->hook_families & ~BIT(family));
}

/* Families with a table whose rules need conntrack. */
static u8 ct_families(const struct xtfw_ruleset *rs)
{
	unsigned int f, t;
	u8 families = 0;

	for (f = 0; rs && f < __XTFW_FAMILY_MAX; f++)
		for (t = 0; t < __XTFW_TABLE_MAX; t++)
			if (rs->tables[f][t] && rs->tables[f][t]->needs_ct)
				families |= BIT(f);
	return families;
}

int xtfw_ct_hooks_sync(struct xtfw_net *xn, const struct xtfw_ruleset *want,
		       bool add)
{
	u8 families = ct_families(want), added = 0;
	struct xtfw_ct_net *cn;
	unsigned int f;
	int ret = 0;

	lockdep_assert_held(&xn->commit_mutex);
	cn = families ? xtfw_ct_net_create(xn) : xtfw_ct_net_get(xn);
	if (cn && add)
		families |= cn->hook_families;
	if (!cn)
		return families ? -ENOMEM : 0;
	mutex_lock(&cn->mutex);
	for (f = 0; f < __XTFW_FAMILY_MAX && !ret; f++) {
		bool have = cn->hook_families & BIT(f);

		if ((families & BIT(f)) && !have) {
			ret = hooks_add(cn, f);
			if (!ret)
				added |= BIT(f);
		} else if (!(families & BIT(f)) && have) {
			hooks_del(cn, f);
		}
	}
	/* on failure, take back what this call added */
	for (f = 0; f < __XTFW_FAMILY_MAX && ret; f++)
		if (added & BIT(f))
			hooks_del(cn, f);
	if (cn->hook_families && !cn->exiting)
		xtfw_ct_gc_kick(cn);
	mutex_unlock(&cn->mutex);
	return ret;
}

/* Namespace exit: normally pre_exit has done this already. */
void xtfw_ct_hooks_unregister(struct xtfw_ct_net *cn)
{
	unsigned int f;

	mutex_lock(&cn->mutex);
	for (f = 0; f < __XTFW_FAMILY_MAX; f++)
		if (WARN_ON_ONCE(cn->hook_families & BIT(f)))
			hooks_del(cn, f);
	mutex_unlock(&cn->mutex);
}

/* --- what the table hooks call ------------------------------------------- */

void xtfw_ct_classify(struct xtfw_pkt *pkt)
{
	struct xtfw_ct_net *cn = xtfw_ct_net_get(pkt->xn);
	struct xtfw_conn *hint;
	/* filled whole by xtfw_ct_parse() and the tracker: not zeroed */
	struct xtfw_ct_res res __uninitialized;
	struct xtfw_ct_pkt p __uninitialized;
	u32 recorded;
	u8 dir;

	if (pkt->ct_done)
		return;
	pkt->ct_done = true;
	pkt->ct = NULL;
	pkt->ctdir = 0;
	pkt->ctstate = XTFW_CTSTATE_INVALID;
	if (!cn || !(READ_ONCE(cn->hook_families) & BIT(pkt->family)))
		return;
	recorded = rec_get(cn, pkt->skb);
	if (recorded || pkt->table == XTFW_TABLE_RAW) {
		/* raw runs before tracking, as in iptables */
		if (recorded == XTFW_CTSTATE_UNTRACKED)
			pkt->ctstate = recorded;
		return;
	}
	xtfw_ct_parse(&p, pkt->skb, pkt->state, pkt->family);
	p.stage = xtfw_ct_stage(pkt->state, pkt->table);
	hint = hint_get(pkt->skb, &dir);
	if (!hint || !xtfw_ct_track_hinted(cn, &p, hint, dir, &res))
		xtfw_ct_track(cn, &p, false, &res);
	pkt->ct = res.ct;
	pkt->ctdir = res.dir;
	pkt->ctstate = res.ctstate;
}

/* A table dropped the first packet of a connection: forget it too. */
static void first_packet_dropped(struct xtfw_ct_net *cn,
				 const struct xtfw_pkt *pkt)
{
	struct xtfw_conn *c = pkt->ct;

	if (pkt->ct_done && (!c || !(pkt->ctstate & XTFW_CTSTATE_NEW)))
		return;
	if (c)
		refcount_inc(&c->use);
	else
		c = find_pending(cn, pkt->skb, pkt->state, pkt->family,
				 xtfw_ct_stage(pkt->state, pkt->table));
	if (!c)
		return;
	if (!xtfw_ct_confirmed(c) && c->owner == xtfw_ct_owner(pkt->skb))
		xtfw_ct_kill(c);
	xtfw_ct_put(c);
}

void xtfw_ct_pkt_done(struct xtfw_pkt *pkt, unsigned int verdict)
{
	struct xtfw_conn *c = pkt->ct_done ? pkt->ct : NULL;
	struct xtfw_ct_net *cn;

	if ((verdict & NF_VERDICT_MASK) == NF_DROP) {
		hint_clear(pkt->skb);
		cn = xtfw_ct_net_get(pkt->xn);
		if (cn) {
			rec_del(cn, pkt->skb);
			/* raw runs before tracking: no entry yet */
			if (pkt->table != XTFW_TABLE_RAW)
				first_packet_dropped(cn, pkt);
		}
	}
	if (c) {
		pkt->ct = NULL;
		xtfw_ct_put(c);
	}
}

u32 xtfw_ct_state(const struct xtfw_pkt *pkt)
{
	if (!pkt->ct_done)
		xtfw_ct_classify((struct xtfw_pkt *)pkt);
	return pkt->ctstate;
}

bool xtfw_ct_has_conn(const struct xtfw_pkt *pkt)
{
	xtfw_ct_state(pkt);
	return pkt->ct;
}

u32 xtfw_ct_mark_get(const struct xtfw_pkt *pkt)
{
	return xtfw_ct_has_conn(pkt) ? READ_ONCE(pkt->ct->mark) : 0;
}

bool xtfw_ct_mark_set(const struct xtfw_pkt *pkt, u32 mark)
{
	if (!xtfw_ct_has_conn(pkt))
		return false;
	if (READ_ONCE(pkt->ct->mark) != mark)
		WRITE_ONCE(pkt->ct->mark, mark);
	return true;
}

bool xtfw_ct_notrack(const struct xtfw_pkt *pkt)
{
	struct xtfw_ct_net *cn = xtfw_ct_net_get(pkt->xn);
	struct xtfw_pkt *mut = (struct xtfw_pkt *)pkt;

	if (!cn || !(READ_ONCE(cn->hook_families) & BIT(pkt->family)))
		return true;	/* nothing tracks it anyway */
	if (!rec_add(cn, pkt->skb, XTFW_CTSTATE_UNTRACKED)) {
		xtfw_ct_stat_inc(cn, XTFW_CT_STAT_DROP);
		return false;
	}
	if (mut->ct_done && mut->ct) {
		xtfw_ct_put(mut->ct);
		mut->ct = NULL;
	}
	mut->ct_done = true;
	mut->ctstate = XTFW_CTSTATE_UNTRACKED;
	return true;
}
