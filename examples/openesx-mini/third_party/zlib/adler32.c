/* adler32.c -- compute the Adler-32 checksum of a data stream
 * Copyright (C) 1995-2011, 2016 Mark Adler
 * For conditions of distribution and use, see copyright notice in zlib.h
 * SPDX-License-Identifier: Zlib
 */
#include "zutil.h"

uLong adler32(uLong adler, const Bytef *buf, uInt len)
{
	unsigned long sum2 = (adler >> 16) & 0xffff;

	adler &= 0xffff;
	while (len--) {
		adler = (adler + *buf++) % BASE;
		sum2 = (sum2 + adler) % BASE;
	}
	return adler | (sum2 << 16);
}
