// SPDX-License-Identifier: GPL-2.0
/* Runs every suite; the last line is "N passed, N failed". */
#include <stdlib.h>

#include "test.h"

int test_failed;

extern const struct test_suite rules_suite, golden_suite, restore_suite,
	cmd_suite;

static const struct test_suite *const suites[] = {
	&rules_suite, &golden_suite, &restore_suite, &cmd_suite,
};

int main(int argc, char **argv)
{
	const char *only = argc > 1 ? argv[1] : NULL;
	unsigned int passed = 0, failed = 0;

	for (size_t s = 0; s < ARRAY_SIZE(suites); s++) {
		for (size_t i = 0; i < suites[s]->n; i++) {
			const struct test_case *tc = &suites[s]->cases[i];

			if (only && !strstr(tc->name, only))
				continue;
			test_failed = 0;
			tc->fn();
			printf("%s %s/%s\n", test_failed ? "FAIL" : "ok  ",
			       suites[s]->name, tc->name);
			if (test_failed)
				failed++;
			else
				passed++;
		}
	}
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
