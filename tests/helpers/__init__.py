"""Fixtures and checks shared by several test folders (imported as ``tests.helpers.<module>``)."""
