// SPDX-License-Identifier: GPL-2.0
/*
 * DOC: The chain classifier (tuple space search)
 *
 * A linear walk checks every rule of a chain. The classifier narrows that
 * to the rules that can match, from the fields most rules are about:
 * source and destination prefix, protocol, and single source and
 * destination ports. Rules are put in groups by which of those they
 * constrain and how (their "tuple": source prefix length, destination
 * prefix length, whether protocol, sport and dport are given). Within a
 * group every rule looks at the same bits of the packet, so the group is a
 * hash table from those bits, masked, to the ascending list of its rules
 * that want exactly that value.
 *
 * A query (xtfw_cls_next()) masks the packet once per group, looks it up,
 * and takes the first rule at or after @from in the list found; the
 * answer is the smallest over the groups. Groups are sorted by their first
 * rule, so a query stops at the first group that cannot improve on what
 * it has. Its cost depends on the number of groups, not of rules: a
 * ruleset of 100,000 rules over /32 sources and /24 networks, with and
 * without ports, has a handful.
 *
 * The answer is a candidate: the caller checks the rule in full (its
 * interfaces, negations, other matches) and, if it does not match, asks
 * again from the next rule. Since a rule's key never excludes a packet the
 * rule would match, the first candidate that passes is the first rule a
 * linear walk would take, and jumps, gotos and returns are unchanged.
 *
 * At most XTFW_CLS_MAX_GROUPS groups are kept: the rules of the rarest
 * tuples go to a catch-all group that constrains nothing (its rules are
 * candidates for every packet, and checked in full), which is always
 * correct and bounds the cost of a query.
 */
#include "classify.h"

#define XTFW_CLS_MAX_GROUPS	48

struct cls_group {
	u32 mask[XTFW_CLS_MAX_WORDS];
	u32 min_rule, max_rule;
	u32 hmask;		/* slots - 1 */
	u32 nents;
	u32 *slots;		/* entry + 1, 0: empty (open addressing) */
	u32 *keys;		/* nents * nw words */
	u32 *first;		/* nents + 1 bounds in rules[] */
	u32 *rules;		/* each entry's rules, ascending */
	bool ports;		/* needs the ports word */
};

struct xtfw_cls {
	u32 nrules;
	u32 seed;
	u32 ngroups;
	u8 nw;			/* words per key: 4 (IPv4) or 10 (IPv6) */
	size_t size;		/* bytes allocated */
	struct cls_group groups[];
};

/* The words of a prefix of @len bits within an address of @n words. */
static u32 prefix_word(unsigned int len, unsigned int i)
{
	unsigned int bits = len > 32 * i ? len - 32 * i : 0;

	if (bits >= 32)
		return ~0U;
	return bits ? xtfw_be32(~0U << (32 - bits)) : 0;
}

static u32 key_sig(const struct xtfw_cls_key *k)
{
	return k->slen | k->dlen << 8 |
	       (u32)(k->flags & (XTFW_CLS_K_PROTO | XTFW_CLS_K_SPORT |
				 XTFW_CLS_K_DPORT)) << 16;
}

static void sig_mask(u32 sig, unsigned int n, u32 *mask)
{
	unsigned int i;
	u8 flags = sig >> 16;

	for (i = 0; i < n; i++) {
		mask[i] = prefix_word(sig & 0xff, i);
		mask[n + i] = prefix_word((sig >> 8) & 0xff, i);
	}
	mask[2 * n] = (flags & XTFW_CLS_K_SPORT ? 0xffff0000U : 0) |
		      (flags & XTFW_CLS_K_DPORT ? 0xffffU : 0);
	mask[2 * n + 1] = flags & XTFW_CLS_K_PROTO ? 0xffU : 0;
}

static void key_words(const struct xtfw_cls_key *k, unsigned int n,
		      const u32 *mask, u32 *w)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		w[i] = k->src[i] & mask[i];
		w[n + i] = k->dst[i] & mask[n + i];
	}
	w[2 * n] = ((u32)k->sport << 16 | k->dport) & mask[2 * n];
	w[2 * n + 1] = k->proto & mask[2 * n + 1];
}

