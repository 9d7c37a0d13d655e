/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels xtfw builds against (Debian's 6.1 and
 * 6.12). Probed by feature where a macro tells; everything else in the module
 * is written once for both.
 */
#ifndef _XTFW_COMPAT_H
#define _XTFW_COMPAT_H

#include <net/genetlink.h>

/*
 * The request attributes of a dump: 6.1 keeps them in genl_dumpit_info,
 * later kernels in a genl_info inside it, reached by genl_info_dump().
 * Kbuild probes the header for it (XTFW_HAVE_GENL_INFO_DUMP).
 */
#ifdef XTFW_HAVE_GENL_INFO_DUMP
#define xtfw_dump_attrs(cb)	(genl_info_dump(cb)->attrs)
#else
#define xtfw_dump_attrs(cb)	(genl_dumpit_info(cb)->attrs)
#endif

/*
 * The packet-trace bit iptables' TRACE and nftables share; present when
 * either is configured, as in Debian's kernels.
 */
#if IS_ENABLED(CONFIG_NETFILTER_XT_TARGET_TRACE) || IS_ENABLED(CONFIG_NF_TABLES)
#define xtfw_skb_trace(skb)		((skb)->nf_trace)
#define xtfw_skb_set_trace(skb)		((skb)->nf_trace = 1)
#define XTFW_HAVE_TRACE			1
#else
#define xtfw_skb_trace(skb)		(0)
#define xtfw_skb_set_trace(skb)		do { } while (0)
#define XTFW_HAVE_TRACE			0
#endif

#endif /* _XTFW_COMPAT_H */
