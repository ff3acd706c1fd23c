/* SPDX-License-Identifier: GPL-2.0-only */
int extra(void) { return 1; }
