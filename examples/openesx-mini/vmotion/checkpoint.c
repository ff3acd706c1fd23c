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

int vmotion_checkpoint(struct vmotion_session *s)
{
	return s->dirty_pages ? 1 : 0;
}
