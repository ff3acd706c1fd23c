"""Table-driven compatibility answers: each expected answer comes from the cited source.

A row is (inbound expression, outbound licence, edge kind or None, expected allowed, source).
The sources are the ones rules/compatibility.toml cites; a row here is an independent reading
of that source, so a wrong table entry makes a test fail.
"""

from __future__ import annotations

import pytest

from openesx_license.licensing import (
    LicenseKnowledge,
    combination_verdict,
    outbound_verdict,
)

FSF = "FSF licence list"
FAQ = "GPL FAQ"
MPL = "MPL-2.0 §3.3/§1.12"

#: (inbound, outbound, edge kind, allowed, source of the expected answer)
OUTBOUND = [
    # Apache-2.0 and the GPL family (FSF licence list #apache2; ASF 'GPL compatibility')
    ("Apache-2.0", "GPL-2.0-only", None, False, FSF),
    ("Apache-2.0", "GPL-2.0-only", "link", False, FSF),
    ("Apache-2.0", "GPL-2.0-only", "import", False, FAQ + " #GPLStaticVsDynamic"),
    ("Apache-2.0", "GPL-3.0-only", None, True, FSF),
    ("Apache-2.0", "GPL-3.0-or-later", None, True, FSF),
    ("Apache-2.0", "GPL-2.0-or-later", None, False, FSF + " (GPLv2 branch refuses)"),
    ("Apache-2.0", "LGPL-3.0-only", None, True, FSF),
    ("Apache-2.0", "AGPL-3.0-only", None, True, FSF),
    ("Apache-2.0", "LGPL-2.1-only", None, False, FSF),
    # GPL versions (GPL FAQ #v2v3Compatibility)
    ("GPL-2.0-only", "GPL-3.0-only", None, False, FAQ),
    ("GPL-2.0", "GPL-3.0-only", None, False, FAQ + " (deprecated id = -only)"),
    ("GPL-3.0-only", "GPL-2.0-only", None, False, FAQ),
    ("GPL-2.0-or-later", "GPL-3.0-only", None, True, "GPL-2.0 §9"),
    ("GPL-2.0+", "GPL-3.0-only", None, True, "GPL-2.0 §9"),
    ("GPL-2.0-or-later", "GPL-2.0-only", None, True, "GPL-2.0 §9"),
    ("GPL-2.0-only", "GPL-2.0-or-later", None, False, "GPL-2.0 §9 (the v3 branch refuses)"),
    ("GPL-1.0-or-later", "GPL-2.0-only", None, True, "GPL-1.0 §9"),
    ("GPL-1.0-only", "GPL-2.0-only", None, False, "GPL-1.0 §4"),
    ("GPL-3.0-only", "AGPL-3.0-only", None, True, "GPL-3.0 §13"),
    ("AGPL-3.0-only", "GPL-3.0-only", None, True, "GPL-3.0 §13 / AGPL-3.0 §13"),
    ("AGPL-3.0-only", "GPL-2.0-only", None, False, FSF + " #AGPLv3.0"),
    ("GPL-2.0-only", "AGPL-3.0-only", None, False, FAQ),
    ("GPL-2.0-only", "Apache-2.0", None, False, FAQ + " #IfLibraryIsGPL"),
    ("GPL-2.0-only", "BSD-3-Clause", "link", False, FAQ + " #IfLibraryIsGPL"),
    ("GPL-2.0-only", "MIT", "separate", True, FAQ + " #MereAggregation"),
    # LGPL (LGPL-2.1 §3, LGPL-2.0 §3, FSF matrix #AllCompatibility)
    ("LGPL-2.1-only", "GPL-2.0-only", None, True, "LGPL-2.1 §3"),
    ("LGPL-2.1", "GPL-2.0-only", "link", True, "LGPL-2.1 §3"),
    ("LGPL-2.1-only", "GPL-3.0-only", None, True, "LGPL-2.1 §3"),
    ("LGPL-2.1-or-later", "GPL-3.0-only", None, True, "LGPL-2.1 §3/§13"),
    ("LGPL-2.0-only", "GPL-2.0-only", None, True, "LGPL-2.0 §3"),
    ("LGPL-2.0+", "GPL-2.0-only", None, True, "LGPL-2.0 §3"),
    ("LGPL-3.0-only", "GPL-3.0-only", None, True, "LGPL-3.0 preamble"),
    ("LGPL-3.0-only", "GPL-2.0-only", None, False, "FSF matrix #AllCompatibility"),
    ("LGPL-2.1-only", "LicenseRef-Proprietary", "import", True, "LGPL-2.1 §5/§6"),
    ("LGPL-2.1-only", "LicenseRef-Proprietary", None, False, "LGPL-2.1 §2"),
    ("LGPL-2.1-only", "BSD-3-Clause", None, False, "LGPL-2.1 §2 (cannot be relicensed)"),
    ("LGPL-2.1-only", "BSD-3-Clause", "link", True, "LGPL-2.1 §6"),
    # MPL (MPL-2.0 §3.3 Secondary License; Exhibit B; MPL-1.1 per FSF)
    ("MPL-2.0", "GPL-2.0-only", None, True, MPL),
    ("MPL-2.0", "GPL-3.0-only", None, True, MPL),
    ("MPL-2.0", "GPL-2.0-or-later", None, True, MPL),
    ("MPL-2.0", "LGPL-2.1-only", None, True, MPL),
    ("MPL-2.0", "AGPL-3.0-only", None, True, MPL),
    ("MPL-2.0", "Apache-2.0", None, False, "MPL-2.0 §3.1 (files stay MPL)"),
    ("MPL-2.0", "Apache-2.0", "link", True, "MPL-2.0 §3.3 Larger Work"),
    ("MPL-2.0-no-copyleft-exception", "GPL-2.0-only", None, False, "MPL-2.0 Exhibit B"),
    ("MPL-1.1", "GPL-2.0-only", None, False, FSF + " #MPL"),
    ("MPL-1.1", "MPL-2.0", None, True, "MPL-1.1 §6.2"),
    # other weak/strong copylefts (FSF licence list)
    ("CDDL-1.0", "GPL-2.0-only", None, False, FSF + " #CDDL"),
    ("CDDL-1.0", "GPL-2.0-only", "link", False, FSF + " #CDDL"),
    ("CDDL-1.0", "GPL-3.0-only", None, False, FSF + " #CDDL"),
    ("EPL-1.0", "GPL-2.0-only", None, False, FSF + " #EPL"),
    ("EPL-2.0", "GPL-2.0-only", None, False, FSF + " #EPL2"),
    ("EPL-2.0 OR GPL-2.0-or-later", "GPL-2.0-only", None, True, "EPL-2.0 Exhibit A"),
    ("Artistic-2.0", "GPL-2.0-only", None, True, FSF + " #ArtisticLicense2"),
    ("CC-BY-SA-4.0", "GPL-3.0-only", None, True, "Creative Commons compatible licenses"),
    ("CC-BY-SA-4.0", "GPL-2.0-only", None, False, FSF + " #ccbysa"),
    ("EUPL-1.2", "GPL-2.0-only", None, True, "EUPL-1.2 §5 and Appendix"),
    # permissive licences go anywhere (FSF licence list, GPL-compatible free licences)
    ("MIT", "GPL-2.0-only", None, True, FSF + " #Expat"),
    ("MIT", "Apache-2.0", None, True, FSF + " #Expat"),
    ("MIT", "LicenseRef-Proprietary", None, True, FSF + " #Expat"),
    ("BSD-2-Clause", "GPL-2.0-only", None, True, FSF + " #FreeBSD"),
    ("BSD-3-Clause", "GPL-2.0-only", None, True, FSF + " #ModifiedBSD"),
    ("BSD-3-Clause", "MPL-2.0", None, True, FSF + " #ModifiedBSD"),
    ("BSD-3-Clause-Clear", "GPL-2.0-only", None, True, FSF + " #clearbsd"),
    ("ISC", "GPL-2.0-only", None, True, FSF + " #ISC"),
    ("ISC", "LGPL-2.1-only", None, True, FSF + " #ISC"),
    ("Zlib", "GPL-2.0-only", None, True, FSF + " #ZLib"),
    ("Zlib", "Apache-2.0", None, True, FSF + " #ZLib"),
    ("X11", "GPL-3.0-only", None, True, FSF + " #X11License"),
    ("Expat", "GPL-2.0-only", None, True, FSF + " #Expat (debian name)"),
    ("MIT-0", "GPL-2.0-only", None, True, "SPDX MIT-0"),
    ("BSL-1.0", "GPL-2.0-only", None, True, FSF + " #boost"),
    ("CC-BY-4.0", "GPL-2.0-only", None, True, FSF + " #ccby"),
    ("BSD-4-Clause", "GPL-2.0-only", None, False, FSF + " #OriginalBSD"),
    ("BSD-4-Clause", "BSD-3-Clause", None, True, FSF + " #OriginalBSD (permissive)"),
    ("OpenSSL", "GPL-2.0-only", "link", False, FSF + " #OpenSSL"),
    ("OpenSSL", "LGPL-2.1-only", None, False, FSF + " #OpenSSL"),
    ("BSD-4-Clause", "LGPL-3.0-only", None, False, FSF + " #OriginalBSD"),
    ("BSD-4-Clause", "LGPL-2.1-only", "import", True, "LGPL-2.1 §5 (a program using it)"),
    ("Apache-1.1", "GPL-3.0-only", None, False, FSF + " #apache1.1"),
    # public domain
    ("CC0-1.0", "GPL-2.0-only", None, True, FSF + " #CC0"),
    ("Unlicense", "Apache-2.0", None, True, FSF + " #Unlicense"),
    ("LicenseRef-scancode-public-domain", "GPL-2.0-only", None, True, FSF + " #PublicDomain"),
    # proprietary never (DESIGN.md)
    ("LicenseRef-Proprietary", "GPL-2.0-only", None, False, "DESIGN.md"),
    ("LicenseRef-Proprietary", "BSD-3-Clause", "link", False, "DESIGN.md"),
    ("LicenseRef-VMware-Proprietary", "GPL-3.0-only", None, False, "DESIGN.md"),
    ("LicenseRef-scancode-proprietary-license", "MIT", None, False, "DESIGN.md"),
    # exceptions (their texts)
    ("GPL-2.0-only WITH Linux-syscall-note", "BSD-3-Clause", "include", True, "Linux-syscall-note"),
    ("GPL-2.0 WITH Linux-syscall-note", "LicenseRef-Proprietary", "include", True, "syscall"),
    ("GPL-2.0-only WITH Linux-syscall-note", "BSD-3-Clause", "link", False, "syscall-note scope"),
    ("GPL-2.0-only WITH Linux-syscall-note", "GPL-2.0-only", None, True, "same licence"),
    ("GPL-2.0-or-later WITH GCC-exception-2.0", "MIT", "link", True, "GCC-exception-2.0"),
    ("GPL-2.0-or-later WITH GCC-exception-2.0", "MIT", None, False, "exception covers linking"),
    ("GPL-2.0-only WITH Classpath-exception-2.0", "Apache-2.0", "import", True, "Classpath"),
    ("GPL-2.0-only WITH Classpath-exception-2.0", "Apache-2.0", None, False, "Classpath scope"),
    ("GPL-2.0-or-later WITH Autoconf-exception-2.0", "BSD-3-Clause", None, True, "Autoconf"),
    ("GPL-3.0-or-later WITH Bison-exception-2.2", "MIT", None, True, "Bison-exception-2.2"),
    ("GPL-2.0-only WITH Unknown-exception", "GPL-2.0-only", None, True, "base licence"),
    # ScanCode writes some exceptions as licences: they only add permissions
    ("GPL-2.0-or-later AND Autoconf-exception-3.0", "GPL-2.0-only", None, True, "Autoconf"),
    ("GPL-3.0-or-later AND Autoconf-exception-3.0", "GPL-2.0-only", None, False, FAQ),
    # OR is a choice, AND needs all
    ("Apache-2.0 OR GPL-2.0-or-later", "GPL-2.0-only", None, True, "QEMU dual licence"),
    ("GPL-2.0-or-later OR BSD-2-Clause", "Apache-2.0", None, True, "BSD branch"),
    ("GPL-2.0-only OR LicenseRef-Proprietary", "GPL-2.0-only", None, True, "GPL branch"),
    ("MIT AND Apache-2.0", "GPL-2.0-only", None, False, FSF + " #apache2"),
    ("MIT AND BSD-3-Clause", "GPL-2.0-only", None, True, FSF),
    ("(GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause", "MIT", "link", True, "BSD branch"),
]


