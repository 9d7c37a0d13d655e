// SPDX-License-Identifier: GPL-2.0
/*
 * -m recent: named lists of addresses with the times they were last seen,
 * as ipt_recent. A list belongs to the network namespace; every rule that
 * names it shares it, whatever its family (the family is part of the key),
 * and it lives as long as one rule refers to it, so replacing a table keeps
 * its lists.
 *
 * Memory is fixed when a rule is parsed, not when packets arrive: a list
 * owns RECENT_LIST_TOT entries, each with room for a power of two of
 * timestamps (enough for the largest --hitcount of its rules), allocated
 * up front and charged to the writer's memory cgroup. A new address takes
 * a free entry or the least recently seen one. The packet path allocates
 * nothing; it takes the list's spinlock, since every packet may change it.
 */
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/jhash.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <net/sock.h>

#include "match.h"

enum recent_limits {
	RECENT_LIST_TOT = 200,		/* addresses per list (ip_list_tot) */
	RECENT_HASH_SIZE = 128,
	RECENT_MAX_HITCOUNT = 255,	/* as ip_pkt_list_tot */
};

#define RECENT_DEFAULT_NAME	"DEFAULT"

struct xtfw_recent_net {
	spinlock_t lock;		/* lists, and each list's refs */
	struct list_head lists;
};

struct recent_entry {
	struct hlist_node node;		/* in hash, when in use */
	struct list_head lru;		/* list's lru, or its free list */
	union xtfw_addr addr;
	u8 family;
	u8 ttl;
	u16 index;			/* next stamp slot */
	u16 nstamps;			/* stamps recorded, up to the list's */
};

struct xtfw_recent_list {
	struct list_head list;		/* in rn->lists */
	struct xtfw_recent_net *rn;
	unsigned int refs;		/* rules naming it, under rn->lock */
	spinlock_t lock;		/* everything below */
	unsigned int nstamps;		/* slots per entry, a power of two */
	unsigned long *stamps;		/* RECENT_LIST_TOT * nstamps */
	struct list_head lru;		/* in use, least recently seen first */
	struct list_head free;
	u32 seed;
	struct hlist_head hash[RECENT_HASH_SIZE];
	struct recent_entry entries[RECENT_LIST_TOT];
	char name[XTFW_RECENT_NAME_MAXLEN];
};

int xtfw_recent_net_init(struct xtfw_net *xn)
{
	xn->recent = kzalloc(sizeof(*xn->recent), GFP_KERNEL);
	if (!xn->recent)
		return -ENOMEM;
	spin_lock_init(&xn->recent->lock);
	INIT_LIST_HEAD(&xn->recent->lists);
	return 0;
}

/* Every rule is gone by now (see main.c), so every list is too. */
void xtfw_recent_net_exit(struct xtfw_net *xn)
{
	WARN_ON_ONCE(!list_empty(&xn->recent->lists));
	kfree(xn->recent);
	xn->recent = NULL;
}

static unsigned long *entry_stamps(const struct xtfw_recent_list *l,
				   const struct recent_entry *e)
{
	return l->stamps + (e - l->entries) * l->nstamps;
}

static void list_free(struct xtfw_recent_list *l)
{
	if (!l)
		return;
	kvfree(l->stamps);
	kvfree(l);
}

static struct xtfw_recent_list *list_alloc(struct xtfw_recent_net *rn,
					   const char *name,
					   unsigned int nstamps)
{
	struct xtfw_recent_list *l;
	unsigned int i;

	l = kvzalloc(sizeof(*l), GFP_KERNEL_ACCOUNT);
	if (!l)
		return NULL;
	l->stamps = kvcalloc(RECENT_LIST_TOT * nstamps, sizeof(*l->stamps),
			     GFP_KERNEL_ACCOUNT);
	if (!l->stamps) {
		kvfree(l);
		return NULL;
	}
	l->rn = rn;
	l->refs = 1;
	l->nstamps = nstamps;
	spin_lock_init(&l->lock);
	INIT_LIST_HEAD(&l->lru);
	INIT_LIST_HEAD(&l->free);
	for (i = 0; i < RECENT_LIST_TOT; i++)
		list_add_tail(&l->entries[i].lru, &l->free);
	l->seed = get_random_u32();
	strscpy(l->name, name, sizeof(l->name));
	return l;
}