static u32 hash_words(const u32 *w, unsigned int nw, u32 seed)
{
	u64 h = seed;
	unsigned int i;

	for (i = 0; i < nw; i++) {
		h ^= w[i];
		h *= 0x9e3779b97f4a7c15ULL;
		h ^= h >> 29;
	}
	return (u32)(h >> 32);
}

static bool words_equal(const u32 *a, const u32 *b, unsigned int nw)
{
	unsigned int i;

	for (i = 0; i < nw; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

/* The slot of @w in @g: its entry + 1, or the empty slot where it goes. */
static u32 *find_slot(const struct cls_group *g, const u32 *w, unsigned int nw,
		      u32 seed)
{
	u32 h = hash_words(w, nw, seed) & g->hmask;

	while (g->slots[h] &&
	       !words_equal(&g->keys[(g->slots[h] - 1) * nw], w, nw))
		h = (h + 1) & g->hmask;
	return &g->slots[h];
}

static void *alloc_track(struct xtfw_cls *cls, size_t size)
{
	cls->size += size;
	return xtfw_cls_zalloc(size);
}

static u32 roundup_pow2(u32 v)
{
	u32 p = 2;

	while (p < v)
		p <<= 1;
	return p;
}

/* Fill group @g with the rules @idx[0..cnt) (ascending) of @keys. */
static int group_build(struct xtfw_cls *cls, struct cls_group *g,
		       const struct xtfw_cls_key *keys, const u32 *idx,
		       u32 cnt, u32 *ent_of)
{
	unsigned int nw = cls->nw, n = nw == 4 ? 1 : 4;
	u32 w[XTFW_CLS_MAX_WORDS], i, *slot, *fill;

	g->min_rule = idx[0];
	g->max_rule = idx[cnt - 1];
	g->hmask = roundup_pow2(2 * cnt) - 1;
	g->slots = alloc_track(cls, (g->hmask + 1) * sizeof(u32));
	g->keys = alloc_track(cls, (size_t)cnt * nw * sizeof(u32));
	g->first = alloc_track(cls, ((size_t)cnt + 1) * sizeof(u32));
	g->rules = alloc_track(cls, (size_t)cnt * sizeof(u32));
	if (!g->slots || !g->keys || !g->first || !g->rules)
		return -ENOMEM;
	/* distinct keys, and how many rules each */
	for (i = 0; i < cnt; i++) {
		key_words(&keys[idx[i]], n, g->mask, w);
		slot = find_slot(g, w, nw, cls->seed);
		if (!*slot) {
			memcpy(&g->keys[g->nents * nw], w, nw * sizeof(u32));
			*slot = ++g->nents;
		}
		ent_of[i] = *slot - 1;
		g->first[ent_of[i] + 1]++;
	}
	for (i = 0; i < g->nents; i++)
		g->first[i + 1] += g->first[i];
	/* the lists, ascending because idx is */
	fill = ent_of + cnt;
	memcpy(fill, g->first, g->nents * sizeof(u32));
	for (i = 0; i < cnt; i++)
		g->rules[fill[ent_of[i]]++] = idx[i];
	return 0;
}

struct sig_count {
	u32 sig, count;
};

static int cmp_count_desc(const void *a, const void *b)
{
	const struct sig_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->sig < y->sig ? -1 : x->sig > y->sig;
}

static int cmp_u32(const void *a, const void *b)
{
	u32 x = *(const u32 *)a, y = *(const u32 *)b;

	return x < y ? -1 : x > y;
}

static int cmp_group(const void *a, const void *b)
{
	const struct cls_group *x = a, *y = b;

	return x->min_rule < y->min_rule ? -1 : x->min_rule > y->min_rule;
}

#ifdef __KERNEL__
#define sort_array(base, num, size, cmp)	sort(base, num, size, cmp, NULL)
#else
#define sort_array(base, num, size, cmp)	qsort(base, num, size, cmp)
#endif

/* The group of each signature: binary search among the chosen ones. */
static int chosen_index(const struct sig_count *chosen, u32 nchosen, u32 sig)
{
	u32 lo = 0, hi = nchosen;

	while (lo < hi) {
		u32 mid = (lo + hi) / 2;

		if (chosen[mid].sig == sig)
			return mid;
		if (chosen[mid].sig < sig)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int cmp_sig(const void *a, const void *b)
{
	const struct sig_count *x = a, *y = b;

	return x->sig < y->sig ? -1 : x->sig > y->sig;
}

/**
 * xtfw_cls_build() - the classifier of a chain
 * @keys: what each rule requires, in rule order
 * @n: the number of rules
 * @ipv6: the family of the chain's table
 * @seed: for the hash
 *
 * Return: the classifier, or NULL if memory is short (the caller fails
 * the commit) or @n is below XTFW_CLS_MIN_RULES is the caller's concern.
 */
struct xtfw_cls *xtfw_cls_build(const struct xtfw_cls_key *keys, u32 n,
				bool ipv6, u32 seed)
{
	struct sig_count *sigs = NULL, *chosen;
	u32 i, nsigs = 0, nchosen, catchall, *idx = NULL, *tmp = NULL;
	u32 *gcount = NULL, *gstart = NULL, *sig_of = NULL;
	struct xtfw_cls *cls;
	unsigned int nw = ipv6 ? 10 : 4;
	int g;

	cls = xtfw_cls_zalloc(sizeof(*cls) +
			      XTFW_CLS_MAX_GROUPS * sizeof(cls->groups[0]));
	if (!cls)
		return NULL;
	cls->size = sizeof(*cls) + XTFW_CLS_MAX_GROUPS * sizeof(cls->groups[0]);
	cls->nrules = n;
	cls->seed = seed;
	cls->nw = nw;
	if (!n)
		return cls;
	sig_of = xtfw_cls_zalloc((size_t)n * sizeof(u32));
	sigs = xtfw_cls_zalloc((size_t)n * sizeof(*sigs));
	idx = xtfw_cls_zalloc((size_t)n * sizeof(u32));
	tmp = xtfw_cls_zalloc((size_t)n * 2 * sizeof(u32));
	gcount = xtfw_cls_zalloc((XTFW_CLS_MAX_GROUPS + 1) * sizeof(u32));
	gstart = xtfw_cls_zalloc((XTFW_CLS_MAX_GROUPS + 1) * sizeof(u32));
	if (!sig_of || !sigs || !idx || !tmp || !gcount || !gstart)
		goto fail;

	/* the distinct tuples and their sizes */
	for (i = 0; i < n; i++)
		sig_of[i] = key_sig(&keys[i]);
	memcpy(tmp, sig_of, (size_t)n * sizeof(u32));
	sort_array(tmp, n, sizeof(u32), cmp_u32);
	for (i = 0; i < n; i++) {
		if (nsigs && sigs[nsigs - 1].sig == tmp[i]) {
			sigs[nsigs - 1].count++;
			continue;
		}
		sigs[nsigs].sig = tmp[i];
		sigs[nsigs++].count = 1;
	}
	/* keep the largest; the catch-all (signature 0) takes the rest */
	nchosen = nsigs;
	if (nsigs > XTFW_CLS_MAX_GROUPS) {
		sort_array(sigs, nsigs, sizeof(*sigs), cmp_count_desc);
		nchosen = XTFW_CLS_MAX_GROUPS - 1;
		for (i = 0; i < nchosen && sigs[i].sig; i++)
			;
		if (i < nchosen) {	/* 0 is among them: one more fits */
			nchosen++;
		} else {
			sigs[nchosen].sig = 0;
			nchosen++;
		}
		sort_array(sigs, nchosen, sizeof(*sigs), cmp_sig);
	}
	chosen = sigs;
	catchall = chosen_index(chosen, nchosen, 0);
	/* each rule's group; rules of dropped tuples to the catch-all */
	for (i = 0; i < n; i++) {
		g = chosen_index(chosen, nchosen, sig_of[i]);
		sig_of[i] = g < 0 ? catchall : (u32)g;
		gcount[sig_of[i]]++;
	}
	for (g = 0; g < (int)nchosen; g++)
		gstart[g + 1] = gstart[g] + gcount[g];
	memcpy(tmp, gstart, nchosen * sizeof(u32));
	for (i = 0; i < n; i++)
		idx[tmp[sig_of[i]]++] = i;
	for (g = 0; g < (int)nchosen; g++) {
		struct cls_group *grp = &cls->groups[cls->ngroups];

		if (!gcount[g])
			continue;
		sig_mask(chosen[g].sig, nw == 4 ? 1 : 4, grp->mask);
		grp->ports = (chosen[g].sig >> 16) &
			     (XTFW_CLS_K_SPORT | XTFW_CLS_K_DPORT);
		cls->ngroups++;
		if (group_build(cls, grp, keys, &idx[gstart[g]], gcount[g],
				tmp))
			goto fail;
	}
	sort_array(cls->groups, cls->ngroups, sizeof(cls->groups[0]),
		   cmp_group);
	goto out;

fail:
	xtfw_cls_free(cls);
	cls = NULL;
out:
	xtfw_cls_kfree(sig_of);
	xtfw_cls_kfree(sigs);
	xtfw_cls_kfree(idx);
	xtfw_cls_kfree(tmp);
	xtfw_cls_kfree(gcount);
	xtfw_cls_kfree(gstart);
	return cls;
}

void xtfw_cls_free(struct xtfw_cls *cls)
{
	u32 i;

	if (!cls)
		return;
	for (i = 0; i < XTFW_CLS_MAX_GROUPS; i++) {
		xtfw_cls_kfree(cls->groups[i].slots);
		xtfw_cls_kfree(cls->groups[i].keys);
		xtfw_cls_kfree(cls->groups[i].first);
		xtfw_cls_kfree(cls->groups[i].rules);
	}
	xtfw_cls_kfree(cls);
}

/* The first of @list[0..len) at or after @from, or U32_MAX. */
static u32 first_from(const u32 *list, u32 len, u32 from)
{
	u32 lo = 0, hi = len;

	while (lo < hi) {
		u32 mid = (lo + hi) / 2;

		if (list[mid] < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < len ? list[lo] : ~0U;
}

/**
 * xtfw_cls_next() - the first rule from @from on that may match
 * @cls: the chain's classifier
 * @pk: the packet's fields
 * @from: the rule to start from
 *
 * Return: a rule index, or the number of rules if none may match.
 */
u32 xtfw_cls_next(const struct xtfw_cls *cls, const struct xtfw_cls_pkt *pk,
		  u32 from)
{
	unsigned int nw = cls->nw, i, j;
	u32 best = cls->nrules, w[XTFW_CLS_MAX_WORDS];

	for (i = 0; i < cls->ngroups; i++) {
		const struct cls_group *g = &cls->groups[i];
		const u32 *slot;
		u32 e, r;

		if (g->min_rule >= best)
			break;
		if (g->max_rule < from || (g->ports && !pk->ports))
			continue;
		for (j = 0; j < nw; j++)
			w[j] = pk->w[j] & g->mask[j];
		slot = find_slot(g, w, nw, cls->seed);
		if (!*slot)
			continue;
		e = *slot - 1;
		r = first_from(&g->rules[g->first[e]],
			       g->first[e + 1] - g->first[e], from);
		if (r < best)
			best = r;
	}
	return best;
}

size_t xtfw_cls_size(const struct xtfw_cls *cls)
{
	return cls ? cls->size : 0;
}

u32 xtfw_cls_ngroups(const struct xtfw_cls *cls)
{
	return cls ? cls->ngroups : 0;
}
