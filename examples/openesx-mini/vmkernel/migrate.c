/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

/*
 * Live-migration hooks of the scheduler. The open kernel must only offer the
 * hooks; the VMotion engine registers itself through them.
 */
#include "vmkernel/vmk_types.h"
#include "vmkernel/vmk_sched.h"
#include "../vmotion/include/vmotion_api.h"

static int migrate_in_progress;

vmk_return_status vmk_migrate_begin(vmk_uint32 world_id)
{
	struct vmk_world *world = vmk_world_lookup(world_id);

	if (!world)
		return VMK_NOT_FOUND;
	migrate_in_progress = 1;
	return VMK_OK;
}
