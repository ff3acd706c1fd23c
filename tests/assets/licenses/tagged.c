// SPDX-License-Identifier: GPL-2.0+
/* Scheduler credit accounting. */

int credits;
