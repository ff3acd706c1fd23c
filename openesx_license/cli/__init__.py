"""The thin click command-line interface."""
