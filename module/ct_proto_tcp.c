// SPDX-License-Identifier: GPL-2.0
/*
 * TCP tracking, the kernel side: read the segment out of the skb, run the
 * state machine of ct_tcp_sm.c under the entry's lock, and apply what it
 * decided to the entry (timeout, ASSURED, deletion).
 */
#include <linux/tcp.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "ct.h"

#define TCP_MAX_RETRANS	3	/* as nf_conntrack_tcp_max_retrans */
#define TCP_MAX_OPTLEN	40

struct tcp_seg_buf {
	struct xtfw_tcp_seg seg;
	u8 opts[TCP_MAX_OPTLEN];
};

/* Fill @b from the packet; false if its header is broken. */
static bool read_segment(const struct xtfw_ct_pkt *p, struct tcp_seg_buf *b)
{
	struct tcphdr _th;
	const struct tcphdr *th;
	unsigned int hlen;

	th = skb_header_pointer(p->skb, p->thoff, sizeof(_th), &_th);
	if (!th)
		return false;
	hlen = th->doff * 4;
	if (hlen < sizeof(*th) || p->skb->len < p->thoff + hlen)
		return false;
	b->seg.seq = ntohl(th->seq);
	b->seg.ack = ntohl(th->ack_seq);
	b->seg.win = ntohs(th->window);
	b->seg.flags = tcp_flag_byte(th);
	b->seg.datalen = p->skb->len - p->thoff - hlen;
	b->seg.optlen = hlen - sizeof(*th);
	b->seg.opts = b->opts;
	return !skb_copy_bits(p->skb, p->thoff + sizeof(*th), b->opts,
			      b->seg.optlen);
}

static void tcp_cfg(const struct xtfw_ct_net *cn, struct xtfw_tcp_cfg *cfg)
{
	cfg->timeouts = cn->to.tcp;
	cfg->loose = READ_ONCE(cn->tcp_loose);
	cfg->liberal = false;
	cfg->max_retrans = TCP_MAX_RETRANS;
}

static u8 conn_facts(const struct xtfw_conn *c)
{
	u8 facts = 0;

	if (test_bit(XTFW_CT_B_SEEN_REPLY, &c->status))
		facts |= XTFW_TCP_C_SEEN_REPLY;
	if (test_bit(XTFW_CT_B_ASSURED, &c->status))
		facts |= XTFW_TCP_C_ASSURED;
	return facts;
}

/* Header checks: complete, good checksum on input, sane flags. */
bool xtfw_ct_tcp_valid(const struct xtfw_ct_pkt *p)
{
	const struct nf_hook_state *state = p->state;
	struct tcphdr _th;
	const struct tcphdr *th;

	th = skb_header_pointer(p->skb, p->thoff, sizeof(_th), &_th);
	if (!th || th->doff * 4 < sizeof(*th) ||
	    p->skb->len < p->thoff + th->doff * 4)
		return false;
	if (state->hook == NF_INET_PRE_ROUTING &&
	    nf_checksum(p->skb, state->hook, p->thoff, IPPROTO_TCP, state->pf))
		return false;
	return xtfw_tcp_flags_valid(tcp_flag_byte(th));
}

static bool tcp_new(struct xtfw_ct_net *cn, struct xtfw_conn *c,
		    const struct xtfw_ct_pkt *p)
{
	struct tcp_seg_buf b;
	struct xtfw_tcp_cfg cfg;

	if (!read_segment(p, &b))
		return false;
	tcp_cfg(cn, &cfg);
	return xtfw_tcp_sm_new(&c->proto.tcp, &b.seg, &cfg);
}

/* An invalid FIN or RST on an idle-looking assured entry: expire sooner. */
static void lower_timeout(struct xtfw_conn *c, u32 unack)
{
	u32 left = xtfw_ct_left(c);

	if (left >= 120 * HZ && left > unack)
		xtfw_ct_refresh(c, unack);
}

/* Delete the entry once its current packet is done (see ct_hooks.c). */
static void kill_after(struct xtfw_ct_net *cn, struct xtfw_conn *c)
{
	set_bit(XTFW_CT_B_KILL, &c->status);
	if (!test_and_set_bit(XTFW_CT_B_PENDING, &c->status))
		atomic_inc(&cn->pending);
}

int xtfw_ct_tcp_packet(struct xtfw_ct_net *cn, struct xtfw_conn *c,
		       const struct xtfw_ct_pkt *p, u8 dir)
{
	struct tcp_seg_buf b;
	struct xtfw_tcp_cfg cfg;
	struct xtfw_tcp_res res;
	bool changed;
	u8 old;

	if (!read_segment(p, &b))
		return XTFW_CT_V_INVALID;
	tcp_cfg(cn, &cfg);
	spin_lock_bh(&c->lock);
	old = c->proto.tcp.state;
	xtfw_tcp_sm_packet(&c->proto.tcp, &b.seg, dir, conn_facts(c), &cfg,
			   &res);
	changed = c->proto.tcp.state != old;
	spin_unlock_bh(&c->lock);

	switch (res.verdict) {
	case XTFW_TCP_V_INVALID:
		if (res.lower_timeout)
			lower_timeout(c, res.timeout);
		return XTFW_CT_V_INVALID;
	case XTFW_TCP_V_IGNORE:
		return XTFW_CT_V_IGNORE;
	case XTFW_TCP_V_REOPEN:
		return XTFW_CT_V_REOPEN;
	}
	if (res.assured && !test_and_set_bit(XTFW_CT_B_ASSURED, &c->status))
		changed = true;
	if (changed && xtfw_ct_confirmed(c))
		xtfw_ct_event(c, XTFW_CT_EVENT_UPDATE);
	if (res.refresh)
		xtfw_ct_refresh(c, res.timeout);
	if (res.kill)
		kill_after(cn, c);
	return XTFW_CT_V_ACCEPT;
}

static u32 tcp_timeout(const struct xtfw_ct_net *cn, struct xtfw_conn *c)
{
	struct xtfw_tcp_cfg cfg;
	u32 timeout;

	tcp_cfg(cn, &cfg);
	spin_lock_bh(&c->lock);
	timeout = xtfw_tcp_sm_timeout(&c->proto.tcp, conn_facts(c), &cfg);
	spin_unlock_bh(&c->lock);
	return timeout;
}

static bool tcp_can_early_drop(const struct xtfw_conn *c)
{
	switch (READ_ONCE(c->proto.tcp.state)) {
	case XTFW_TCP_FIN_WAIT:
	case XTFW_TCP_CLOSE_WAIT:
	case XTFW_TCP_LAST_ACK:
	case XTFW_TCP_TIME_WAIT:
	case XTFW_TCP_CLOSE:
		return true;
	default:
		return false;
	}
}

const struct xtfw_ct_proto xtfw_ct_proto_tcp = {
	.valid = xtfw_ct_tcp_valid,
	.new = tcp_new,
	.packet = xtfw_ct_tcp_packet,
	.timeout = tcp_timeout,
	.can_early_drop = tcp_can_early_drop,
};
