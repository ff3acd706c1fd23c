/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#include "bitmap.h"

int vmk_bitmap_first_zero(const unsigned long *map, int bits)
{
	int i;

	for (i = 0; i < bits; i++)
		if (!(map[i / VMK_BITS_PER_LONG] & (1UL << (i % VMK_BITS_PER_LONG))))
			return i;
	return -1;
}
