// SPDX-License-Identifier: LicenseRef-VMware-Proprietary
int vm(void) { return 1; }
