// SPDX-License-Identifier: GPL-2.0
/*
 * Instruction-count benchmark of the chain classifier: N rules that do not
 * match the test flow (a mix of /32 and prefix sources, single ports and
 * protocols, like a real blocklist or service list) before one that
 * does; each packet of the flow asks for candidates and checks each one
 * in full (as the module does) until it reaches the accepting rule.
 *
 * Usage: cls_bench N PACKETS [linear]
 * Run under `valgrind --tool=callgrind --toggle-collect=run_packets` (see
 * the Makefile's bench target), which counts the instructions of the
 * packet loop only; the program prints the classifier's groups and memory.
 */
#include <stdio.h>
#include <stdlib.h>

#include "cls_ref.h"

static unsigned long long rng_state = 0x9e3779b97f4a7c15ULL;

static u32 rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (u32)rng_state;
}

/* Rule @i of the non-matching mix; none matches 192.168.1.1 -> .2:80. */
static void bench_key(struct xtfw_cls_key *k, u32 i)
{
	static const u16 ports[] = { 22, 25, 53, 123, 443, 3306, 5432, 8443 };

	memset(k, 0, sizeof(*k));
	switch (i % 5) {
	case 0:		/* a blocked host */
	case 1:
		k->src[0] = htonl(0x0b000000 | (rnd() & 0xffffff));
		k->slen = 32;
		break;
	case 2:		/* a blocked network */
		k->src[0] = htonl(0x0c000000 | (rnd() & 0xffff00));
		k->slen = 24;
		break;
	case 3:		/* a host allowed to a service */
		k->src[0] = htonl(0x0d000000 | (rnd() & 0xffffff));
		k->slen = 32;
		k->flags = XTFW_CLS_K_PROTO | XTFW_CLS_K_DPORT;
		k->proto = 6;
		k->dport = ports[rnd() % 8];
		break;
	default:	/* a network to a service */
		k->src[0] = htonl(0x0e000000 | (rnd() & 0xff0000));
		k->slen = 16;
		k->dst[0] = htonl(0xc0a80100);
		k->dlen = 24;
		k->flags = XTFW_CLS_K_PROTO | XTFW_CLS_K_DPORT;
		k->proto = 17;
		k->dport = ports[rnd() % 8];
		break;
	}
}

/*
 * Rule @i of the forwarding benchmark's mix (selftests/bench/rules.py),
 * CLS_MIX=fwd: more shapes, and blocked networks of every length from /16
 * to /28. What the classifier does not key on (interfaces, port ranges)
 * is left out, as in the module.
 */
static void bench_key_fwd(struct xtfw_cls_key *k, u32 i)
{
	static const u16 ports[] = { 22, 25, 53, 123, 443, 3306, 5432, 8443 };
	u32 r = i % 20;

	memset(k, 0, sizeof(*k));
	if (r < 8) {			/* 40%: -s HOST */
		k->src[0] = htonl(0x64400000 | (rnd() & 0x3fffff));
		k->slen = 32;
	} else if (r < 11) {		/* 15%: -s NET/16..28 */
		k->slen = 16 + rnd() % 13;
		k->src[0] = htonl((0xac100000 | (rnd() & 0xfffff)) &
				  ~0U << (32 - k->slen));
	} else if (r < 14) {		/* 15%: -s NET/24 -p tcp --dport P */
		k->src[0] = htonl(0x0b000000 | (rnd() & 0xffff00));
		k->slen = 24;
		k->flags = XTFW_CLS_K_PROTO | XTFW_CLS_K_DPORT;
		k->proto = 6;
		k->dport = ports[rnd() % 8];
	} else if (r < 16) {		/* 10%: -i IF -s HOST -p udp --dport */
		k->src[0] = htonl(0x64400000 | (rnd() & 0x3fffff));
		k->slen = 32;
		k->flags = XTFW_CLS_K_PROTO | XTFW_CLS_K_DPORT;
		k->proto = 17;
		k->dport = ports[rnd() % 8];
	} else if (r < 18) {		/* 10%: -d HOST -p tcp --dport P */
		k->dst[0] = htonl(0xc6120000 | (rnd() & 0x1ffff));
		k->dlen = 32;
		k->flags = XTFW_CLS_K_PROTO | XTFW_CLS_K_DPORT;
		k->proto = 6;
		k->dport = ports[rnd() % 8];
	} else if (r < 19) {		/* 5%: -o IF -d NET/24 */
		k->dst[0] = htonl(0x2c000000 | (rnd() & 0xffff00));
		k->dlen = 24;
	} else {			/* 5%: -s HOST -p tcp --dport LO:HI */
		k->src[0] = htonl(0x64400000 | (rnd() & 0x3fffff));
		k->slen = 32;
		k->flags = XTFW_CLS_K_PROTO;
		k->proto = 6;
	}
}

