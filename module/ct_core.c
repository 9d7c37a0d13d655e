// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: Connection tracking: theory of operation
 *
 * xtfw tracks connections itself, without the kernel's nf_conntrack, and
 * without the two places nf_conntrack keeps per-packet state: skb->_nfct
 * and skb->cb belong to others (ARCHITECTURE.md, decision 5). So every hook
 * that needs a packet's connection finds it again, by looking up the
 * packet's tuple. This comment explains the table that makes that cheap;
 * ct_hooks.c explains the hooks and doc/conntrack.md the whole design.
 *
 * The table. Each namespace has its own hash table (struct xtfw_ct_net),
 * created when its first table of rules is committed. A connection (struct
 * xtfw_conn) is hashed twice, once per direction, in hlist_nulls buckets;
 * the nulls value that ends a chain is the bucket number plus a random
 * per-table base. Lookups (xtfw_ct_find_get()) take no lock: they walk a
 * chain under RCU, and if the walk ends on a nulls value that is not the
 * one of the bucket they started from, an entry they were standing on was
 * freed and reused in another chain (or the table was resized), and they
 * start again (counted as search_restart).
 *
 * Lifetime. Entries come from a SLAB_TYPESAFE_BY_RCU cache: memory a reader
 * may be looking at stays an xtfw_conn for a grace period, but can become a
 * different connection at any time. A reader therefore takes a reference
 * with refcount_inc_not_zero() and then checks the key (and the table) again;
 * an entry being set up has a count of zero until it is inserted, so no
 * reader can grab it half built. The table holds one reference; killing an
 * entry (xtfw_ct_kill()) sets DYING, unlinks both directions and drops it,
 * and the last reference frees the memory at once, with no RCU callback.
 * This is why a hook that keeps an entry past its lookup (pkt->ct) must
 * hold a reference, and xtfw_ct_pkt_done() drops it.
 *
 * Locks. Inserting and deleting take the locks of the two buckets, from an
 * array of XTFW_CT_NLOCKS spinlocks indexed by the full 32-bit hash (so that
 * the lock of an entry does not change when the table is resized), always
 * the lower index first (spin_lock_nested() for the second). A resize takes
 * every lock at once the way nf_conntrack does: it sets all_locked under
 * all_lock and takes and releases each lock in turn, so every insert or
 * delete in progress finishes and every new one waits on all_lock.
 *
 * Size. The table starts small and the GC worker resizes it (to about two
 * buckets per entry, a power of two between XTFW_CT_MIN_BUCKETS and the
 * next power of two above max), so that an idle namespace holds 2 KiB. The
 * number of entries is bounded by max (default from memory size, like
 * nf_conntrack_max). At the limit, a new connection first evicts one that
 * is not assured (or a TCP one that is closing), looking at up to
 * EARLY_DROP_ENTRIES entries in up to EARLY_DROP_BUCKETS buckets from its
 * own; if there is none, its packet is dropped (stat drop).
 *
 * Expiry. Each entry has a timeout (jiffies32). The GC worker visits up to
 * GC_BUCKETS buckets per run under RCU, with cond_resched() between batches
 * and a bucket lock only for each delete; lookups also delete expired
 * entries they meet.
 */
#include <linux/jhash.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "ct.h"

/*
 * sizeof(struct nf_conn) on Debian's 6.1 and 6.12 x86_64 kernels, measured
 * with pahole on their nf_conntrack.ko (both 248; slab object 256). Debug
 * kernels grow spinlocks in both structs, so the check is off there.
 */
#define NF_CONN_SIZE		248

#define UNCONFIRMED_TIMEOUT	(5 * HZ)	/* first packet lost elsewhere */
#define EARLY_DROP_BUCKETS	1024
#define EARLY_DROP_ENTRIES	64
#define GC_BUCKETS		4096		/* per run */
#define GC_BATCH		256		/* between cond_resched() */
#define GC_INTERVAL		HZ		/* after a full pass */
#define GC_STEP			(HZ / 50)	/* within a pass */

struct kmem_cache *xtfw_ct_cachep __read_mostly;

/*
 * Keyed by the namespace's random seed. An IPv4 tuple's addresses are one
 * word each, the rest of their unions zero: three words are hashed, not
 * nine (every packet's lookup hashes its tuple once).
 */
u32 xtfw_ct_hash(const struct xtfw_ct_net *cn, const struct xtfw_ct_tuple *t)
{
	u32 seed = cn->seed ^ ((u32)t->family << 8 | t->proto);

	BUILD_BUG_ON(offsetof(struct xtfw_ct_tuple, family) != 9 * sizeof(u32));
	if (t->family == XTFW_FAMILY_IPV4)
		return jhash_3words((__force u32)t->src.ip,
				    (__force u32)t->dst.ip,
				    (__force u32)t->sport << 16 |
				    (__force u32)t->dport, seed);
	return jhash2((const u32 *)t, 9, seed);
}

static struct hlist_nulls_head *bucket_of(struct xtfw_ct_htable *ht, u32 hash)
{
	return &ht->buckets[hash & (ht->size - 1)];
}

static bool is_nulls_of(const struct xtfw_ct_htable *ht,
			const struct hlist_nulls_node *n, u32 hash)
{
	return get_nulls_value(n) == ht->nulls_base + (hash & (ht->size - 1));
}

static struct xtfw_ct_htable *ht_alloc(unsigned int size)
{
	struct xtfw_ct_htable *ht;
	unsigned int i;

	ht = kvzalloc(struct_size(ht, buckets, size), GFP_KERNEL_ACCOUNT);
	if (!ht)
		return NULL;
	ht->size = size;
	/* random, so that a reader wandering in from another table restarts */
	ht->nulls_base = (unsigned long)get_random_u32() << 20;
	for (i = 0; i < size; i++)
		INIT_HLIST_NULLS_HEAD(&ht->buckets[i], ht->nulls_base + i);
	return ht;
}

