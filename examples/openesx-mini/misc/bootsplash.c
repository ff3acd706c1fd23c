/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

/* Boot splash: left over from an old branch; no component owns misc/. */
static const char splash[] = "OpenESX";

const char *bootsplash_text(void)
{
	return splash;
}
