/* SPDX-License-Identifier: LicenseRef-VMware-Proprietary */
/*
 * Copyright (c) 2026 VMware, Inc. All rights reserved.
 *
 * VMware Confidential. Not for redistribution outside VMware, Inc.
 */

#include "include/vmotion_api.h"

struct vmotion_session {
	vmk_uint32 world_id;
	vmk_uint64 dirty_pages;
};

int vmotion_precopy_begin(struct vmotion_session *s, vmk_uint32 world_id)
{
	s->world_id = world_id;
	s->dirty_pages = 0;
	return 0;
}

int vmotion_quiesce_device(void *dev)
{
	return dev ? 0 : -1;
}
