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

#define XTFW_CLS_MAX_GROUPS	48	/* at most 64: a group is a bit of a u64 */
#define XTFW_CLS_EXPAND_BITS	4	/* a prefix joins one up to 4 longer */
#define XTFW_CLS_FOLD_LIST	2	/* fold_groups(): rules a key may gain */

/*
 * A group keys its hash on the words its mask does not clear (nw of them,
 * word[i] of the packet under mask[i]): a group of /32 sources hashes and
 * compares one word, the catch-all none.
 */
struct cls_group {
	u32 sig;		/* key_sig() of the group */
	u32 mask[XTFW_CLS_MAX_WORDS];
	u8 word[XTFW_CLS_MAX_WORDS];
	u8 nw;
	u8 slen, dlen;		/* of the group; a rule's may be shorter */
	u32 min_rule, max_rule;
	u32 hmask;		/* slots - 1 */
	u32 nents;
	u32 *slots;		/* entry + 1, 0: empty (open addressing) */
	u32 *keys;		/* nents * nw words */
	u32 *first;		/* nents + 1 bounds in rules[] */
	u32 *rules;		/* each entry's rules, ascending */
	bool ports;		/* needs the ports word */
	size_t bytes;		/* of the four arrays */
};

/*
 * Groups are sorted by the number of words they key on (one, two, three,
 * any other) and then by their first rule: the packet path scans each
 * such class with a loop specialised for its width.
 */
#define CLS_CLASSES	4

/*
 * The group filter: for the source and the destination address, a table
 * indexed by the top bits of the packet's first word of it, whose entry
 * is the set of groups (bit i: groups[i]) that may hold a key for such a
 * packet. A group that keys on fewer of those bits sets its bit in every
 * entry its keys' bits allow; one that does not key on the word, in all.
 * The AND of the two entries is the set of groups worth probing: the
 * others (most, for a packet that matches nothing) cost nothing. Each
 * table has about one entry per key, 2^8 to 2^CLS_FILTER_BITS.
 */
#define CLS_FILTER_MIN_BITS	8
#define CLS_FILTER_BITS		16

static_assert(XTFW_CLS_MAX_GROUPS <= 64, "a filter entry is a u64");

struct cls_filter {
	u64 *tab;
	u8 word;		/* of the packet */
	u8 shift;		/* 32 - the table's bits */
};

