"""Decisions applied by the gate: pinned to content, lapsing on change, stale when they match
nothing, concluded licences set on the file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openesx_license.config.decisions import parse_decisions
from openesx_license.config.loader import parse_policy
from openesx_license.errors import PolicyError
from openesx_license.gate import apply_gate
from openesx_license.gate.decisions import concluded_licenses, file_content, finding_content
from openesx_license.gate.identity import with_identities
from openesx_license.model import (
    Decision,
    DecisionKind,
    Evidence,
    FileKind,
    FileRecord,
    Finding,
    FindingStatus,
    LicenseSource,
    Severity,
)

POLICY = parse_policy(
    '[release]\nname = "t"\nlicense = "GPL-2.0-only"\n'
    '[[component]]\nname = "o"\nclass = "open"\npaths = ["o/**"]\n',
    source="p.toml",
)


def _copy(root: Path) -> Finding:
    (root / "o").mkdir(parents=True, exist_ok=True)
    (root / "o" / "a.c").write_text("int a;\nint f(void)\n{\n\treturn 1;\n}\n")
    (finding,) = with_identities([
        Finding(
            rule="copied-code", severity=Severity.ERROR, path="o/a.c", line=2, component="o",
            message="copy", target="p/x.c",
            evidence=(Evidence(path="o/a.c", line=2, text="open code, lines 2-5", kind="copy"),),
            data={"open_lines": [2, 5], "proprietary_path": "p/x.c",
                  "proprietary_lines": [1, 4]},
        )
    ])  # fmt: skip
    return finding


def _decision(**fields: object) -> Decision:
    base: dict[str, object] = {
        "kind": DecisionKind.NOT_A_COPY,
        "reviewer": "R",
        "date": "2026-12-01",
        "reason": "independent",
        "source": "decisions.toml",
        "index": 1,
    }
    base.update(fields)
    return Decision(**base)  # type: ignore[arg-type]


def _gate(findings: list[Finding], decisions: tuple[Decision, ...], root: Path) -> list[Finding]:
    policy = POLICY.__class__(**{**POLICY.__dict__, "decisions": decisions})
    return list(apply_gate(findings, policy, today=dt.date(2026, 12, 6), root=root).findings)


def test_a_decision_pinned_to_its_regions_settles_until_they_change(tmp_path: Path) -> None:
    finding = _copy(tmp_path)
    decision = _decision(finding=finding.fingerprint, content=finding_content(tmp_path, finding))
    (decided,) = _gate([finding], (decision,), tmp_path)
    assert decided.status is FindingStatus.DECIDED and decided.decision == decision
    assert decided.status_note == "Decided by R on 2026-12-01: independent"
    # outside the region nothing lapses; inside it the decision does
    text = (tmp_path / "o" / "a.c").read_text()
    (tmp_path / "o" / "a.c").write_text(text + "int later;\n")
    assert _gate([finding], (decision,), tmp_path)[0].status is FindingStatus.DECIDED
    (tmp_path / "o" / "a.c").write_text(text.replace("return 1", "return 2"))
    again, lapsed = _gate([finding], (decision,), tmp_path)
    assert again.status is FindingStatus.NEW and again.decision is None
    assert lapsed.rule == "lapsed-decision" and lapsed.target == finding.fingerprint


def test_a_decision_matching_no_finding_or_file_is_stale(tmp_path: Path) -> None:
    finding = _copy(tmp_path)
    stale = _decision(finding="f" * 32, content="sha256:" + "0" * 64)
    gone = _decision(path="o/gone.c", content="sha256:" + "0" * 64, index=2)
    out = _gate([finding], (stale, gone), tmp_path)
    assert [f.rule for f in out] == ["copied-code", "stale-decision", "stale-decision"]
    assert out[0].status is FindingStatus.NEW
    assert all(f.severity is Severity.WARNING for f in out[1:])


def test_a_concluded_licence_is_the_files_licence_while_the_file_is_unchanged(
    tmp_path: Path,
) -> None:
    finding = _copy(tmp_path)
    record = FileRecord(path="o/a.c", size=1, sha1="0" * 40, kind=FileKind.SOURCE,
                        license_expression="LicenseRef-scancode-commercial-license",
                        license_source=LicenseSource.DETECTED)  # fmt: skip
    decision = _decision(
        kind=DecisionKind.CONCLUDED_LICENSE,
        path=finding.path,
        license="GPL-2.0-only",
        content=file_content(tmp_path, "o/a.c"),
    )
    files = concluded_licenses({"o/a.c": record}, (decision,), tmp_path)
    assert files["o/a.c"].license_expression == "GPL-2.0-only"
    assert files["o/a.c"].license_source is LicenseSource.DECISION
    (tmp_path / "o" / "a.c").write_text("changed\n")
    assert concluded_licenses({"o/a.c": record}, (decision,), tmp_path)["o/a.c"] == record


def test_the_decisions_file_lists_every_problem_with_table_and_key() -> None:
    text = (
        '[[decision]]\nkind = "open-origin"\nfinding = "' + "a" * 32 + '"\n'
        'content = "sha256:' + "b" * 64 + '"\nreviewer = "R"\ndate = 2026-12-01\nreason = "x"\n'
        '[[decision]]\nkind = "concluded-license"\npath = "o/a.c"\nfinding = "abc"\n'
        'content = "sha256:' + "b" * 64 + '"\nreviewer = "R"\ndate = 2026-12-01\nreason = "x"\n'
        'license = "Not-A-Licence-9"\n'
    )
    try:
        parse_decisions(text, source="d.toml")
    except PolicyError as exc:  # every problem, each naming file, table and key
        message = str(exc)
    else:
        raise AssertionError("a bad decisions file was accepted")
    assert "d.toml: [[decision]] #2: needs exactly one of 'finding'" in message
    assert "d.toml: [[decision]] #2 'finding': expected a finding fingerprint" in message
    assert "d.toml: [[decision]] #2 'license': unknown SPDX license id(s)" in message
    assert "#1" not in message
    (good,) = parse_decisions(text.split('[[decision]]\nkind = "concluded')[0], source="d")
    assert good.kind is DecisionKind.OPEN_ORIGIN and good.date == "2026-12-01"


def test_one_decision_per_finding() -> None:
    table = (
        '[[decision]]\nkind = "not-a-copy"\nfinding = "' + "a" * 32 + '"\n'
        'content = "sha256:' + "b" * 64 + '"\nreviewer = "R"\ndate = 2026-12-01\nreason = "x"\n'
    )
    try:
        parse_decisions(table + table, source="d.toml")
    except PolicyError as exc:
        assert "d.toml: [[decision]] #2 'finding': " in str(exc)
        assert "already decided in [[decision]] #1" in str(exc)
    else:
        raise AssertionError("a second decision about the same finding was accepted")
