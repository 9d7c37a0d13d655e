/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xtctl: shared definitions. Errors are raised with fail() and friends,
 * which either exit (no catcher installed) or unwind to the innermost
 * fail_ctx; whoever installs a catcher owns cleanup of what it allocated.
 */
#ifndef XTCTL_H
#define XTCTL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <linux/xtfw.h>

/* dkms.conf's PACKAGE_VERSION, passed in by the Makefile */
#ifndef XTCTL_VERSION
#define XTCTL_VERSION	"0.1.0"
#endif
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Exit codes, as iptables. */
enum xt_exit {
	XT_EXIT_OK = 0,
	XT_EXIT_OTHER = 1,
	XT_EXIT_PARAM = 2,
	XT_EXIT_RESOURCE = 4,
};

#define FAIL_MSG_MAX	512

struct fail_ctx {
	jmp_buf jb;
	int code;
	char msg[FAIL_MSG_MAX];
	struct fail_ctx *prev;
};

/*
 * Usage:  fail_push(&fc); if (setjmp(fc.jb)) { ...fc.msg... } else { ...;
 *         fail_pop(&fc); }
 * fail() pops the context before it jumps.
 */
void fail_push(struct fail_ctx *fc);
void fail_pop(struct fail_ctx *fc);
noreturn void fail(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Run fn(arg); if it fails, run undo(arg) and pass the failure on. */
void fail_guard(void (*fn)(void *), void (*undo)(void *), void *arg);
/* A parameter problem (exit 2). */
noreturn void perr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "invalid WHAT \"ARG\"" */
noreturn void invarg(const char *what, const char *arg);

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);

/* Growable string. */
struct sbuf {
	char *s;
	size_t len, cap;
};

void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sb_puts(struct sbuf *b, const char *s);
void sb_putc(struct sbuf *b, char c);
void sb_reset(struct sbuf *b);
void sb_free(struct sbuf *b);
const char *sb_str(struct sbuf *b);

/* Families. */
static inline int fam_addrlen(uint8_t family)
{
	return family == XTFW_FAMILY_IPV6 ? 16 : 4;
}

#endif