/* --- locks ------------------------------------------------------------- */

/*
 * Take one bucket lock, BHs off. If a resize is taking all locks, wait for
 * it on all_lock; the smp_load_acquire() pairs with the smp_store_release()
 * in all_unlock().
 */
static void lock_one(struct xtfw_ct_net *cn, spinlock_t *lock)
	__acquires(lock)
{
	spin_lock(lock);
	/* pairs with smp_store_release() in all_unlock() */
	if (likely(!smp_load_acquire(&cn->all_locked)))
		return;
	spin_unlock(lock);
	spin_lock(&cn->all_lock);
	spin_lock(lock);
	spin_unlock(&cn->all_lock);
}

/*
 * The locks of up to XTFW_CT_MAX_LOCKSET buckets, BHs off, in ascending
 * index order (nested lockdep subclasses after the first); a lock shared
 * by several buckets is taken once.
 */
#define XTFW_CT_MAX_LOCKSET	4

struct lockset {
	unsigned int n;
	unsigned int idx[XTFW_CT_MAX_LOCKSET];
};

static void lockset_init(struct lockset *ls, const u32 *hashes,
			 unsigned int n)
{
	unsigned int i, j, v;

	ls->n = 0;
	for (i = 0; i < n; i++) {
		v = hashes[i] % XTFW_CT_NLOCKS;
		for (j = ls->n; j > 0 && ls->idx[j - 1] > v; j--)
			;
		if (j > 0 && ls->idx[j - 1] == v)
			continue;
		memmove(&ls->idx[j + 1], &ls->idx[j],
			(ls->n - j) * sizeof(ls->idx[0]));
		ls->idx[j] = v;
		ls->n++;
	}
}

/*
 * sparse cannot count locks taken in a loop: it is shown one context for
 * the whole set (the loops are hidden from it, nothing else is).
 */
static void lockset_lock(struct xtfw_ct_net *cn, const struct lockset *ls)
	__acquires(&cn->locks)
{
	local_bh_disable();
#ifndef __CHECKER__
	lock_one(cn, &cn->locks[ls->idx[0]]);
	for (unsigned int i = 1; i < ls->n; i++)
		spin_lock_nested(&cn->locks[ls->idx[i]], i);
#endif
	__acquire(&cn->locks);
}

static void lockset_unlock(struct xtfw_ct_net *cn, const struct lockset *ls)
	__releases(&cn->locks)
{
	__release(&cn->locks);
#ifndef __CHECKER__
	for (unsigned int i = ls->n; i > 0; i--)
		spin_unlock(&cn->locks[ls->idx[i - 1]]);
#endif
	local_bh_enable();
}

/* The locks of two buckets, lower index first; one if they share it. */
static void double_lock(struct xtfw_ct_net *cn, struct lockset *ls,
			u32 h1, u32 h2)
	__acquires(&cn->locks)
{
	u32 h[2] = { h1, h2 };

	lockset_init(ls, h, 2);
	lockset_lock(cn, ls);
}

/* Every bucket lock at once, for a resize; BHs must be off. */
static void all_lock(struct xtfw_ct_net *cn) __acquires(&cn->all_lock)
{
	unsigned int i;

	spin_lock(&cn->all_lock);
	WRITE_ONCE(cn->all_locked, true);
	/* wait for holders; each unlock publishes all_locked to the next */
	for (i = 0; i < XTFW_CT_NLOCKS; i++) {
		spin_lock(&cn->locks[i]);
		spin_unlock(&cn->locks[i]);
	}
}

static void all_unlock(struct xtfw_ct_net *cn) __releases(&cn->all_lock)
{
	/* pairs with smp_load_acquire() in lock_one() */
	smp_store_release(&cn->all_locked, false);
	spin_unlock(&cn->all_lock);
}

/*
 * The table, for a writer holding the lock of @hash: a resize, the only
 * writer of cn->ht, holds every bucket lock while it swaps it.
 */
static struct xtfw_ct_htable *ht_locked(struct xtfw_ct_net *cn, u32 hash)
{
	return rcu_dereference_protected(cn->ht,
		lockdep_is_held(&cn->locks[hash % XTFW_CT_NLOCKS]));
}

/* --- lookup -------------------------------------------------------------- */

static void kill_expired(struct xtfw_ct_net *cn, struct xtfw_conn *c)
{
	if (!refcount_inc_not_zero(&c->use))
		return;
	smp_acquire__after_ctrl_dep();
	if (c->cn == cn && xtfw_ct_expired(c))
		xtfw_ct_kill(c);
	xtfw_ct_put(c);
}

/*
 * Walk the chain of @hash for @t under RCU; expired entries met on the way
 * are deleted. Returns a candidate without a reference, or NULL.
 */
static struct xtfw_ct_thash *find_rcu(struct xtfw_ct_net *cn,
				      const struct xtfw_ct_tuple *t, u32 hash)
{
	struct xtfw_ct_htable *ht;
	struct hlist_nulls_node *n;
	struct xtfw_ct_thash *h;

begin:
	ht = rcu_dereference(cn->ht);
	hlist_nulls_for_each_entry_rcu(h, n, bucket_of(ht, hash), node) {
		struct xtfw_conn *c = xtfw_ct_of(h);

		if (!xtfw_ct_key_equal(&h->tuple, t))
			continue;
		if (xtfw_ct_expired(c)) {
			kill_expired(cn, c);
			continue;
		}
		if (!test_bit(XTFW_CT_B_DYING, &c->status))
			return h;
	}
	if (!is_nulls_of(ht, n, hash)) {
		xtfw_ct_stat_inc(cn, XTFW_CT_STAT_SEARCH_RESTART);
		goto begin;
	}
	return NULL;
}

