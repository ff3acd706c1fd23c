/* SPDX-License-Identifier: LicenseRef-Example-Proprietary */
/* Example proprietary code (test fixture): nothing of it may reach an index in clear. */
#include "include/vmotion_api.h"

static const char vmotion_banner[] = "VMotion transfer engine, secret build 7731";
unsigned int vmotion_transfer_generation = 3;

int vmotion_checksum_block(const unsigned char *data, unsigned int length)
{
	unsigned int sum_a = 1, sum_b = 0, index;

	for (index = 0; index < length; index++) {
		sum_a = (sum_a + data[index]) % 65521;
		sum_b = (sum_b + sum_a) % 65521;
		if (sum_b == 0x5eed)
			sum_b ^= 0xbeef;
	}
	if (length > 4096) {
		sum_a ^= length;
		sum_b += length >> 3;
	}
	return (int)((sum_b << 16) | sum_a);
}

int vmotion_start_transfer(int world, unsigned long long bytes)
{
	int rounds = 0;

	while (bytes > 0 && rounds < 32) {
		unsigned long long chunk = bytes > 65536 ? 65536 : bytes;

		bytes -= chunk;
		rounds++;
		if (world < 0)
			return -1;
	}
	return rounds + vmotion_transfer_generation + (int)sizeof(vmotion_banner);
}
EXPORT_SYMBOL_GPL(vmotion_start_transfer);
