/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#ifndef VMK_TYPES_H
#define VMK_TYPES_H

#include <stdint.h>
#include <stddef.h>

typedef uint64_t vmk_uint64;
typedef uint32_t vmk_uint32;
typedef int32_t vmk_int32;
typedef uint64_t vmk_ma;          /* machine address */
typedef int vmk_return_status;

#define VMK_OK          0
#define VMK_NO_MEMORY   1
#define VMK_NOT_FOUND   2
#define VMK_BUSY        3

#endif /* VMK_TYPES_H */
