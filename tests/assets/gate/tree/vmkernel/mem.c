// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 OpenESX contributors */
#include "sched.h"

int vmk_mem_balance(void)
{
	return vmk_sched_pick();
}