struct xtfw_cls {
	u32 nrules;
	u32 seed;
	u32 ngroups;
	u64 cmask[CLS_CLASSES];	/* the groups of each width class */
	struct cls_filter filter[2];
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

/* The group's mask for @sig, as (word, mask) pairs of nonzero masks. */
static void group_mask(struct cls_group *g, u32 sig, unsigned int n)
{
	u32 mask[XTFW_CLS_MAX_WORDS];
	unsigned int i;

	sig_mask(sig, n, mask);
	g->sig = sig;
	g->slen = sig & 0xff;
	g->dlen = (sig >> 8) & 0xff;
	g->nw = 0;
	for (i = 0; i < 2 * n + 2; i++) {
		if (!mask[i])
			continue;
		g->word[g->nw] = i;
		g->mask[g->nw++] = mask[i];
	}
}

/* Gather and mask the group's words of @all into @w. */
static void group_words(const struct cls_group *g, const u32 *all, u32 *w)
{
	unsigned int i;

	for (i = 0; i < g->nw; i++)
		w[i] = all[g->word[i]] & g->mask[i];
}

/* Bits by which a rule's prefix is shorter than its group's. */
static unsigned int short_by(unsigned int len, unsigned int glen)
{
	return glen > len ? glen - len : 0;
}

/* Bits @len..@len+@bits of the address @a set to @v (network order). */
static void set_bits(u32 *a, unsigned int len, unsigned int bits, u32 v)
{
	unsigned int end = len + bits, i = (end - 1) / 32;
	unsigned int shift = 32 * (i + 1) - end;
	u32 m = (~0U >> (32 - bits)) << shift;

	a[i] = xtfw_be32((xtfw_be32(a[i]) & ~m) | v << shift);
}

/*
 * The words of key @v of rule @k in group @g: a rule whose prefix is
 * shorter than the group's has one key per value of the bits it lacks
 * (controlled prefix expansion; merge_lengths() keeps them in one word).
 */
static void key_words(const struct xtfw_cls_key *k, unsigned int n,
		      const struct cls_group *g, u32 v, u32 *w)
{
	unsigned int sb = short_by(k->slen, g->slen);
	unsigned int db = short_by(k->dlen, g->dlen);
	u32 all[XTFW_CLS_MAX_WORDS];
	unsigned int i;

	for (i = 0; i < n; i++) {
		all[i] = k->src[i];
		all[n + i] = k->dst[i];
	}
	if (sb)
		set_bits(all, k->slen, sb, v & ((1U << sb) - 1));
	if (db)
		set_bits(all + n, k->dlen, db, v >> sb);
	all[2 * n] = (u32)k->sport << 16 | k->dport;
	all[2 * n + 1] = k->proto;
	group_words(g, all, w);
}

static u32 nkeys(const struct xtfw_cls_key *k, const struct cls_group *g)
{
	return 1U << (short_by(k->slen, g->slen) + short_by(k->dlen, g->dlen));
}

#define HASH_MUL	0x9e3779b97f4a7c15ULL

/* xtfw_cls_next() computes this inline: keep the two the same. */
static u32 hash_words(const u32 *w, unsigned int nw, u32 seed)
{
	u64 h = seed;
	unsigned int i;

	for (i = 0; i < nw; i++) {
		h ^= w[i];
		h *= HASH_MUL;
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

static void *alloc_track(struct xtfw_cls *cls, struct cls_group *g,
			 size_t size)
{
	cls->size += size;
	g->bytes += size;
	return xtfw_cls_zalloc(size);
}

static void group_free(struct xtfw_cls *cls, struct cls_group *g)
{
	xtfw_cls_kfree(g->slots);
	xtfw_cls_kfree(g->keys);
	xtfw_cls_kfree(g->first);
	xtfw_cls_kfree(g->rules);
	cls->size -= g->bytes;
	memset(g, 0, sizeof(*g));
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
		       u32 cnt)
{
	unsigned int nw = g->nw, n = cls->nw == 4 ? 1 : 4;
	u32 w[XTFW_CLS_MAX_WORDS], i, v, nk, total = 0, *slot, *ent_of;
	u32 *fill, j = 0;

	for (i = 0; i < cnt; i++)
		total += nkeys(&keys[idx[i]], g);
	g->min_rule = idx[0];
	g->max_rule = idx[cnt - 1];
	g->hmask = roundup_pow2(4 * total) - 1;
	g->slots = alloc_track(cls, g, (g->hmask + 1) * sizeof(u32));
	g->keys = alloc_track(cls, g,
			      (size_t)total * (nw ? nw : 1) * sizeof(u32));
	g->first = alloc_track(cls, g, ((size_t)total + 1) * sizeof(u32));
	g->rules = alloc_track(cls, g, (size_t)total * sizeof(u32));
	ent_of = xtfw_cls_zalloc((size_t)total * 2 * sizeof(u32));
	if (!g->slots || !g->keys || !g->first || !g->rules || !ent_of) {
		xtfw_cls_kfree(ent_of);
		return -ENOMEM;
	}
	/* distinct keys, and how many rules each */
	for (i = 0; i < cnt; i++) {
		nk = nkeys(&keys[idx[i]], g);
		for (v = 0; v < nk; v++, j++) {
			key_words(&keys[idx[i]], n, g, v, w);
			slot = find_slot(g, w, nw, cls->seed);
			if (!*slot) {
				memcpy(&g->keys[g->nents * nw], w,
				       nw * sizeof(u32));
				*slot = ++g->nents;
			}
			ent_of[j] = *slot - 1;
			g->first[ent_of[j] + 1]++;
		}
	}
	for (i = 0; i < g->nents; i++)
		g->first[i + 1] += g->first[i];
	/* the lists, ascending because idx is */
	fill = ent_of + total;
	memcpy(fill, g->first, g->nents * sizeof(u32));
	for (i = 0, j = 0; i < cnt; i++) {
		nk = nkeys(&keys[idx[i]], g);
		for (v = 0; v < nk; v++, j++)
			g->rules[fill[ent_of[j]]++] = idx[i];
	}
	xtfw_cls_kfree(ent_of);
	return 0;
}

struct sig_count {
	u32 sig, count;
	u64 keys;		/* after expansion */
};

static int cmp_count_desc(const void *a, const void *b)
{
	const struct sig_count *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->sig < y->sig ? -1 : x->sig > y->sig;
}

/* The class of a group of @nw words: 0-2 for one to three, else 3. */
static unsigned int width_class(unsigned int nw)
{
	return nw >= 1 && nw <= 3 ? nw - 1 : 3;
}

static int cmp_group(const void *a, const void *b)
{
	const struct cls_group *x = a, *y = b;
	unsigned int cx = width_class(x->nw), cy = width_class(y->nw);

	if (cx != cy)
		return cx < cy ? -1 : 1;
	return x->min_rule < y->min_rule ? -1 : x->min_rule > y->min_rule;
}

#ifdef __KERNEL__
#define sort_array(base, num, size, cmp)	sort(base, num, size, cmp, NULL)
#else
#define sort_array(base, num, size, cmp)	qsort(base, num, size, cmp)
#endif

/* The leading one bits of a mask word in network order. */
static unsigned int mask_ones(u32 mask)
{
	u32 m = xtfw_be32(mask);
	unsigned int n = 0;

	while (n < 32 && (m & (1U << (31 - n))))
		n++;
	return n;
}

/*
 * Mark group @gi in @f's entries that packets matching one of its keys can
 * have: @f's bits of the packet word are the top @bits of the keys' word
 * @j under the group's mask, of which the top @k are kept (k <= bits).
 */
static void filter_group(struct cls_filter *f, unsigned int bits,
			 const struct cls_group *g, u32 gi, int j,
			 unsigned int k)
{
	u64 bit = BIT_ULL(gi);
	u32 e, v, r, span, n = 1U << bits;

	if (j < 0 || !k) {
		for (r = 0; r < n; r++)
			f->tab[r] |= bit;
		return;
	}
	span = 1U << (bits - k);
	for (e = 0; e < g->nents; e++) {
		v = (xtfw_be32(g->keys[e * g->nw + j]) >> (32 - k)) << (bits - k);
		if (f->tab[v] & bit)
			continue;	/* marked by a key with the same bits */
		for (r = v; r < v + span; r++)
			f->tab[r] |= bit;
	}
}

/* Build the group filter on the packet's word @word (see cls_filter). */
static int filter_build(struct xtfw_cls *cls, struct cls_filter *f,
			unsigned int word)
{
	unsigned int bits = CLS_FILTER_MIN_BITS, k;
	u64 total = 0;
	u32 i;
	int j;

	for (i = 0; i < cls->ngroups; i++)
		total += cls->groups[i].nents;
	while (bits < CLS_FILTER_BITS && (1ULL << bits) < total)
		bits++;
	f->tab = xtfw_cls_zalloc(sizeof(u64) << bits);
	if (!f->tab)
		return -ENOMEM;
	cls->size += sizeof(u64) << bits;
	f->word = word;
	f->shift = 32 - bits;
	for (i = 0; i < cls->ngroups; i++) {
		const struct cls_group *g = &cls->groups[i];

		for (j = g->nw - 1; j >= 0; j--)
			if (g->word[j] == word)
				break;
		k = j < 0 ? 0 : mask_ones(g->mask[j]);
		filter_group(f, bits, g, i, j, k < bits ? k : bits);
	}
	return 0;
}

/* Both filters: on the first word of the source and of the destination. */
static int filters_build(struct xtfw_cls *cls)
{
	return filter_build(cls, &cls->filter[0], 0) ?:
	       filter_build(cls, &cls->filter[1], cls->nw == 4 ? 1 : 4);
}

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

/*
 * The distinct signatures of @sig_of[0..n) into @sigs (n entries), sorted,
 * with their rules and keys; their number. Counted in a hash table in
 * @slots (4n words of scratch): there are few distinct signatures, and
 * sorting all n rules' to find them cost most of a large build.
 */
static u32 count_sigs(const u32 *sig_of, const u64 *keys_of, u32 n,
		      struct sig_count *sigs, u32 *slots)
{
	u32 i, h, e, mask = roundup_pow2(2 * n) - 1, nsigs = 0;

	memset(slots, 0, ((size_t)mask + 1) * sizeof(u32));
	for (i = 0; i < n; i++) {
		h = sig_of[i] * 0x9e3779b1U;
		h = (h ^ h >> 16) & mask;
		while ((e = slots[h]) && sigs[e - 1].sig != sig_of[i])
			h = (h + 1) & mask;
		if (!e) {
			sigs[nsigs].sig = sig_of[i];
			sigs[nsigs].count = 0;
			sigs[nsigs].keys = 0;
			slots[h] = ++nsigs;
			e = nsigs;
		}
		sigs[e - 1].count++;
		sigs[e - 1].keys += keys_of[i];
	}
	sort_array(sigs, nsigs, sizeof(*sigs), cmp_sig);
	return nsigs;
}

/*
 * Merge tuples that differ only in their source prefix length into the
 * tuple of a prefix at most XTFW_CLS_EXPAND_BITS longer, in the same
 * 32-bit word: the rules moved get one key per value of the bits they lack.
 * Fewer groups are fewer probes per packet; the keys this adds come out of
 * @budget. @sigs is sorted by signature, so the tuples that differ in the
 * source length only (its lowest byte) are neighbours, shortest first.
 * Each signature's new one goes to @to. (Destinations: swap_lens().)
 */
static void merge_lengths(const struct sig_count *sigs, u32 nsigs, u32 *to,
			  u64 *budget)
{
	u32 i = nsigs, top = 0;

	while (i-- > 0) {
		unsigned int len = sigs[i].sig & 0xff, tlen = top & 0xff;
		u64 extra;

		to[i] = sigs[i].sig;
		if (i + 1 == nsigs || (top >> 8) != (sigs[i].sig >> 8) ||
		    !len || tlen - len > XTFW_CLS_EXPAND_BITS ||
		    len / 32 != (tlen - 1) / 32) {
			top = sigs[i].sig;
			continue;
		}
		extra = sigs[i].keys * ((1ULL << (tlen - len)) - 1);
		if (extra > *budget) {
			top = sigs[i].sig;
			continue;
		}
		*budget -= extra;
		to[i] = top;
	}
}

/* Rewrite each rule's signature through the merge. */
static void apply_merge(u32 *sig_of, u64 *keys_of, u32 n,
			const struct sig_count *sigs, const u32 *to, u32 nsigs)
{
	u32 i, lo, hi, mid;

	for (i = 0; i < n; i++) {
		lo = 0;
		hi = nsigs;
		while (lo < hi) {
			mid = (lo + hi) / 2;
			if (sigs[mid].sig < sig_of[i])
				lo = mid + 1;
			else
				hi = mid;
		}
		if (to[lo] != sig_of[i]) {
			keys_of[i] <<= (to[lo] & 0xff) - (sig_of[i] & 0xff);
			sig_of[i] = to[lo];
		}
	}
}

/* Source and destination length trade places in every signature. */
static void swap_lens(u32 *sig_of, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++)
		sig_of[i] = (sig_of[i] & ~0xffffU) | (sig_of[i] & 0xff) << 8 |
			    ((sig_of[i] >> 8) & 0xff);
}

/* The rules of each group g, ascending, in idx[gstart[g]..+gcount[g]). */
static void group_rules(const u32 *group_of, u32 n, u32 ngroups, u32 *idx,
			u32 *gcount, u32 *gstart, u32 *tmp)
{
	u32 i;

	memset(gcount, 0, ngroups * sizeof(u32));
	for (i = 0; i < n; i++)
		gcount[group_of[i]]++;
	for (i = 0; i < ngroups; i++)
		gstart[i + 1] = gstart[i] + gcount[i];
	memcpy(tmp, gstart, ngroups * sizeof(u32));
	for (i = 0; i < n; i++)
		idx[tmp[group_of[i]]++] = i;
}

/* The most rules any one key of @g has. */
static u32 group_max_list(const struct cls_group *g)
{
	u32 e, max = 0;

	for (e = 0; e < g->nents; e++)
		if (g->first[e + 1] - g->first[e] > max)
			max = g->first[e + 1] - g->first[e];
	return max;
}

/*
 * A group that also keys on the protocol or ports costs a probe per
 * packet like any other. If the group of the same prefix lengths without
 * them exists, its rules can go there instead (a rule's key may always
 * require less than the rule: it only makes it a candidate more often).
 * A ruleset of blocked hosts and of hosts allowed to a service thus needs
 * one probe for both. The price: a packet from such a host to another
 * port gets the rule as a candidate, which the caller checks in full and
 * then asks again from the next rule, a second query. So only rules that
 * do not pile up on an address fold: each key may gather at most
 * XTFW_CLS_FOLD_LIST of them. Prefixes are never shortened this way: a
 * /24 in place of a published server's /32 would make the whole network's
 * traffic pay that second query.
 *
 * Return: the number of shapes folded, or -ENOMEM.
 */
static int fold_groups(struct xtfw_cls *cls, const struct xtfw_cls_key *keys,
		       u32 *group_of, u32 n, const struct sig_count *chosen,
		       u32 nchosen, const u32 *idx, const u32 *gcount,
		       const u32 *gstart)
{
	unsigned int an = cls->nw == 4 ? 1 : 4;
	u32 into[XTFW_CLS_MAX_GROUPS], i, max;
	struct cls_group trial;
	int g, a, folded = 0;

	for (g = 0; g < (int)nchosen; g++) {
		into[g] = g;
		/* nor into the catch-all: all of its rules are candidates */
		if (!gcount[g] || !(chosen[g].sig >> 16) ||
		    !(chosen[g].sig & 0xffff))
			continue;
		a = chosen_index(chosen, nchosen, chosen[g].sig & 0xffff);
		if (a < 0 || !gcount[a])
			continue;
		memset(&trial, 0, sizeof(trial));
		group_mask(&trial, chosen[a].sig, an);
		if (group_build(cls, &trial, keys, &idx[gstart[g]],
				gcount[g])) {
			group_free(cls, &trial);
			return -ENOMEM;
		}
		max = group_max_list(&trial);
		group_free(cls, &trial);
		if (max > XTFW_CLS_FOLD_LIST)
			continue;
		into[g] = a;
		folded++;
	}
	if (folded)
		for (i = 0; i < n; i++)
			group_of[i] = into[group_of[i]];
	return folded;
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
	u32 *gcount = NULL, *gstart = NULL, *sig_of = NULL, *to = NULL;
	u32 *slots = NULL;
	u64 *keys_of = NULL, budget = (u64)n + 1024;
	struct xtfw_cls *cls;
	unsigned int nw = ipv6 ? 10 : 4, pass;
	int g, ret;

	cls = xtfw_cls_zalloc(sizeof(*cls) +
			      XTFW_CLS_MAX_GROUPS * sizeof(cls->groups[0]));
	if (!cls)
		return NULL;
	cls->size = sizeof(*cls) + XTFW_CLS_MAX_GROUPS * sizeof(cls->groups[0]);
	cls->nrules = n;
	cls->seed = seed;
	cls->nw = nw;
	if (!n) {
		if (!filters_build(cls))
			return cls;
		xtfw_cls_free(cls);
		return NULL;
	}
	sig_of = xtfw_cls_zalloc((size_t)n * sizeof(u32));
	sigs = xtfw_cls_zalloc((size_t)n * sizeof(*sigs));
	idx = xtfw_cls_zalloc((size_t)n * sizeof(u32));
	tmp = xtfw_cls_zalloc((size_t)n * 2 * sizeof(u32));
	gcount = xtfw_cls_zalloc((XTFW_CLS_MAX_GROUPS + 1) * sizeof(u32));
	gstart = xtfw_cls_zalloc((XTFW_CLS_MAX_GROUPS + 1) * sizeof(u32));
	slots = xtfw_cls_zalloc((size_t)n * 4 * sizeof(u32));
	keys_of = xtfw_cls_zalloc((size_t)n * sizeof(u64));
	to = xtfw_cls_zalloc((size_t)n * sizeof(u32));
	if (!sig_of || !sigs || !idx || !tmp || !gcount || !gstart || !slots ||
	    !keys_of || !to)
		goto fail;

	/*
	 * The distinct tuples and their sizes, after merging prefix lengths:
	 * of sources, then of destinations (at most n + 1024 keys more).
	 */
	for (i = 0; i < n; i++) {
		sig_of[i] = key_sig(&keys[i]);
		keys_of[i] = 1;
	}
	for (pass = 0; pass < 2; pass++) {
		nsigs = count_sigs(sig_of, keys_of, n, sigs, slots);
		merge_lengths(sigs, nsigs, to, &budget);
		apply_merge(sig_of, keys_of, n, sigs, to, nsigs);
		swap_lens(sig_of, n);
	}
	nsigs = count_sigs(sig_of, keys_of, n, sigs, slots);
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
	}
	group_rules(sig_of, n, nchosen, idx, gcount, gstart, tmp);
	ret = fold_groups(cls, keys, sig_of, n, chosen, nchosen, idx, gcount,
			  gstart);
	if (ret < 0)
		goto fail;
	if (ret)
		group_rules(sig_of, n, nchosen, idx, gcount, gstart, tmp);
	for (g = 0; g < (int)nchosen; g++) {
		struct cls_group *grp = &cls->groups[cls->ngroups];

		if (!gcount[g])
			continue;
		group_mask(grp, chosen[g].sig, nw == 4 ? 1 : 4);
		grp->ports = (chosen[g].sig >> 16) &
			     (XTFW_CLS_K_SPORT | XTFW_CLS_K_DPORT);
		cls->ngroups++;
		if (group_build(cls, grp, keys, &idx[gstart[g]], gcount[g]))
			goto fail;
	}
	sort_array(cls->groups, cls->ngroups, sizeof(cls->groups[0]),
		   cmp_group);
	for (i = 0; i < cls->ngroups; i++)
		cls->cmask[width_class(cls->groups[i].nw)] |= BIT_ULL(i);
	if (filters_build(cls))
		goto fail;
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
	xtfw_cls_kfree(slots);
	xtfw_cls_kfree(keys_of);
	xtfw_cls_kfree(to);
	return cls;
}

void xtfw_cls_free(struct xtfw_cls *cls)
{
	u32 i;

	if (!cls)
		return;
	for (i = 0; i < XTFW_CLS_MAX_GROUPS; i++)
		group_free(cls, &cls->groups[i]);
	xtfw_cls_kfree(cls->filter[0].tab);
	xtfw_cls_kfree(cls->filter[1].tab);
	xtfw_cls_kfree(cls);
}

/*
 * The entry + 1 of the packet's key in @g, or 0: group_words(),
 * hash_words() and find_slot() in one pass. Inlined with a constant @nw
 * (xtfw_cls_next()), its loops unroll: this is the packet path.
 */
static __always_inline u32 group_find(const struct cls_group *g,
				      const struct xtfw_cls_pkt *pk, u32 seed,
				      unsigned int nw)
{
	u32 w[XTFW_CLS_MAX_WORDS], slot, e;
	u64 h = seed;
	unsigned int j;

	for (j = 0; j < nw; j++) {
		w[j] = pk->w[g->word[j]] & g->mask[j];
		h ^= w[j];
		h *= HASH_MUL;
	}
	slot = (u32)(h >> 32) & g->hmask;
	while ((e = g->slots[slot]) &&
	       !words_equal(&g->keys[(e - 1) * nw], w, nw))
		slot = (slot + 1) & g->hmask;
	return e;
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

/*
 * xtfw_cls_next() for the groups @m of one width class: the lowest of
 * @best and their first rules from @from on that may match. Inlined with
 * a constant @nw (0: each group's own), its probe unrolls.
 */
static __always_inline u32 scan_class(const struct xtfw_cls *cls, u64 m,
				      const struct xtfw_cls_pkt *pk, u32 from,
				      u32 best, unsigned int nw)
{
	while (m) {
		const struct cls_group *g = &cls->groups[xtfw_ffs64(m)];
		u32 e, r;

		m &= m - 1;
		if (g->min_rule >= best)
			break;
		if (g->max_rule < from || (g->ports && !pk->ports))
			continue;
		e = group_find(g, pk, cls->seed, nw ? nw : g->nw);
		if (!e)
			continue;
		e--;
		r = first_from(&g->rules[g->first[e]],
			       g->first[e + 1] - g->first[e], from);
		if (r < best)
			best = r;
	}
	return best;
}

static __always_inline u64 filter_of(const struct cls_filter *f,
				     const struct xtfw_cls_pkt *pk)
{
	return f->tab[xtfw_be32(pk->w[f->word]) >> f->shift];
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
	u64 m = filter_of(&cls->filter[0], pk) & filter_of(&cls->filter[1], pk);
	u32 best = cls->nrules;

	best = scan_class(cls, m & cls->cmask[0], pk, from, best, 1);
	best = scan_class(cls, m & cls->cmask[1], pk, from, best, 2);
	best = scan_class(cls, m & cls->cmask[2], pk, from, best, 3);
	return scan_class(cls, m & cls->cmask[3], pk, from, best, 0);
}

size_t xtfw_cls_size(const struct xtfw_cls *cls)
{
	return cls ? cls->size : 0;
}

u32 xtfw_cls_ngroups(const struct xtfw_cls *cls)
{
	return cls ? cls->ngroups : 0;
}
