"""Policy stage: the TOML policy as frozen models, its validation, and the checks (rules)."""
