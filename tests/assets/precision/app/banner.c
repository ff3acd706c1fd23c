// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>

void banner(void)
{
	puts("This software is licensed under a commercial license agreement.");
	puts("Patent pending. All rights reserved. Unauthorized copying is prohibited.");
}
