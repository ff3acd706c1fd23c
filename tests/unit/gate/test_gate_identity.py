"""Fingerprints survive line shifts and reformatting, and change when the problem changes."""

from __future__ import annotations

from dataclasses import replace

from openesx_license.gate.identity import (
    finding_identity,
    normalise_evidence,
    with_identities,
)
from openesx_license.model import Evidence, Finding, Severity


def crossing(line: int = 12, text: str = '#include "vmotion/api.h"', **kw: object) -> Finding:
    base = Finding(
        rule="boundary-crossing",
        severity=Severity.ERROR,
        path="vmkernel/sched.c",
        line=line,
        component="vmkernel",
        message=f"line {line}: vmkernel reaches vmotion",
        evidence=(
            Evidence(path="vmkernel/sched.c", line=line, text=text, kind="include"),
            Evidence(
                path="vmotion/api.h", line=3, text='#include "vmotion/core.h"', kind="include"
            ),
        ),
        target="vmotion/core.h",
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def test_line_numbers_and_messages_do_not_matter() -> None:
    assert finding_identity(crossing(12)) == finding_identity(crossing(40))


def test_reformatting_and_comments_on_code_lines_do_not_matter() -> None:
    plain = finding_identity(crossing())
    for text in (
        '  #  include   "vmotion/api.h"',
        '#include "vmotion/api.h"   /* for vmotion_start() */',
        '#include "vmotion/api.h" // legacy',
        '#include\t"vmotion/api.h"\r',
    ):
        assert finding_identity(crossing(text=text)) == plain, text


def test_other_hops_of_the_path_do_not_matter() -> None:
    finding = crossing()
    rerouted = replace(
        finding,
        evidence=(
            finding.evidence[0],
            Evidence(path="vmotion/other.h", line=9, text='#include "core.h"', kind="include"),
        ),
    )
    assert finding_identity(rerouted) == finding_identity(finding)


def test_the_problem_changing_changes_the_fingerprint() -> None:
    plain = finding_identity(crossing())
    changed = [
        crossing(text='#include "vmotion/migrate.h"'),
        crossing(rule="copied-code"),
        crossing(path="vmkernel/mem.c"),
        crossing(target="vmotion/ha.h"),
    ]
    prints = {finding_identity(f) for f in changed}
    assert plain not in prints and len(prints) == len(changed)


def test_license_evidence_keeps_its_text_but_not_its_comment_style() -> None:
    c_style = normalise_evidence("/* SPDX-License-Identifier: GPL-2.0-only */", "license")
    cpp_style = normalise_evidence("// SPDX-License-Identifier:  GPL-2.0-only", "license")
    shell = normalise_evidence("# SPDX-License-Identifier: GPL-2.0-only", "license")
    assert c_style == cpp_style == shell == "SPDX-License-Identifier:GPL-2.0-only"
    assert normalise_evidence(" * VMware Confidential", "marker") == "VMwareConfidential"


def test_identical_findings_in_one_file_get_distinct_stable_fingerprints() -> None:
    first, second = crossing(10), crossing(30)
    other = crossing(20, target="vmotion/ha.h")
    prints = with_identities([second, other, first])
    assert len({f.fingerprint for f in prints}) == 3
    # the earlier line is occurrence 1 whatever the order the checks emitted them in
    again = with_identities([first, second, other])
    assert again[0].fingerprint == prints[2].fingerprint
    assert again[1].fingerprint == prints[0].fingerprint
    # lines shifting together keep both fingerprints
    shifted = with_identities([crossing(15), crossing(35), other])
    assert [f.fingerprint for f in shifted] == [f.fingerprint for f in again]


def test_finding_without_evidence_is_fingerprinted_from_rule_path_target() -> None:
    bare = Finding(
        rule="unknown-license",
        severity=Severity.WARNING,
        path="a.c",
        line=None,
        component=None,
        message="no licence",
    )
    assert finding_identity(bare) == finding_identity(replace(bare, message="other"))
    assert finding_identity(bare) != finding_identity(replace(bare, path="b.c"))
    assert len(finding_identity(bare)) == 32


def copy(first: int, content: str = "9f" * 16) -> Finding:
    """A copied-code finding whose region starts at ``first``."""
    return Finding(
        rule="copied-code",
        severity=Severity.ERROR,
        path="vmkernel/track.c",
        line=first,
        component="vmkernel",
        message=f"lines {first}-{first + 9} match vmotion/log.c:16-25",
        evidence=(
            Evidence(
                path="vmkernel/track.c",
                line=first,
                text=f"open code, lines {first}-{first + 9}",
                kind="copy",
            ),  # fmt: skip
            Evidence(
                path="vmotion/log.c", line=16, text="proprietary code, lines 16-25", kind="copy"
            ),  # fmt: skip
        ),
        target="vmotion/log.c",
        data={"open_lines": [first, first + 9], "content": content},
    )


def test_a_copy_is_identified_by_what_was_matched_not_where() -> None:
    assert finding_identity(copy(9)) == finding_identity(copy(13))
    assert finding_identity(copy(9)) != finding_identity(copy(9, content="a0" * 16))
    # the other rules keep their recipe: a crossing's identity is its evidence line
    assert finding_identity(crossing(data={"content": "x"})) == finding_identity(crossing())