@pytest.fixture(scope="module")
def knowledge() -> LicenseKnowledge:
    return LicenseKnowledge.load()


def test_table_is_large_enough() -> None:
    assert len(OUTBOUND) >= 60


@pytest.mark.parametrize(
    ("inbound", "outbound", "edge", "allowed", "source"),
    OUTBOUND,
    ids=[f"{i}->{o}[{e or 'copy'}]" for i, o, e, _, _ in OUTBOUND],
)
def test_outbound(
    knowledge: LicenseKnowledge,
    inbound: str,
    outbound: str,
    edge: str | None,
    allowed: bool,
    source: str,
) -> None:
    verdict = outbound_verdict(inbound, outbound, knowledge, edge)
    assert verdict.known, verdict.reason
    assert verdict.allowed is allowed, f"{verdict.reason} (expected per {source})"
    assert verdict.reason
    if allowed:
        assert verdict.chosen
    elif inbound != outbound:
        assert verdict.source, "a refusal must cite its source"


#: (file A, file B it depends on, edge, combinable, licence of the combination, source)
COMBINATIONS = [
    ("GPL-2.0-only", "Apache-2.0", "link", False, None, FSF + " #apache2"),
    ("Apache-2.0", "GPL-2.0-only", "symbol", False, None, FSF + " #apache2"),
    ("GPL-3.0-only", "Apache-2.0", "link", True, "GPL-3.0-only", FSF + " #apache2"),
    ("Apache-2.0", "GPL-3.0-or-later", "include", True, "GPL-3.0-only", FSF + " #apache2"),
    ("GPL-2.0-only", "GPL-3.0-only", "link", False, None, FAQ + " #v2v3Compatibility"),
    ("GPL-2.0-or-later", "GPL-3.0-only", "link", True, "GPL-3.0-only", "GPL-2.0 §9"),
    ("GPL-2.0-only", "LGPL-2.1-only", "link", True, "GPL-2.0-only", "LGPL-2.1 §3"),
    ("GPL-2.0-only", "MPL-2.0", "include", True, "GPL-2.0-only", MPL),
    ("GPL-2.0-only", "CDDL-1.0", "link", False, None, FSF + " #CDDL"),
    ("CDDL-1.0", "GPL-2.0-only", "link", False, None, FSF + " #CDDL"),
    ("GPL-2.0-only", "MIT", "include", True, "GPL-2.0-only", FSF + " #Expat"),
    # the ISC file can go into the GPL work: a combination exists (releasing it is another rule)
    ("ISC", "GPL-2.0-only", "include", True, "GPL-2.0-only", FSF + " #ISC"),
    (
        "BSD-3-Clause",
        "GPL-2.0-only WITH Linux-syscall-note",
        "include",
        True,
        "BSD-3-Clause",
        "Linux-syscall-note",
    ),  # fmt: skip
    (
        "LicenseRef-Proprietary",
        "LGPL-2.1-only",
        "import",
        True,
        "LicenseRef-Proprietary",
        "LGPL-2.1 §5",
    ),  # fmt: skip
    ("Zlib", "BSD-2-Clause", "link", True, "Zlib", FSF + " #ZLib"),
]


