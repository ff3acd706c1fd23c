"""Fixtures of the report tests: the awkward AuditResult of report_fixtures.py."""

from __future__ import annotations

import pytest

from openesx_license.model import AuditResult
from tests.helpers.report_fixtures import build_awkward_result


@pytest.fixture
def awkward_result() -> AuditResult:
    """Non-ASCII holders, a path with spaces, no-licence file, WITH/OR, LicenseRefs..."""
    return build_awkward_result()
