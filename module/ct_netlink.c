// SPDX-License-Identifier: GPL-2.0
/*
 * The conntrack commands of the xtfw family (uapi/linux/xtfw.h, CONNTRACK):
 * list, delete, flush, settings and statistics. netlink.c splices these
 * operations into the family's (XTFW_CT_GENL_OPS).
 *
 * Listing walks the buckets under RCU and takes no lock, so a dump of any
 * size never holds up packets; it leaves RCU and yields every
 * DUMP_BUCKETS buckets. Its cursor is a bucket and a position in it: an
 * entry inserted meanwhile at the head of that bucket can make the next
 * part repeat one entry. A resize between parts flags the dump
 * interrupted (NLM_F_DUMP_INTR).
 */
#include <linux/inet.h>
#include <net/genetlink.h>

#include "ct.h"

#define DUMP_BUCKETS		4096
#define MAX_TIMEOUT_SECS	(INT_MAX / HZ)

static struct netlink_range_validation max_entries_range = {
	.min = 1,
	.max = XTFW_CT_MAX_ENTRIES,
};

static struct netlink_range_validation timeout_range = {
	.min = 1,
	.max = MAX_TIMEOUT_SECS,
};

#define ADDR_POLICY	NLA_POLICY_EXACT_LEN(sizeof(union xtfw_addr))

const struct nla_policy xtfw_ct_policy[XTFW_CT_A_MAX + 1] = {
	[XTFW_CT_A_FAMILY]	= NLA_POLICY_MAX(NLA_U8, __XTFW_FAMILY_MAX - 1),
	[XTFW_CT_A_PROTO]	= { .type = NLA_U8 },
	[XTFW_CT_A_ORIG_SRC]	= ADDR_POLICY,
	[XTFW_CT_A_ORIG_DST]	= ADDR_POLICY,
	[XTFW_CT_A_ORIG_SPORT]	= { .type = NLA_U16 },
	[XTFW_CT_A_ORIG_DPORT]	= { .type = NLA_U16 },
	[XTFW_CT_A_REPL_SRC]	= ADDR_POLICY,
	[XTFW_CT_A_REPL_DST]	= ADDR_POLICY,
	[XTFW_CT_A_REPL_SPORT]	= { .type = NLA_U16 },
	[XTFW_CT_A_REPL_DPORT]	= { .type = NLA_U16 },
	[XTFW_CT_A_STATUS]	= NLA_POLICY_MASK(NLA_U32, XTFW_CT_S_ALL),
	[XTFW_CT_A_TCP_STATE]	= NLA_POLICY_MAX(NLA_U8,
						 __XTFW_TCP_STATE_MAX - 1),
	[XTFW_CT_A_TIMEOUT]	= { .type = NLA_U32 },
	[XTFW_CT_A_MARK]	= { .type = NLA_U32 },
	[XTFW_CT_A_ORIG_PACKETS] = { .type = NLA_U64 },
	[XTFW_CT_A_ORIG_BYTES]	= { .type = NLA_U64 },
	[XTFW_CT_A_REPL_PACKETS] = { .type = NLA_U64 },
	[XTFW_CT_A_REPL_BYTES]	= { .type = NLA_U64 },
	[XTFW_CT_A_ID]		= { .type = NLA_U32 },
	[XTFW_CT_A_CTSTATE]	= NLA_POLICY_MASK(NLA_U32, XTFW_CTSTATE_ALL),
	[XTFW_CT_A_MARK_MASK]	= { .type = NLA_U32 },
};

static const struct nla_policy timeout_policy[XTFW_TIMEOUT_A_MAX + 1] = {
	[XTFW_TIMEOUT_A_PROTO]	= { .type = NLA_U8 },
	[XTFW_TIMEOUT_A_STATE]	= { .type = NLA_U8 },
	[XTFW_TIMEOUT_A_SECONDS] = NLA_POLICY_FULL_RANGE(NLA_U32,
							 &timeout_range),
};

