"""apply_gate end to end on hand-built findings: fingerprints, diff mode, what always counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from openesx_license.config.model import Waiver
from openesx_license.gate import apply_gate, introduced_since
from openesx_license.model import Evidence, FindingStatus
from tests.helpers.gate_fixtures import TODAY, layering, leak, policy


def test_every_finding_gets_a_fingerprint() -> None:
    out = apply_gate([layering(), leak()], policy(), today=TODAY)
    assert all(len(f.fingerprint) == 32 for f in out.findings)
    assert out.unchanged == 0


def test_diff_mode_keeps_findings_whose_path_or_evidence_changed() -> None:
    local = layering("drivers/net/new.c")
    far = layering("drivers/blk/old.c")  # unchanged file, unchanged path
    base = layering("drivers/scsi/old.c")
    hop = Evidence(path="include/glue.h", line=4, text="#include <x>", kind="include")
    via_changed_header = replace(base, evidence=(*base.evidence, hop))
    changed = {"drivers/net/new.c", "include/glue.h"}
    assert introduced_since(local, changed) and introduced_since(via_changed_header, changed)
    assert not introduced_since(far, changed)
    out = apply_gate([local, far, via_changed_header], policy(), today=TODAY, changed=changed)
    assert [f.path for f in out.findings] == ["drivers/net/new.c", "drivers/scsi/old.c"]
    assert out.unchanged == 1


def test_diff_mode_never_hides_an_ip_leak_or_an_expired_waiver() -> None:
    lapsed = Waiver(
        rule="boundary-crossing",
        reason="accepted for 7.0",
        path="drivers/**",
        expires=dt.date(2026, 1, 1),
        index=1,
    )
    out = apply_gate([leak(), layering()], policy(lapsed), today=TODAY, changed=set())
    assert sorted(f.rule for f in out.findings) == ["boundary-crossing", "expired-waiver"]
    assert out.findings[0].path == "vmkernel/sched.c"
    assert all(f.status is FindingStatus.NEW for f in out.findings)
    assert out.unchanged == 1