static struct xtfw_recent_list *list_find(struct xtfw_recent_net *rn,
					  const char *name)
{
	struct xtfw_recent_list *l;

	list_for_each_entry(l, &rn->lists, list)
		if (!strcmp(l->name, name))
			return l;
	return NULL;
}

/* Take a reference on the list called name, creating it if need be. */
static struct xtfw_recent_list *list_get(struct xtfw_recent_net *rn,
					 const char *name, unsigned int nstamps)
{
	struct xtfw_recent_list *l, *fresh;

	spin_lock_bh(&rn->lock);
	l = list_find(rn, name);
	if (l)
		l->refs++;
	spin_unlock_bh(&rn->lock);
	if (l)
		return l;

	fresh = list_alloc(rn, name, nstamps);
	if (!fresh)
		return NULL;
	spin_lock_bh(&rn->lock);
	l = list_find(rn, name);
	if (l) {
		l->refs++;
	} else {
		list_add_tail(&fresh->list, &rn->lists);
		l = fresh;
		fresh = NULL;
	}
	spin_unlock_bh(&rn->lock);
	list_free(fresh);
	return l;
}

/*
 * A rule with a larger --hitcount than the list holds stamps for: move
 * every entry's stamps, oldest first, into larger slots.
 */
static int list_grow(struct xtfw_recent_list *l, unsigned int nstamps)
{
	unsigned long *stamps, *old = NULL;
	struct recent_entry *e;
	unsigned int i, first;

	stamps = kvcalloc(RECENT_LIST_TOT * nstamps, sizeof(*stamps),
			  GFP_KERNEL_ACCOUNT);
	if (!stamps)
		return -ENOMEM;
	spin_lock_bh(&l->lock);
	if (l->nstamps < nstamps) {
		list_for_each_entry(e, &l->lru, lru) {
			unsigned long *from = entry_stamps(l, e);
			unsigned long *to = stamps + (e - l->entries) * nstamps;

			first = e->nstamps < l->nstamps ? 0 : e->index;
			for (i = 0; i < e->nstamps; i++)
				to[i] = from[(first + i) & (l->nstamps - 1)];
			e->index = e->nstamps;
		}
		old = l->stamps;
		l->stamps = stamps;
		l->nstamps = nstamps;
		stamps = NULL;
	}
	spin_unlock_bh(&l->lock);
	kvfree(old);
	kvfree(stamps);
	return 0;
}

static void list_put(struct xtfw_recent_list *l)
{
	struct xtfw_recent_net *rn = l->rn;
	bool last;

	spin_lock_bh(&rn->lock);
	last = --l->refs == 0;
	if (last)
		list_del(&l->list);
	spin_unlock_bh(&rn->lock);
	/* Rules are destroyed after a grace period: no packet holds l. */
	if (last)
		list_free(l);
}

static int check_name(const struct xtfw_margs *a, const char *name)
{
	const struct nlattr *nla = a->tb[XTFW_MATCH_A_RECENT_NAME];

	if (!*name || !strcmp(name, ".") || !strcmp(name, "..") ||
	    strchr(name, '/'))
		return xtfw_parse_error(a->ctx, nla,
					"recent: --name \"%s\" is not a valid list name",
					name);
	return 0;
}

static int check_options(struct xtfw_match *m, const struct xtfw_margs *a)
{
	struct nlattr **tb = a->tb;
	const u32 modifiers = XTFW_RECENT_F_RTTL | XTFW_RECENT_F_REAP;
	u32 seconds = 0;

	if (!tb[XTFW_MATCH_A_RECENT_CMD])
		return xtfw_parse_error(a->ctx, a->nest,
					"recent needs --set, --rcheck, --update or --remove");
	m->u.recent.cmd = nla_get_u8(tb[XTFW_MATCH_A_RECENT_CMD]);
	if (tb[XTFW_MATCH_A_RECENT_FLAGS])
		m->u.recent.flags = nla_get_u32(tb[XTFW_MATCH_A_RECENT_FLAGS]);
	if (tb[XTFW_MATCH_A_RECENT_SECONDS])
		seconds = nla_get_u32(tb[XTFW_MATCH_A_RECENT_SECONDS]);
	if (tb[XTFW_MATCH_A_RECENT_HITCOUNT])
		m->u.recent.hitcount =
			nla_get_u32(tb[XTFW_MATCH_A_RECENT_HITCOUNT]);
	if ((m->u.recent.cmd == XTFW_RECENT_SET ||
	     m->u.recent.cmd == XTFW_RECENT_REMOVE) &&
	    (seconds || m->u.recent.hitcount ||
	     (m->u.recent.flags & modifiers)))
		return xtfw_parse_error(a->ctx, a->nest,
					"recent: --seconds, --hitcount, --rttl and --reap need --rcheck or --update");
	if ((m->u.recent.flags & XTFW_RECENT_F_REAP) && !seconds)
		return xtfw_parse_error(a->ctx, a->nest,
					"recent: --reap needs --seconds");
	if (m->u.recent.hitcount > RECENT_MAX_HITCOUNT)
		return xtfw_parse_error(a->ctx,
					tb[XTFW_MATCH_A_RECENT_HITCOUNT],
					"recent: --hitcount %u is above the maximum of %u",
					m->u.recent.hitcount,
					RECENT_MAX_HITCOUNT);
	m->u.recent.ticks = (unsigned long)seconds * HZ;
	return 0;
}

