"""Adversarial tests: hostile names and tree shapes, broken caches, killed runs, unreadable
input. Each asserts the exit code, the message, and that no finding is lost (docs/reliability.md
maps every input and fault class to its test here)."""
