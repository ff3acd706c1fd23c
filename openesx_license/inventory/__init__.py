"""Inventory stage: enumerate the tree, hash and classify every file."""

from openesx_license.inventory.walk import HEAD_BYTES, LARGE_FILE_BYTES, list_files

__all__ = ["HEAD_BYTES", "LARGE_FILE_BYTES", "list_files"]
