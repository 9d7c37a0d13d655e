// SPDX-License-Identifier: GPL-2.0
/* Error unwinding, allocation and string buffers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xtctl.h"

static struct fail_ctx *fail_top;

void fail_push(struct fail_ctx *fc)
{
	fc->prev = fail_top;
	fc->code = 0;
	fc->msg[0] = '\0';
	fail_top = fc;
}

void fail_pop(struct fail_ctx *fc)
{
	if (fail_top == fc)
		fail_top = fc->prev;
}

void fail_guard(void (*fn)(void *), void (*undo)(void *), void *arg)
{
	struct fail_ctx fc;

	fail_push(&fc);
	if (setjmp(fc.jb)) {
		undo(arg);
		fail(fc.code, "%s", fc.msg);
	}
	fn(arg);
	fail_pop(&fc);
}

static noreturn void vfail(int code, const char *fmt, va_list ap)
{
	struct fail_ctx *fc = fail_top;
	char msg[FAIL_MSG_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (!fc) {
		fprintf(stderr, "xtctl: %s\n", msg);
		exit(code);
	}
	fail_top = fc->prev;
	fc->code = code;
	memcpy(fc->msg, msg, sizeof(msg));
	longjmp(fc->jb, 1);
}

void fail(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(code, fmt, ap);
}

void perr(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(XT_EXIT_PARAM, fmt, ap);
}

void invarg(const char *what, const char *arg)
{
	perr("invalid %s \"%s\"", what, arg);
}

static noreturn void out_of_memory(void)
{
	fputs("xtctl: out of memory\n", stderr);
	exit(XT_EXIT_RESOURCE);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xcalloc(size_t n, size_t sz)
{
	void *p = calloc(n ? n : 1, sz ? sz : 1);

	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrdup(const char *s)
{
	char *d = strdup(s);

	if (!d)
		out_of_memory();
	return d;
}

static void sb_grow(struct sbuf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	b->cap = b->cap ? b->cap : 128;
	while (b->cap < need)
		b->cap *= 2;
	b->s = xrealloc(b->s, b->cap);
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_grow(b, n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void sb_puts(struct sbuf *b, const char *s)
{
	size_t n = strlen(s);

	sb_grow(b, n);
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

void sb_putc(struct sbuf *b, char c)
{
	sb_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void sb_reset(struct sbuf *b)
{
	b->len = 0;
	if (b->s)
		b->s[0] = '\0';
}

void sb_free(struct sbuf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

const char *sb_str(struct sbuf *b)
{
	return b->s ? b->s : "";
}
