/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#include <stdarg.h>
#include <stdio.h>
#include "vmkernel/vmk_log.h"
#include "vmkernel/vmk_export.h"

void vmk_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}
EXPORT_SYMBOL(vmk_log);

void vmk_panic(const char *why)
{
	vmk_log("PANIC: %s\n", why);
	for (;;)
		;
}
EXPORT_SYMBOL(vmk_panic);
