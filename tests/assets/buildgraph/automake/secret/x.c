/* SPDX-License-Identifier: LicenseRef-Acme-Proprietary */
int secret_x(void) { return 7; }
