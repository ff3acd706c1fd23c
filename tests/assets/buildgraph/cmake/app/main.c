/* SPDX-License-Identifier: GPL-2.0-only */
#include "engine.h"
int main(void) { return engine_run(); }
