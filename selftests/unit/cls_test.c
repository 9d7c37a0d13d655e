// SPDX-License-Identifier: GPL-2.0
/*
 * Differential test of the chain classifier (module/classify.c): on many
 * random rulesets and packets, the first rule found by asking the
 * classifier for candidates and checking each in full must be the first
 * rule a linear walk finds, from any starting rule. Rulesets are drawn
 * from small pools of addresses, prefixes and ports so that packets match
 * often, and sometimes have more tuples than the classifier keeps groups
 * for (the catch-all group).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cls_ref.h"

static unsigned long long rng_state = 88172645463325252ULL;

static u32 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (u32)rng_state;
}

static u32 pick(u32 n)
{
	return n ? rnd() % n : 0;
}

/* The pools: a few networks, hosts in them, a few ports and protocols. */
static const u8 protos[] = { 6, 17, 1, 132 };
static const u16 ports[] = { 22, 53, 80, 443, 8080, 5000 };

static void rand_addr(u32 *a, bool v6)
{
	unsigned int n = v6 ? 4 : 1, i;

	for (i = 0; i < n; i++)
		a[i] = 0;
	a[0] = htonl(0x0a000000 | pick(4) << 16 | pick(3) << 8 | pick(6));
	if (v6)
		a[3] = htonl(pick(3));
}

static void rand_key(struct xtfw_cls_key *k, bool v6, bool wild_tuples)
{
	/* some a few bits apart, which the classifier merges */
	static const u8 lens4[] = { 0, 8, 16, 21, 24, 27, 29, 30, 32 };
	static const u8 lens6[] = { 0, 8, 16, 24, 29, 32, 64, 125, 128 };
	const u8 *lens = v6 ? lens6 : lens4;
	unsigned int nl = v6 ? sizeof(lens6) : sizeof(lens4);

	memset(k, 0, sizeof(*k));
	rand_addr(k->src, v6);
	rand_addr(k->dst, v6);
	k->slen = wild_tuples ? pick(v6 ? 129 : 33) : lens[pick(nl)];
	k->dlen = wild_tuples ? pick(v6 ? 129 : 33) : lens[pick(nl)];
	if (pick(3)) {
		k->flags |= XTFW_CLS_K_PROTO;
		k->proto = protos[pick(sizeof(protos))];
		if (k->proto != 1 && pick(2)) {
			k->flags |= XTFW_CLS_K_DPORT;
			k->dport = ports[pick(6)];
		}
		if (k->proto != 1 && !pick(4)) {
			k->flags |= XTFW_CLS_K_SPORT;
			k->sport = ports[pick(6)];
		}
	}
}

static void rand_pkt(struct ref_pkt *p, bool v6)
{
	memset(p, 0, sizeof(*p));
	rand_addr(p->src, v6);
	rand_addr(p->dst, v6);
	p->proto = protos[pick(sizeof(protos))];
	p->ports = p->proto != 1 && pick(8);
	if (p->ports) {
		p->sport = pick(2) ? ports[pick(6)] : pick(65536);
		p->dport = pick(2) ? ports[pick(6)] : pick(65536);
	}
}

/*
 * Random host bits below a prefix of @len bits of the address @a (1 or 4
 * words): a packet in a rule's network, not only at its first address.
 */
static void host_bits(u32 *a, unsigned int len, bool v6)
{
	unsigned int i, n = v6 ? 4 : 1, bits;

	for (i = 0; i < n; i++) {
		bits = len > 32 * i ? len - 32 * i : 0;
		if (bits < 32)
			a[i] |= htonl(rnd() & (~0U >> bits));
	}
}

/* The residual: a deterministic coin per rule and packet. */
static bool residual(u32 rule, const struct ref_pkt *p, u32 salt)
{
	u32 h = rule * 2654435761U ^ p->src[0] ^ p->dst[0] * 31 ^
		p->dport * 131 ^ salt;

	h ^= h >> 15;
	h *= 0x2c1b3c6dU;
	h ^= h >> 12;
	return h % 4 != 0;
}

static u32 linear(const struct xtfw_cls_key *keys, u32 n,
		  const struct ref_pkt *p, bool v6, u32 from, u32 salt)
{
	u32 i;

	for (i = from; i < n; i++)
		if (ref_key_match(&keys[i], p, v6) && residual(i, p, salt))
			return i;
	return n;
}

static u32 classified(const struct xtfw_cls *cls,
		      const struct xtfw_cls_key *keys, u32 n,
		      const struct ref_pkt *p, bool v6, u32 from, u32 salt)
{
	struct xtfw_cls_pkt pk;
	u32 i = from;

	ref_to_cls(p, v6, &pk);
	for (;;) {
		i = xtfw_cls_next(cls, &pk, i);
		if (i > n) {
			fprintf(stderr, "classifier returned %u of %u\n", i, n);
			exit(1);
		}
		if (i == n || (ref_key_match(&keys[i], p, v6) &&
			       residual(i, p, salt)))
			return i;
		i++;
	}
}

