/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#ifndef VMK_SCHED_H
#define VMK_SCHED_H

#include "vmk_types.h"

struct vmk_world;

struct vmk_world *vmk_world_lookup(vmk_uint32 world_id);
void vmk_world_yield(void);
vmk_return_status vmk_cpu_affinity_set(struct vmk_world *world, vmk_uint64 mask);

#endif /* VMK_SCHED_H */
