/*
 * Copyright (C) 2006-2010 Oracle Corporation
 *
 * This file is free software; you can redistribute it and/or modify it
 * under the terms of the GNU Lesser General Public License version 2.1 as
 * published by the Free Software Foundation.
 *
 * Alternatively, the contents of this file may be used under the terms
 * of the Common Development and Distribution License Version 1.0
 * (CDDL) only, as it comes in the "COPYING.CDDL" file of the
 * VirtualBox OSE distribution, in which case the provisions of the
 * CDDL are applicable instead of those of the LGPL.
 *
 * You may elect to license modified versions of this file under the
 * terms and conditions of either the LGPL or the CDDL or both.
 */

int vbox_init(void);
