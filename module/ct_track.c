// SPDX-License-Identifier: GPL-2.0
/*
 * Tracking one packet: find its connection or start one, let the protocol's
 * tracker judge it, and say what state the packet is in. The conntrack
 * hook does this with update set (the tracker sees the packet once); the
 * table hooks after it only look the connection up again, and start one
 * only if it has gone meanwhile (flushed, expired, deleted by a reopen).
 */
#include <linux/hash.h>
#include <linux/indirect_call_wrapper.h>
#include <net/ip.h>

#include "ct.h"

#define TRACK_TRIES	3	/* reopen or insert races, then give up */

static void res_conn(struct xtfw_ct_res *res, struct xtfw_conn *c, u8 dir,
		     u32 state)
{
	res->ct = c;
	res->dir = dir;
	res->ctstate = state;
}

static void res_invalid(struct xtfw_ct_net *cn, struct xtfw_ct_res *res,
			bool update)
{
	res->ct = NULL;
	res->ctstate = XTFW_CTSTATE_INVALID;
	if (update)
		xtfw_ct_stat_inc(cn, XTFW_CT_STAT_INVALID);
}

static void account(struct xtfw_conn *c, u8 dir, const struct sk_buff *skb)
{
	atomic64_inc(&c->packets[dir]);
	atomic64_add(skb->len, &c->bytes[dir]);
}

