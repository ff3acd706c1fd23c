/* SPDX-License-Identifier: LicenseRef-Acme-Proprietary */
int fast(void) { return 9; }
