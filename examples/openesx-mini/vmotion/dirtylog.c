/* SPDX-License-Identifier: LicenseRef-VMware-Proprietary */
/*
 * Copyright (c) 2026 VMware, Inc. All rights reserved.
 *
 * VMware Confidential. Not for redistribution outside VMware, Inc.
 */

#include "include/vmotion_api.h"

#define VMOTION_BATCH_PAGES 64

/*
 * Walk the dirty bitmap of a migrating world and collect the pages to send in the next
 * pre-copy round. Returns the number of pages queued, or -1 when the batch overflowed.
 */
static int vmotion_collect_dirty(const vmk_uint64 *bitmap, vmk_uint32 nr_words,
				 vmk_uint64 *batch, vmk_uint32 batch_len, vmk_uint32 *cursor)
{
	vmk_uint32 word, bit, queued = 0;

	for (word = *cursor; word < nr_words; word++) {
		vmk_uint64 bits = bitmap[word];

		if (bits == 0)
			continue;
		for (bit = 0; bit < 64; bit++) {
			if (!(bits & (1ULL << bit)))
				continue;
			if (queued == batch_len) {
				*cursor = word;
				return -1;
			}
			batch[queued++] = (vmk_uint64)word * 64 + bit;
		}
	}
	*cursor = 0;
	return (int)queued;
}

int vmotion_precopy_round(const vmk_uint64 *bitmap, vmk_uint32 nr_words)
{
	vmk_uint64 batch[VMOTION_BATCH_PAGES];
	vmk_uint32 cursor = 0;

	return vmotion_collect_dirty(bitmap, nr_words, batch, VMOTION_BATCH_PAGES, &cursor);
}
