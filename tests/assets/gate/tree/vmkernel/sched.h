/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (c) 2026 OpenESX contributors */
#ifndef VMK_SCHED_H
#define VMK_SCHED_H

int vmk_sched_pick(void);

#endif
