// SPDX-License-Identifier: LicenseRef-Acme-Proprietary
pub fn x() {}
