// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: TCP state machine and window tracking
 *
 * xtfw sits in the middle and sees every segment of a connection, but not
 * what the ends have received. It guesses each end's state from the flags
 * it sends (the transition table below, after Linux's
 * nf_conntrack_proto_tcp.c) and checks that every segment fits the windows
 * the other end advertised (Guido van Rooij's "Real Stateful TCP Packet
 * Filtering in IP Filter", with RFC 793's "the segment must intersect the
 * window"). Per direction we keep:
 *
 *   td_end    = max(seq + len)                     sent by this side
 *   td_maxend = max(ack + max(win, 1))             allowed by the other side
 *   td_maxwin = max(max(win, 1) + (sack - ack))    sent by this side
 *
 * and a segment seq..end with acknowledgment sack (the highest SACK edge,
 * else ack) from sender S to receiver R must satisfy
 *
 *   I.   seq <= S.td_maxend                 (not beyond R's window)
 *   II.  end >= S.td_end - R.td_maxwin      (not older than R's window)
 *   III. sack <= R.td_end                   (acks only data R sent)
 *   IV.  sack >= R.td_end - MAXACKWINDOW    (not an ancient ack)
 *
 * Breaking I or III makes a segment INVALID and changes nothing. Breaking II
 * or IV marks a retransmission of data already acknowledged, or a late ACK:
 * harmless, so it passes as part of the connection without moving the state
 * (IGNORE). RSTs are checked more strictly (see rst_check()): an RST whose
 * sequence number is not where the receiver expects it is INVALID, as in
 * RFC 5961.
 *
 * States marked IGNORE in the table are packets that may be valid for the
 * ends even though they contradict our view (a SYN in ESTABLISHED after a
 * reboot of the client): they pass, and we remember them so that the
 * answer (SYN/ACK or RST) can bring us back in sync.
 */
#include "ct_tcp_sm.h"

#define S_NO XTFW_TCP_NONE
#define S_SS XTFW_TCP_SYN_SENT
#define S_SR XTFW_TCP_SYN_RECV
#define S_ES XTFW_TCP_ESTABLISHED
#define S_FW XTFW_TCP_FIN_WAIT
#define S_CW XTFW_TCP_CLOSE_WAIT
#define S_LA XTFW_TCP_LAST_ACK
#define S_TW XTFW_TCP_TIME_WAIT
#define S_CL XTFW_TCP_CLOSE
#define S_S2 XTFW_TCP_SYN_SENT2
#define S_IV __XTFW_TCP_STATE_MAX	/* invalid */
#define S_IG (__XTFW_TCP_STATE_MAX + 1)	/* ignore */

#define DIR_ORIG	0
#define DIR_REPLY	1

/* Largest ack distance accepted below td_end, for big windows more. */
#define MAXACKWINCONST	66000

/* TCP option kinds and lengths the tracker reads. */
enum {
	OPT_EOL = 0,
	OPT_NOP = 1,
	OPT_WINDOW = 3,
	OPT_SACK_PERM = 4,
	OPT_SACK = 5,
	OPT_TIMESTAMP = 8,
	OPTLEN_WINDOW = 3,
	OPTLEN_SACK_PERM = 2,
	OPTLEN_SACK_BASE = 2,
	OPTLEN_SACK_BLOCK = 8,
	MAX_WSCALE = 14,
};

/*
 * tcp_next[dir][index][state]: the state after a segment of kind index in
 * direction dir. See nf_conntrack_proto_tcp.c for the reasoning behind each
 * cell; the notable ones: an ACK with no state picks up a connection
 * (loose), a SYN in TIME_WAIT or CLOSE reopens, an RST closes from any state
 * but NONE, and an ACK in LAST_ACK reaches TIME_WAIT.
 */
static const u8 tcp_next[2][__XTFW_TCP_I_MAX][__XTFW_TCP_STATE_MAX] = {
	[DIR_ORIG] = {
		/*	     S_NO  S_SS  S_SR  S_ES  S_FW  S_CW  S_LA  S_TW  S_CL  S_S2 */
		/* syn */  { S_SS, S_SS, S_IG, S_IG, S_IG, S_IG, S_IG, S_SS, S_SS, S_S2 },
		/* synack */{ S_IV, S_IV, S_SR, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_SR },
		/* fin */  { S_IV, S_IV, S_FW, S_FW, S_LA, S_LA, S_LA, S_TW, S_CL, S_IV },
		/* ack */  { S_ES, S_IV, S_ES, S_ES, S_CW, S_CW, S_TW, S_TW, S_CL, S_IV },
		/* rst */  { S_IV, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL },
		/* none */ { S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV },
	},
	[DIR_REPLY] = {
		/*	     S_NO  S_SS  S_SR  S_ES  S_FW  S_CW  S_LA  S_TW  S_CL  S_S2 */
		/* syn */  { S_IV, S_S2, S_IV, S_IV, S_IV, S_IV, S_IV, S_SS, S_IV, S_S2 },
		/* synack */{ S_IV, S_SR, S_IG, S_IG, S_IG, S_IG, S_IG, S_IG, S_IG, S_SR },
		/* fin */  { S_IV, S_IV, S_FW, S_FW, S_LA, S_LA, S_LA, S_TW, S_CL, S_IV },
		/* ack */  { S_IV, S_IG, S_SR, S_ES, S_CW, S_CW, S_TW, S_TW, S_CL, S_IG },
		/* rst */  { S_IV, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL, S_CL },
		/* none */ { S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV, S_IV },
	},
};

#define F(x)	XTFW_TCP_##x

u8 xtfw_tcp_index(u8 flags)
{
	if (flags & F(RST))
		return XTFW_TCP_I_RST;
	if (flags & F(SYN))
		return flags & F(ACK) ? XTFW_TCP_I_SYNACK : XTFW_TCP_I_SYN;
	if (flags & F(FIN))
		return XTFW_TCP_I_FIN;
	if (flags & F(ACK))
		return XTFW_TCP_I_ACK;
	return XTFW_TCP_I_NONE;
}

/* Flag combinations a TCP may send; PSH, ECE and CWR go with any. */
bool xtfw_tcp_flags_valid(u8 flags)
{
	switch (flags & (F(FIN) | F(SYN) | F(RST) | F(ACK) | F(URG))) {
	case F(SYN):
	case F(SYN) | F(URG):
	case F(SYN) | F(ACK):
	case F(RST):
	case F(RST) | F(ACK):
	case F(FIN) | F(ACK):
	case F(FIN) | F(ACK) | F(URG):
	case F(ACK):
	case F(ACK) | F(URG):
		return true;
	default:
		return false;
	}
}

/* The sequence number after the segment: SYN and FIN count one each. */
static u32 seg_end(const struct xtfw_tcp_seg *seg)
{
	return seg->seq + seg->datalen + !!(seg->flags & F(SYN)) +
	       !!(seg->flags & F(FIN));
}

/*
 * Walk the options: call fn on each well-formed one. A malformed list ends
 * the walk, like the kernel's own parser.
 */
typedef bool (*opt_fn)(u8 kind, const u8 *data, u8 len, void *arg);

static void walk_options(const struct xtfw_tcp_seg *seg, opt_fn fn, void *arg)
{
	const u8 *p = seg->opts;
	int left = seg->optlen;

	while (left > 0) {
		u8 kind = p[0], size;

		if (kind == OPT_EOL)
			return;
		if (kind == OPT_NOP) {
			p++;
			left--;
			continue;
		}
		if (left < 2)
			return;
		size = p[1];
		if (size < 2 || size > left)
			return;
		if (!fn(kind, p + 2, size - 2, arg))
			return;
		p += size;
		left -= size;
	}
}

static bool scan_handshake_opt(u8 kind, const u8 *data, u8 len, void *arg)
{
	struct xtfw_tcp_peer *peer = arg;

	if (kind == OPT_SACK_PERM && len + 2 == OPTLEN_SACK_PERM) {
		peer->flags |= XTFW_TCPF_SACK_PERM;
	} else if (kind == OPT_WINDOW && len + 2 == OPTLEN_WINDOW) {
		peer->td_scale = data[0] < MAX_WSCALE ? data[0] : MAX_WSCALE;
		peer->flags |= XTFW_TCPF_WINDOW_SCALE;
	}
	return true;
}

/* Window scale and SACK permitted, from a SYN or SYN/ACK. */
static void handshake_options(const struct xtfw_tcp_seg *seg,
			      struct xtfw_tcp_peer *peer)
{
	if (!seg->optlen)
		return;
	peer->td_scale = 0;
	peer->flags &= XTFW_TCPF_BE_LIBERAL;
	walk_options(seg, scan_handshake_opt, peer);
}

static bool scan_sack_opt(u8 kind, const u8 *data, u8 len, void *arg)
{
	u32 *sack = arg, edge;
	unsigned int i;

	if (kind != OPT_SACK)
		return true;
	if (len < OPTLEN_SACK_BLOCK || len % OPTLEN_SACK_BLOCK)
		return false;
	for (i = 0; i < len; i += OPTLEN_SACK_BLOCK) {
		edge = xtfw_get_be32(data + i + 4);
		if (xtfw_seq_after(edge, *sack))
			*sack = edge;
	}
	return false;
}

/* The highest right edge of the SACK blocks, or ack if there are none. */
static u32 highest_sack(const struct xtfw_tcp_seg *seg, u32 ack)
{
	u32 sack = ack;

	walk_options(seg, scan_sack_opt, &sack);
	return sack;
}

/* A SYN (or SYN/ACK) starts this direction afresh. */
static void init_sender(struct xtfw_tcp_peer *snd, struct xtfw_tcp_peer *rcv,
			const struct xtfw_tcp_seg *seg, u8 dir)
{
	snd->td_end = seg_end(seg);
	snd->td_maxend = snd->td_end;
	snd->td_maxwin = seg->win ? seg->win : 1;
	handshake_options(seg, snd);
	/* RFC 1323: scaling is on only if both sides asked for it. */
	if (dir == DIR_REPLY &&
	    !(snd->flags & XTFW_TCPF_WINDOW_SCALE &&
	      rcv->flags & XTFW_TCPF_WINDOW_SCALE)) {
		snd->td_scale = 0;
		rcv->td_scale = 0;
	}
}

static u32 max_ack_window(const struct xtfw_tcp_peer *snd)
{
	return snd->td_maxwin > MAXACKWINCONST ? snd->td_maxwin :
						 MAXACKWINCONST;
}

/* Nothing known about this direction yet: learn from the segment. */
static void pick_up_sender(struct xtfw_tcp_peer *snd,
			   struct xtfw_tcp_peer *rcv,
			   const struct xtfw_tcp_seg *seg, u32 sack)
{
	u32 swin = (u32)seg->win << snd->td_scale;

	snd->td_end = seg_end(seg);
	snd->td_maxwin = swin ? swin : 1;
	snd->td_maxend = snd->td_end + snd->td_maxwin;
	if (rcv->td_maxwin == 0) {
		/* nothing seen the other way: let III and IV pass */
		rcv->td_end = sack;
		rcv->td_maxend = sack;
	} else if (sack == rcv->td_end + 1) {
		/* likely the answer to a keepalive */
		rcv->td_end++;
	}
}

struct window {
	u32 seq, ack, sack, end, win;
};

/* Checks I to IV; returns a verdict, updating nothing but overshoots. */
static u8 window_check(struct xtfw_tcp_peer *snd, struct xtfw_tcp_peer *rcv,
		       const struct window *w, bool liberal)
{
	u32 maxack = max_ack_window(snd);
	bool in_recv_win;

	if (!xtfw_seq_before(w->seq, snd->td_maxend + 1)) {
		u32 overshot = w->end - snd->td_maxend + 1;
		bool ack_ok = xtfw_seq_after(w->sack, rcv->td_end - maxack - 1);

		in_recv_win = rcv->td_maxwin &&
			xtfw_seq_after(w->end, snd->td_end - rcv->td_maxwin - 1);
		if (in_recv_win && ack_ok && overshot <= rcv->td_maxwin &&
		    xtfw_seq_before(w->sack, rcv->td_end + 1)) {
			/*
			 * A sender that overshoots the window a little: let
			 * its data be acked later without an ACK-over-bound.
			 */
			snd->td_end = w->end;
			snd->flags |= XTFW_TCPF_DATA_UNACK;
			return liberal ? XTFW_TCP_V_ACCEPT : XTFW_TCP_V_IGNORE;
		}
		return liberal ? XTFW_TCP_V_ACCEPT : XTFW_TCP_V_INVALID;
	}
	if (!xtfw_seq_before(w->sack, rcv->td_end + 1))
		return liberal ? XTFW_TCP_V_ACCEPT : XTFW_TCP_V_INVALID;
	in_recv_win = !rcv->td_maxwin ||
		xtfw_seq_after(w->end, snd->td_end - rcv->td_maxwin - 1);
	if (!in_recv_win)	/* retransmission of acknowledged data */
		return liberal ? XTFW_TCP_V_ACCEPT : XTFW_TCP_V_IGNORE;
	if (!xtfw_seq_after(w->sack, rcv->td_end - maxack - 1))
		return liberal ? XTFW_TCP_V_ACCEPT : XTFW_TCP_V_IGNORE;
	return XTFW_TCP_V_ACCEPT;
}

/* The segment is in the window: move the edges. */
static void window_update(struct xtfw_tcp *t, struct xtfw_tcp_peer *snd,
			  struct xtfw_tcp_peer *rcv, const struct window *w,
			  const struct xtfw_tcp_seg *seg, u8 dir, u8 index)
{
	u32 win = w->win, swin;

	if (!(seg->flags & F(SYN)))
		win <<= snd->td_scale;
	swin = win + (w->sack - w->ack);
	if (snd->td_maxwin < swin)
		snd->td_maxwin = swin;
	if (xtfw_seq_after(w->end, snd->td_end)) {
		snd->td_end = w->end;
		snd->flags |= XTFW_TCPF_DATA_UNACK;
	}
	if (seg->flags & F(ACK)) {
		if (!(snd->flags & XTFW_TCPF_MAXACK_SET)) {
			snd->td_maxack = w->ack;
			snd->flags |= XTFW_TCPF_MAXACK_SET;
		} else if (xtfw_seq_after(w->ack, snd->td_maxack)) {
			snd->td_maxack = w->ack;
		}
	}
	if (rcv->td_maxwin != 0 && xtfw_seq_after(w->end, snd->td_maxend))
		rcv->td_maxwin += w->end - snd->td_maxend;
	if (xtfw_seq_after(w->sack + win, rcv->td_maxend - 1)) {
		rcv->td_maxend = w->sack + win;
		if (win == 0)
			rcv->td_maxend++;
	}
	if (w->ack == rcv->td_end)
		rcv->flags &= ~XTFW_TCPF_DATA_UNACK;

	if (index != XTFW_TCP_I_ACK)
		return;
	if (t->last_dir == dir && t->last_seq == w->seq &&
	    t->last_ack == w->ack && t->last_end == w->end &&
	    t->last_win == seg->win) {
		if (t->retrans < 255)
			t->retrans++;
	} else {
		t->last_dir = dir;
		t->last_seq = w->seq;
		t->last_ack = w->ack;
		t->last_end = w->end;
		t->last_win = seg->win;
		t->retrans = 0;
	}
}

static u8 in_window(struct xtfw_tcp *t, const struct xtfw_tcp_seg *seg,
		    u8 dir, u8 index, const struct xtfw_tcp_cfg *cfg)
{
	struct xtfw_tcp_peer *snd = &t->seen[dir], *rcv = &t->seen[!dir];
	struct window w = { .seq = seg->seq, .ack = seg->ack,
			    .end = seg_end(seg), .win = seg->win };
	bool syn = seg->flags & F(SYN), has_ack = seg->flags & F(ACK);
	bool liberal;
	u8 ret;

	w.sack = w.ack;
	if (rcv->flags & XTFW_TCPF_SACK_PERM)
		w.sack = highest_sack(seg, w.ack);

	if (snd->td_maxwin == 0) {
		if (syn) {
			init_sender(snd, rcv, seg, dir);
			if (!has_ack)	/* simultaneous open */
				return XTFW_TCP_V_ACCEPT;
		} else {
			pick_up_sender(snd, rcv, seg, w.sack);
		}
	} else if (syn && xtfw_seq_after(w.end, snd->td_end) &&
		   (t->state == S_SS || t->state == S_SR)) {
		/* RFC 793: a reinitialised TCP uses higher sequence numbers */
		init_sender(snd, rcv, seg, dir);
		if (dir == DIR_REPLY && !has_ack)
			return XTFW_TCP_V_ACCEPT;
	}

	/* no ACK, or a broken stack's RST|ACK with ack 0: assume it fits */
	if (!has_ack || ((seg->flags & F(RST)) && w.ack == 0)) {
		w.ack = rcv->td_end;
		w.sack = rcv->td_end;
	}
	/* an RST with seq 0 answers our SYN */
	if ((seg->flags & F(RST)) && w.seq == 0 && t->state == S_SS) {
		w.seq = snd->td_end;
		w.end = snd->td_end;
	}

	liberal = cfg->liberal || (snd->flags & XTFW_TCPF_BE_LIBERAL);
	ret = window_check(snd, rcv, &w, liberal);
	if (ret == XTFW_TCP_V_ACCEPT)
		window_update(t, snd, rcv, &w, seg, dir, index);
	return ret;
}

/* Forget this direction: the SYN/ACK resync below starts it again. */
static void peer_reset(struct xtfw_tcp_peer *peer)
{
	peer->td_end = 0;
	peer->td_maxend = 0;
	peer->td_maxwin = 0;
	peer->td_maxack = 0;
	peer->td_scale = 0;
	peer->flags &= XTFW_TCPF_BE_LIBERAL;
}

/*
 * A SYN/ACK answering a SYN we ignored: the ends are in sync and we are not.
 * Take the handshake from what we remembered of the SYN.
 */
static bool resync_synack(struct xtfw_tcp *t, const struct xtfw_tcp_seg *seg,
			  u8 dir, u8 index)
{
	struct xtfw_tcp_peer *old;

	if (index != XTFW_TCP_I_SYNACK || t->last_index != XTFW_TCP_I_SYN ||
	    t->last_dir == dir || seg->ack != t->last_end)
		return false;
	old = &t->seen[t->last_dir];
	old->td_end = t->last_end;
	old->td_maxend = t->last_end;
	old->td_maxwin = t->last_win ? t->last_win : 1;
	old->td_scale = t->last_wscale;
	t->last_flags &= ~XTFW_TCPF_CHALLENGE_ACK;
	old->flags = t->last_flags;
	peer_reset(&t->seen[dir]);
	return true;
}

/* Remember an ignored segment, so that the answer to it can resync us. */
static void note_ignored(struct xtfw_tcp *t, const struct xtfw_tcp_seg *seg,
			 u8 dir, u8 index, u8 old_state)
{
	t->last_index = index;
	t->last_dir = dir;
	t->last_seq = seg->seq;
	t->last_end = seg_end(seg);
	t->last_win = seg->win;

	if (index == XTFW_TCP_I_SYN && dir == DIR_ORIG) {
		struct xtfw_tcp_peer opts = { 0 };

		t->last_flags = 0;
		t->last_wscale = 0;
		handshake_options(seg, &opts);
		if (opts.flags & XTFW_TCPF_WINDOW_SCALE) {
			t->last_flags |= XTFW_TCPF_WINDOW_SCALE;
			t->last_wscale = opts.td_scale;
		}
		if (opts.flags & XTFW_TCPF_SACK_PERM)
			t->last_flags |= XTFW_TCPF_SACK_PERM;
		/* in LAST_ACK the peer may answer with a challenge ACK */
		if (old_state == S_LA)
			t->last_flags |= XTFW_TCPF_CHALLENGE_ACK;
	}
	/* a possible challenge ACK answering our SYN */
	if (old_state == S_SS && index == XTFW_TCP_I_ACK && dir == DIR_REPLY)
		t->last_ack = seg->ack;
}

static bool established(const struct xtfw_tcp *t, u8 conn)
{
	return t->state == S_ES && (conn & XTFW_TCP_C_ASSURED);
}

static bool closing(const struct xtfw_tcp *t)
{
	switch (t->state) {
	case S_FW:
	case S_LA:
	case S_TW:
	case S_CL:
	case S_CW:
		return true;
	default:
		return false;
	}
}

enum rst_result { RST_CHECK_WINDOW, RST_SKIP_WINDOW, RST_INVALID, RST_KEEP };

/*
 * An RST must hit the sequence number the receiver expects (RFC 5961); one
 * inside the window but not exact keeps the state, so that a challenge ACK
 * can follow. RSTs answering segments we let through unchecked skip the
 * window check.
 */
static enum rst_result rst_check(const struct xtfw_tcp *t,
				 const struct xtfw_tcp_seg *seg, u8 dir,
				 u8 conn, u8 old_state)
{
	const struct xtfw_tcp_peer *rcv = &t->seen[!dir];

	if (closing(t))
		return RST_SKIP_WINDOW;
	if ((rcv->flags & XTFW_TCPF_MAXACK_SET) &&
	    t->last_index != XTFW_TCP_I_SYN) {
		if (seg->seq == 0 && !established(t, conn))
			return RST_CHECK_WINDOW;
		if (xtfw_seq_before(seg->seq, rcv->td_maxack))
			return RST_INVALID;
		if (!established(t, conn) || seg->seq == rcv->td_maxack)
			return RST_CHECK_WINDOW;
		/* the end of a train: data, then RST at its end */
		if (t->last_index == XTFW_TCP_I_ACK && t->last_dir == dir &&
		    seg->seq == t->last_end)
			return RST_CHECK_WINDOW;
		return RST_KEEP;
	}
	if ((((conn & XTFW_TCP_C_SEEN_REPLY) &&
	      t->last_index == XTFW_TCP_I_SYN && t->last_dir != dir) ||
	     (!(conn & XTFW_TCP_C_ASSURED) &&
	      t->last_index == XTFW_TCP_I_ACK)) &&
	    seg->ack == t->last_end)
		return RST_SKIP_WINDOW;
	/* an RST answering a challenge ACK we let through */
	if (old_state == S_SS && t->last_index == XTFW_TCP_I_ACK &&
	    t->last_dir == DIR_REPLY && seg->seq == t->last_ack)
		return RST_SKIP_WINDOW;
	return RST_CHECK_WINDOW;
}

/* The timeout for the connection's state and what we know of its data. */
u32 xtfw_tcp_sm_timeout(const struct xtfw_tcp *t, u8 conn,
			const struct xtfw_tcp_cfg *cfg)
{
	const u32 *to = cfg->timeouts;
	u32 timeout = to[t->state];

	if (t->retrans >= cfg->max_retrans &&
	    timeout > to[XTFW_TCP_TIMEOUT_RETRANS])
		timeout = to[XTFW_TCP_TIMEOUT_RETRANS];
	else if (t->last_index == XTFW_TCP_I_RST)
		timeout = to[XTFW_TCP_CLOSE];
	else if ((t->seen[0].flags | t->seen[1].flags) &
		 XTFW_TCPF_DATA_UNACK &&
		 timeout > to[XTFW_TCP_TIMEOUT_UNACK])
		timeout = to[XTFW_TCP_TIMEOUT_UNACK];
	else if (t->last_win == 0 && timeout > to[XTFW_TCP_TIMEOUT_RETRANS])
		timeout = to[XTFW_TCP_TIMEOUT_RETRANS];
	/* picked up mid-stream and no reply yet: not for days */
	if (!(conn & XTFW_TCP_C_SEEN_REPLY) && t->state == S_ES &&
	    timeout > to[XTFW_TCP_TIMEOUT_UNACK])
		timeout = to[XTFW_TCP_TIMEOUT_UNACK];
	return timeout;
}

/* The segment is accepted: commit the state, choose the timeout. */
static void accept_segment(struct xtfw_tcp *t, const struct xtfw_tcp_seg *seg,
			   u8 dir, u8 index, u8 conn, u8 old_state,
			   u8 new_state, const struct xtfw_tcp_cfg *cfg,
			   struct xtfw_tcp_res *res)
{
	t->last_index = index;
	t->last_dir = dir;
	t->state = new_state;
	if (old_state != new_state && new_state == S_FW)
		t->seen[dir].flags |= XTFW_TCPF_CLOSE_INIT;

	res->verdict = XTFW_TCP_V_ACCEPT;
	res->refresh = true;
	res->timeout = xtfw_tcp_sm_timeout(t, conn, cfg);
	if (!(conn & XTFW_TCP_C_SEEN_REPLY)) {
		/* an RST as the only answer: no connection to keep */
		if (seg->flags & F(RST))
			res->kill = true;
		/* a retransmitted SYN must not keep the entry alive */
		if (index == XTFW_TCP_I_SYN && old_state == S_SS)
			res->refresh = false;
	} else if (!(conn & XTFW_TCP_C_ASSURED) &&
		   (old_state == S_SR || old_state == S_ES) &&
		   new_state == S_ES) {
		res->assured = true;
	}
}

/* An invalid FIN or RST from both sides in turn: expire sooner. */
static void note_invalid(struct xtfw_tcp *t, u8 dir, u8 index, u8 conn,
			 const struct xtfw_tcp_cfg *cfg,
			 struct xtfw_tcp_res *res)
{
	if (!(conn & XTFW_TCP_C_ASSURED) ||
	    (index != XTFW_TCP_I_RST && index != XTFW_TCP_I_FIN))
		return;
	if (t->last_dir != dir && (t->last_index == XTFW_TCP_I_FIN ||
				   t->last_index == XTFW_TCP_I_RST)) {
		res->lower_timeout = true;
		res->timeout = cfg->timeouts[XTFW_TCP_TIMEOUT_UNACK];
	} else {
		t->last_index = index;
		t->last_dir = dir;
	}
}

/*
 * Special cases of the transition, before the window check. Returns true
 * when the verdict is final (res filled), false to go on; may change
 * *new_state or ask to skip the window check.
 */
static bool transition(struct xtfw_tcp *t, const struct xtfw_tcp_seg *seg,
		       u8 dir, u8 index, u8 conn, u8 *old_state, u8 *new_state,
		       bool *skip_window, struct xtfw_tcp_res *res)
{
	switch (*new_state) {
	case S_SS:
		if (*old_state < S_TW)
			return false;
		/* RFC 1122: a SYN may reopen a connection in TIME_WAIT */
		if (((t->seen[dir].flags | t->seen[!dir].flags) &
		     XTFW_TCPF_CLOSE_INIT) ||
		    (t->last_dir == dir && t->last_index == XTFW_TCP_I_RST)) {
			res->verdict = XTFW_TCP_V_REOPEN;
			return true;
		}
		fallthrough;
	case S_IG:
		if (resync_synack(t, seg, dir, index)) {
			*old_state = S_SS;
			*new_state = S_SR;
			return false;
		}
		note_ignored(t, seg, dir, index, *old_state);
		res->verdict = XTFW_TCP_V_IGNORE;
		return true;
	case S_IV:
		res->verdict = XTFW_TCP_V_INVALID;
		return true;
	case S_TW:
		/* RFC 5961: a challenge ACK does not ack the last FIN */
		if (*old_state == S_LA && index == XTFW_TCP_I_ACK &&
		    t->last_dir != dir && t->last_index == XTFW_TCP_I_SYN &&
		    (t->last_flags & XTFW_TCPF_CHALLENGE_ACK)) {
			t->last_flags &= ~XTFW_TCPF_CHALLENGE_ACK;
			res->verdict = XTFW_TCP_V_IGNORE;
			return true;
		}
		return false;
	case S_S2:
		t->last_flags |= XTFW_TCPF_SIMUL_OPEN;
		return false;
	case S_SR:
		if (dir == DIR_REPLY && index == XTFW_TCP_I_ACK &&
		    (t->last_flags & XTFW_TCPF_SIMUL_OPEN))
			*new_state = S_ES;
		return false;
	case S_CL:
		if (index != XTFW_TCP_I_RST)
			return false;
		switch (rst_check(t, seg, dir, conn, *old_state)) {
		case RST_INVALID:
			res->verdict = XTFW_TCP_V_INVALID;
			return true;
		case RST_KEEP:
			*new_state = *old_state;
			return false;
		case RST_SKIP_WINDOW:
			*skip_window = true;
			return false;
		case RST_CHECK_WINDOW:
			return false;
		}
		return false;
	default:
		return false;
	}
}

/**
 * xtfw_tcp_sm_packet() - track one segment of a known connection
 * @t: the connection's TCP state, under the caller's lock
 * @seg: the segment; its flags must have passed xtfw_tcp_flags_valid()
 * @dir: 0 if it goes the way of the first packet, 1 if it answers
 * @conn: XTFW_TCP_C_* facts about the connection before this segment
 * @cfg: the namespace's settings
 * @res: the verdict and what to do with the connection
 */
void xtfw_tcp_sm_packet(struct xtfw_tcp *t, const struct xtfw_tcp_seg *seg,
			u8 dir, u8 conn, const struct xtfw_tcp_cfg *cfg,
			struct xtfw_tcp_res *res)
{
	u8 index = xtfw_tcp_index(seg->flags);
	u8 old_state = t->state, new_state;
	bool skip_window = false;

	memset(res, 0, sizeof(*res));
	if (old_state >= __XTFW_TCP_STATE_MAX) {
		res->verdict = XTFW_TCP_V_INVALID;
		return;
	}
	new_state = tcp_next[dir][index][old_state];
	if (transition(t, seg, dir, index, conn, &old_state, &new_state,
		       &skip_window, res))
		return;
	if (!skip_window) {
		res->verdict = in_window(t, seg, dir, index, cfg);
		if (res->verdict == XTFW_TCP_V_INVALID)
			note_invalid(t, dir, index, conn, cfg, res);
		if (res->verdict != XTFW_TCP_V_ACCEPT)
			return;
	}
	accept_segment(t, seg, dir, index, conn, old_state, new_state, cfg,
		       res);
}

/**
 * xtfw_tcp_sm_new() - start tracking with the first segment seen
 * @t: zeroed state of the new connection
 * @seg: the segment; its flags must have passed xtfw_tcp_flags_valid()
 * @cfg: the namespace's settings
 *
 * A SYN opens a connection. Any other segment that may belong to one (an
 * ACK, with or without FIN) picks it up mid-stream if @cfg->loose, with
 * window checks relaxed since its history is lost. Return: false if the
 * segment cannot start a connection (it is INVALID).
 */
bool xtfw_tcp_sm_new(struct xtfw_tcp *t, const struct xtfw_tcp_seg *seg,
		     const struct xtfw_tcp_cfg *cfg)
{
	u8 state = tcp_next[DIR_ORIG][xtfw_tcp_index(seg->flags)][S_NO];
	struct xtfw_tcp_peer *orig = &t->seen[DIR_ORIG];

	if (state >= __XTFW_TCP_STATE_MAX)
		return false;
	if (state != S_SS && !cfg->loose)
		return false;
	memset(t, 0, sizeof(*t));
	orig->td_end = seg_end(seg);
	orig->td_maxwin = seg->win ? seg->win : 1;
	if (state == S_SS) {
		orig->td_maxend = orig->td_end;
		handshake_options(seg, orig);
	} else {
		orig->td_maxend = orig->td_end + orig->td_maxwin;
		/* window scaling unknown: assume SACK, check loosely */
		t->seen[DIR_ORIG].flags = XTFW_TCPF_SACK_PERM |
					  XTFW_TCPF_BE_LIBERAL;
		t->seen[DIR_REPLY].flags = XTFW_TCPF_SACK_PERM |
					   XTFW_TCPF_BE_LIBERAL;
	}
	t->last_index = XTFW_TCP_I_NONE;
	return true;
}