const struct nla_policy xtfw_ctconf_policy[XTFW_CTCONF_A_MAX + 1] = {
	[XTFW_CTCONF_A_MAX_ENTRIES] = NLA_POLICY_FULL_RANGE(NLA_U32,
							    &max_entries_range),
	[XTFW_CTCONF_A_TCP_LOOSE] = NLA_POLICY_MAX(NLA_U8, 1),
	[XTFW_CTCONF_A_TIMEOUT]	= NLA_POLICY_NESTED(timeout_policy),
	[XTFW_CTCONF_A_COUNT]	= { .type = NLA_U32 },
	[XTFW_CTCONF_A_DELETED]	= { .type = NLA_U32 },
};

static_assert(XTFW_CTSTATS_A_FOUND + XTFW_CT_STAT_NAT_FAILED ==
	      XTFW_CTSTATS_A_PAD);

/* The attribute of each statistic: PAD sits among them. */
static int stat_attr(unsigned int i)
{
	return i == XTFW_CT_STAT_NAT_FAILED ? XTFW_CTSTATS_A_NAT_FAILED :
					      XTFW_CTSTATS_A_FOUND + i;
}

const struct nla_policy xtfw_ctstats_policy[XTFW_CTSTATS_A_MAX + 1] = {
	[XTFW_CTSTATS_A_FOUND]		= { .type = NLA_U64 },
	[XTFW_CTSTATS_A_NEW]		= { .type = NLA_U64 },
	[XTFW_CTSTATS_A_INVALID]	= { .type = NLA_U64 },
	[XTFW_CTSTATS_A_INSERT_FAILED]	= { .type = NLA_U64 },
	[XTFW_CTSTATS_A_DROP]		= { .type = NLA_U64 },
	[XTFW_CTSTATS_A_EARLY_DROP]	= { .type = NLA_U64 },
	[XTFW_CTSTATS_A_SEARCH_RESTART]	= { .type = NLA_U64 },
	[XTFW_CTSTATS_A_NAT_FAILED]	= { .type = NLA_U64 },
};

/* --- filters ------------------------------------------------------------- */

/* Which entries a list or delete is about; a zero field matches all. */
struct ct_filter {
	u32 have;			/* BIT(XTFW_CT_A_*) given */
	u8 family, proto, tcp_state;
	union xtfw_addr addr[4];	/* ORIG_SRC, ORIG_DST, REPL_SRC, ... */
	u16 port[4];
	u32 status, mark, mark_mask, ctstate, id;
};

#define HAVE(f, a)	((f)->have & BIT(XTFW_CT_A_##a))

static const u8 addr_attrs[4] = {
	XTFW_CT_A_ORIG_SRC, XTFW_CT_A_ORIG_DST,
	XTFW_CT_A_REPL_SRC, XTFW_CT_A_REPL_DST,
};

static const u8 port_attrs[4] = {
	XTFW_CT_A_ORIG_SPORT, XTFW_CT_A_ORIG_DPORT,
	XTFW_CT_A_REPL_SPORT, XTFW_CT_A_REPL_DPORT,
};

static int filter_parse(struct ct_filter *f, const struct nlattr *nest,
			const struct nlattr *family,
			struct netlink_ext_ack *extack)
{
	struct nlattr *tb[XTFW_CT_A_MAX + 1];
	unsigned int i;
	int ret;

