// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for the chain classifier: the input is a family bit,
 * then rules (key fields, each field's presence from the input) and
 * packets; every packet must get the rule a linear walk gives, from every
 * starting rule the input names. Build and run: make -C selftests/unit
 * fuzz-cls (clang).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "cls_ref.h"

struct input {
	const uint8_t *p;
	size_t left;
};

static u32 take(struct input *in, unsigned int bytes)
{
	u32 v = 0;

	while (bytes--) {
		v = v << 8 | (in->left ? *in->p : 0);
		if (in->left) {
			in->p++;
			in->left--;
		}
	}
	return v;
}

/* Addresses from a tiny space, so that rules and packets meet. */
static void addr(struct input *in, u32 *a, bool v6)
{
	u32 b = take(in, 1);

	memset(a, 0, 16);
	a[0] = htonl(0x0a000000 | (b & 0x30) << 12 | (b & 0x0f));
	if (v6)
		a[3] = htonl(b >> 6);
}

static void rule(struct input *in, struct xtfw_cls_key *k, bool v6)
{
	u32 f = take(in, 1);

	memset(k, 0, sizeof(*k));
	addr(in, k->src, v6);
	addr(in, k->dst, v6);
	k->slen = take(in, 1) % (v6 ? 129 : 33);
	k->dlen = take(in, 1) % (v6 ? 129 : 33);
	if (f & 1) {
		k->flags |= XTFW_CLS_K_PROTO;
		k->proto = f & 2 ? 6 : 17;
	}
	if (f & 4) {
		k->flags |= XTFW_CLS_K_SPORT;
		k->sport = take(in, 1) & 7;
	}
	if (f & 8) {
		k->flags |= XTFW_CLS_K_DPORT;
		k->dport = take(in, 1) & 7;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct xtfw_cls_key *keys;
	struct xtfw_cls *cls;
	bool v6 = take(&in, 1) & 1;
	u32 n = take(&in, 1) % 80 + 1, i, from;

	keys = calloc(n, sizeof(*keys));
	if (!keys)
		return 0;
	for (i = 0; i < n; i++)
		rule(&in, &keys[i], v6);
	cls = xtfw_cls_build(keys, n, v6, take(&in, 4));
	if (!cls)
		abort();
	while (in.left) {
		struct xtfw_cls_pkt pk;
		struct ref_pkt p;
		u32 f = take(&in, 1), want, got;

		memset(&p, 0, sizeof(p));
		addr(&in, p.src, v6);
		addr(&in, p.dst, v6);
		p.proto = f & 1 ? 6 : 17;
		p.ports = f & 2;
		if (p.ports) {
			p.sport = take(&in, 1) & 7;
			p.dport = take(&in, 1) & 7;
		}
		from = take(&in, 1) % (n + 1);
		for (want = from; want < n; want++)
			if (ref_key_match(&keys[want], &p, v6))
				break;
		ref_to_cls(&p, v6, &pk);
		for (got = from; (got = xtfw_cls_next(cls, &pk, got)) < n; got++)
			if (ref_key_match(&keys[got], &p, v6))
				break;
		if (got > n)
			got = n;
		if (want != got) {
			fprintf(stderr, "linear %u classifier %u\n", want, got);
			abort();
		}
	}
	xtfw_cls_free(cls);
	free(keys);
	return 0;
}
