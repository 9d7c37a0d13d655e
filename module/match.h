/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private to match*.c: what the per-type parsers get, and the parsers and
 * evaluators that live outside match.c. The dispatch is in match.c.
 */
#ifndef _XTFW_MATCH_H
#define _XTFW_MATCH_H

#include "xtfw.h"

/* Everything a per-type parser may need; tb[] is the parsed nest. */
struct xtfw_margs {
	struct net *net;
	struct nlattr **tb;
	const struct nlattr *nest;
	const struct xtfw_ipmatch *ip;
	const struct xtfw_parse_ctx *ctx;
	const char *name;	/* "tcp", "recent", ... for messages */
};

/* match.c */
int xtfw_mt_need_proto(const struct xtfw_margs *a, const u8 *protos,
		       unsigned int n, const char *what);
int xtfw_mt_need_family(const struct xtfw_margs *a, u8 family);
bool xtfw_addr_is_family(const union xtfw_addr *addr, u8 family);
int xtfw_mt_addr_range(const struct xtfw_margs *a, int attr,
		       struct xtfw_addr_range *r);

/* match_l4.c: tcp, udp, udplite, sctp, multiport, icmp, icmp6 */
int xtfw_l4_parse(struct xtfw_match *m, const struct xtfw_margs *a);
bool xtfw_l4_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt);
int xtfw_multiport_parse(struct xtfw_match *m, const struct xtfw_margs *a);
bool xtfw_multiport_eval(const struct xtfw_match *m,
			 const struct xtfw_pkt *pkt);
int xtfw_icmp_parse(struct xtfw_match *m, const struct xtfw_margs *a);
bool xtfw_icmp_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt);

/* match_addr.c: iprange, addrtype, owner */
int xtfw_iprange_parse(struct xtfw_match *m, const struct xtfw_margs *a);
bool xtfw_iprange_eval(const struct xtfw_match *m,
		       const struct xtfw_pkt *pkt);
int xtfw_addrtype_parse(struct xtfw_match *m, const struct xtfw_margs *a);
bool xtfw_addrtype_eval(const struct xtfw_match *m,
			const struct xtfw_pkt *pkt);
int xtfw_addrtype_check_hooks(const struct xtfw_match *m, u32 hook_mask,
			      const struct xtfw_parse_ctx *ctx);
int xtfw_owner_parse(struct xtfw_match *m, const struct xtfw_margs *a);
bool xtfw_owner_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt);

/* match_limit.c: limit and statistic, the matches with a counter */
int xtfw_limit_parse(struct xtfw_match *m, const struct xtfw_margs *a);
bool xtfw_limit_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt);
int xtfw_statistic_parse(struct xtfw_match *m, const struct xtfw_margs *a);
bool xtfw_statistic_eval(const struct xtfw_match *m,
			 const struct xtfw_pkt *pkt);
void xtfw_mt_state_free(struct xtfw_match *m);

/* match_recent.c */
int xtfw_recent_parse(struct xtfw_match *m, const struct xtfw_margs *a);
bool xtfw_recent_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt);
void xtfw_recent_destroy(struct xtfw_match *m);
int xtfw_recent_net_init(struct xtfw_net *xn);
void xtfw_recent_net_exit(struct xtfw_net *xn);

/* match_ip6.c: rt, frag */
int xtfw_rt_parse(struct xtfw_match *m, const struct xtfw_margs *a);
bool xtfw_rt_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt);
int xtfw_frag_parse(struct xtfw_match *m, const struct xtfw_margs *a);
bool xtfw_frag_eval(const struct xtfw_match *m, const struct xtfw_pkt *pkt);

#endif /* _XTFW_MATCH_H */
