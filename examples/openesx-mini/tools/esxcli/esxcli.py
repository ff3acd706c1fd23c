# SPDX-License-Identifier: GPL-2.0-only
# Copyright (c) 2026 OpenESX contributors
"""esxcli: list the virtual machines registered on this host."""

import sys

from vcenter.agent import inventory


def main() -> int:
    """Print one line per registered VM."""
    for vm in inventory.registered_vms():
        print(vm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
