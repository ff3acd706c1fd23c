/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#include <stdlib.h>
#include "vmkernel/vmk_mem.h"
#include "vmkernel/vmk_export.h"

void *vmk_heap_alloc(size_t size)
{
	return malloc(size);
}
EXPORT_SYMBOL(vmk_heap_alloc);

void vmk_heap_free(void *ptr)
{
	free(ptr);
}
EXPORT_SYMBOL(vmk_heap_free);
