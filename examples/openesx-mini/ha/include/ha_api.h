/* SPDX-License-Identifier: LicenseRef-VMware-Proprietary */
/*
 * Copyright (c) 2026 VMware, Inc. All rights reserved.
 *
 * VMware Confidential. Not for redistribution outside VMware, Inc.
 */

#ifndef HA_API_H
#define HA_API_H

int fdm_start(void);
int ha_heartbeat_send(unsigned int host_id);

#endif
