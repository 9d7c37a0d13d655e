/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference the classifier is checked against: a linear walk that
 * tests each rule's key field by field, written independently of
 * classify.c, plus a stand-in for everything else a rule may test (its
 * "residual": interfaces, negations, other matches).
 */
#ifndef _XTFW_CLS_REF_H
#define _XTFW_CLS_REF_H

#include "classify.h"

struct ref_pkt {
	u32 src[4], dst[4];
	u16 sport, dport;
	u8 proto;
	bool ports;
};

static inline bool ref_prefix(const u32 *want, const u32 *addr, unsigned int len,
			      unsigned int n)
{
	unsigned int i, bits;

	for (i = 0; i < n; i++) {
		bits = len > 32 * i ? len - 32 * i : 0;
		if (bits > 32)
			bits = 32;
		if (!bits)
			break;
		if ((ntohl(want[i]) ^ ntohl(addr[i])) >> (32 - bits))
			return false;
	}
	return true;
}

static inline bool ref_key_match(const struct xtfw_cls_key *k,
				 const struct ref_pkt *p, bool v6)
{
	unsigned int n = v6 ? 4 : 1;

	if (!ref_prefix(k->src, p->src, k->slen, n) ||
	    !ref_prefix(k->dst, p->dst, k->dlen, n))
		return false;
	if ((k->flags & XTFW_CLS_K_PROTO) && k->proto != p->proto)
		return false;
	if ((k->flags & (XTFW_CLS_K_SPORT | XTFW_CLS_K_DPORT)) && !p->ports)
		return false;
	if ((k->flags & XTFW_CLS_K_SPORT) && k->sport != p->sport)
		return false;
	if ((k->flags & XTFW_CLS_K_DPORT) && k->dport != p->dport)
		return false;
	return true;
}

static inline void ref_to_cls(const struct ref_pkt *p, bool v6,
			      struct xtfw_cls_pkt *pk)
{
	xtfw_cls_pkt_set(pk, v6, p->src, p->dst, p->proto, p->ports,
			 p->sport, p->dport);
}

#endif /* _XTFW_CLS_REF_H */
