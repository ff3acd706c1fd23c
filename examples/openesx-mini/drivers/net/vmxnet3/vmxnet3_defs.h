/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#ifndef VMXNET3_DEFS_H
#define VMXNET3_DEFS_H

#include "vmkernel/vmk_types.h"

#define VMXNET3_RING_SIZE 512

struct vmxnet3_ring {
	vmk_ma base;
	vmk_uint32 next;
	vmk_uint32 size;
};

int vmxnet3_ring_init(struct vmxnet3_ring *ring, vmk_uint32 size);

#endif
