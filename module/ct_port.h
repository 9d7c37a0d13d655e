/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The little that ct_tcp_sm.c needs from the kernel, so that the same file
 * also builds in userspace (selftests/unit/) for unit tests and fuzzing.
 */
#ifndef _XTFW_CT_PORT_H
#define _XTFW_CT_PORT_H

#ifdef __KERNEL__

#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/types.h>

#else /* userspace */

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef int s32;

#define fallthrough	__attribute__((__fallthrough__))

#endif /* __KERNEL__ */

/* A big-endian u32 at any alignment (TCP options). */
static inline u32 xtfw_get_be32(const u8 *b)
{
	return (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3];
}

/* Sequence number comparisons modulo 2^32, as include/net/tcp.h. */
static inline bool xtfw_seq_before(u32 seq1, u32 seq2)
{
	return (s32)(seq1 - seq2) < 0;
}

#define xtfw_seq_after(seq2, seq1)	xtfw_seq_before(seq1, seq2)

#endif /* _XTFW_CT_PORT_H */
