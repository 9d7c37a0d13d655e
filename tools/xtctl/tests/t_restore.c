// SPDX-License-Identifier: GPL-2.0
/* restore input: structure, errors with line numbers, hostile input. */
#include <stdlib.h>

#include "test.h"
#include "../restore.h"

static const struct test_case cases[] = {
};

SUITE(restore_suite, cases);