	memset(f, 0, sizeof(*f));
	f->mark_mask = ~0U;
	if (family) {
		f->have |= BIT(XTFW_CT_A_FAMILY);
		f->family = nla_get_u8(family);
	}
	if (!nest)
		return 0;
	ret = nla_parse_nested(tb, XTFW_CT_A_MAX, nest, xtfw_ct_policy, extack);
	if (ret)
		return ret;
	for (i = 1; i <= XTFW_CT_A_MAX; i++)
		if (tb[i])
			f->have |= BIT(i);
	if (tb[XTFW_CT_A_FAMILY])
		f->family = nla_get_u8(tb[XTFW_CT_A_FAMILY]);
	if (tb[XTFW_CT_A_PROTO])
		f->proto = nla_get_u8(tb[XTFW_CT_A_PROTO]);
	if (tb[XTFW_CT_A_TCP_STATE])
		f->tcp_state = nla_get_u8(tb[XTFW_CT_A_TCP_STATE]);
	for (i = 0; i < ARRAY_SIZE(addr_attrs); i++) {
		if (tb[addr_attrs[i]])
			nla_memcpy(&f->addr[i], tb[addr_attrs[i]],
				   sizeof(f->addr[i]));
		if (tb[port_attrs[i]])
			f->port[i] = nla_get_u16(tb[port_attrs[i]]);
	}
	if (tb[XTFW_CT_A_STATUS])
		f->status = nla_get_u32(tb[XTFW_CT_A_STATUS]);
	if (tb[XTFW_CT_A_MARK])
		f->mark = nla_get_u32(tb[XTFW_CT_A_MARK]);
	if (tb[XTFW_CT_A_MARK_MASK])
		f->mark_mask = nla_get_u32(tb[XTFW_CT_A_MARK_MASK]);
	if (tb[XTFW_CT_A_CTSTATE])
		f->ctstate = nla_get_u32(tb[XTFW_CT_A_CTSTATE]);
	if (tb[XTFW_CT_A_ID])
		f->id = nla_get_u32(tb[XTFW_CT_A_ID]);
	return 0;
}

static bool tuples_match(const struct ct_filter *f, const struct xtfw_conn *c)
{
	const struct xtfw_ct_tuple *t;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(addr_attrs); i++) {
		t = &c->th[i / 2].tuple;
		if ((f->have & BIT(addr_attrs[i])) &&
		    memcmp(&f->addr[i], i % 2 ? &t->dst : &t->src,
			   sizeof(f->addr[i])))
			return false;
		if ((f->have & BIT(port_attrs[i])) &&
		    f->port[i] != ntohs(i % 2 ? t->dport : t->sport))
			return false;
	}
	return true;
}

/* Called with a reference on @c. */
static bool filter_match(const struct xtfw_conn *c, const void *arg)
{
	const struct ct_filter *f = arg;
	const struct xtfw_ct_tuple *t = &c->th[0].tuple;

	if (!xtfw_ct_confirmed(c))
		return false;
	if ((HAVE(f, FAMILY) && t->family != f->family) ||
	    (HAVE(f, PROTO) && t->proto != f->proto) ||
	    (HAVE(f, ID) && xtfw_ct_id(c) != f->id))
		return false;
	if (HAVE(f, TCP_STATE) && (t->proto != IPPROTO_TCP ||
				   READ_ONCE(c->proto.tcp.state) !=
				   f->tcp_state))
		return false;
	if (HAVE(f, STATUS) && (c->status & f->status) != f->status)
		return false;
	if ((HAVE(f, MARK) || HAVE(f, MARK_MASK)) &&
	    ((READ_ONCE(c->mark) ^ f->mark) & f->mark_mask))
		return false;
	if (HAVE(f, CTSTATE) &&
	    !(xtfw_ct_state_of(c, XTFW_CT_DIR_ORIG) & f->ctstate))
		return false;
	return tuples_match(f, c);
}

/* --- messages ------------------------------------------------------------ */

static int put_tuple(struct sk_buff *skb, const struct xtfw_ct_tuple *t,
		     int src_attr)
{
	if (nla_put(skb, src_attr, sizeof(t->src), &t->src) ||
	    nla_put(skb, src_attr + 1, sizeof(t->dst), &t->dst) ||
	    nla_put_u16(skb, src_attr + 2, ntohs(t->sport)) ||
	    nla_put_u16(skb, src_attr + 3, ntohs(t->dport)))
		return -EMSGSIZE;
	return 0;
}