/**
 * xtfw_ct_find_get() - look up a tuple
 * @cn: the namespace's table
 * @t: the tuple, with dir and pad zero
 * @hash: xtfw_ct_hash() of @t
 *
 * Must be called under rcu_read_lock(). Return: the hash node of the
 * direction that matched, with a reference on its entry, or NULL.
 */
struct xtfw_ct_thash *xtfw_ct_find_get(struct xtfw_ct_net *cn,
				       const struct xtfw_ct_tuple *t, u32 hash)
{
	struct xtfw_ct_thash *h;
	struct xtfw_conn *c;

	RCU_LOCKDEP_WARN(!rcu_read_lock_held(), "conntrack lookup outside RCU");
	for (;;) {
		h = find_rcu(cn, t, hash);
		if (!h)
			return NULL;
		c = xtfw_ct_of(h);
		if (likely(refcount_inc_not_zero(&c->use))) {
			/* TYPESAFE_BY_RCU: it may have become another entry */
			smp_acquire__after_ctrl_dep();
			if (likely(xtfw_ct_key_equal(&h->tuple, t) &&
				   c->cn == cn &&
				   !test_bit(XTFW_CT_B_DYING, &c->status) &&
				   (h->tuple.dir != XTFW_CT_DIR_MID ||
				    READ_ONCE(c->mid) ==
				    container_of(h, struct xtfw_ct_mid, th))))
				return h;
			xtfw_ct_put(c);
		}
		xtfw_ct_stat_inc(cn, XTFW_CT_STAT_SEARCH_RESTART);
	}
}

/* The direction of a packet that has a node's tuple, or its inverse. */
static u8 node_dir(const struct xtfw_ct_thash *h, bool inverse)
{
	u8 dir = h->tuple.dir == XTFW_CT_DIR_MID ? XTFW_CT_DIR_ORIG :
						  h->tuple.dir;

	return inverse ? !dir : dir;
}

/**
 * xtfw_ct_lookup() - the connection of a packet at a NAT stage
 * @cn: the namespace's table
 * @t: the packet's tuple, dir and pad zero
 * @hash: xtfw_ct_hash() of @t
 * @stage: XTFW_CT_STAGE_* of the hook: which translations the packet has
 *	been through
 * @dir: set to the packet's direction in the connection found
 *
 * A NATed packet after translation has the inverse of one of its entry's
 * tuples (or of its MID tuple), so when @t is not found as it is and the
 * table has NATed entries, its inverse is looked up too. Either way, the
 * entry found must agree: a NATed entry's packet at @stage has exactly
 * the tuple xtfw_nat_tuple_at() says, so a packet of another connection
 * that happens to look like it is not taken for one of its own.
 *
 * Must be called under rcu_read_lock(). Return: the entry, with a
 * reference, or NULL.
 */
struct xtfw_conn *xtfw_ct_lookup(struct xtfw_ct_net *cn,
				 const struct xtfw_ct_tuple *t, u32 hash,
				 u8 stage, u8 *dir)
{
	struct xtfw_ct_tuple inv, at;
	struct xtfw_ct_thash *h;
	struct xtfw_conn *c;

	h = xtfw_ct_find_get(cn, t, hash);
	if (h) {
		c = xtfw_ct_of(h);
		*dir = node_dir(h, false);
		if (!xtfw_ct_natted(c))
			return c;
		xtfw_nat_tuple_at(c, *dir, stage, &at);
		if (xtfw_ct_key_equal(&at, t))
			return c;
		xtfw_ct_put(c);
	}
	/* before any translation, packets have their entries' own tuples */
	if (!stage || !atomic_read(&cn->nat_count))
		return NULL;
	xtfw_ct_invert(&inv, t);
	h = xtfw_ct_find_get(cn, &inv, xtfw_ct_hash(cn, &inv));
	if (!h)
		return NULL;
	c = xtfw_ct_of(h);
	*dir = node_dir(h, true);
	if (xtfw_ct_natted(c)) {
		xtfw_nat_tuple_at(c, *dir, stage, &at);
		if (xtfw_ct_key_equal(&at, t))
			return c;
	}
	xtfw_ct_put(c);
	return NULL;
}

/* --- allocation, insertion, deletion ------------------------------------- */

static bool evictable(const struct xtfw_conn *c)
{
	const struct xtfw_ct_proto *proto;

	if (test_bit(XTFW_CT_B_DYING, &c->status))
		return false;
	if (!xtfw_ct_confirmed(c))	/* its first packet is long gone */
		return UNCONFIRMED_TIMEOUT - xtfw_ct_left(c) > HZ;
	if (!test_bit(XTFW_CT_B_ASSURED, &c->status))
		return true;
	proto = xtfw_ct_proto_find(c->th[0].tuple.proto);
	return proto->can_early_drop && proto->can_early_drop(c);
}

static bool evict_one(struct xtfw_ct_net *cn, struct xtfw_conn *c)
{
	bool killed = false;

	if (!evictable(c) || !refcount_inc_not_zero(&c->use))
		return false;
	smp_acquire__after_ctrl_dep();
	if (c->cn == cn && evictable(c))
		killed = xtfw_ct_kill(c);
	xtfw_ct_put(c);
	return killed;
}

/* Make room: evict one entry near @hash that is not assured. */
static bool early_drop(struct xtfw_ct_net *cn, u32 hash)
{
	unsigned int i, nbuckets, seen = 0;
	struct xtfw_ct_htable *ht;
	struct hlist_nulls_node *n;
	struct xtfw_ct_thash *h;
	bool dropped = false;

	rcu_read_lock();
	ht = rcu_dereference(cn->ht);
	nbuckets = min_t(unsigned int, ht->size, EARLY_DROP_BUCKETS);
	for (i = 0; i < nbuckets && seen < EARLY_DROP_ENTRIES && !dropped;
	     i++) {
		hlist_nulls_for_each_entry_rcu(h, n, bucket_of(ht, hash + i),
					       node) {
			if (h->tuple.dir != XTFW_CT_DIR_ORIG)
				continue;
			seen++;
			dropped = evict_one(cn, xtfw_ct_of(h));
			if (dropped)
				break;
		}
	}
	rcu_read_unlock();
	if (dropped)
		xtfw_ct_stat_inc(cn, XTFW_CT_STAT_EARLY_DROP);
	return dropped;
}

