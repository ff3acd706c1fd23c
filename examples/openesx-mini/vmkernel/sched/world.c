/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#include "vmkernel/vmk_sched.h"
#include "vmkernel/vmk_export.h"

#define VMK_MAX_WORLDS 256

struct vmk_world {
	vmk_uint32 id;
	vmk_uint64 affinity;
};

static struct vmk_world worlds[VMK_MAX_WORLDS];

struct vmk_world *vmk_world_lookup(vmk_uint32 world_id)
{
	if (world_id >= VMK_MAX_WORLDS)
		return NULL;
	return &worlds[world_id];
}
EXPORT_SYMBOL_GPL(vmk_world_lookup);

void vmk_world_yield(void)
{
}
EXPORT_SYMBOL(vmk_world_yield);