static int put_counters(struct sk_buff *skb, const struct xtfw_conn *c)
{
	if (nla_put_u64_64bit(skb, XTFW_CT_A_ORIG_PACKETS,
			      atomic64_read(&c->packets[0]), XTFW_CT_A_PAD) ||
	    nla_put_u64_64bit(skb, XTFW_CT_A_ORIG_BYTES,
			      atomic64_read(&c->bytes[0]), XTFW_CT_A_PAD) ||
	    nla_put_u64_64bit(skb, XTFW_CT_A_REPL_PACKETS,
			      atomic64_read(&c->packets[1]), XTFW_CT_A_PAD) ||
	    nla_put_u64_64bit(skb, XTFW_CT_A_REPL_BYTES,
			      atomic64_read(&c->bytes[1]), XTFW_CT_A_PAD))
		return -EMSGSIZE;
	return 0;
}

static int put_conn(struct sk_buff *skb, const struct xtfw_conn *c)
{
	const struct xtfw_ct_tuple *t = &c->th[0].tuple;
	struct nlattr *nest = nla_nest_start(skb, XTFW_A_CT);

	if (!nest ||
	    nla_put_u8(skb, XTFW_CT_A_FAMILY, t->family) ||
	    nla_put_u8(skb, XTFW_CT_A_PROTO, t->proto) ||
	    put_tuple(skb, t, XTFW_CT_A_ORIG_SRC) ||
	    put_tuple(skb, &c->th[1].tuple, XTFW_CT_A_REPL_SRC) ||
	    nla_put_u32(skb, XTFW_CT_A_STATUS, c->status & XTFW_CT_S_UAPI) ||
	    nla_put_u32(skb, XTFW_CT_A_TIMEOUT,
			DIV_ROUND_UP(xtfw_ct_left(c), HZ)) ||
	    nla_put_u32(skb, XTFW_CT_A_MARK, READ_ONCE(c->mark)) ||
	    nla_put_u32(skb, XTFW_CT_A_ID, xtfw_ct_id(c)) ||
	    put_counters(skb, c))
		return -EMSGSIZE;
	if (t->proto == IPPROTO_TCP &&
	    nla_put_u8(skb, XTFW_CT_A_TCP_STATE,
		       READ_ONCE(c->proto.tcp.state)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/**
 * xtfw_ct_event() - tell the "ct" multicast group about an entry
 * @c: the entry, confirmed; the caller holds a reference
 * @event: enum xtfw_ct_event
 *
 * Like conntrack -E: nothing is built unless someone listens; a listener
 * that cannot keep up loses events (ENOBUFS on its socket).
 */
void xtfw_ct_event(const struct xtfw_conn *c, u8 event)
{
	struct net *net = c->cn->xn->net;
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&xtfw_genl_family, net, XTFW_MCGRP_CT_ID))
		return;
	msg = genlmsg_new(NLMSG_DEFAULT_SIZE, GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &xtfw_genl_family, 0, XTFW_CMD_CT_EVENT);
	if (!hdr || nla_put_u8(msg, XTFW_A_CT_EVENT, event) ||
	    put_conn(msg, c)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&xtfw_genl_family, net, msg, 0,
				XTFW_MCGRP_CT_ID, GFP_ATOMIC);
}

static struct xtfw_ct_net *ct_of(struct genl_info *info)
{
	return xtfw_ct_net_get(xtfw_pernet(genl_info_net(info)));
}

/* A reply with one nest filled by @fill. */
static int reply(struct genl_info *info, u8 cmd, size_t size,
		 int (*fill)(struct sk_buff *skb, const void *arg),
		 const void *arg)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(size, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &xtfw_genl_family, 0, cmd);
	if (!hdr || fill(msg, arg)) {
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
}

/* --- CT_GET -------------------------------------------------------------- */

enum { CUR_BUCKET, CUR_SKIP, CUR_FILTER };

int xtfw_ct_nl_dump_start(struct netlink_callback *cb)
{
	struct nlattr **attrs = xtfw_dump_attrs(cb);
	struct ct_filter *f;
	int ret;

	f = kmalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	ret = filter_parse(f, attrs ? attrs[XTFW_A_CT_FILTER] : NULL,
			   attrs ? attrs[XTFW_A_FAMILY] : NULL, cb->extack);
	if (ret) {
		kfree(f);
		return ret;
	}
	cb->args[CUR_FILTER] = (long)f;
	return 0;
}

int xtfw_ct_nl_dump_done(struct netlink_callback *cb)
{
	kfree((void *)cb->args[CUR_FILTER]);
	return 0;
}

static int dump_conn(struct sk_buff *skb, struct netlink_callback *cb,
		     const struct xtfw_conn *c)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, &xtfw_genl_family,
				NLM_F_MULTI, XTFW_CMD_CT_GET);

	if (!hdr)
		return -EMSGSIZE;
	nl_dump_check_consistent(cb, genlmsg_nlhdr(hdr));
	if (put_conn(skb, c)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * Send the entries of one bucket from position *skip on (positions count
 * the original-direction nodes). Returns -EMSGSIZE with *skip updated
 * when the skb is full.
 */
static int dump_bucket(struct sk_buff *skb, struct netlink_callback *cb,
		       struct xtfw_ct_net *cn, struct hlist_nulls_head *b,
		       long *skip)
{
	const struct ct_filter *f = (void *)cb->args[CUR_FILTER];
	struct hlist_nulls_node *n;
	struct xtfw_ct_thash *h;
	struct xtfw_conn *c;
	long pos = 0;
	int ret = 0;

	hlist_nulls_for_each_entry_rcu(h, n, b, node) {
		if (h->tuple.dir != XTFW_CT_DIR_ORIG || pos++ < *skip)
			continue;
		c = xtfw_ct_of(h);
		if (!refcount_inc_not_zero(&c->use))
			continue;
		smp_acquire__after_ctrl_dep();
		if (c->cn == cn && !test_bit(XTFW_CT_B_DYING, &c->status) &&
		    filter_match(c, f))
			ret = dump_conn(skb, cb, c);
		xtfw_ct_put(c);
		if (ret) {
			*skip = pos - 1;
			return ret;
		}
	}
	*skip = 0;
	return 0;
}

int xtfw_ct_nl_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct xtfw_ct_net *cn = xtfw_ct_net_get(xtfw_pernet(sock_net(skb->sk)));
	long *cur = cb->args;
	struct xtfw_ct_htable *ht;
	unsigned int walked = 0;
	int ret = 0;

	if (!cn)
		return 0;
	rcu_read_lock();
	ht = rcu_dereference(cn->ht);
	cb->seq = READ_ONCE(cn->ht_gen) + 1;
	while (cur[CUR_BUCKET] < ht->size) {
		ret = dump_bucket(skb, cb, cn, &ht->buckets[cur[CUR_BUCKET]],
				  &cur[CUR_SKIP]);
		if (ret)
			break;
		cur[CUR_BUCKET]++;
		if (++walked % DUMP_BUCKETS)
			continue;
		/* yield; return what we have, or go on if nothing yet */
		rcu_read_unlock();
		if (skb->len)
			return skb->len;
		cond_resched();
		rcu_read_lock();
		ht = rcu_dereference(cn->ht);
		cb->seq = READ_ONCE(cn->ht_gen) + 1;
	}
	rcu_read_unlock();
	if (ret && !skb->len)
		return ret;	/* one entry larger than a message */
	return skb->len;
}

