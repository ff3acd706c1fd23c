/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#include "vmkernel/vmk_sched.h"
#include "vmkernel/vmk_export.h"

struct vmk_world {
	vmk_uint32 id;
	vmk_uint64 affinity;
};

vmk_return_status vmk_cpu_affinity_set(struct vmk_world *world, vmk_uint64 mask)
{
	if (!mask)
		return VMK_BUSY;
	world->affinity = mask;
	return VMK_OK;
}
EXPORT_SYMBOL(vmk_cpu_affinity_set);
