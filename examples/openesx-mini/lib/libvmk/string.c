/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#include <stddef.h>
#include "vmkernel/vmk_log.h"

size_t vmk_strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = 0;

	if (!size)
		vmk_panic("vmk_strlcpy: zero-sized buffer");
	while (src[n] && n + 1 < size) {
		dst[n] = src[n];
		n++;
	}
	dst[n] = '\0';
	return n;
}
