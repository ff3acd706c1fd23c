/* zutil.h -- internal interface and configuration of the compression library
 * Copyright (C) 1995-2022 Jean-loup Gailly, Mark Adler
 * For conditions of distribution and use, see copyright notice in zlib.h
 * SPDX-License-Identifier: Zlib
 */
/* WARNING: this file should *not* be used by applications. */
#ifndef ZUTIL_H
#define ZUTIL_H

#include "zlib.h"

#define BASE 65521U
#define NMAX 5552

#endif
