/* SPDX-License-Identifier: LicenseRef-VMware-Proprietary */
/*
 * Copyright (c) 2026 VMware, Inc. All rights reserved.
 *
 * VMware Confidential. Not for redistribution outside VMware, Inc.
 */

/* Fault Domain Manager: restarts the worlds of a failed host. */
#include "vmkernel/vmk_sched.h"
#include "include/ha_api.h"

int fdm_start(void)
{
	struct vmk_world *agent = vmk_world_lookup(0);

	if (!agent)
		return -1;
	return ha_heartbeat_send(0);
}
