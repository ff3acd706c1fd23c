# SPDX-License-Identifier: GPL-2.0-only
# Copyright (c) 2026 OpenESX contributors
"""Sysinfo node access through /proc/vmware."""

from pathlib import Path

ROOT = Path("/proc/vmware/sysinfo")


def read(path: str) -> str:
    """The text of one sysinfo node."""
    return (ROOT / path.lstrip("/")).read_text()
