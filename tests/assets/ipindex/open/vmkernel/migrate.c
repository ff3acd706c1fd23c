/* SPDX-License-Identifier: GPL-2.0-only */
/* Open code (test fixture) that still reaches into the proprietary tree. */
#include "vmkernel/types.h"
#include "vmotion/vmotion_api.h"

int vmk_migrate_world(int world)
{
	return vmotion_start_transfer(world, 4096ULL);
}
