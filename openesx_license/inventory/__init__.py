"""Inventory stage: enumerate the tree, hash and classify every file."""
