/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Copyright (c) 2026 OpenESX contributors
 */

#ifndef VMK_EXPORT_H
#define VMK_EXPORT_H

/*
 * Symbols exported to modules. EXPORT_SYMBOL_GPL marks interfaces that only
 * GPL-compatible modules may use, exactly as in Linux.
 */
#define EXPORT_SYMBOL(sym)      extern typeof(sym) sym
#define EXPORT_SYMBOL_GPL(sym)  extern typeof(sym) sym

#endif /* VMK_EXPORT_H */
