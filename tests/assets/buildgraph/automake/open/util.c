/* SPDX-License-Identifier: GPL-2.0-only */
int util(void) { return 0; }
