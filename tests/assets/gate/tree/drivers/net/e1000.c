// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 OpenESX contributors */
int e1000_probe(void)
{
	return 0;
}
