/* SPDX-License-Identifier: LicenseRef-VMware-Proprietary */
/*
 * Copyright (c) 2026 VMware, Inc. All rights reserved.
 *
 * VMware Confidential. Not for redistribution outside VMware, Inc.
 */

#include "include/ha_api.h"

static unsigned int ha_last_beat;

int ha_heartbeat_send(unsigned int host_id)
{
	ha_last_beat = host_id;
	return 0;
}
