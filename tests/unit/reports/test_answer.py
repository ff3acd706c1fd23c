"""The first answer: what blocks the release licence now, once the proprietary code is out."""

from __future__ import annotations

from openesx_license.gate.verdict import audit_verdict
from openesx_license.model import (
    AuditResult,
    ComponentBlock,
    ComponentSummary,
    ReleaseOption,
    ScanResult,
)
from openesx_license.reports.answer import blocker_matrix, blocker_sentences

HA = ComponentBlock(component="ha", proprietary_files=4)
NVME = ComponentBlock(
    component="drivers", license_files=2, licenses=("Apache-2.0",), example="drivers/nvme/Kbuild"
)
TOOLS = ComponentBlock(component="tools", license_files=6, licenses=("GPL-2.0-only",))


def _option(lic: str, *cells: ComponentBlock) -> ReleaseOption:
    prop = sum(c.proprietary_files for c in cells)
    total = prop + sum(c.license_files for c in cells)
    return ReleaseOption(license=lic, allowed=total == 0, blocking_files=total,
                         blocking_components=tuple(c.component for c in cells),
                         proprietary_files=prop, components=cells)  # fmt: skip


def _result(*options: ReleaseOption) -> AuditResult:
    comps = tuple(
        ComponentSummary(name=n, component_class=k, declared_license=None, files=1)
        for n, k in (("drivers", "open"), ("tools", "open"), ("ha", "proprietary"))
    )
    return AuditResult(
        tool_version="t", root="/r", policy_path=None, release_name="OpenESX",
        release_license="GPL-2.0-only", generated_at="2026-01-01T00:00:00+00:00",
        tree_hash="x", scan=ScanResult(root="/r", files=()), findings=(),
        components=comps, options=options,
    )  # fmt: skip


def test_now_and_once_the_proprietary_code_is_removed() -> None:
    result = _result(
        _option("GPL-2.0-only", HA, NVME), _option("GPL-3.0-only", HA), _option("MIT", HA, TOOLS)
    )
    now, later = blocker_sentences(result, audit_verdict(result))
    assert now == (
        "GPL-2.0-only is blocked by 4 files of proprietary code (ha 4) and 2 files whose licence "
        "does not allow it (drivers: 2 files, Apache-2.0, e.g. drivers/nvme/Kbuild)."
    )
    assert later == (
        "GPL-2.0-only is still blocked by 2 files (drivers: 2 files, Apache-2.0, e.g. "
        "drivers/nvme/Kbuild). Candidates allowed then: GPL-3.0-only."
    )


def test_matrix_one_row_per_component_proprietary_first() -> None:
    result = _result(_option("GPL-2.0-only", HA, NVME), _option("MIT", HA, TOOLS))
    rows = blocker_matrix(result)
    assert [(r.component, r.component_class) for r in rows] == [
        ("ha", "proprietary"),
        ("drivers", "open"),
        ("tools", "open"),
    ]
    assert rows[0].cells == (HA, HA)
    assert rows[1].cells == (NVME, None) and rows[2].cells == (None, TOOLS)


def test_nothing_to_say_when_nothing_blocks() -> None:
    result = _result(_option("GPL-2.0-only"))
    assert blocker_sentences(result, audit_verdict(result)) == ("", "")
    assert blocker_matrix(result) == []
