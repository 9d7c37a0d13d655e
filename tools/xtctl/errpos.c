// SPDX-License-Identifier: GPL-2.0
/*
 * Errors that point: "FILE:LINE:COL: message", the line, and a caret
 * under the token at fault, like a compiler's. The parsers and the
 * kernel name the line and quote or name the token; this finds that
 * token in the line: the last quoted word of the message, else the first
 * option of the message ("--dport ...") that the line has, else the
 * line's first word.
 */
#include <ctype.h>
#include <string.h>

#include "errpos.h"

/*
 * Does a word begin or end at @c? Besides space and quotes, the marks
 * that join the parts of one argument: a list's ',', an address's '/'
 * before its mask, a range's ':'. So "33" is found in "10.1.2.3/33".
 */
static bool word_edge(char c)
{
	return !c || isspace((unsigned char)c) || strchr("\"',/:", c);
}

/* Is s[0..n) a whole word of @line at @p? */
static bool word_at(const char *line, const char *p, size_t n)
{
	return (p == line || word_edge(p[-1])) && word_edge(p[n]);
}

static const char *find_word(const char *line, const char *w, size_t n)
{
	const char *p;

	if (!n)
		return NULL;
	for (p = strstr(line, w); p; p = strstr(p + 1, w))
		if (!strncmp(p, w, n) && word_at(line, p, n))
			return p;
	return NULL;
}

/* Where in @line the token @msg complains about is, and its length. */
static const char *locate(const char *line, const char *msg, size_t *len)
{
	const char *q = msg, *open, *close, *p, *found = NULL;
	char word[256];

	/* the last quoted word that the line has */
	while ((open = strchr(q, '"')) && (close = strchr(open + 1, '"'))) {
		size_t n = close - open - 1;

		if (n && n < sizeof(word)) {
			memcpy(word, open + 1, n);
			word[n] = 0;
			p = find_word(line, word, n);
			if (p) {
				found = p;
				*len = n;
			}
		}
		q = close + 1;
	}
	if (found)
		return found;
	/* an option the message names */
	for (q = msg; (q = strstr(q, "-")); q++) {
		size_t n = 0;

		if (q != msg && !isspace((unsigned char)q[-1]) && q[-1] != '(')
			continue;
		while (q[n] && (isalnum((unsigned char)q[n]) || q[n] == '-' ||
				q[n] == '_'))
			n++;
		if (n > 1 && n < sizeof(word)) {
			memcpy(word, q, n);
			word[n] = 0;
			p = find_word(line, word, n);
			if (p) {
				*len = n;
				return p;
			}
		}
	}
	return NULL;
}

/* The line's first word: where a message that names nothing points. */
static const char *first_word(const char *line, size_t *len)
{
	const char *p = line;

	while (isspace((unsigned char)*p))
		p++;
	for (*len = 0; p[*len] && !isspace((unsigned char)p[*len]); (*len)++)
		;
	return p;
}

static void caret(struct sbuf *b, const char *line, const char *at,
		  size_t len)
{
	sb_printf(b, "  %s\n  %*s^", line, (int)(at - line), "");
	for (size_t i = 1; i < len; i++)
		sb_putc(b, '~');
	sb_putc(b, '\n');
}

bool errpos_caret(struct sbuf *b, const char *line, const char *msg)
{
	size_t len = 1;
	const char *at = locate(line, msg, &len);

	if (!at)
		return false;
	caret(b, line, at, len);
	return true;
}

void errpos_format(struct sbuf *b, const char *file, const char *text,
		   size_t textlen, unsigned int lineno, const char *msg)
{
	const char *p = text, *end = text + textlen, *nl;
	char line[512];
	size_t n, len = 1, col;
	const char *at;

	for (unsigned int i = 1; i < lineno && p < end; i++) {
		nl = memchr(p, '\n', end - p);
		p = nl ? nl + 1 : end;
	}
	nl = memchr(p, '\n', end - p);
	n = (nl ? nl : end) - p;
	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, p, n);
	line[n] = 0;
	if (n && line[n - 1] == '\r')
		line[--n] = 0;
	for (size_t i = 0; i < n; i++)
		if (line[i] == '\t' || !isprint((unsigned char)line[i]))
			line[i] = line[i] == '\t' ? ' ' : '?';
	at = locate(line, msg, &len);
	if (!at)
		at = first_word(line, &len);
	col = at - line;
	sb_printf(b, "%s:%u:%zu: %s\n", file, lineno, col + 1, msg);
	caret(b, line, at, len);
}
