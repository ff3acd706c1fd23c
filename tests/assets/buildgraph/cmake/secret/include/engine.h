/* SPDX-License-Identifier: LicenseRef-Acme-Proprietary */
int engine_run(void);
