"""serialize.scan_to_dict (``scan --json``): the same file records as findings.json, no findings."""

from __future__ import annotations

import json
from typing import Any

from openesx_license.model import SCHEMA_VERSION
from openesx_license.reports.json_report import audit_to_dict
from openesx_license.serialize import scan_to_dict
from tests.helpers.report_fixtures import build_awkward_result
from tests.helpers.schema_checks import FINDINGS_SCHEMA, validate


def _file_schema() -> dict[str, Any]:
    schema = json.loads(FINDINGS_SCHEMA.read_text(encoding="utf-8"))
    return {
        "$schema": schema["$schema"],
        "$defs": schema["$defs"],
        "type": "array",
        "items": {"$ref": "#/$defs/file"},
    }


def test_scan_document_shares_the_file_records() -> None:
    result = build_awkward_result()
    scan = scan_to_dict(result.scan)
    assert scan["schema_version"] == SCHEMA_VERSION
    assert "findings" not in scan
    assert scan["files"] == audit_to_dict(result)["files"]
    assert scan["summary"]["licenses"]["none"] == 1
    validate(scan["files"], _file_schema())
    detection = scan["files"][0]["detections"][0]
    assert detection["method"] == "spdx-tag" and detection["score"] == 100.0