/* --- CT_DELETE, CT_FLUSH --------------------------------------------------- */

static int put_deleted(struct sk_buff *skb, const void *arg)
{
	struct nlattr *nest = nla_nest_start(skb, XTFW_A_CT_CONF);

	if (!nest || nla_put_u32(skb, XTFW_CTCONF_A_DELETED, *(const u32 *)arg))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int delete(struct genl_info *info, const struct ct_filter *f)
{
	struct xtfw_ct_net *cn = ct_of(info);
	u32 deleted = 0;

	if (cn)
		xtfw_ct_flush(cn, filter_match, f, &deleted);
	return reply(info, info->genlhdr->cmd,
		     nla_total_size(sizeof(u32)) + nla_total_size(0),
		     put_deleted, &deleted);
}

int xtfw_ct_nl_delete(struct sk_buff *skb, struct genl_info *info)
{
	struct ct_filter f;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, XTFW_A_CT_FILTER))
		return -EINVAL;
	ret = filter_parse(&f, info->attrs[XTFW_A_CT_FILTER],
			   info->attrs[XTFW_A_FAMILY], info->extack);
	if (ret)
		return ret;
	return delete(info, &f);
}

int xtfw_ct_nl_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct ct_filter f;
	int ret;

	ret = filter_parse(&f, NULL, info->attrs[XTFW_A_FAMILY], info->extack);
	if (ret)
		return ret;
	return delete(info, &f);
}

