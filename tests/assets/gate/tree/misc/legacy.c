// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 OpenESX contributors */
int legacy_helper(void)
{
	return 2;
}
