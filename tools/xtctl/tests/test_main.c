// SPDX-License-Identifier: GPL-2.0
/* Runs every suite; the last line is "N passed, N failed". */
#include <stdarg.h>
#include <stdlib.h>

#include "test.h"

int test_failed;

static unsigned int passed, failed, subtests;
static char sub_name[256];
static int outer_failed;

void subtest_begin(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(sub_name, sizeof(sub_name), fmt, ap);
	va_end(ap);
	outer_failed |= test_failed;
	test_failed = 0;
}

void subtest_end(void)
{
	printf("%s   %s\n", test_failed ? "FAIL" : "ok  ", sub_name);
	if (test_failed)
		failed++;
	else
		passed++;
	subtests++;
	outer_failed |= test_failed;
	test_failed = 0;
}

extern const struct test_suite rules_suite, golden_suite, restore_suite,
	cmd_suite, txn_suite, nl_suite, ct_suite, monitor_suite, errpos_suite;

static const struct test_suite *const suites[] = {
	&rules_suite, &golden_suite, &restore_suite, &cmd_suite, &txn_suite,
	&nl_suite, &ct_suite, &monitor_suite, &errpos_suite,
};

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;

	for (size_t s = 0; s < ARRAY_SIZE(suites); s++) {
		for (size_t i = 0; i < suites[s]->n; i++) {
			const struct test_case *tc = &suites[s]->cases[i];

			if (only && !strstr(tc->name, only))
				continue;
			test_failed = outer_failed = 0;
			subtests = 0;
			tc->fn();
			test_failed |= outer_failed;
			printf("%s %s/%s\n", test_failed ? "FAIL" : "ok  ",
			       suites[s]->name, tc->name);
			if (subtests && !test_failed)
				continue;	/* counted by its sub-cases */
			if (test_failed)
				failed++;
			else
				passed++;
		}
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
