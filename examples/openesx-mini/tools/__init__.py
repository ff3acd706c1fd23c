# SPDX-License-Identifier: GPL-2.0-only
"""OpenESX host tools."""
