/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef VMK_TYPES_H
#define VMK_TYPES_H
typedef unsigned int vmk_uint32;
#endif
