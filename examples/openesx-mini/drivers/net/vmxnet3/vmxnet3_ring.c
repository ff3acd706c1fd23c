/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#include "vmkernel/vmk_mem.h"
#include "vmxnet3_defs.h"

int vmxnet3_ring_init(struct vmxnet3_ring *ring, vmk_uint32 size)
{
	void *mem = vmk_heap_alloc(size * 16);

	if (!mem)
		return -1;
	ring->base = (vmk_ma)(size_t)mem;
	ring->size = size;
	ring->next = 0;
	return 0;
}
