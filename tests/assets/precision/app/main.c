// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include "config.h"

int main(void)
{
	printf("%s\n", PACKAGE_STRING);
	return 0;
}
