// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of xtfw's TCP tracker (module/ct_tcp_sm.c), in userspace: the
 * state transitions and window checks of issue 4, one segment at a time,
 * then random segments under ASan/UBSan. A connection here applies the
 * tracker's results the way module/ct_track.c does.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ct_tcp_sm.h"

enum { ORIG, REPLY };

#define SYN	XTFW_TCP_SYN
#define ACK	XTFW_TCP_ACK
#define FIN	XTFW_TCP_FIN
#define RST	XTFW_TCP_RST
#define PSH	XTFW_TCP_PSH

/* seconds; ESTABLISHED as Linux's five days */
static const u32 timeouts[__XTFW_TCP_TIMEOUT_MAX] = {
	120, 120, 60, 432000, 120, 60, 30, 120, 10, 120, 300, 300,
};

static struct xtfw_tcp_cfg cfg = {
	.timeouts = timeouts,
	.loose = true,
	.max_retrans = 3,
};

struct conn {
	struct xtfw_tcp t;
	u8 facts;
	bool exists;
	u32 timeout;		/* the last timeout set */
};

/* A verdict of "no entry could be made". */
#define NO_ENTRY	100

static int failures;

static int seg(struct conn *c, u8 dir, u8 flags, u32 seq, u32 ack, u32 len)
{
	struct xtfw_tcp_seg s = {
		.seq = seq, .ack = ack, .datalen = len, .win = 64000,
		.flags = flags,
	};
	struct xtfw_tcp_res res;

	for (;;) {
		if (!c->exists) {
			if (dir != ORIG || !xtfw_tcp_sm_new(&c->t, &s, &cfg))
				return NO_ENTRY;
			c->exists = true;
			c->facts = 0;
		}
		xtfw_tcp_sm_packet(&c->t, &s, dir, c->facts, &cfg, &res);
		if (res.verdict != XTFW_TCP_V_REOPEN)
			break;
		c->exists = false;	/* delete, then track as new */
	}
	if (res.verdict == XTFW_TCP_V_ACCEPT ||
	    res.verdict == XTFW_TCP_V_IGNORE) {
		if (dir == REPLY)
			c->facts |= XTFW_TCP_C_SEEN_REPLY;
		if (res.assured)
			c->facts |= XTFW_TCP_C_ASSURED;
		if (res.refresh)
			c->timeout = res.timeout;
		if (res.kill)
			c->exists = false;
	}
	return res.verdict;
}

static const char *const state_names[] = {
	"NONE", "SYN_SENT", "SYN_RECV", "ESTABLISHED", "FIN_WAIT",
	"CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE", "SYN_SENT2",
};

static const char *const verdict_names[] = {
	"ACCEPT", "IGNORE", "INVALID", "REOPEN",
};

static const char *verdict_name(int v)
{
	return v == NO_ENTRY ? "NO_ENTRY" : verdict_names[v];
}

#define CHECK(name, cond)						\
	do {								\
		if (!(cond)) {						\
			printf("FAIL: %s (%s:%d)\n", name, __FILE__,	\
			       __LINE__);				\
			failures++;					\
		}							\
	} while (0)

static void expect(const char *name, struct conn *c, int verdict, int got,
		   u8 state)
{
	if (got == verdict && c->t.state == state)
		return;
	printf("FAIL: %s: expected %s in %s, got %s in %s\n", name,
	       verdict_name(verdict), state_names[state], verdict_name(got),
	       state_names[c->t.state]);
	failures++;
}

/* Client ISN 1000, server ISN 5000. */
static void handshake(struct conn *c)
{
	memset(c, 0, sizeof(*c));
	expect("SYN", c, XTFW_TCP_V_ACCEPT,
	       seg(c, ORIG, SYN, 1000, 0, 0), XTFW_TCP_SYN_SENT);
	expect("SYN/ACK", c, XTFW_TCP_V_ACCEPT,
	       seg(c, REPLY, SYN | ACK, 5000, 1001, 0), XTFW_TCP_SYN_RECV);
	expect("ACK", c, XTFW_TCP_V_ACCEPT,
	       seg(c, ORIG, ACK, 1001, 5001, 0), XTFW_TCP_ESTABLISHED);
}

static void test_handshake(void)
{
	struct conn c;

	handshake(&c);
	CHECK("assured after the third ACK", c.facts & XTFW_TCP_C_ASSURED);
	CHECK("ESTABLISHED timeout", c.timeout == 432000);
	expect("data", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, ORIG, ACK | PSH, 1001, 5001, 100),
	       XTFW_TCP_ESTABLISHED);
	CHECK("unacknowledged data: UNACK timeout", c.timeout == 300);
	expect("its ACK", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, REPLY, ACK, 5001, 1101, 0), XTFW_TCP_ESTABLISHED);
	CHECK("acknowledged: ESTABLISHED timeout", c.timeout == 432000);
}

