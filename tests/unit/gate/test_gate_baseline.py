"""Baselines: recorded atomically, never holding IP findings, hiding only what they recorded."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path

import pytest

from openesx_license.errors import BaselineError
from openesx_license.gate import apply_gate, with_identities
from openesx_license.gate.baseline import (
    load_baseline,
    record_baseline,
    write_baseline,
)
from openesx_license.model import FindingStatus
from tests.helpers.gate_fixtures import TODAY, layering, leak, marker, policy


def recorded(tmp_path: Path, *findings, today=TODAY, previous=None):  # type: ignore[no-untyped-def]
    rules = policy()
    baseline, refused = record_baseline(
        with_identities(findings),
        policy=rules,
        today=today,
        source=str(tmp_path / "baseline.json"),
        previous=previous,
    )
    write_baseline(baseline, tmp_path / "baseline.json")
    return load_baseline(tmp_path / "baseline.json", rules), refused


def test_round_trip_and_refusal_of_ip_findings(tmp_path: Path) -> None:
    baseline, refused = recorded(tmp_path, layering(), leak(), marker())
    assert [e.rule for e in baseline.entries] == ["boundary-crossing"]
    assert baseline.entries[0].policy_rule == "drivers-below-core"
    assert {f.rule for f in refused} == {"boundary-crossing", "proprietary-code"}
    data = json.loads((tmp_path / "baseline.json").read_text())
    assert data["schema_version"] == "1.0" and data["fingerprint_algorithm"] == "oesx-fp-1"
    entry = data["entries"][0]
    assert set(entry) >= {"fingerprint", "rule", "path", "target", "message", "created"}
    assert entry["created"] == "2026-11-28"
    assert [p.name for p in tmp_path.iterdir()] == ["baseline.json"]  # no temp file left


def test_rerecording_keeps_the_first_acceptance_date(tmp_path: Path) -> None:
    first, _ = recorded(tmp_path, layering())
    later = dt.date(2027, 1, 5)
    second, _ = recorded(
        tmp_path, layering(), layering("drivers/blk/x.c"), previous=first, today=later
    )
    created = {e.path: e.created for e in second.entries}
    assert created == {"drivers/net/e1000.c": TODAY, "drivers/blk/x.c": later}


def test_baseline_hides_the_old_finding_not_a_new_one_of_the_same_rule(tmp_path: Path) -> None:
    baseline, _ = recorded(tmp_path, layering())
    moved = replace(layering(), line=70)  # lines inserted above: same finding
    fresh = layering("drivers/blk/virtio.c")
    out = apply_gate([moved, fresh], policy(), today=TODAY, baseline=baseline)
    status = {f.path: f.status for f in out.findings}
    assert status == {
        "drivers/net/e1000.c": FindingStatus.BASELINED,
        "drivers/blk/virtio.c": FindingStatus.NEW,
    }
    assert "baseline.json on 2026-11-28" in (out.findings[0].status_note or "")
    assert out.stale_baseline == ()


def test_entries_that_match_nothing_are_stale(tmp_path: Path) -> None:
    baseline, _ = recorded(tmp_path, layering(), layering("drivers/blk/x.c"))
    out = apply_gate([layering()], policy(), today=TODAY, baseline=baseline)
    assert [(s.rule, s.path) for s in out.stale_baseline] == [
        ("boundary-crossing", "drivers/blk/x.c")
    ]


def test_a_hand_edited_entry_for_an_ip_leak_is_refused_by_name(tmp_path: Path) -> None:
    recorded(tmp_path, layering())
    path = tmp_path / "baseline.json"
    data = json.loads(path.read_text())
    (fp,) = (f.fingerprint for f in with_identities([leak()]))
    data["entries"].append(
        {
            "fingerprint": fp,
            "rule": "boundary-crossing",
            "path": "vmkernel/sched.c",
            "target": "vmotion",
            "message": "grandfather me",
            "created": "2026-01-01",
        }
    )
    path.write_text(json.dumps(data))
    with pytest.raises(BaselineError) as err:
        load_baseline(path, policy())
    text = str(err.value)
    assert "entry #2: boundary-crossing at vmkernel/sched.c -> vmotion" in text
    assert "never grandfathered" in text
    # claiming the waivable [[rule]] does not help: the finding itself is not waivable
    data["entries"][-1]["policy_rule"] = "drivers-below-core"
    path.write_text(json.dumps(data))
    sneaky = load_baseline(path, policy())
    with pytest.raises(BaselineError, match="boundary-crossing at vmkernel/sched.c:3"):
        apply_gate([leak(), layering()], policy(), today=TODAY, baseline=sneaky)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ('{"schema_version": "2.0"}', "re-record the baseline"),
        ('{"schema_version": "1.0", "fingerprint_algorithm": "md5"}', "'fingerprint_algorithm'"),
        (
            '{"schema_version": "1.0", "fingerprint_algorithm": "oesx-fp-1", "created": '
            '"2026-01-01", "entries": [{"rule": "x", "path": "a", "created": "soon"}]}',
            "entry #1: 'fingerprint' must be a non-empty string",
        ),
    ],
)
def test_bad_baselines_name_the_file_and_the_problem(
    tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "b.json"
    path.write_text(content)
    with pytest.raises(BaselineError) as err:
        load_baseline(path)
    assert str(err.value).startswith(str(path)) and message in str(err.value)


def test_missing_baseline(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="baseline file not found"):
        load_baseline(tmp_path / "nope.json")
