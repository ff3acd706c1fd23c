/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#include "vmkernel/vmk_mem.h"
#include "vmkernel/vmk_export.h"

vmk_ma vmk_dma_map(void *va, size_t len)
{
	(void)len;
	return (vmk_ma)(size_t)va;
}
EXPORT_SYMBOL_GPL(vmk_dma_map);

void vmk_dma_unmap(vmk_ma ma, size_t len)
{
	(void)ma;
	(void)len;
}
EXPORT_SYMBOL_GPL(vmk_dma_unmap);
