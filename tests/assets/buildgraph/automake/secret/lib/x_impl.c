/* SPDX-License-Identifier: LicenseRef-Acme-Proprietary */
int x_impl(void) { return 8; }
