// SPDX-License-Identifier: GPL-2.0
/* Command lines applied to in-memory tables. */
#include <stdlib.h>

#include "test.h"
#include "../cmd.h"

static const struct test_case cases[] = {
};

SUITE(cmd_suite, cases);