void xtfw_ct_gc_kick(struct xtfw_ct_net *cn)
{
	mod_delayed_work(system_power_efficient_wq, &cn->gc, 0);
}

/*
 * Count a new entry against the limit, evicting one if need be. Returns
 * false when the table is full (the caller drops the packet).
 */
static bool charge(struct xtfw_ct_net *cn, u32 hash)
{
	unsigned int count = atomic_inc_return(&cn->count);
	struct xtfw_ct_htable *ht;

	if (unlikely(count > READ_ONCE(cn->max))) {
		if (!early_drop(cn, hash)) {
			atomic_dec(&cn->count);
			xtfw_ct_stat_inc(cn, XTFW_CT_STAT_DROP);
			net_warn_ratelimited("conntrack table full, dropping packet\n");
			return false;
		}
	}
	/* the GC worker grows the table; wake it once it is too small */
	ht = rcu_dereference(cn->ht);
	if (unlikely(count > 2 * ht->size && ht->size < XTFW_CT_MAX_BUCKETS &&
		     !READ_ONCE(cn->grow_kicked))) {
		WRITE_ONCE(cn->grow_kicked, true);
		xtfw_ct_gc_kick(cn);
	}
	return true;
}

/**
 * xtfw_ct_alloc() - a new, unhashed entry for the tuple @orig
 * @cn: the table; the entry counts against its max at once
 * @orig: the tuple of the first packet
 * @hash: xtfw_ct_hash() of @orig
 *
 * The reply tuple is the inverse of @orig. Call under rcu_read_lock().
 * Return: the entry, which nobody else can see until xtfw_ct_insert(), or
 * NULL if the table is full or memory short (the packet must be dropped).
 */
struct xtfw_conn *xtfw_ct_alloc(struct xtfw_ct_net *cn,
				const struct xtfw_ct_tuple *orig, u32 hash)
{
	struct xtfw_conn *c;

	if (!charge(cn, hash))
		return NULL;
	c = kmem_cache_alloc(xtfw_ct_cachep, GFP_ATOMIC);
	if (!c) {
		atomic_dec(&cn->count);
		xtfw_ct_stat_inc(cn, XTFW_CT_STAT_DROP);
		return NULL;
	}
	/* not the hash nodes: RCU readers may still walk through them */
	memset_after(c, 0, th);
	spin_lock_init(&c->lock);
	c->cn = cn;
	c->th[XTFW_CT_DIR_ORIG].tuple = *orig;
	c->th[XTFW_CT_DIR_ORIG].tuple.dir = XTFW_CT_DIR_ORIG;
	xtfw_ct_invert(&c->th[XTFW_CT_DIR_REPLY].tuple, orig);
	c->th[XTFW_CT_DIR_REPLY].tuple.dir = XTFW_CT_DIR_REPLY;
	c->timeout = (u32)jiffies + UNCONFIRMED_TIMEOUT;
	return c;
}

/* An entry of this bucket with the key @t, if any (bucket lock held). */
static struct xtfw_ct_thash *bucket_find_locked(struct hlist_nulls_head *b,
						const struct xtfw_ct_tuple *t)
{
	struct hlist_nulls_node *n;
	struct xtfw_ct_thash *h;

	hlist_nulls_for_each_entry(h, n, b, node)
		if (xtfw_ct_key_equal(&h->tuple, t) &&
		    !test_bit(XTFW_CT_B_DYING, &xtfw_ct_of(h)->status))
			return h;
	return NULL;
}

/**
 * xtfw_ct_insert() - hash a new entry, unconfirmed
 * @cn: the table
 * @c: from xtfw_ct_alloc(), with its proto state set up
 * @clash: set when another CPU inserted the same connection first
 *
 * Return: 0, and the caller owns one reference besides the table's; or
 * -EEXIST with *@clash referenced (@c is then the caller's to free with
 * xtfw_ct_free()); or -EAGAIN if the clash is dying (try again).
 */
int xtfw_ct_insert(struct xtfw_ct_net *cn, struct xtfw_conn *c,
		   struct xtfw_ct_thash **clash)
{
	u32 h0 = xtfw_ct_hash(cn, &c->th[0].tuple);
	u32 h1 = xtfw_ct_hash(cn, &c->th[1].tuple);
	struct xtfw_ct_htable *ht;
	struct xtfw_ct_thash *h;
	struct lockset ls;
	int ret = 0;

	double_lock(cn, &ls, h0, h1);
	ht = ht_locked(cn, h0);
	h = bucket_find_locked(bucket_of(ht, h0), &c->th[0].tuple);
	if (h) {
		ret = -EAGAIN;
		if (refcount_inc_not_zero(&xtfw_ct_of(h)->use)) {
			*clash = h;
			ret = -EEXIST;
		}
		goto out;
	}
	set_bit(XTFW_CT_B_PENDING, &c->status);
	atomic_inc(&cn->pending);
	/* visible with the nodes: rcu_assign_pointer() orders it */
	refcount_set(&c->use, 2);
	/*
	 * A reply tuple already taken (by a NATed connection) waits for the
	 * NAT decision to find it a free one (xtfw_ct_set_reply()).
	 */
	if (!bucket_find_locked(bucket_of(ht, h1), &c->th[1].tuple)) {
		hlist_nulls_add_head_rcu(&c->th[1].node, bucket_of(ht, h1));
		set_bit(XTFW_CT_B_REPLY_HASHED, &c->status);
	}
	hlist_nulls_add_head_rcu(&c->th[0].node, bucket_of(ht, h0));
out:
	lockset_unlock(cn, &ls);
	return ret;
}

