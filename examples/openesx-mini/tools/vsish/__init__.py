# SPDX-License-Identifier: GPL-2.0-only
"""vsish: browse the vmkernel sysinfo tree."""
