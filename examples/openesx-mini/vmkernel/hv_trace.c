/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 VMware, Inc.
 *
 * VMware Confidential -- hypervisor trace buffer, internal use only.
 */
#include "vmkernel/vmk_types.h"
#include "vmkernel/vmk_log.h"

#define HV_TRACE_ENTRIES 4096

struct hv_trace_entry {
	vmk_uint64 tsc;
	vmk_uint32 event;
	vmk_uint32 arg;
};

static struct hv_trace_entry hv_trace_ring[HV_TRACE_ENTRIES];
static vmk_uint32 hv_trace_head;

void hv_trace_record(vmk_uint32 event, vmk_uint32 arg)
{
	struct hv_trace_entry *e = &hv_trace_ring[hv_trace_head++ % HV_TRACE_ENTRIES];

	e->event = event;
	e->arg = arg;
}