/* Does the bucket hold @t for an entry other than @c? (lock held) */
static bool taken_locked(struct xtfw_ct_htable *ht, u32 hash,
			 const struct xtfw_ct_tuple *t,
			 const struct xtfw_conn *c)
{
	struct hlist_nulls_node *n;
	struct xtfw_ct_thash *h;

	hlist_nulls_for_each_entry(h, n, bucket_of(ht, hash), node)
		if (xtfw_ct_key_equal(&h->tuple, t) && xtfw_ct_of(h) != c &&
		    !test_bit(XTFW_CT_B_DYING, &xtfw_ct_of(h)->status))
			return true;
	return false;
}

/**
 * xtfw_ct_tuple_taken() - is a reply tuple in use by another entry?
 * @cn: the table
 * @c: the entry that would take it
 * @reply: the tuple
 *
 * A hint under RCU for choosing a NAT mapping; xtfw_ct_set_reply()
 * decides under the bucket lock.
 */
bool xtfw_ct_tuple_taken(struct xtfw_ct_net *cn, const struct xtfw_conn *c,
			 const struct xtfw_ct_tuple *reply)
{
	struct xtfw_ct_thash *h;
	bool taken;

	h = xtfw_ct_find_get(cn, reply, xtfw_ct_hash(cn, reply));
	if (!h)
		return false;
	taken = xtfw_ct_of(h) != c;
	xtfw_ct_put(xtfw_ct_of(h));
	return taken;
}

/**
 * xtfw_ct_set_reply() - give a NATed entry its reply tuple
 * @c: the entry, not yet confirmed; the caller holds c->lock
 * @reply: the new reply tuple
 * @mid: if not NULL, the tuple between DNAT and SNAT (see xtfw_ct_mid)
 *
 * Rehashes the reply node (hashes it, if insertion found it taken) and
 * adds the MID node, unless another entry holds either tuple. Several
 * packets of a new connection can be in the hooks at once (on several
 * CPUs); c->lock makes their NAT decisions one at a time, and the reply
 * node's state is checked again under the bucket locks all the same.
 *
 * Return: 0; -EEXIST if taken; -ENOENT if @c is dying; -EAGAIN if th[1]
 * or mid changed under us; -ENOMEM.
 */
int xtfw_ct_set_reply(struct xtfw_conn *c, const struct xtfw_ct_tuple *reply,
		      const struct xtfw_ct_tuple *mid)
{
	struct xtfw_ct_net *cn = c->cn;
	bool hashed = test_bit(XTFW_CT_B_REPLY_HASHED, &c->status);
	struct xtfw_ct_mid *m = NULL;
	struct xtfw_ct_htable *ht;
	struct lockset ls;
	u32 h[4];
	int ret = 0;

	lockdep_assert_held(&c->lock);
	if (mid) {
		m = kmalloc(sizeof(*m), GFP_ATOMIC);
		if (!m)
			return -ENOMEM;
		m->th.tuple = *mid;
		m->th.tuple.dir = XTFW_CT_DIR_MID;
		m->th.tuple.pad = 0;
		m->ct = c;
	}
	h[0] = xtfw_ct_hash(cn, &c->th[0].tuple);
	h[1] = hashed ? xtfw_ct_hash(cn, &c->th[1].tuple) : h[0];
	h[2] = xtfw_ct_hash(cn, reply);
	h[3] = m ? xtfw_ct_hash(cn, &m->th.tuple) : h[0];
	lockset_init(&ls, h, 4);
	lockset_lock(cn, &ls);
	ht = ht_locked(cn, h[0]);
	if (test_bit(XTFW_CT_B_DYING, &c->status)) {
		ret = -ENOENT;
	} else if (test_bit(XTFW_CT_B_REPLY_HASHED, &c->status) != hashed ||
		   (hashed && xtfw_ct_hash(cn, &c->th[1].tuple) != h[1]) ||
		   (m && c->mid)) {
		/* changed since we looked, by a caller not holding c->lock */
		ret = -EAGAIN;
	} else if (taken_locked(ht, h[2], reply, c) ||
		   (m && taken_locked(ht, h[3], &m->th.tuple, NULL))) {
		ret = -EEXIST;
	} else {
		if (hashed)
			hlist_nulls_del_rcu(&c->th[1].node);
		c->th[1].tuple = *reply;
		c->th[1].tuple.dir = XTFW_CT_DIR_REPLY;
		c->th[1].tuple.pad = 0;
		hlist_nulls_add_head_rcu(&c->th[1].node, bucket_of(ht, h[2]));
		set_bit(XTFW_CT_B_REPLY_HASHED, &c->status);
		if (m) {
			hlist_nulls_add_head_rcu(&m->th.node,
						 bucket_of(ht, h[3]));
			WRITE_ONCE(c->mid, m);
			m = NULL;
		}
	}
	lockset_unlock(cn, &ls);
	kfree(m);
	return ret;
}

/* Free an entry: its last reference went, or it was never inserted. */
void xtfw_ct_free(struct xtfw_conn *c)
{
	struct xtfw_ct_net *cn = c->cn;

	if (c->mid)
		kfree_rcu(c->mid, rcu);
	if (xtfw_ct_natted(c))
		atomic_dec(&cn->nat_count);
	if (test_bit(XTFW_CT_B_MASQ, &c->status))
		atomic_dec(&cn->masq_count);
	atomic_dec(&cn->count);
	kmem_cache_free(xtfw_ct_cachep, c);
}

