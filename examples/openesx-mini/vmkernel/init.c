/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#include "vmkernel/vmk_types.h"
#include "vmkernel/vmk_sched.h"
#include "vmkernel/vmk_mem.h"
#include "vmkernel/vmk_log.h"

static int vmk_booted;

int vmk_init(void)
{
	void *bootstrap = vmk_heap_alloc(4096);

	if (!bootstrap)
		vmk_panic("no memory for the bootstrap world");
	vmk_log("vmkernel: booting\n");
	vmk_booted = 1;
	return VMK_OK;
}
