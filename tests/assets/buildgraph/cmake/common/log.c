/* SPDX-License-Identifier: GPL-2.0-only */
int log_line(void) { return 0; }
