// SPDX-License-Identifier: LicenseRef-Acme-Proprietary
int vendor_hook(void) { return 0; }
