"""Rule implementations; every module here is imported by the registry."""
