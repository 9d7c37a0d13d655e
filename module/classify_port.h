/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The little that classify.c needs from the kernel, so that the same file
 * also builds in userspace (selftests/unit/) for the differential test,
 * the fuzzer and the instruction-count benchmark.
 */
#ifndef _XTFW_CLASSIFY_PORT_H
#define _XTFW_CLASSIFY_PORT_H

#ifdef __KERNEL__

#include <linux/bits.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/types.h>

#define xtfw_cls_zalloc(size)	kvzalloc(size, GFP_KERNEL_ACCOUNT)
#define xtfw_cls_kfree(p)	kvfree(p)
#define xtfw_be32(x)		((__force u32)cpu_to_be32(x))
#define xtfw_ffs64(x)		__ffs64(x)

#else /* userspace */

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define BIT(n)			(1U << (n))
#define BIT_ULL(n)		(1ULL << (n))
#define xtfw_cls_zalloc(size)	calloc(1, size)
#define xtfw_cls_kfree(p)	free(p)
#define xtfw_be32(x)		htonl(x)
#define xtfw_ffs64(x)		__builtin_ctzll(x)

#endif /* __KERNEL__ */

#endif /* _XTFW_CLASSIFY_PORT_H */
