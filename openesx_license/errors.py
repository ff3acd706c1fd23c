"""The library's error hierarchy: every expected failure derives from :class:`OpenesxError`.

The CLI turns an :class:`OpenesxError` into one clear message and exit code 2; anything else is
an internal error (exit 3).
"""

from __future__ import annotations


class OpenesxError(Exception):
    """Root of the errors the user can fix: bad input, bad policy, bad option."""


class UsageError(OpenesxError):
    """A missing path, a bad option value, an unusable output location."""


class PolicyError(OpenesxError):
    """A policy file that cannot be used; ``problems`` lists every problem found, not just one."""

    def __init__(self, path: str, problems: list[str]) -> None:
        self.path = path
        self.problems = list(problems)
        lines = "\n".join(f"{path}: {p}" for p in self.problems)
        super().__init__(lines)


class FingerprintIndexError(OpenesxError):
    """An IP fingerprint index that cannot be used (wrong parameters, corrupt, wrong version)."""


class BaselineError(OpenesxError):
    """A baseline file that cannot be used or that tries to accept an unwaivable finding."""
