/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#include "vmkernel/vmk_mem.h"
#include "vmkernel/vmk_log.h"
#include "vmxnet3_defs.h"

static struct vmxnet3_ring rx_ring;

int vmxnet3_probe(void)
{
	if (vmxnet3_ring_init(&rx_ring, VMXNET3_RING_SIZE))
		return -1;
	vmk_log("vmxnet3: ring ready\n");
	return 0;
}
