# SPDX-License-Identifier: GPL-2.0-only
"""esxcli: host configuration."""
