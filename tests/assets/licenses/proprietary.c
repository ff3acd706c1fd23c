/*
 * VMware Confidential
 * SPDX-License-Identifier: LicenseRef-VMware-Proprietary
 */

int vmotion_secret;