/* --- CT_GETCONF, CT_SETCONF ------------------------------------------------ */

struct ct_conf {
	u32 max, count;
	u8 tcp_loose;
	struct xtfw_ct_timeouts to;
};

static int put_timeout(struct sk_buff *skb, u8 proto, u8 state, u32 jif)
{
	struct nlattr *nest = nla_nest_start(skb, XTFW_CTCONF_A_TIMEOUT);

	if (!nest ||
	    nla_put_u8(skb, XTFW_TIMEOUT_A_PROTO, proto) ||
	    nla_put_u8(skb, XTFW_TIMEOUT_A_STATE, state) ||
	    nla_put_u32(skb, XTFW_TIMEOUT_A_SECONDS, jif / HZ))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int put_timeouts(struct sk_buff *skb, const struct xtfw_ct_timeouts *to)
{
	unsigned int i;

	for (i = XTFW_TCP_SYN_SENT; i < __XTFW_TCP_TIMEOUT_MAX; i++)
		if (put_timeout(skb, IPPROTO_TCP, i, to->tcp[i]))
			return -EMSGSIZE;
	for (i = 0; i < XTFW_CT_UDP_TIMEOUTS; i++)
		if (put_timeout(skb, IPPROTO_UDP, i, to->udp[i]))
			return -EMSGSIZE;
	if (put_timeout(skb, IPPROTO_ICMP, 0, to->icmp) ||
	    put_timeout(skb, IPPROTO_ICMPV6, 0, to->icmpv6) ||
	    put_timeout(skb, 0, 0, to->generic))
		return -EMSGSIZE;
	return 0;
}

static int put_conf(struct sk_buff *skb, const void *arg)
{
	const struct ct_conf *conf = arg;
	struct nlattr *nest = nla_nest_start(skb, XTFW_A_CT_CONF);

	if (!nest ||
	    nla_put_u32(skb, XTFW_CTCONF_A_MAX_ENTRIES, conf->max) ||
	    nla_put_u8(skb, XTFW_CTCONF_A_TCP_LOOSE, conf->tcp_loose) ||
	    nla_put_u32(skb, XTFW_CTCONF_A_COUNT, conf->count) ||
	    put_timeouts(skb, &conf->to))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static void conf_read(const struct xtfw_ct_net *cn, struct ct_conf *conf)
{
	unsigned int i;

	if (!cn) {	/* never used: the defaults */
		conf->max = xtfw_ct_default_max();
		conf->count = 0;
		conf->tcp_loose = 1;
		xtfw_ct_default_timeouts(&conf->to);
		return;
	}
	conf->max = READ_ONCE(cn->max);
	/* not the deleted entries a lookup hint still holds */
	xtfw_ct_hint_drain();
	conf->count = atomic_read(&cn->count);
	conf->tcp_loose = READ_ONCE(cn->tcp_loose);
	for (i = 0; i < sizeof(conf->to) / sizeof(u32); i++)
		((u32 *)&conf->to)[i] = READ_ONCE(((const u32 *)&cn->to)[i]);
}

int xtfw_ct_nl_getconf(struct sk_buff *skb, struct genl_info *info)
{
	struct ct_conf conf;

	conf_read(ct_of(info), &conf);
	return reply(info, XTFW_CMD_CT_GETCONF, NLMSG_GOODSIZE, put_conf, &conf);
}

/* Where a timeout setting goes in struct xtfw_ct_timeouts, or NULL. */
static u32 *timeout_slot(struct xtfw_ct_timeouts *to, u8 proto, u8 state,
			 bool has_state)
{
	switch (proto) {
	case IPPROTO_TCP:
		if (!has_state || state == XTFW_TCP_NONE ||
		    state >= __XTFW_TCP_TIMEOUT_MAX)
			return NULL;
		return &to->tcp[state];
	case IPPROTO_UDP:
	case IPPROTO_UDPLITE:
		if (!has_state || state >= XTFW_CT_UDP_TIMEOUTS)
			return NULL;
		return &to->udp[state];
	case IPPROTO_ICMP:
		return has_state && state ? NULL : &to->icmp;
	case IPPROTO_ICMPV6:
		return has_state && state ? NULL : &to->icmpv6;
	case 0:
		return has_state && state ? NULL : &to->generic;
	default:
		return NULL;
	}
}

/* Check one timeout nest and store it in @to. */
static int timeout_parse(struct xtfw_ct_timeouts *to, const struct nlattr *nest,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[XTFW_TIMEOUT_A_MAX + 1];
	u32 *slot;
	int ret;

	ret = nla_parse_nested(tb, XTFW_TIMEOUT_A_MAX, nest, timeout_policy,
			       extack);
	if (ret)
		return ret;
	if (!tb[XTFW_TIMEOUT_A_PROTO] || !tb[XTFW_TIMEOUT_A_SECONDS]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "a timeout needs a protocol and seconds");
		return -EINVAL;
	}
	slot = timeout_slot(to, nla_get_u8(tb[XTFW_TIMEOUT_A_PROTO]),
			    tb[XTFW_TIMEOUT_A_STATE] ?
			    nla_get_u8(tb[XTFW_TIMEOUT_A_STATE]) : 0,
			    tb[XTFW_TIMEOUT_A_STATE]);
	if (!slot) {
		NL_SET_ERR_MSG_ATTR(extack, tb[XTFW_TIMEOUT_A_STATE] ?:
				    tb[XTFW_TIMEOUT_A_PROTO],
				    "no such timeout: tcp and udp take a state, icmp, icmpv6 and generic (0) none");
		return -EINVAL;
	}
	*slot = nla_get_u32(tb[XTFW_TIMEOUT_A_SECONDS]) * HZ;
	return 0;
}

/* Parse and check everything before changing anything. */
static int conf_parse(const struct nlattr *nest, struct xtfw_ct_timeouts *to,
		      struct nlattr **tb, struct netlink_ext_ack *extack)
{
	const struct nlattr *a;
	int rem, ret;

	ret = nla_parse_nested(tb, XTFW_CTCONF_A_MAX, nest, xtfw_ctconf_policy,
			       extack);
	if (ret)
		return ret;
	if (tb[XTFW_CTCONF_A_COUNT] || tb[XTFW_CTCONF_A_DELETED]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[XTFW_CTCONF_A_COUNT] ?:
				    tb[XTFW_CTCONF_A_DELETED],
				    "the entry count cannot be set");
		return -EINVAL;
	}
	nla_for_each_nested(a, nest, rem) {
		if (nla_type(a) != XTFW_CTCONF_A_TIMEOUT)
			continue;
		ret = timeout_parse(to, a, extack);
		if (ret)
			return ret;
	}
	return 0;
}