static struct xtfw_cls_key *keys;
static struct xtfw_cls *cls;
static u32 nrules;
static volatile u32 sink;

/* What the module does per packet: candidates, each checked in full. */
static u32 eval_cls(const struct ref_pkt *p, const struct xtfw_cls_pkt *pk)
{
	u32 i = 0;

	for (;;) {
		i = xtfw_cls_next(cls, pk, i);
		if (i >= nrules || ref_key_match(&keys[i], p, false))
			return i;
		i++;
	}
}

static u32 eval_linear(const struct ref_pkt *p)
{
	u32 i;

	for (i = 0; i < nrules; i++)
		if (ref_key_match(&keys[i], p, false))
			return i;
	return i;
}

void run_packets(const struct ref_pkt *p, u32 n, bool linear);

__attribute__((noinline)) void run_packets(const struct ref_pkt *p, u32 n,
					   bool linear)
{
	struct xtfw_cls_pkt pk;
	u32 i;

	for (i = 0; i < n; i++) {
		if (linear) {
			sink = eval_linear(&p[i % 16]);
		} else {
			ref_to_cls(&p[i % 16], false, &pk);
			sink = eval_cls(&p[i % 16], &pk);
		}
	}
}

int main(int argc, char **argv)
{
	u32 n = argc > 1 ? atoi(argv[1]) : 1000, npkts, i;
	bool linear = argc > 3 && !strcmp(argv[3], "linear");
	struct ref_pkt pkts[16];

	npkts = argc > 2 ? atoi(argv[2]) : 10000;
	nrules = n + 1;
	keys = calloc(nrules, sizeof(*keys));
	if (!keys)
		return 1;
	const char *mix = getenv("CLS_MIX");
	bool fwd = mix && !strcmp(mix, "fwd");

	for (i = 0; i < n; i++) {
		if (fwd)
			bench_key_fwd(&keys[i], i);
		else
			bench_key(&keys[i], i);
	}
	/* the accepting rule: the client network to the server's port 80 */
	keys[n].src[0] = htonl(0xc0a80100);
	keys[n].slen = 24;
	keys[n].flags = XTFW_CLS_K_PROTO | XTFW_CLS_K_DPORT;
	keys[n].proto = 6;
	keys[n].dport = 80;
	cls = xtfw_cls_build(keys, nrules, false, 12345);
	if (!cls)
		return 1;
	for (i = 0; i < 16; i++) {
		memset(&pkts[i], 0, sizeof(pkts[i]));
		pkts[i].src[0] = htonl(0xc0a80101 + i);
		pkts[i].dst[0] = htonl(0xc0a80102);
		pkts[i].proto = 6;
		pkts[i].ports = true;
		pkts[i].sport = 40000 + i;
		pkts[i].dport = 80;
	}
	run_packets(pkts, npkts, linear);
	if (sink != n)
		return 2;
	printf("rules %u groups %u bytes %zu bytes/rule %.1f\n", nrules,
	       xtfw_cls_ngroups(cls), xtfw_cls_size(cls),
	       (double)xtfw_cls_size(cls) / nrules);
	xtfw_cls_free(cls);
	free(keys);
	return 0;
}
