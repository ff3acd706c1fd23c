/******************************************************************************
 * privcmd.h
 *
 * Copyright (c) 2003-2005, A Fixture Author
 *
 * This file may be distributed separately from the Linux kernel, or
 * incorporated into other software packages, subject to the following license:
 *
 * Permission is hereby granted, free of charge, to any person obtaining a copy
 * of this source file (the "Software"), to deal in the Software without
 * restriction, including without limitation the rights to use, copy, modify,
 * merge, publish, distribute, sublicense, and/or sell copies of the Software,
 * and to permit persons to whom the Software is furnished to do so, subject to
 * the following conditions:
 *
 * The above copyright notice and this permission notice shall be included in
 * all copies or substantial portions of the Software.
 *
 * THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
 * IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
 * FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
 * AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
 * LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING
 * FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS
 * IN THE SOFTWARE.
 */

/*
 * Copyright 2006 Another Fixture Company.  All rights reserved.
 * Use is subject to license terms.
 */

#ifndef FIXTURE_PRIVCMD_H
#define FIXTURE_PRIVCMD_H

/*
 * WARNING:
 *	These numbers and structures are built into the fixture driver,
 *	as well as the low-level tools and libraries that call it.
 */

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * ioctl numbers and corresponding data structures
 */

struct fixture_hypercall {
	unsigned long op;
	unsigned long arg[5];
};

#endif
