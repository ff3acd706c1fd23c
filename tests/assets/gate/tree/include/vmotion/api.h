/* SPDX-License-Identifier: LicenseRef-VMware-Proprietary */
/* Copyright (c) 2026 VMware, Inc. */
int vmotion_start(void);
