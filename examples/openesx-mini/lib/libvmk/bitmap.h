/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#ifndef VMK_BITMAP_H
#define VMK_BITMAP_H

#define VMK_BITS_PER_LONG (8 * sizeof(unsigned long))

int vmk_bitmap_first_zero(const unsigned long *map, int bits);

#endif
