"""Settings every test shares."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

#: summary.md links paths to the commit inside a GitHub Actions run; the golden files and the
#: report tests expect the plain form wherever they run (the link test sets these itself)
_GITHUB_LINK_VARS = ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA")


@pytest.fixture(scope="session", autouse=True)
def _no_github_links() -> Iterator[None]:
    saved = {k: os.environ.pop(k) for k in _GITHUB_LINK_VARS if k in os.environ}
    yield
    os.environ.update(saved)
