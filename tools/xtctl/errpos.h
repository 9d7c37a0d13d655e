/* SPDX-License-Identifier: GPL-2.0 */
/* Error positions: FILE:LINE:COL, the line and a caret (errpos.c). */
#ifndef XTCTL_ERRPOS_H
#define XTCTL_ERRPOS_H

#include "xtctl.h"

/*
 * "FILE:LINE:COL: MSG", then line LINENO of TEXT and a caret under the
 * token MSG is about; newline-terminated.
 */
void errpos_format(struct sbuf *b, const char *file, const char *text,
		   size_t textlen, unsigned int lineno, const char *msg);

/* The line and a caret under the token MSG is about; false if none. */
bool errpos_caret(struct sbuf *b, const char *line, const char *msg);

#endif