static void conf_apply(struct xtfw_ct_net *cn, struct nlattr **tb,
		       const struct xtfw_ct_timeouts *to)
{
	unsigned int i;

	mutex_lock(&cn->mutex);
	for (i = 0; i < sizeof(*to) / sizeof(u32); i++)
		WRITE_ONCE(((u32 *)&cn->to)[i], ((const u32 *)to)[i]);
	if (tb[XTFW_CTCONF_A_TCP_LOOSE])
		WRITE_ONCE(cn->tcp_loose,
			   nla_get_u8(tb[XTFW_CTCONF_A_TCP_LOOSE]));
	if (tb[XTFW_CTCONF_A_MAX_ENTRIES])
		xtfw_ct_set_max(cn, nla_get_u32(tb[XTFW_CTCONF_A_MAX_ENTRIES]));
	mutex_unlock(&cn->mutex);
}

int xtfw_ct_nl_setconf(struct sk_buff *skb, struct genl_info *info)
{
	struct xtfw_net *xn = xtfw_pernet(genl_info_net(info));
	struct nlattr *tb[XTFW_CTCONF_A_MAX + 1];
	struct xtfw_ct_timeouts to;
	struct xtfw_ct_net *cn;
	int ret;

	if (GENL_REQ_ATTR_CHECK(info, XTFW_A_CT_CONF))
		return -EINVAL;
	mutex_lock(&xn->commit_mutex);
	cn = xtfw_ct_net_create(xn);
	if (!cn) {
		ret = -ENOMEM;
		goto out;
	}
	mutex_lock(&cn->mutex);
	to = cn->to;
	mutex_unlock(&cn->mutex);
	ret = conf_parse(info->attrs[XTFW_A_CT_CONF], &to, tb, info->extack);
	if (!ret)
		conf_apply(cn, tb, &to);
out:
	mutex_unlock(&xn->commit_mutex);
	return ret;
}

