"""Inventory stage: enumerate the tree, hash and classify every file."""

from openesx_license.inventory.walk import (
    HEAD_BYTES,
    LARGE_FILE_BYTES,
    Inventory,
    list_files,
    list_tree,
)

__all__ = ["HEAD_BYTES", "LARGE_FILE_BYTES", "Inventory", "list_files", "list_tree"]
