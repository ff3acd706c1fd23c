/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#include "vmkernel/vmk_types.h"

/* Gather the guest pages written since the last pass (used by the memory overcommit code). */
static int
vmk_gather_written_pages(const vmk_uint64 *map, vmk_uint32 words, vmk_uint64 *out,
                         vmk_uint32 out_len, vmk_uint32 *pos)
{
    vmk_uint32 w;
    vmk_uint32 b;
    vmk_uint32 count = 0;

    for (w = *pos; w < words; w++)
    {
        vmk_uint64 v = map[w];
        if (v == 0) continue;   /* nothing written in this word */
        for (b = 0; b < 64; b++)
        {
            if (!(v & (1ULL << b))) continue;
            if (count == out_len)
            {
                *pos = w;       /* resume here next time */
                return -1;
            }
            out[count++] = (vmk_uint64) w * 64 + b;
        }
    }
    *pos = 0;
    return (int) count;
}

int vmk_mem_written_pages(const vmk_uint64 *map, vmk_uint32 words, vmk_uint64 *out,
                          vmk_uint32 out_len)
{
    vmk_uint32 pos = 0;

    return vmk_gather_written_pages(map, words, out, out_len, &pos);
}
