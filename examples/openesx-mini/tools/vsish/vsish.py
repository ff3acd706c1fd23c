# SPDX-License-Identifier: GPL-2.0-only
# Copyright (c) 2026 OpenESX contributors
"""vsish: read nodes of the vmkernel sysinfo tree."""

import sys

from tools.vsish import nodes


def main(argv: list[str]) -> int:
    """Print the value of each node path given on the command line."""
    for path in argv:
        print(path, nodes.read(path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