static int parse_mask(struct xtfw_match *m, const struct xtfw_margs *a)
{
	const struct nlattr *nla = a->tb[XTFW_MATCH_A_RECENT_MASK];

	if (!nla) {
		memset(&m->u.recent.mask, 0xff, sizeof(m->u.recent.mask));
		return 0;
	}
	nla_memcpy(&m->u.recent.mask, nla, sizeof(m->u.recent.mask));
	if (!xtfw_addr_is_family(&m->u.recent.mask, a->ctx->family))
		return xtfw_parse_error(a->ctx, nla,
					"recent: --mask is an IPv4 address with bytes past the fourth");
	return 0;
}

int xtfw_recent_parse(struct xtfw_match *m, const struct xtfw_margs *a)
{
	const struct nlattr *nla = a->tb[XTFW_MATCH_A_RECENT_NAME];
	const char *name = nla ? nla_data(nla) : RECENT_DEFAULT_NAME;
	struct xtfw_recent_net *rn = xtfw_pernet(a->net)->recent;
	unsigned int nstamps;
	int ret;

	ret = check_name(a, name);
	if (!ret)
		ret = check_options(m, a);
	if (!ret)
		ret = parse_mask(m, a);
	if (ret)
		return ret;
	nstamps = roundup_pow_of_two(max(m->u.recent.hitcount, 1U));
	m->u.recent.list = list_get(rn, name, nstamps);
	if (!m->u.recent.list)
		return -ENOMEM;
	if (m->u.recent.list->nstamps < nstamps) {
		ret = list_grow(m->u.recent.list, nstamps);
		if (ret) {
			list_put(m->u.recent.list);
			m->u.recent.list = NULL;
		}
	}
	return ret;
}

void xtfw_recent_destroy(struct xtfw_match *m)
{
	if (m->u.recent.list)
		list_put(m->u.recent.list);
	m->u.recent.list = NULL;
}

static u32 addr_hash(const struct xtfw_recent_list *l,
		     const union xtfw_addr *addr, u8 family)
{
	return jhash2((const u32 *)addr->ip6, ARRAY_SIZE(addr->ip6),
		      l->seed ^ family) &
	       (RECENT_HASH_SIZE - 1);
}

/* A ttl of 0 on either side matches any (--rttl not asked, or wrapped). */
static struct recent_entry *entry_find(struct xtfw_recent_list *l,
				       const union xtfw_addr *addr, u8 family,
				       u8 ttl)
{
	struct recent_entry *e;

	hlist_for_each_entry(e, &l->hash[addr_hash(l, addr, family)], node)
		if (e->family == family &&
		    !memcmp(&e->addr, addr, sizeof(*addr)) &&
		    (ttl == e->ttl || !ttl || !e->ttl))
			return e;
	return NULL;
}

static void entry_remove(struct xtfw_recent_list *l, struct recent_entry *e)
{
	hlist_del(&e->node);
	list_move(&e->lru, &l->free);
}

/* A free entry, or the least recently seen one. */
static struct recent_entry *entry_add(struct xtfw_recent_list *l,
				      const union xtfw_addr *addr, u8 family)
{
	struct recent_entry *e;

	if (list_empty(&l->free))
		entry_remove(l, list_first_entry(&l->lru, struct recent_entry,
						 lru));
	e = list_first_entry(&l->free, struct recent_entry, lru);
	e->addr = *addr;
	e->family = family;
	e->index = 0;
	e->nstamps = 0;
	hlist_add_head(&e->node, &l->hash[addr_hash(l, addr, family)]);
	list_move_tail(&e->lru, &l->lru);
	return e;
}