static bool same_addr(const union xtfw_addr *a, const union xtfw_addr *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/*
 * The stage of the packet an ICMP error quotes: it went the other way, so
 * it was translated by what the error has yet to undo.
 */
static u8 inner_stage(u8 stage)
{
	u8 inner = 0;

	if (!(stage & XTFW_CT_STAGE_SRC))
		inner |= XTFW_CT_STAGE_DST;
	if (!(stage & XTFW_CT_STAGE_DST))
		inner |= XTFW_CT_STAGE_SRC;
	return inner;
}

/*
 * The entry of the packet an ICMP error quotes. An error this host sends
 * about a packet it was forwarding quotes it as it was when it failed
 * (after DNAT, before SNAT, say), whatever the error's own stage: if the
 * expected stage finds nothing, the others are tried.
 */
static struct xtfw_conn *find_inner(struct xtfw_ct_net *cn,
				    const struct xtfw_ct_pkt *p,
				    const struct xtfw_ct_tuple *inner, u8 *dir)
{
	u32 hash = xtfw_ct_hash(cn, inner);
	u8 first = inner_stage(p->stage), stage;
	struct xtfw_conn *c;

	c = xtfw_ct_lookup(cn, inner, hash, first, dir);
	if (c || !atomic_read(&cn->nat_count))
		return c;
	for (stage = 0; stage <= XTFW_CT_STAGE_ALL && !c; stage++)
		if (stage != first && stage != XTFW_CT_STAGE_SRC)
			c = xtfw_ct_lookup(cn, inner, hash, stage, dir);
	return c;
}

/*
 * An ICMP error is RELATED to the connection of the packet it quotes, in
 * either direction, if it goes back to that packet's sender. Its own
 * direction is the opposite of the quoted packet's.
 */
static void track_related(struct xtfw_ct_net *cn, struct xtfw_ct_pkt *p,
			  bool update, struct xtfw_ct_res *res)
{
	struct xtfw_ct_tuple inner;
	struct xtfw_conn *c;
	u8 dir;

	if ((update && !xtfw_ct_proto_icmp.valid(p)) ||
	    !xtfw_ct_parse_inner(p, &inner) ||
	    !same_addr(&inner.src, &p->tuple.dst))
		goto invalid;
	c = find_inner(cn, p, &inner, &dir);
	if (!c)
		goto invalid;
	if (update)
		xtfw_ct_stat_inc(cn, XTFW_CT_STAT_FOUND);
	res_conn(res, c, !dir, XTFW_CTSTATE_RELATED |
		 (xtfw_ct_state_of(c, dir) &
		  (XTFW_CTSTATE_SNAT | XTFW_CTSTATE_DNAT)));
	return;
invalid:
	res_invalid(cn, res, update);
}

/* A packet of a known connection. Returns XTFW_CT_V_*. */
static int track_found(struct xtfw_ct_net *cn, struct xtfw_ct_pkt *p,
		       const struct xtfw_ct_proto *proto,
		       struct xtfw_conn *c, u8 dir, bool update,
		       struct xtfw_ct_res *res)
{
	int verdict = XTFW_CT_V_ACCEPT;

	if (update) {
		verdict = INDIRECT_CALL_2(proto->packet, xtfw_ct_udp_packet,
					  xtfw_ct_tcp_packet, cn, c, p, dir);
		if (verdict == XTFW_CT_V_REOPEN) {
			xtfw_ct_kill(c);
			xtfw_ct_put(c);
			return verdict;
		}
		if (verdict == XTFW_CT_V_INVALID) {
			xtfw_ct_put(c);
			res_invalid(cn, res, update);
			return verdict;
		}
		xtfw_ct_stat_inc(cn, XTFW_CT_STAT_FOUND);
		account(c, dir, p->skb);
	}
	res_conn(res, c, dir, xtfw_ct_state_of(c, dir));
	/* SEEN_REPLY after the state: the first reply is ESTABLISHED anyway */
	if (update && dir == XTFW_CT_DIR_REPLY &&
	    !test_bit(XTFW_CT_B_SEEN_REPLY, &c->status) &&
	    !test_and_set_bit(XTFW_CT_B_SEEN_REPLY, &c->status) &&
	    xtfw_ct_confirmed(c))
		xtfw_ct_event(c, XTFW_CT_EVENT_UPDATE);
	return verdict;
}

/*
 * The first packet of a connection: a new entry, inserted at once but
 * unconfirmed and owned by this packet. Returns XTFW_CT_V_*, or
 * XTFW_CT_V_REOPEN when another CPU was faster (look it up again).
 */
static int track_new(struct xtfw_ct_net *cn, struct xtfw_ct_pkt *p,
		     const struct xtfw_ct_proto *proto,
		     struct xtfw_ct_res *res, bool update)
{
	struct xtfw_ct_thash *clash;
	struct xtfw_conn *c;
	int ret;

	if (!update && proto->valid && !proto->valid(p))
		goto invalid;
	c = xtfw_ct_alloc(cn, &p->tuple, p->hash);
	if (!c) {	/* full: counted as drop */
		res->verdict = NF_DROP;
		res->ctstate = XTFW_CTSTATE_INVALID;
		return XTFW_CT_V_INVALID;
	}
	if (!proto->new(cn, c, p) ||
	    proto->packet(cn, c, p, XTFW_CT_DIR_ORIG) == XTFW_CT_V_INVALID) {
		xtfw_ct_free(c);
		goto invalid;
	}
	c->owner = xtfw_ct_owner(p->skb);
	account(c, XTFW_CT_DIR_ORIG, p->skb);
	ret = xtfw_ct_insert(cn, c, &clash);
	if (ret) {
		xtfw_ct_free(c);
		xtfw_ct_stat_inc(cn, XTFW_CT_STAT_INSERT_FAILED);
		if (ret == -EEXIST)
			xtfw_ct_put(xtfw_ct_of(clash));
		return XTFW_CT_V_REOPEN;
	}
	xtfw_ct_stat_inc(cn, XTFW_CT_STAT_NEW);
	res_conn(res, c, XTFW_CT_DIR_ORIG, xtfw_ct_state_of(c, 0));
	return XTFW_CT_V_ACCEPT;
invalid:
	res_invalid(cn, res, update);
	return XTFW_CT_V_INVALID;
}

/**
 * xtfw_ct_track_hinted() - xtfw_ct_track() without update, given a guess
 * @cn: the namespace's conntrack
 * @p: the packet, parsed, with its stage
 * @c: the entry the packet probably belongs to, without a reference; it
 *	may have been freed or reused since, but not returned to the page
 *	allocator (SLAB_TYPESAFE_BY_RCU, and the caller is under RCU since
 *	before it read @c from where a reference kept it)
 * @dir: the packet's direction in @c
 * @res: filled as xtfw_ct_track() would fill it, if true is returned
 *
 * The lookup finds the one live entry with a node hashed under the
 * packet's tuple and, for an entry without NAT, takes it whatever the
 * stage. So if @c is live, of @cn, not NATed, not expired and has the
 * packet's tuple in the hashed node of @dir, the lookup would return @c
 * and @dir; anything else is left to it.
 *
 * Call under rcu_read_lock(). Return: true if @res holds @c, referenced.
 */
bool xtfw_ct_track_hinted(struct xtfw_ct_net *cn, const struct xtfw_ct_pkt *p,
			  struct xtfw_conn *c, u8 dir, struct xtfw_ct_res *res)
{
	if (p->kind != XTFW_CT_K_TRACK || dir > XTFW_CT_DIR_REPLY ||
	    !refcount_inc_not_zero(&c->use))
		return false;
	/* TYPESAFE_BY_RCU: read it only after the reference */
	smp_acquire__after_ctrl_dep();
	if (c->cn != cn || xtfw_ct_natted(c) ||
	    test_bit(XTFW_CT_B_DYING, &c->status) || xtfw_ct_expired(c) ||
	    (dir == XTFW_CT_DIR_REPLY &&
	     !test_bit(XTFW_CT_B_REPLY_HASHED, &c->status)) ||
	    !xtfw_ct_key_equal(&c->th[dir].tuple, &p->tuple)) {
		xtfw_ct_put(c);
		return false;
	}
	res->verdict = NF_ACCEPT;
	res_conn(res, c, dir, xtfw_ct_state_of(c, dir));
	return true;
}

/**
 * xtfw_ct_track() - the connection and state of a packet
 * @cn: the namespace's conntrack
 * @p: the packet, parsed by xtfw_ct_parse()
 * @update: run the tracker (the conntrack hook); else only look it up
 * @res: the result; res->ct holds a reference if set
 *
 * Call under rcu_read_lock().
 */
void xtfw_ct_track(struct xtfw_ct_net *cn, struct xtfw_ct_pkt *p,
		   bool update, struct xtfw_ct_res *res)
{
	const struct xtfw_ct_proto *proto;
	struct xtfw_conn *c;
	unsigned int tries;
	int verdict;
	u8 dir;

	memset(res, 0, sizeof(*res));
	res->verdict = NF_ACCEPT;
	switch (p->kind) {
	case XTFW_CT_K_UNTRACKED:
		res->ctstate = XTFW_CTSTATE_UNTRACKED;
		return;
	case XTFW_CT_K_ICMP_ERROR:
		track_related(cn, p, update, res);
		return;
	case XTFW_CT_K_TRACK:
		break;
	default:
		res_invalid(cn, res, update);
		return;
	}
	proto = xtfw_ct_proto_find(p->tuple.proto);
	if (update && proto->valid &&
	    !INDIRECT_CALL_2(proto->valid, xtfw_ct_udp_valid, xtfw_ct_tcp_valid,
			     p)) {
		res_invalid(cn, res, update);
		return;
	}
	p->hash = xtfw_ct_hash(cn, &p->tuple);
	for (tries = 0; tries < TRACK_TRIES; tries++) {
		c = xtfw_ct_lookup(cn, &p->tuple, p->hash, p->stage, &dir);
		if (c)
			verdict = track_found(cn, p, proto, c, dir, update,
					      res);
		else
			verdict = track_new(cn, p, proto, res, update);
		if (verdict != XTFW_CT_V_REOPEN)
			return;
	}
	res_invalid(cn, res, update);
}