/* The entry no longer needs the confirm hook's attention. */
void xtfw_ct_pending_done(struct xtfw_conn *c)
{
	if (test_and_clear_bit(XTFW_CT_B_PENDING, &c->status))
		atomic_dec(&c->cn->pending);
}

/**
 * xtfw_ct_kill() - delete an entry from its table
 * @c: the entry; the caller holds a reference
 *
 * Return: true if this call deleted it, false if it was already dying.
 */
bool xtfw_ct_kill(struct xtfw_conn *c)
{
	struct xtfw_ct_net *cn = c->cn;
	struct xtfw_ct_mid *m;
	struct lockset ls;
	u32 h[3];

	if (test_and_set_bit(XTFW_CT_B_DYING, &c->status))
		return false;
	/*
	 * xtfw_ct_set_reply() changes th[1] and mid under the lock of h[0]:
	 * read them, lock, and check that they did not change meanwhile.
	 */
	for (;;) {
		m = READ_ONCE(c->mid);
		h[0] = xtfw_ct_hash(cn, &c->th[0].tuple);
		h[1] = xtfw_ct_hash(cn, &c->th[1].tuple);
		h[2] = m ? xtfw_ct_hash(cn, &m->th.tuple) : h[0];
		lockset_init(&ls, h, 3);
		lockset_lock(cn, &ls);
		if (h[1] == xtfw_ct_hash(cn, &c->th[1].tuple) &&
		    m == READ_ONCE(c->mid))
			break;
		lockset_unlock(cn, &ls);
	}
	hlist_nulls_del_rcu(&c->th[0].node);
	if (test_bit(XTFW_CT_B_REPLY_HASHED, &c->status))
		hlist_nulls_del_rcu(&c->th[1].node);
	if (m)
		hlist_nulls_del_rcu(&m->th.node);
	lockset_unlock(cn, &ls);
	xtfw_ct_pending_done(c);
	if (xtfw_ct_confirmed(c))
		xtfw_ct_event(c, XTFW_CT_EVENT_DESTROY);
	xtfw_ct_put(c);		/* the table's reference */
	return true;
}

/* Jiffies left before @c expires, 0 if it has. */
u32 xtfw_ct_left(const struct xtfw_conn *c)
{
	s32 left = READ_ONCE(c->timeout) - (u32)jiffies;

	return left > 0 ? left : 0;
}

/* Set the timeout of a confirmed entry; unconfirmed ones keep theirs. */
void xtfw_ct_refresh(struct xtfw_conn *c, u32 timeout)
{
	u32 expires = (u32)jiffies + timeout;

	if (xtfw_ct_confirmed(c) && READ_ONCE(c->timeout) != expires)
		WRITE_ONCE(c->timeout, expires);
}

/* The first packet got through: the entry now lives by its timeouts. */
void xtfw_ct_confirm(struct xtfw_conn *c)
{
	const struct xtfw_ct_proto *proto;

	proto = xtfw_ct_proto_find(c->th[0].tuple.proto);
	WRITE_ONCE(c->timeout, (u32)jiffies + proto->timeout(c->cn, c));
	set_bit(XTFW_CT_B_CONFIRMED, &c->status);
	xtfw_ct_event(c, XTFW_CT_EVENT_NEW);
	if (!test_bit(XTFW_CT_B_KILL, &c->status))
		xtfw_ct_pending_done(c);
}

/* --- flush, GC and resize ------------------------------------------------ */

static void kill_if(struct xtfw_ct_net *cn, struct xtfw_conn *c,
		    bool (*match)(const struct xtfw_conn *c, const void *arg),
		    const void *arg, u32 *deleted)
{
	if (test_bit(XTFW_CT_B_DYING, &c->status) ||
	    !refcount_inc_not_zero(&c->use))
		return;
	smp_acquire__after_ctrl_dep();
	if (c->cn == cn && (!match || match(c, arg)) && xtfw_ct_kill(c) &&
	    deleted)
		(*deleted)++;
	xtfw_ct_put(c);
}

/**
 * xtfw_ct_flush() - delete the entries @match accepts, or all
 * @cn: the table
 * @match: called under RCU with a reference held; NULL matches all
 * @arg: for @match
 * @deleted: if not NULL, incremented per entry deleted
 *
 * Process context; walks the buckets under RCU, a batch at a time.
 */
void xtfw_ct_flush(struct xtfw_ct_net *cn,
		   bool (*match)(const struct xtfw_conn *c, const void *arg),
		   const void *arg, u32 *deleted)
{
	struct xtfw_ct_htable *ht;
	struct hlist_nulls_node *n;
	struct xtfw_ct_thash *h;
	unsigned int i;

	rcu_read_lock();
	ht = rcu_dereference(cn->ht);
	for (i = 0; i < ht->size; i++) {
		hlist_nulls_for_each_entry_rcu(h, n, &ht->buckets[i], node)
			if (h->tuple.dir == XTFW_CT_DIR_ORIG)
				kill_if(cn, xtfw_ct_of(h), match, arg, deleted);
		if (i % GC_BATCH == GC_BATCH - 1) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
			/* a resize moved everything: start over */
			if (rcu_dereference(cn->ht) != ht) {
				ht = rcu_dereference(cn->ht);
				i = -1;
			}
		}
	}
	rcu_read_unlock();
	/* what only a hint still holds goes now, not at its CPU's next packet */
	xtfw_ct_hint_drain();
}

static bool match_expired(const struct xtfw_conn *c, const void *arg)
{
	return xtfw_ct_expired(c);
}

