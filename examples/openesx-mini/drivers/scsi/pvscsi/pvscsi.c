/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#include "vmkernel/vmk_mem.h"
#include "pvscsi.h"

/* declared locally: the VMotion engine quiesces outstanding I/O before switchover */
extern int vmotion_quiesce_device(void *dev);

int pvscsi_probe(struct pvscsi_adapter *adapter)
{
	adapter->targets = PVSCSI_MAX_TARGETS;
	adapter->rings = vmk_dma_map(adapter, sizeof(*adapter));
	return 0;
}

int pvscsi_suspend(struct pvscsi_adapter *adapter)
{
	return vmotion_quiesce_device(adapter);
}
