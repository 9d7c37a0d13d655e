/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TCP state machine and window tracking of xtfw's connection tracking.
 * Pure functions over a segment description and the per-connection state:
 * no skb, no lock, no clock. The kernel glue (ct_proto_tcp.c) parses the
 * segment, holds the entry's lock and applies timeouts; selftests/unit/
 * drives the same code from userspace.
 */
#ifndef _XTFW_CT_TCP_SM_H
#define _XTFW_CT_TCP_SM_H

#include "ct_port.h"
#include <uapi/linux/xtfw.h>

/* What one side of the connection has shown us; see ct_tcp_sm.c. */
struct xtfw_tcp_peer {
	u32 td_end;		/* highest seq + len sent */
	u32 td_maxend;		/* highest ack + window the peer allowed */
	u32 td_maxwin;		/* largest window sent */
	u32 td_maxack;		/* highest ack sent */
	u8 td_scale;		/* window scale this side announced */
	u8 flags;		/* XTFW_TCPF_* */
};

#define XTFW_TCPF_WINDOW_SCALE	0x01	/* sent the window scale option */
#define XTFW_TCPF_SACK_PERM	0x02	/* sent SACK permitted */
#define XTFW_TCPF_CLOSE_INIT	0x04	/* sent the first FIN */
#define XTFW_TCPF_BE_LIBERAL	0x08	/* window checks off (pickup) */
#define XTFW_TCPF_DATA_UNACK	0x10	/* has unacknowledged data */
#define XTFW_TCPF_MAXACK_SET	0x20	/* td_maxack is valid */

/* last_flags only */
#define XTFW_TCPF_CHALLENGE_ACK	0x40	/* a challenge ACK may follow */
#define XTFW_TCPF_SIMUL_OPEN	0x80	/* simultaneous open */

struct xtfw_tcp {
	struct xtfw_tcp_peer seen[2];	/* by direction */
	u32 last_seq, last_ack, last_end;
	u16 last_win;
	u8 state;			/* enum xtfw_tcp_state */
	u8 last_dir;
	u8 last_index;			/* enum xtfw_tcp_index */
	u8 last_wscale;
	u8 last_flags;
	u8 retrans;
};

/* A segment, as much of it as the tracker reads. */
struct xtfw_tcp_seg {
	u32 seq;
	u32 ack;
	u32 datalen;		/* payload bytes */
	u16 win;		/* unscaled */
	u8 flags;		/* XTFW_TCP_* header bits */
	u8 optlen;		/* 0..40 */
	const u8 *opts;
};

/* Which flag combination a segment carries, for the transition table. */
enum xtfw_tcp_index {
	XTFW_TCP_I_SYN,
	XTFW_TCP_I_SYNACK,
	XTFW_TCP_I_FIN,
	XTFW_TCP_I_ACK,
	XTFW_TCP_I_RST,
	XTFW_TCP_I_NONE,
	__XTFW_TCP_I_MAX
};

struct xtfw_tcp_cfg {
	const u32 *timeouts;	/* by state and XTFW_TCP_TIMEOUT_*, any unit */
	bool loose;		/* pick up connections mid-stream */
	bool liberal;		/* only RSTs outside the window are invalid */
	u8 max_retrans;		/* retransmissions before RETRANS timeout */
};

enum xtfw_tcp_verdict {
	XTFW_TCP_V_ACCEPT,	/* valid; state and window updated */
	XTFW_TCP_V_IGNORE,	/* valid, but says nothing about the state */
	XTFW_TCP_V_INVALID,	/* invalid; nothing changed */
	XTFW_TCP_V_REOPEN,	/* a SYN reopening a closed connection: */
				/* delete the entry and track it as new */
};

/* Connection facts the caller keeps outside struct xtfw_tcp. */
#define XTFW_TCP_C_SEEN_REPLY	0x01
#define XTFW_TCP_C_ASSURED	0x02

struct xtfw_tcp_res {
	u8 verdict;		/* enum xtfw_tcp_verdict */
	bool refresh;		/* set the timeout to .timeout */
	bool assured;		/* mark the connection assured */
	bool kill;		/* RST before any reply: delete after it */
	bool lower_timeout;	/* invalid FIN/RST: cap at UNACK */
	u32 timeout;		/* a value from cfg->timeouts */
};

u8 xtfw_tcp_index(u8 flags);
bool xtfw_tcp_flags_valid(u8 flags);
bool xtfw_tcp_sm_new(struct xtfw_tcp *t, const struct xtfw_tcp_seg *seg,
		     const struct xtfw_tcp_cfg *cfg);
void xtfw_tcp_sm_packet(struct xtfw_tcp *t, const struct xtfw_tcp_seg *seg,
			u8 dir, u8 conn, const struct xtfw_tcp_cfg *cfg,
			struct xtfw_tcp_res *res);
u32 xtfw_tcp_sm_timeout(const struct xtfw_tcp *t, u8 conn,
			const struct xtfw_tcp_cfg *cfg);

#endif /* _XTFW_CT_TCP_SM_H */
