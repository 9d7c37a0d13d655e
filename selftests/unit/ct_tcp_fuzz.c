// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for xtfw's TCP tracker (module/ct_tcp_sm.c): the input
 * is a series of 16-byte segments (direction, flags, seq, ack, length,
 * window, option bytes), fed to one connection. `make fuzz` runs it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "ct_tcp_sm.h"

static const u32 timeouts[__XTFW_TCP_TIMEOUT_MAX] = {
	120, 120, 60, 432000, 120, 60, 30, 120, 10, 120, 300, 300,
};

static u32 get32(const uint8_t *p)
{
	return (u32)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xtfw_tcp_cfg cfg = { .timeouts = timeouts, .max_retrans = 3 };
	struct xtfw_tcp t;
	bool exists = false;
	u8 facts = 0;

	cfg.loose = size & 1;
	for (; size >= 16; data += 16, size -= 16) {
		struct xtfw_tcp_seg s = {
			.seq = get32(data + 2), .ack = get32(data + 6),
			.datalen = data[10] << 4, .win = data[11] << 8,
			.flags = data[1], .optlen = data[12] % 41,
			.opts = data,
		};
		struct xtfw_tcp_res res;

		if (s.optlen > size)
			s.optlen = size;
		if (!xtfw_tcp_flags_valid(s.flags))
			continue;
		if (!exists) {
			exists = xtfw_tcp_sm_new(&t, &s, &cfg);
			facts = 0;
			if (!exists)
				continue;
		}
		xtfw_tcp_sm_packet(&t, &s, data[0] & 1, facts, &cfg, &res);
		if (t.state >= __XTFW_TCP_STATE_MAX)
			abort();
		if ((res.verdict == XTFW_TCP_V_ACCEPT ||
		     res.verdict == XTFW_TCP_V_IGNORE) && (data[0] & 1))
			facts |= XTFW_TCP_C_SEEN_REPLY;
		if (res.assured)
			facts |= XTFW_TCP_C_ASSURED;
		if (res.kill || res.verdict == XTFW_TCP_V_REOPEN)
			exists = false;
	}
	return 0;
}
