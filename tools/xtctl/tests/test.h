/* SPDX-License-Identifier: GPL-2.0 */
/* A minimal unit test harness: each file exports a table of test cases. */
#ifndef XTCTL_TEST_H
#define XTCTL_TEST_H

#include <stdio.h>
#include <string.h>

#include "../xtctl.h"

struct test_case {
	const char *name;
	void (*fn)(void);
};

struct test_suite {
	const char *name;
	const struct test_case *cases;
	size_t n;
};

extern int test_failed;		/* set by CHECK in the running case */

/*
 * A case may report named sub-cases (one per golden file, per rule...);
 * each counts on its own in the final tally. Checks made between
 * subtest_begin and subtest_end belong to that sub-case.
 */
void subtest_begin(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void subtest_end(void);

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "  %s:%d: CHECK(%s) failed\n",	\
				__FILE__, __LINE__, #cond);		\
			test_failed = 1;				\
		}							\
	} while (0)

#define CHECK_STR(got, want)						\
	do {								\
		const char *g_ = (got), *w_ = (want);			\
		if (strcmp(g_, w_) != 0) {				\
			fprintf(stderr, "  %s:%d: got\n    [%s]\n  want\n    [%s]\n", \
				__FILE__, __LINE__, g_, w_);		\
			test_failed = 1;				\
		}							\
	} while (0)

#define SUITE(var, cases_)						\
	const struct test_suite var = { #var, cases_, ARRAY_SIZE(cases_) }

/* Helpers (t_rules.c) */
char *rule_roundtrip_save(const char *line, uint8_t family, char *err,
			  size_t errlen);
const struct resolver *test_resolver(void);
char *read_file(const char *path, size_t *len);

#endif