static void entry_touch(struct xtfw_recent_list *l, struct recent_entry *e,
			u8 ttl)
{
	entry_stamps(l, e)[e->index] = jiffies;
	e->index = (e->index + 1) & (l->nstamps - 1);
	if (e->nstamps < l->nstamps)
		e->nstamps++;
	e->ttl = ttl;
	list_move_tail(&e->lru, &l->lru);
}

static unsigned long entry_last_seen(const struct xtfw_recent_list *l,
				     const struct recent_entry *e)
{
	return entry_stamps(l, e)[(e->index - 1) & (l->nstamps - 1)];
}

/* --seconds and --hitcount, as ipt_recent: 0 means any. */
static bool entry_hits(const struct xtfw_recent_list *l,
		       const struct recent_entry *e, const struct xtfw_match *m,
		       unsigned long since)
{
	const unsigned long *stamps = entry_stamps(l, e);
	unsigned int i, hits = 0;

	for (i = 0; i < e->nstamps; i++) {
		if (m->u.recent.ticks && time_after(since, stamps[i]))
			continue;
		if (++hits >= m->u.recent.hitcount)
			return true;
	}
	return false;
}

/* --reap: forget the least recently seen address if it is too old. */
static void list_reap(struct xtfw_recent_list *l, unsigned long since,
		      const struct recent_entry *keep)
{
	struct recent_entry *e;

	e = list_first_entry_or_null(&l->lru, struct recent_entry, lru);
	if (e && e != keep && time_after(since, entry_last_seen(l, e)))
		entry_remove(l, e);
}

static bool recent_check(struct xtfw_recent_list *l, struct recent_entry *e,
			 const struct xtfw_match *m, u8 ttl)
{
	unsigned long since = jiffies - m->u.recent.ticks;
	bool update = m->u.recent.cmd == XTFW_RECENT_UPDATE;
	bool hit = entry_hits(l, e, m, since);

	if (m->u.recent.flags & XTFW_RECENT_F_REAP)
		list_reap(l, since, update && hit ? e : NULL);
	if (update && hit)
		entry_touch(l, e, ttl);
	return hit;
}

static void packet_key(const struct xtfw_match *m, const struct xtfw_pkt *pkt,
		       union xtfw_addr *addr, u8 *ttl)
{
	const struct sk_buff *skb = pkt->skb;
	bool dst = m->u.recent.flags & XTFW_RECENT_F_RDEST;
	unsigned int i;

	memset(addr, 0, sizeof(*addr));
	if (pkt->family == XTFW_FAMILY_IPV4) {
		addr->ip = dst ? ip_hdr(skb)->daddr : ip_hdr(skb)->saddr;
		*ttl = ip_hdr(skb)->ttl;
	} else {
		memcpy(addr->ip6, dst ? &ipv6_hdr(skb)->daddr :
		       &ipv6_hdr(skb)->saddr, sizeof(addr->ip6));
		*ttl = ipv6_hdr(skb)->hop_limit;
	}
	for (i = 0; i < ARRAY_SIZE(addr->ip6); i++)
		addr->ip6[i] &= m->u.recent.mask.ip6[i];
	/* The ttl as it was before this host forwarded the packet. */
	if (pkt->state->out &&
	    (!skb->sk || !net_eq(pkt->state->net, sock_net(skb->sk))))
		(*ttl)++;
}

bool xtfw_recent_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt)
{
	struct xtfw_recent_list *l = m->u.recent.list;
	bool rttl = m->u.recent.flags & XTFW_RECENT_F_RTTL;
	struct recent_entry *e;
	union xtfw_addr addr;
	bool hit = false;
	u8 ttl;

	packet_key(m, pkt, &addr, &ttl);
	spin_lock_bh(&l->lock);
	e = entry_find(l, &addr, pkt->family, rttl ? ttl : 0);
	switch (m->u.recent.cmd) {
	case XTFW_RECENT_SET:
		if (!e)
			e = entry_add(l, &addr, pkt->family);
		entry_touch(l, e, ttl);
		hit = true;
		break;
	case XTFW_RECENT_REMOVE:
		if (e) {
			entry_remove(l, e);
			hit = true;
		}
		break;
	default:
		if (e)
			hit = recent_check(l, e, m, ttl);
		break;
	}
	spin_unlock_bh(&l->lock);
	return hit ^ !!(m->inv & XTFW_MINV_RECENT);
}