/* One part of a GC pass; true when the pass is complete. */
static bool gc_scan(struct xtfw_ct_net *cn)
{
	struct xtfw_ct_htable *ht;
	struct hlist_nulls_node *n;
	struct xtfw_ct_thash *h;
	unsigned int i;
	bool done = false;

	rcu_read_lock();
	ht = rcu_dereference_protected(cn->ht, lockdep_is_held(&cn->mutex));
	for (i = 0; i < GC_BUCKETS; i++, cn->gc_cursor++) {
		if (cn->gc_cursor >= ht->size) {
			cn->gc_cursor = 0;
			done = true;
			break;
		}
		hlist_nulls_for_each_entry_rcu(h, n,
					       &ht->buckets[cn->gc_cursor],
					       node)
			if (h->tuple.dir == XTFW_CT_DIR_ORIG &&
			    xtfw_ct_expired(xtfw_ct_of(h)))
				kill_if(cn, xtfw_ct_of(h), match_expired, NULL,
					NULL);
		if (i % GC_BATCH == GC_BATCH - 1) {
			rcu_read_unlock();
			cond_resched();
			rcu_read_lock();
		}
	}
	rcu_read_unlock();
	return done;
}

/* Rehash a bucket's nodes into @new; readers that follow them restart. */
static void move_bucket(struct xtfw_ct_net *cn, struct hlist_nulls_head *b,
			struct xtfw_ct_htable *new)
{
	struct xtfw_ct_thash *h;

	while (!hlist_nulls_empty(b)) {
		h = hlist_nulls_entry(b->first, struct xtfw_ct_thash, node);
		hlist_nulls_del_rcu(&h->node);
		hlist_nulls_add_head_rcu(&h->node,
					 bucket_of(new, xtfw_ct_hash(cn, &h->tuple)));
	}
}

/* Move every entry to a table of @size buckets. */
static int resize(struct xtfw_ct_net *cn, unsigned int size)
{
	struct xtfw_ct_htable *old, *new;
	unsigned int i;

	lockdep_assert_held(&cn->mutex);
	old = rcu_dereference_protected(cn->ht, lockdep_is_held(&cn->mutex));
	if (old->size == size)
		return 0;
	new = ht_alloc(size);
	if (!new)
		return -ENOMEM;
	local_bh_disable();
	all_lock(cn);
	for (i = 0; i < old->size; i++)
		move_bucket(cn, &old->buckets[i], new);
	WRITE_ONCE(cn->ht_gen, cn->ht_gen + 1);
	rcu_assign_pointer(cn->ht, new);
	all_unlock(cn);
	local_bh_enable();
	synchronize_rcu();
	kvfree(old);
	return 0;
}

/* About two buckets per entry, within bounds set by max. */
static unsigned int wanted_size(struct xtfw_ct_net *cn, unsigned int size)
{
	unsigned int count = atomic_read(&cn->count);
	unsigned int cap = roundup_pow_of_two(clamp_t(u32, READ_ONCE(cn->max),
						      XTFW_CT_MIN_BUCKETS,
						      XTFW_CT_MAX_BUCKETS));

	if (count > size && size < cap)
		return min(cap, (unsigned int)roundup_pow_of_two(2 * count));
	if (size > cap)
		return cap;
	if (count < size / 16 && size > XTFW_CT_MIN_BUCKETS)
		return max_t(unsigned int, XTFW_CT_MIN_BUCKETS,
			     roundup_pow_of_two(2 * count + 1));
	return size;
}

static void gc_work(struct work_struct *work)
{
	struct xtfw_ct_net *cn = container_of(to_delayed_work(work),
					      struct xtfw_ct_net, gc);
	struct xtfw_ct_htable *ht;
	unsigned long next = GC_STEP;

	mutex_lock(&cn->mutex);
	if (gc_scan(cn)) {
		xtfw_ct_recs_flush(cn, false);
		next = GC_INTERVAL;
	}
	ht = rcu_dereference_protected(cn->ht, lockdep_is_held(&cn->mutex));
	if (resize(cn, wanted_size(cn, ht->size)))
		next = GC_INTERVAL;
	WRITE_ONCE(cn->grow_kicked, false);
	if (!cn->exiting && (cn->hook_families || atomic_read(&cn->count) ||
			     atomic_read(&cn->recs.count)))
		queue_delayed_work(system_power_efficient_wq, &cn->gc, next);
	mutex_unlock(&cn->mutex);
}

/**
 * xtfw_ct_set_max() - change the size limit
 * @cn: the table
 * @max: 1 .. XTFW_CT_MAX_ENTRIES
 *
 * Entries above the new limit stay until they expire; new ones evict or
 * are refused. The GC worker resizes the table to match.
 */
int xtfw_ct_set_max(struct xtfw_ct_net *cn, u32 max)
{
	WRITE_ONCE(cn->max, max);
	xtfw_ct_gc_kick(cn);
	return 0;
}

/* --- settings ------------------------------------------------------------ */

/* Like nf_conntrack_max: 1 per 16 KiB of memory / 8, or fixed above 1 GiB. */
u32 xtfw_ct_default_max(void)
{
	unsigned long pages = totalram_pages();
	unsigned long max;

	if (BITS_PER_LONG >= 64 && pages > (4UL << (30 - PAGE_SHIFT)))
		max = 262144;
	else if (pages > (1UL << (30 - PAGE_SHIFT)))
		max = 65536;
	else
		max = (pages << PAGE_SHIFT) / 16384 / sizeof(struct hlist_head);
	return max_t(unsigned long, max, 1024);
}

#define SECS(n)	((n) * HZ)
#define MINS(n)	((n) * 60 * HZ)
#define DAYS(n)	((n) * 24 * 60 * 60 * HZ)

