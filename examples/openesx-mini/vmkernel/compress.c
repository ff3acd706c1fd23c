/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

/* Compression of core dumps, with the bundled zlib. */
#include "vmkernel/vmk_types.h"
#include "../third_party/zlib/zlib.h"
#include "../third_party/zlib/zutil.h"

int vmk_dump_checksum(const unsigned char *buf, unsigned int len)
{
	return (int)adler32(1, buf, len);
}
