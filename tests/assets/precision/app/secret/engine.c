// SPDX-License-Identifier: LicenseRef-Acme-Proprietary
int engine_start(int mode) { return mode * 2; }
