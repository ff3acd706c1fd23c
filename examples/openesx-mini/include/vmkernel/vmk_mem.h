/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#ifndef VMK_MEM_H
#define VMK_MEM_H

#include "vmk_types.h"

void *vmk_heap_alloc(size_t size);
void vmk_heap_free(void *ptr);
vmk_ma vmk_dma_map(void *va, size_t len);
void vmk_dma_unmap(vmk_ma ma, size_t len);
vmk_ma vmk_pt_walk(vmk_uint64 cr3, vmk_uint64 va);

#endif /* VMK_MEM_H */
