// SPDX-License-Identifier: GPL-2.0-only
int k(void) { return 0; }