/* Linux 6.1's defaults. */
void xtfw_ct_default_timeouts(struct xtfw_ct_timeouts *to)
{
	static const u32 tcp[__XTFW_TCP_TIMEOUT_MAX] = {
		[XTFW_TCP_NONE]			= MINS(2),
		[XTFW_TCP_SYN_SENT]		= MINS(2),
		[XTFW_TCP_SYN_RECV]		= SECS(60),
		[XTFW_TCP_ESTABLISHED]		= DAYS(5),
		[XTFW_TCP_FIN_WAIT]		= MINS(2),
		[XTFW_TCP_CLOSE_WAIT]		= SECS(60),
		[XTFW_TCP_LAST_ACK]		= SECS(30),
		[XTFW_TCP_TIME_WAIT]		= MINS(2),
		[XTFW_TCP_CLOSE]		= SECS(10),
		[XTFW_TCP_SYN_SENT2]		= MINS(2),
		[XTFW_TCP_TIMEOUT_RETRANS]	= MINS(5),
		[XTFW_TCP_TIMEOUT_UNACK]	= MINS(5),
	};

	memcpy(to->tcp, tcp, sizeof(tcp));
	to->udp[XTFW_UDP_UNREPLIED] = SECS(30);
	to->udp[XTFW_UDP_REPLIED] = SECS(30);
	to->udp[XTFW_UDP_STREAM] = SECS(120);
	to->icmp = SECS(30);
	to->icmpv6 = SECS(30);
	to->generic = SECS(600);
}

void xtfw_ct_stats_read(const struct xtfw_ct_net *cn, struct xtfw_ct_stats *sum)
{
	const struct xtfw_ct_stats *s;
	unsigned int i;
	int cpu;

	memset(sum, 0, sizeof(*sum));
	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(cn->stats, cpu);
		for (i = 0; i < __XTFW_CT_STAT_MAX; i++)
			sum->v[i] += READ_ONCE(s->v[i]);
	}
}

/* --- the namespace's state ----------------------------------------------- */

static void recs_init(struct xtfw_ct_recs *recs)
{
	unsigned int i;

	atomic_set(&recs->count, 0);
	for (i = 0; i < XTFW_CT_REC_BUCKETS; i++) {
		spin_lock_init(&recs->locks[i]);
		INIT_HLIST_HEAD(&recs->heads[i]);
	}
}

/**
 * xtfw_ct_net_create() - the namespace's conntrack, created if need be
 * @xn: the namespace, with xn->commit_mutex held
 *
 * Return: the conntrack state, or NULL if memory is short.
 */
struct xtfw_ct_net *xtfw_ct_net_create(struct xtfw_net *xn)
{
	struct xtfw_ct_net *cn = xtfw_ct_net_get(xn);
	struct xtfw_ct_htable *ht;
	unsigned int i;

	lockdep_assert_held(&xn->commit_mutex);
	if (cn)
		return cn;
	cn = kzalloc(sizeof(*cn), GFP_KERNEL_ACCOUNT);
	if (!cn)
		return NULL;
	cn->stats = alloc_percpu(struct xtfw_ct_stats);
	ht = ht_alloc(XTFW_CT_MIN_BUCKETS);
	if (!cn->stats || !ht) {
		free_percpu(cn->stats);
		kvfree(ht);
		kfree(cn);
		return NULL;
	}
	cn->xn = xn;
	RCU_INIT_POINTER(cn->ht, ht);
	cn->seed = get_random_u32();
	cn->max = xtfw_ct_default_max();
	cn->tcp_loose = 1;
	xtfw_ct_default_timeouts(&cn->to);
	mutex_init(&cn->mutex);
	INIT_DELAYED_WORK(&cn->gc, gc_work);
	INIT_WORK(&cn->masq_work, xtfw_nat_masq_work);
	spin_lock_init(&cn->all_lock);
	for (i = 0; i < XTFW_CT_NLOCKS; i++)
		spin_lock_init(&cn->locks[i]);
	recs_init(&cn->recs);
	/* publish it whole: pairs with xtfw_ct_net_get() */
	smp_store_release(&xn->ct, cn);
	return cn;
}

/**
 * xtfw_ct_net_exit() - free the namespace's conntrack
 * @xn: the namespace, exiting: no hook and no netlink request can run
 *
 * Called from the pernet exit, after pre_exit unregistered the hooks and
 * the core waited a grace period, so no packet is inside xtfw. Deletes
 * every entry (the last reference of each frees it at once) and the
 * records of packets in flight.
 */
void xtfw_ct_net_exit(struct xtfw_net *xn)
{
	struct xtfw_ct_net *cn = xtfw_ct_net_get(xn);

	if (!cn)
		return;
	mutex_lock(&cn->mutex);
	cn->exiting = true;
	mutex_unlock(&cn->mutex);
	cancel_delayed_work_sync(&cn->gc);
	cancel_work_sync(&cn->masq_work);
	xtfw_ct_hooks_unregister(cn);
	xtfw_ct_flush(cn, NULL, NULL, NULL);
	xtfw_ct_recs_flush(cn, true);
	WARN_ON_ONCE(atomic_read(&cn->count));
	kvfree(rcu_dereference_protected(cn->ht, true));
	free_percpu(cn->stats);
	xn->ct = NULL;
	kfree(cn);
}

int __init xtfw_ct_init(void)
{
	/* lock debugging makes spinlocks, and nf_conn, larger */
	BUILD_BUG_ON(!IS_ENABLED(CONFIG_DEBUG_SPINLOCK) &&
		     !IS_ENABLED(CONFIG_DEBUG_LOCK_ALLOC) &&
		     sizeof(struct xtfw_conn) > NF_CONN_SIZE);
	xtfw_ct_cachep = kmem_cache_create("xtfw_conn",
					   sizeof(struct xtfw_conn), 0,
					   SLAB_TYPESAFE_BY_RCU |
					   SLAB_HWCACHE_ALIGN, NULL);
	return xtfw_ct_cachep ? 0 : -ENOMEM;
}

/* After every namespace's exit: the cache is empty. */
void xtfw_ct_exit(void)
{
	kmem_cache_destroy(xtfw_ct_cachep);
}
