"""Waivers: matching, notes, expiry on the day after, stale waivers, non-waivable rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from openesx_license.config.model import Waiver
from openesx_license.errors import PolicyError
from openesx_license.gate import apply_gate
from openesx_license.gate.waivers import apply_waivers, waiver_matches, waiver_problems
from openesx_license.model import FindingStatus
from tests.helpers.gate_fixtures import TODAY, layering, leak, marker, policy


def waiver(**kw: object) -> Waiver:
    fields: dict[str, object] = {
        "rule": "boundary-crossing",
        "reason": "trace hooks are reviewed; removal planned for 8.1",
        "owner": "legal@openesx.org",
        "path": "drivers/**",
        "expires": dt.date(2026, 12, 31),
        "index": 1,
    }
    fields.update(kw)
    return Waiver(**fields)  # type: ignore[arg-type]


def test_path_and_edge_globs_select_findings() -> None:
    finding = layering()
    assert waiver_matches(waiver(), finding)
    assert not waiver_matches(waiver(path="vmkernel/**"), finding)
    assert not waiver_matches(waiver(rule="unknown-license"), finding)
    assert waiver_matches(waiver(path=None, edge="drivers/** -> tools/**"), finding)
    assert waiver_matches(waiver(path=None, edge="drivers/net/*.c -> tools"), finding)
    assert not waiver_matches(waiver(path=None, edge="drivers/** -> vmotion/**"), finding)
    assert not waiver_matches(waiver(path=None, edge="vmkernel/** -> tools/**"), finding)


def test_a_holding_waiver_marks_the_finding_waived_with_reason_owner_expiry() -> None:
    out = apply_waivers([layering(), layering("drivers/blk/x.c")], policy(waiver()), today=TODAY)
    assert [f.status for f in out.findings] == [FindingStatus.WAIVED] * 2
    note = out.findings[0].status_note or ""
    assert "reviewed; removal planned" in note
    assert "legal@openesx.org" in note and "2026-12-31" in note
    assert out.waiver_findings == ()


def test_expiry_lapses_on_the_day_after_the_date_and_the_finding_counts_again() -> None:
    rules = policy(waiver(expires=dt.date(2026, 11, 28)))
    on_the_day = apply_waivers([layering()], rules, today=dt.date(2026, 11, 28))
    assert on_the_day.findings[0].status is FindingStatus.WAIVED
    assert on_the_day.waiver_findings == ()

    day_after = apply_waivers([layering()], rules, today=dt.date(2026, 11, 29))
    assert day_after.findings[0].status is FindingStatus.NEW
    (expired,) = day_after.waiver_findings
    assert expired.rule == "expired-waiver"
    assert "expired on 2026-11-28" in expired.message and "1 finding count again" in expired.message
    assert expired.path == "policy.toml"


def test_a_waiver_matching_nothing_is_stale() -> None:
    out = apply_waivers([layering()], policy(waiver(path="drivers/scsi/**")), today=TODAY)
    assert out.findings[0].status is FindingStatus.NEW
    (stale,) = out.waiver_findings
    assert stale.rule == "stale-waiver" and "#1" in stale.message


def test_waiver_line_is_found_in_the_policy_file(tmp_path: Path) -> None:
    source = tmp_path / "policy.toml"
    source.write_text(
        'schema = 1\n\n[[waiver]]\nrule = "boundary-crossing"\n\n[[waiver]]\nrule = "x"\n'
    )
    out = apply_waivers(
        [],
        policy(waiver(), waiver(index=2), source=str(source)),
        today=TODAY,
        policy_path="policy.toml",
    )
    assert [(f.path, f.line) for f in out.waiver_findings] == [
        ("policy.toml", 3),
        ("policy.toml", 6),
    ]


def test_non_waivable_findings_are_never_waived_even_by_a_matching_waiver() -> None:
    # a waiver of boundary-crossing is legal (one [[rule]] is waivable) but cannot touch a leak
    everything = waiver(path="**")
    out = apply_waivers([leak(), layering()], policy(everything), today=TODAY)
    assert [f.status for f in out.findings] == [FindingStatus.NEW, FindingStatus.WAIVED]


def test_a_waiver_of_an_ip_rule_is_a_policy_error() -> None:
    bad = policy(waiver(rule="proprietary-code", path="vmkernel/**", index=2))
    problems = waiver_problems(bad)
    assert len(problems) == 1
    assert "[[waiver]] #2" in problems[0] and "can never be waived" in problems[0]
    with pytest.raises(PolicyError) as err:
        apply_gate([marker()], bad, today=TODAY)
    assert "policy.toml: [[waiver]] #2 'rule'" in str(err.value)


def test_boundary_waivers_need_a_waivable_rule_table() -> None:
    no_waivable_table = policy(waiver()).__class__(
        source="p.toml",
        release=policy().release,
        rules=tuple(r for r in policy().rules if not r.waivable),
        waivers=(waiver(),),
    )
    assert waiver_problems(no_waivable_table)
    assert waiver_problems(policy(waiver())) == []
