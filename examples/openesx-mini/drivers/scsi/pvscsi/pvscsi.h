/* SPDX-License-Identifier: GPL-2.0-only OR BSD-3-Clause */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#ifndef PVSCSI_H
#define PVSCSI_H

#include "vmkernel/vmk_types.h"

#define PVSCSI_MAX_TARGETS 64

struct pvscsi_adapter {
	vmk_uint32 targets;
	vmk_ma rings;
};

int pvscsi_probe(struct pvscsi_adapter *adapter);

#endif
