#include <stdio.h>

void legal(void)
{
	puts("This software is licensed under a commercial license agreement.");
	puts("Patent pending. All rights reserved. Unauthorized copying is prohibited.");
}