static void test_retransmission(void)
{
	struct conn c;
	int i, v;

	handshake(&c);
	seg(&c, ORIG, ACK | PSH, 1001, 5001, 100);
	seg(&c, REPLY, ACK, 5001, 1101, 0);
	v = seg(&c, ORIG, ACK | PSH, 1001, 5001, 100);
	CHECK("a retransmission of acked data is not INVALID",
	      v != XTFW_TCP_V_INVALID);
	for (i = 0; i < 4; i++)
		seg(&c, REPLY, ACK, 5001, 1101, 0);
	CHECK("repeated ACKs: RETRANS timeout", c.timeout == 300);
	/* data older than a whole window */
	for (i = 0; i < 20; i++) {
		seg(&c, ORIG, ACK, 1101 + i * 64000, 5001, 64000);
		seg(&c, REPLY, ACK, 5001, 1101 + (i + 1) * 64000, 0);
	}
	v = seg(&c, ORIG, ACK | PSH, 1001, 5001, 100);
	CHECK("an ancient retransmission is IGNOREd, not INVALID",
	      v == XTFW_TCP_V_IGNORE);
	CHECK("... and the state holds", c.t.state == XTFW_TCP_ESTABLISHED);
}

static void test_rst(void)
{
	struct conn c;

	handshake(&c);
	expect("RST far beyond the window", &c, XTFW_TCP_V_INVALID,
	       seg(&c, REPLY, RST, 5001 + 10000000, 0, 0),
	       XTFW_TCP_ESTABLISHED);
	expect("RST below what was acked", &c, XTFW_TCP_V_INVALID,
	       seg(&c, REPLY, RST, 4000, 0, 0), XTFW_TCP_ESTABLISHED);
	expect("RST in the window, not exact: kept for a challenge ACK", &c,
	       XTFW_TCP_V_ACCEPT, seg(&c, REPLY, RST, 5101, 0, 0),
	       XTFW_TCP_ESTABLISHED);
	expect("RST at the exact sequence closes", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, REPLY, RST, 5001, 0, 0), XTFW_TCP_CLOSE);
	CHECK("CLOSE timeout", c.timeout == 10);
}

static void test_rst_refused(void)
{
	struct conn c;

	memset(&c, 0, sizeof(c));
	seg(&c, ORIG, SYN, 1000, 0, 0);
	expect("RST answering the SYN closes", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, REPLY, RST | ACK, 0, 1001, 0), XTFW_TCP_CLOSE);
	CHECK("and deletes the unreplied entry", !c.exists);
}

static void test_close(void)
{
	struct conn c;

	handshake(&c);
	expect("FIN", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, ORIG, FIN | ACK, 1001, 5001, 0), XTFW_TCP_FIN_WAIT);
	expect("ACK of FIN", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, REPLY, ACK, 5001, 1002, 0), XTFW_TCP_CLOSE_WAIT);
	expect("FIN back", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, REPLY, FIN | ACK, 5001, 1002, 0), XTFW_TCP_LAST_ACK);
	expect("last ACK", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, ORIG, ACK, 1002, 5002, 0), XTFW_TCP_TIME_WAIT);
	CHECK("TIME_WAIT timeout", c.timeout == 120);
	expect("a new SYN reopens TIME_WAIT", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, ORIG, SYN, 90000, 0, 0), XTFW_TCP_SYN_SENT);
	CHECK("as a new connection", !(c.facts & XTFW_TCP_C_SEEN_REPLY));
}

static void test_rst_close_wait(void)
{
	struct conn c;

	handshake(&c);
	seg(&c, ORIG, FIN | ACK, 1001, 5001, 0);
	expect("CLOSE_WAIT", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, REPLY, ACK, 5001, 1002, 0), XTFW_TCP_CLOSE_WAIT);
	expect("RST in CLOSE_WAIT closes", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, REPLY, RST, 5001, 0, 0), XTFW_TCP_CLOSE);
}

static void test_pickup(void)
{
	struct conn c;

	memset(&c, 0, sizeof(c));
	expect("a bare ACK is picked up when loose", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, ORIG, ACK, 777, 888, 0), XTFW_TCP_ESTABLISHED);
	CHECK("not for days without a reply", c.timeout == 300);
	expect("its answer", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, REPLY, ACK, 888, 777, 0), XTFW_TCP_ESTABLISHED);
	CHECK("not assured by the first answer",
	      !(c.facts & XTFW_TCP_C_ASSURED));
	seg(&c, ORIG, ACK, 777, 888, 0);
	CHECK("assured after it", c.facts & XTFW_TCP_C_ASSURED);

	cfg.loose = false;
	memset(&c, 0, sizeof(c));
	CHECK("a bare ACK is INVALID when strict",
	      seg(&c, ORIG, ACK, 777, 888, 0) == NO_ENTRY);
	cfg.loose = true;
}

