"""A weak approximate match never swallows an exact one, and prose is no document's licence
(Xen against Debian's debian/copyright), on small fixtures through the real ScanCode engine.

tests/assets/engine-errors holds the shape of Xen's ``tools/include/xen-sys/*`` headers (an
intro, "may be distributed separately from the Linux kernel, or incorporated into other
software packages, subject to the following license:", above an MIT text), a README listing
the licences of imported code in prose (Xen's ``xen/common/README.source``, "The imported
code is in the public domain"), and a README that is an MIT text.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from openesx_license.detect import engine
from openesx_license.detect.blocks import license_blocks, split_lines
from openesx_license.model import FileRecord
from tests.helpers.scanned_assets import scan_assets

pytestmark = pytest.mark.scancode

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "engine-errors"
HEADER = ASSETS / "intro" / "include" / "privcmd.h"
GPL_OR_NEXT = "(GPL-2.0-or-later OR copyleft-next-0.3.1) AND MIT"


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> dict[str, FileRecord]:
    """The fixtures scanned once (jobs=1: CI has 2 cores)."""
    return scan_assets(tmp_path_factory, ASSETS)


def _scancode(**query: str) -> str:
    """ScanCode's own ``detect_licenses`` on ``query``, as SPDX (``scancode -l`` renders
    ``detected_license_expression_spdx`` so)."""
    from licensedcode.cache import build_spdx_license_expression, get_cache, get_index
    from licensedcode.detection import combine_expressions, detect_licenses

    found = [d.license_expression for d in detect_licenses(get_index(), **query)]
    combined = combine_expressions(found, unique=True, licensing=get_cache().licensing)
    return str(build_spdx_license_expression(str(combined), licensing=get_cache().licensing))


def test_an_intro_above_an_mit_text_is_mit_as_scancode_reads_the_file(
    records: dict[str, FileRecord],
) -> None:
    header = records["intro/include/privcmd.h"]
    assert header.detected_license_expression == "MIT"
    assert header.license_expression == "MIT"
    # what `scancode -l` says of the file (read from its location)
    assert _scancode(location=str(HEADER)) == "MIT"


def test_the_weak_match_is_what_scancode_makes_of_the_block_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = split_lines(HEADER.read_text(encoding="utf-8"))
    (block,) = license_blocks(lines, whole=False)
    # the cause: given the block as a string, ScanCode's sequence matcher aligns 16-18 % of
    # a GPL-or-copyleft-next notice over the intro it matched exactly
    assert _scancode(query_string=block.text) == GPL_OR_NEXT
    [found] = engine.detect_license_block(block.text)
    assert found["expression"] == "MIT"
    assert found["rules"] == ["unknown-license-reference_211.RULE", "mit_47.RULE"]
    # without the rule the weak match stays, as in ScanCode
    monkeypatch.setattr(engine, "WEAK_COVERAGE", 0)
    assert [d["expression"] for d in engine.detect_license_block(block.text)] == [GPL_OR_NEXT]


def test_a_licence_sentence_in_a_readme_is_a_reference_and_a_licence_readme_its_licence(
    records: dict[str, FileRecord],
) -> None:
    source = records["readme/imported/README.source"]
    # detected, comparable with ScanCode ...
    assert "LicenseRef-scancode-public-domain" in (source.detected_license_expression or "")
    # ... but the public domain of the imported code is not the README's
    assert (source.license_expression, source.license_source) == (None, "none")
    assert any(
        "reference" in (d.message or "")
        for d in source.detections
        if d.license_expression == "LicenseRef-scancode-public-domain"
    )
    licence = records["readme/licence/README"]
    assert (licence.license_expression, licence.license_source) == ("MIT", "detected")
