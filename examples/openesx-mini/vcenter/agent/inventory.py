# SPDX-License-Identifier: LicenseRef-VMware-Proprietary
# Copyright (c) 2026 VMware, Inc. All rights reserved. VMware Confidential.
"""The host's view of the VirtualCenter inventory."""

_REGISTERED: list[str] = []


def registered_vms() -> list[str]:
    """Names of the VMs registered on this host."""
    return list(_REGISTERED)