/*
 * Prefix lengths a few bits apart merge into one group (their rules get
 * expanded keys); farther apart, or across a 32-bit word, they do not.
 */
static u32 groups_of(const u8 *slens, const u8 *dlens, u32 n, bool v6)
{
	struct xtfw_cls_key keys[64];
	struct xtfw_cls *cls;
	u32 i, g;

	memset(keys, 0, sizeof(keys));
	for (i = 0; i < 40; i++) {
		rand_addr(keys[i].src, v6);
		rand_addr(keys[i].dst, v6);
		keys[i].slen = slens[i % n];
		keys[i].dlen = dlens[i % n];
	}
	cls = xtfw_cls_build(keys, 40, v6, 1);
	if (!cls) {
		fprintf(stderr, "build failed\n");
		exit(1);
	}
	g = xtfw_cls_ngroups(cls);
	xtfw_cls_free(cls);
	return g;
}

static void test_merge(void)
{
	static const struct {
		u8 s[3], d[3];
		u32 n, groups;
		bool v6;
	} cases[] = {
		{ { 28, 32 }, { 0, 0 }, 2, 1, false },
		{ { 27, 32 }, { 0, 0 }, 2, 2, false },		/* 5 bits */
		{ { 24, 26, 28 }, { 0, 0, 0 }, 3, 1, false },
		{ { 32, 32 }, { 20, 24 }, 2, 1, false },	/* destinations */
		{ { 28, 32 }, { 20, 24 }, 2, 2, false },	/* not in 2D */
		{ { 28, 32, 32 }, { 22, 22, 24 }, 3, 1, false },	/* both */
		{ { 28, 32, 32 }, { 20, 20, 24 }, 3, 2, false },	/* budget */
		{ { 0, 4 }, { 0, 0 }, 2, 2, false },		/* /0 stays */
		{ { 124, 128 }, { 0, 0 }, 2, 1, true },
		{ { 30, 33 }, { 0, 0 }, 2, 2, true },		/* two words */
		{ { 32, 36 }, { 0, 0 }, 2, 1, true },
	};
	unsigned int i;
	u32 g;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		g = groups_of(cases[i].s, cases[i].d, cases[i].n, cases[i].v6);
		if (g != cases[i].groups) {
			fprintf(stderr, "merge case %u: %u groups, expected %u\n",
				i, g, cases[i].groups);
			exit(1);
		}
	}
}

int main(int argc, char **argv)
{
	unsigned int rounds = argc > 1 ? atoi(argv[1]) : 400, r, q;
	unsigned long long checks = 0, hits = 0;

	test_merge();
	for (r = 0; r < rounds; r++) {
		bool v6 = r & 1, wild = r % 5 == 4;
		u32 n = r % 7 == 0 ? pick(20) : pick(3000), i;
		struct xtfw_cls_key *keys = calloc(n ? n : 1, sizeof(*keys));
		struct xtfw_cls *cls;

		for (i = 0; i < n; i++)
			rand_key(&keys[i], v6, wild);
		cls = xtfw_cls_build(keys, n, v6, rnd());
		if (!cls) {
			fprintf(stderr, "build failed\n");
			return 1;
		}
		for (q = 0; q < 300; q++) {
			struct ref_pkt p;
			u32 from = pick(4) ? 0 : pick(n + 1), a, b;

			rand_pkt(&p, v6);
			/* half the packets are built to hit some rule */
			if (n && pick(2)) {
				const struct xtfw_cls_key *k = &keys[pick(n)];

				memcpy(p.src, k->src, sizeof(p.src));
				memcpy(p.dst, k->dst, sizeof(p.dst));
				if (pick(2)) {
					host_bits(p.src, k->slen, v6);
					host_bits(p.dst, k->dlen, v6);
				}
				if (k->flags & XTFW_CLS_K_PROTO)
					p.proto = k->proto;
				if (k->flags & (XTFW_CLS_K_SPORT | XTFW_CLS_K_DPORT))
					p.ports = true;
				if (k->flags & XTFW_CLS_K_SPORT)
					p.sport = k->sport;
				if (k->flags & XTFW_CLS_K_DPORT)
					p.dport = k->dport;
			}
			a = linear(keys, n, &p, v6, from, r);
			b = classified(cls, keys, n, &p, v6, from, r);
			checks++;
			hits += a < n;
			if (a != b) {
				fprintf(stderr,
					"round %u query %u: linear %u, classifier %u (n %u, v6 %d, from %u, groups %u)\n",
					r, q, a, b, n, v6, from,
					xtfw_cls_ngroups(cls));
				return 1;
			}
		}
		xtfw_cls_free(cls);
		free(keys);
	}
	printf("cls_test: %llu queries over %u rulesets agree with a linear walk (%llu matched a rule)\n",
	       checks, rounds, hits);
	return 0;
}
