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

#endif /* _XTFW_COMPAT_H */
