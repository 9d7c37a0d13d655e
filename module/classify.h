/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The chain classifier: which rule of a chain, from a given one on, may
 * match a packet, found without walking the rules in between. Built at
 * commit from what each rule says about a few header fields; the packet
 * path asks it for candidates and checks each candidate rule in full, so
 * first-match semantics are exactly those of a linear walk. classify.c
 * builds in userspace too (selftests/unit/), see classify_port.h.
 */
#ifndef _XTFW_CLASSIFY_H
#define _XTFW_CLASSIFY_H

#include "classify_port.h"

/*
 * The classified fields of a packet as 32-bit words: source and
 * destination address (1 word each for IPv4, 4 for IPv6, as in the
 * packet), then sport << 16 | dport, then the protocol.
 */
#define XTFW_CLS_MAX_WORDS	10

struct xtfw_cls_pkt {
	u32 w[XTFW_CLS_MAX_WORDS];
	bool ports;		/* the ports word is valid */
};

/* What a rule requires of those fields. */
#define XTFW_CLS_K_PROTO	BIT(0)
#define XTFW_CLS_K_SPORT	BIT(1)
#define XTFW_CLS_K_DPORT	BIT(2)

struct xtfw_cls_key {
	u32 src[4], dst[4];	/* network order, as in the packet */
	u16 sport, dport;	/* host order */
	u8 slen, dlen;		/* prefix lengths in bits; 0: any */
	u8 proto;
	u8 flags;		/* XTFW_CLS_K_* */
};

struct xtfw_cls;

/*
 * Rules of a chain shorter than this are walked: a classifier would cost
 * more than it saves.
 */
#define XTFW_CLS_MIN_RULES	16

struct xtfw_cls *xtfw_cls_build(const struct xtfw_cls_key *keys, u32 n,
				bool ipv6, u32 seed);
void xtfw_cls_free(struct xtfw_cls *cls);
u32 xtfw_cls_next(const struct xtfw_cls *cls, const struct xtfw_cls_pkt *pk,
		  u32 from);
size_t xtfw_cls_size(const struct xtfw_cls *cls);
u32 xtfw_cls_ngroups(const struct xtfw_cls *cls);

/* Fill pk->w from the fields; addresses are 1 or 4 words. */
static inline void xtfw_cls_pkt_set(struct xtfw_cls_pkt *pk, bool ipv6,
				    const u32 *src, const u32 *dst, u8 proto,
				    bool ports, u16 sport, u16 dport)
{
	unsigned int n = ipv6 ? 4 : 1, i;

	for (i = 0; i < n; i++) {
		pk->w[i] = src[i];
		pk->w[n + i] = dst[i];
	}
	pk->w[2 * n] = ports ? (u32)sport << 16 | dport : 0;
	pk->w[2 * n + 1] = proto;
	pk->ports = ports;
}

#endif /* _XTFW_CLASSIFY_H */
