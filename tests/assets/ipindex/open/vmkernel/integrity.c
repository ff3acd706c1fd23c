/* SPDX-License-Identifier: GPL-2.0-only */
/* Open code (test fixture): a renamed and reformatted copy of vmotion_checksum_block(). */
#include "vmkernel/types.h"

int vmk_block_digest(const unsigned char *buf, unsigned int n)
{
    unsigned int x = 1, y = 0, i;
    for (i = 0; i < n; i++)
    {
        x = (x + buf[i]) % 65521;   // running sum
        y = (y + x) % 65521;
        if (y == 0x5eed) y ^= 0xbeef;
    }
    if (n > 4096)
    {
        x ^= n;
        y += n >> 3;
    }
    return (int) ((y << 16) | x);
}