static void test_no_connection(void)
{
	struct conn c;

	memset(&c, 0, sizeof(c));
	CHECK("RST for no connection",
	      seg(&c, ORIG, RST, 1, 0, 0) == NO_ENTRY);
	CHECK("RST/ACK for no connection",
	      seg(&c, ORIG, RST | ACK, 1, 1, 0) == NO_ENTRY);
	CHECK("SYN/ACK for no connection",
	      seg(&c, ORIG, SYN | ACK, 1, 1, 0) == NO_ENTRY);
	CHECK("FIN without ACK for no connection",
	      seg(&c, ORIG, FIN, 1, 0, 0) == NO_ENTRY);
	CHECK("no flags", seg(&c, ORIG, 0, 1, 0, 0) == NO_ENTRY);
	CHECK("SYN/FIN is not a valid combination",
	      !xtfw_tcp_flags_valid(SYN | FIN));
	CHECK("SYN/RST is not a valid combination",
	      !xtfw_tcp_flags_valid(SYN | RST));
	CHECK("SYN/ACK/PSH/ECE is", xtfw_tcp_flags_valid(SYN | ACK | PSH |
						       XTFW_TCP_ECE));
}

static void test_stale_synack(void)
{
	struct conn c;

	handshake(&c);
	expect("SYN/ACK from the client side", &c, XTFW_TCP_V_INVALID,
	       seg(&c, ORIG, SYN | ACK, 1001, 5001, 0), XTFW_TCP_ESTABLISHED);
	expect("a late SYN/ACK from the server is ignored", &c,
	       XTFW_TCP_V_IGNORE, seg(&c, REPLY, SYN | ACK, 5000, 1001, 0),
	       XTFW_TCP_ESTABLISHED);
}

static void test_window(void)
{
	struct conn c;

	handshake(&c);
	expect("data beyond the receiver's window", &c, XTFW_TCP_V_INVALID,
	       seg(&c, REPLY, ACK, 5001 + 200000, 1001, 10),
	       XTFW_TCP_ESTABLISHED);
	expect("an ACK of data never sent", &c, XTFW_TCP_V_INVALID,
	       seg(&c, ORIG, ACK, 1001, 5001 + 100000, 0),
	       XTFW_TCP_ESTABLISHED);
	expect("in window again", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, REPLY, ACK | PSH, 5001, 1001, 10),
	       XTFW_TCP_ESTABLISHED);
}

static void test_simultaneous_open(void)
{
	struct conn c;

	memset(&c, 0, sizeof(c));
	seg(&c, ORIG, SYN, 1000, 0, 0);
	expect("crossing SYN", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, REPLY, SYN, 5000, 0, 0), XTFW_TCP_SYN_SENT2);
	expect("SYN/ACK", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, ORIG, SYN | ACK, 1000, 5001, 0), XTFW_TCP_SYN_RECV);
	expect("ACK", &c, XTFW_TCP_V_ACCEPT,
	       seg(&c, REPLY, ACK, 5001, 1001, 0), XTFW_TCP_ESTABLISHED);
}

/* Random segments must never break an invariant or trip a sanitizer. */
static void test_random(void)
{
	static const u8 flags[] = {
		SYN, SYN | ACK, ACK, FIN | ACK, RST, RST | ACK, ACK | PSH,
	};
	struct conn c;
	unsigned int i;
	u8 opts[40];

	srandom(4);
	memset(&c, 0, sizeof(c));
	for (i = 0; i < 2000000; i++) {
		struct xtfw_tcp_seg s = {
			.seq = random() % 4 ? 1000 + random() % 200000 :
					      (u32)random() << 1,
			.ack = 5000 + random() % 200000,
			.datalen = random() % 3000,
			.win = random(),
			.flags = flags[random() % sizeof(flags)],
			.optlen = random() % 41,
			.opts = opts,
		};
		struct xtfw_tcp_res res;
		unsigned int j;

		for (j = 0; j < sizeof(opts); j++)
			opts[j] = random() % 8 ? random() % 9 : random();
		if (!c.exists || random() % 100000 == 0) {
			c.exists = xtfw_tcp_sm_new(&c.t, &s, &cfg);
			c.facts = 0;
			continue;
		}
		xtfw_tcp_sm_packet(&c.t, &s, random() & 1, c.facts, &cfg,
				   &res);
		if (c.t.state >= __XTFW_TCP_STATE_MAX ||
		    res.verdict > XTFW_TCP_V_REOPEN ||
		    c.t.seen[0].td_scale > 14 || c.t.seen[1].td_scale > 14) {
			printf("FAIL: random segment %u broke an invariant\n",
			       i);
			failures++;
			return;
		}
		c.facts |= random() & 3;
		if (res.verdict == XTFW_TCP_V_REOPEN || res.kill)
			c.exists = false;
	}
}

int main(void)
{
	test_handshake();
	test_retransmission();
	test_rst();
	test_rst_refused();
	test_close();
	test_rst_close_wait();
	test_pickup();
	test_no_connection();
	test_stale_synack();
	test_window();
	test_simultaneous_open();
	test_random();
	printf("ct_tcp_test: %s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
