# SPDX-License-Identifier: LicenseRef-VMware-Proprietary
# Copyright (c) 2026 VMware, Inc. All rights reserved. VMware Confidential.
"""vpxa main loop: sync the host inventory with VirtualCenter."""

from vcenter.agent import inventory


def sync() -> int:
    """Send the inventory; return the number of VMs sent."""
    return len(inventory.registered_vms())
