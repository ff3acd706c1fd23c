/* SPDX-License-Identifier: LicenseRef-Acme-Proprietary */
#include "engine.h"
int engine_run(void) { return 0; }
