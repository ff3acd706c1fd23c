/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#include "vmkernel/vmk_sched.h"

int main(void)
{
	return vmk_world_lookup(1) ? 0 : 1;
}
