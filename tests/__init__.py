"""Tests of openesx-license: unit/ mirrors the package, functional/ runs the CLI."""
