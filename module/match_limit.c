// SPDX-License-Identifier: GPL-2.0
/*
 * The matches that count packets: limit (a token bucket, as xt_limit) and
 * statistic (random sampling or every nth packet, as xt_statistic). Their
 * mutable state is allocated per rule when the rule is parsed; a rule that
 * is replaced starts afresh, as in iptables.
 */
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "match.h"

#define LIMIT_BURST_DEFAULT	5

struct xtfw_match_state {
	spinlock_t lock;	/* limit: credit and prev */
	unsigned long prev;	/* limit: jiffies of the last refill */
	u64 credit;		/* limit: what is left in the bucket */
	atomic_t count;		/* statistic nth: position in the cycle */
};

static struct xtfw_match_state *state_alloc(void)
{
	struct xtfw_match_state *st;

	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (st)
		spin_lock_init(&st->lock);
	return st;
}

void xtfw_mt_state_free(struct xtfw_match *m)
{
	kfree(m->state);
	m->state = NULL;
}

/*
 * Credits: every jiffy adds XTFW_LIMIT_SCALE of them and a match costs
 * RATE * HZ, RATE being the interval between matches in 1/XTFW_LIMIT_SCALE
 * seconds. The bucket holds BURST matches and starts full. In 64 bits
 * neither product can overflow (RATE < 2^32, HZ and BURST < 2^14), so
 * unlike xt_limit any rate can have any burst.
 */
int xtfw_limit_parse(struct xtfw_match *m, const struct xtfw_margs *a)
{
	u32 burst = LIMIT_BURST_DEFAULT;

	if (!a->tb[XTFW_MATCH_A_RATE])
		return xtfw_parse_error(a->ctx, a->nest, "limit needs --limit");
	if (a->tb[XTFW_MATCH_A_BURST])
		burst = nla_get_u32(a->tb[XTFW_MATCH_A_BURST]);
	m->u.limit.cost = (u64)nla_get_u32(a->tb[XTFW_MATCH_A_RATE]) * HZ;
	m->u.limit.cap = m->u.limit.cost * burst;
	m->state = state_alloc();
	if (!m->state)
		return -ENOMEM;
	m->state->credit = m->u.limit.cap;
	m->state->prev = jiffies;
	return 0;
}

bool xtfw_limit_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt)
{
	struct xtfw_match_state *st = m->state;
	bool inv = m->inv & XTFW_MINV_LIMIT;
	unsigned long now = jiffies;
	u64 elapsed;
	bool hit;

	/* Over the limit within this jiffy: nothing to refill, no lock. */
	if (READ_ONCE(st->credit) < m->u.limit.cost &&
	    READ_ONCE(st->prev) == now)
		return inv;
	spin_lock_bh(&st->lock);
	elapsed = min_t(u64, now - st->prev, U32_MAX);
	st->prev = now;
	st->credit = min(st->credit + elapsed * XTFW_LIMIT_SCALE,
			 m->u.limit.cap);
	hit = st->credit >= m->u.limit.cost;
	if (hit)
		st->credit -= m->u.limit.cost;
	spin_unlock_bh(&st->lock);
	return hit ^ inv;
}

static int statistic_random(struct xtfw_match *m, const struct xtfw_margs *a)
{
	struct nlattr **tb = a->tb;

	if (!tb[XTFW_MATCH_A_PROBABILITY])
		return xtfw_parse_error(a->ctx, a->nest,
					"statistic --mode random needs --probability");
	if (tb[XTFW_MATCH_A_EVERY] || tb[XTFW_MATCH_A_PACKET])
		return xtfw_parse_error(a->ctx, tb[XTFW_MATCH_A_EVERY] ?:
					tb[XTFW_MATCH_A_PACKET],
					"statistic: --every and --packet need --mode nth");
	m->u.statistic.probability = nla_get_u32(tb[XTFW_MATCH_A_PROBABILITY]);
	return 0;
}

/*
 * As xt_statistic: the counter starts at --packet and the packet that
 * brings it round from --every - 1 to 0 matches.
 */
static int statistic_nth(struct xtfw_match *m, const struct xtfw_margs *a)
{
	struct nlattr **tb = a->tb;
	u32 every, packet = 0;

	if (!tb[XTFW_MATCH_A_EVERY])
		return xtfw_parse_error(a->ctx, a->nest,
					"statistic --mode nth needs --every");
	if (tb[XTFW_MATCH_A_PROBABILITY])
		return xtfw_parse_error(a->ctx, tb[XTFW_MATCH_A_PROBABILITY],
					"statistic: --probability needs --mode random");
	every = nla_get_u32(tb[XTFW_MATCH_A_EVERY]);
	if (tb[XTFW_MATCH_A_PACKET])
		packet = nla_get_u32(tb[XTFW_MATCH_A_PACKET]);
	if (packet >= every)
		return xtfw_parse_error(a->ctx, tb[XTFW_MATCH_A_PACKET],
					"statistic: --packet %u must be below --every %u",
					packet, every);
	m->u.statistic.every = every - 1;
	m->state = state_alloc();
	if (!m->state)
		return -ENOMEM;
	atomic_set(&m->state->count, packet);
	return 0;
}

int xtfw_statistic_parse(struct xtfw_match *m, const struct xtfw_margs *a)
{
	if (!a->tb[XTFW_MATCH_A_STAT_MODE])
		return xtfw_parse_error(a->ctx, a->nest,
					"statistic needs --mode");
	m->u.statistic.mode = nla_get_u8(a->tb[XTFW_MATCH_A_STAT_MODE]);
	if (m->u.statistic.mode == XTFW_STAT_RANDOM)
		return statistic_random(m, a);
	return statistic_nth(m, a);
}

bool xtfw_statistic_eval(const struct xtfw_match *m,
			 const struct xtfw_pkt *pkt)
{
	bool inv = m->inv & XTFW_MINV_STATISTIC;
	atomic_t *count;
	int old, new;

	if (m->u.statistic.mode == XTFW_STAT_RANDOM)
		return ((get_random_u32() & 0x7fffffff) <
			m->u.statistic.probability) ^ inv;
	count = &m->state->count;
	old = atomic_read(count);
	do {
		new = (u32)old >= m->u.statistic.every ? 0 : old + 1;
	} while (!atomic_try_cmpxchg(count, &old, new));
	return (new == 0) ^ inv;
}
