/* SPDX-License-Identifier: LicenseRef-Example-Proprietary */
/* Example proprietary API header (test fixture). */
#ifndef VMOTION_API_H
#define VMOTION_API_H

#define VMOTION_MAGIC_COOKIE "vmotion-secret-cookie"

int vmotion_start_transfer(int world, unsigned long long bytes);
int vmotion_checksum_block(const unsigned char *data, unsigned int length);

#endif
