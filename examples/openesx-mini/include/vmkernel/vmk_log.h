/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#ifndef VMK_LOG_H
#define VMK_LOG_H

void vmk_log(const char *fmt, ...);
void vmk_panic(const char *why);

#endif /* VMK_LOG_H */