@pytest.mark.parametrize(
    ("a", "b", "edge", "allowed", "as_license", "source"),
    COMBINATIONS,
    ids=[f"{a}+{b}[{e}]" for a, b, e, _, _, _ in COMBINATIONS],
)
def test_combination(
    knowledge: LicenseKnowledge,
    a: str,
    b: str,
    edge: str,
    allowed: bool,
    as_license: str | None,
    source: str,
) -> None:
    verdict = combination_verdict(a, b, knowledge, edge)
    assert verdict.known, verdict.reason
    assert verdict.allowed is allowed, f"{verdict.reason} (expected per {source})"
    if allowed:
        assert verdict.outbound == as_license
    else:
        assert verdict.source, "a conflict must cite its source"


def test_or_names_the_branch_chosen(knowledge: LicenseKnowledge) -> None:
    verdict = outbound_verdict("Apache-2.0 OR GPL-2.0-or-later", "GPL-2.0-only", knowledge)
    assert verdict.chosen == "GPL-2.0-only"
    verdict = outbound_verdict("GPL-2.0-or-later", "GPL-3.0-only", knowledge)
    assert verdict.chosen == "GPL-3.0-only"


def test_or_later_outbound_needs_every_version(knowledge: LicenseKnowledge) -> None:
    # per version a different branch may be taken: GPL-2.0 for v2, Apache-2.0 for v3
    verdict = outbound_verdict("GPL-2.0-only OR Apache-2.0", "GPL-2.0-or-later", knowledge)
    assert verdict.allowed
    assert verdict.chosen == "GPL-2.0-only for GPL-2.0-only / Apache-2.0 for GPL-3.0-only"


def test_conflict_explains_both_directions(knowledge: LicenseKnowledge) -> None:
    verdict = combination_verdict("GPL-2.0-only", "Apache-2.0", knowledge, "link")
    assert "as GPL-2.0-only: Apache-2.0 may not join" in verdict.reason
    assert "as Apache-2.0: GPL-2.0-only may not join" in verdict.reason
    assert "apache2" in (verdict.source or "")


@pytest.mark.parametrize(
    "release", ["GPL-2.0", "GPL-2.0-only WITH Linux-syscall-note", "gpl-2.0-only"]
)
def test_release_license_spellings(knowledge: LicenseKnowledge, release: str) -> None:
    verdict = outbound_verdict("Apache-2.0", release, knowledge)
    assert verdict.known and not verdict.allowed and verdict.outbound == "GPL-2.0-only"


def test_release_license_that_is_not_one_license_is_unknown(knowledge: LicenseKnowledge) -> None:
    verdict = outbound_verdict("MIT", "MIT OR Apache-2.0", knowledge)
    assert not verdict.known and "not in rules/licenses.toml" in verdict.reason
