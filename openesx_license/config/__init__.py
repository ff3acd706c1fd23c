"""Configuration: the TOML policy as frozen models, its validation, and the component map."""
