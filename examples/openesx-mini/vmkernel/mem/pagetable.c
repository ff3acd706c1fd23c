/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#include "vmkernel/vmk_mem.h"

#define PT_LEVELS 4
#define PT_MASK 0x1ffULL

vmk_ma vmk_pt_walk(vmk_uint64 cr3, vmk_uint64 va)
{
	vmk_ma table = cr3;
	int level;

	for (level = PT_LEVELS - 1; level >= 0; level--)
		table += ((va >> (12 + 9 * level)) & PT_MASK) * 8;
	return table;
}