/* --- CT_STATS ------------------------------------------------------------ */

static int put_stats(struct sk_buff *skb, const void *arg)
{
	const struct xtfw_ct_stats *s = arg;
	struct nlattr *nest = nla_nest_start(skb, XTFW_A_CT_STATS);
	unsigned int i;

	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < __XTFW_CT_STAT_MAX; i++)
		if (nla_put_u64_64bit(skb, stat_attr(i), s->v[i],
				      XTFW_CTSTATS_A_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

int xtfw_ct_nl_stats(struct sk_buff *skb, struct genl_info *info)
{
	struct xtfw_ct_net *cn = ct_of(info);
	struct xtfw_ct_stats sum = { };

	if (cn)
		xtfw_ct_stats_read(cn, &sum);
	return reply(info, XTFW_CMD_CT_STATS, NLMSG_GOODSIZE, put_stats, &sum);
}

const struct genl_ops xtfw_ct_genl_ops[XTFW_CT_GENL_N_OPS] = {
	{
		.cmd = XTFW_CMD_CT_GET,
		.start = xtfw_ct_nl_dump_start,
		.dumpit = xtfw_ct_nl_dump,
		.done = xtfw_ct_nl_dump_done,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = XTFW_CMD_CT_DELETE,
		.doit = xtfw_ct_nl_delete,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = XTFW_CMD_CT_FLUSH,
		.doit = xtfw_ct_nl_flush,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = XTFW_CMD_CT_GETCONF,
		.doit = xtfw_ct_nl_getconf,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = XTFW_CMD_CT_SETCONF,
		.doit = xtfw_ct_nl_setconf,
		.flags = GENL_UNS_ADMIN_PERM,
	}, {
		.cmd = XTFW_CMD_CT_STATS,
		.doit = xtfw_ct_nl_stats,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

const unsigned int xtfw_ct_genl_n_ops = ARRAY_SIZE(xtfw_ct_genl_ops);
