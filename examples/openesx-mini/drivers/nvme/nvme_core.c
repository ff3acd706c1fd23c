/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Copyright (c) 2026 NVMe driver authors
 */

/*
 * Licensed under the Apache License, Version 2.0. Linked into the vmkernel
 * image by drivers/Kbuild.
 */
#include "vmkernel/vmk_mem.h"
#include "vmkernel/vmk_log.h"

struct nvme_queue {
	vmk_ma sq_dma;
	vmk_uint32 depth;
};

int nvme_queue_setup(struct nvme_queue *q, void *sq, vmk_uint32 depth)
{
	q->sq_dma = vmk_dma_map(sq, depth * 64);
	q->depth = depth;
	vmk_log("nvme: queue depth %u\n", depth);
	return 0;
}
