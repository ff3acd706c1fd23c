/* SPDX-License-Identifier: GPL-2.0-only */
int other_engine(void);
