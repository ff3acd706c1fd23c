/* SPDX-License-Identifier: LicenseRef-VMware-Proprietary */
/*
 * Copyright (c) 2026 VMware, Inc. All rights reserved.
 *
 * VMware Confidential. Not for redistribution outside VMware, Inc.
 */

#ifndef VMOTION_API_H
#define VMOTION_API_H

#include "vmkernel/vmk_types.h"

struct vmotion_session;

int vmotion_precopy_begin(struct vmotion_session *s, vmk_uint32 world_id);
int vmotion_checkpoint(struct vmotion_session *s);
int vmotion_quiesce_device(void *dev);

#endif
