"""The filtered ``compute_candidates`` gives ScanCode's own candidates, on real texts."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from openesx_license.detect import candidates, engine

ASSETS = Path(__file__).resolve().parents[2] / "assets"


def _texts() -> list[str]:
    """The test assets, and a seeded sample of ScanCode's licence and rule texts, bare and
    in a C comment with code around them."""
    import licensedcode

    data = Path(licensedcode.__file__).parent / "data"
    rng = random.Random(20)
    rules = rng.sample(sorted((data / "rules").glob("*.RULE")), 24)
    licences = rng.sample(sorted((data / "licenses").glob("*.LICENSE")), 2)
    texts = []
    for path in [*rules, *licences]:
        body = path.read_text(encoding="utf-8", errors="replace").split("---", 2)[-1].strip()
        texts.append(body)
        commented = "\n".join(f" * {line}" for line in body.splitlines()[:60])
        texts.append(f"/*\n * Copyright (c) 2020 A. Person\n *\n{commented}\n */\nint x;\n")
    small = [p for p in sorted((ASSETS / "licenses").rglob("*")) if p.is_file()]
    texts += [p.read_text(errors="replace") for p in small if p.stat().st_size < 4000]
    return texts


@pytest.fixture(scope="module")
def index() -> Any:
    from licensedcode.cache import get_index

    engine.load_index()
    return get_index()


def test_the_filter_is_installed_for_the_checked_scancode(index: Any) -> None:
    from licensedcode import match_set

    assert engine.scancode_version() in candidates.CHECKED_VERSIONS
    assert match_set.compute_candidates is candidates.compute_candidates


def test_candidates_are_scancodes_own_for_every_query_run(index: Any) -> None:
    from licensedcode.query import build_query

    original = candidates._ORIGINAL
    runs = 0
    for text in _texts():
        query = build_query(query_string=text, idx=index)
        if query is None:
            continue
        whole = query.whole_query_run()
        for run, top, high in [(whole, 10, True)] + [(r, 70, False) for r in query.query_runs]:
            args = (run, index, index.approx_matchable_rids)
            want = original(*args, top=top, high_resemblance=high)
            got = candidates.compute_candidates(*args, top=top, high_resemblance=high)
            assert got == want
            runs += 1
    assert runs > 50


def test_detections_are_the_same_with_and_without_the_filter(
    index: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from licensedcode import match_set

    texts = _texts()[::3]
    with_filter = [engine.detect_license_block(t) for t in texts]
    candidates.uninstall()
    try:
        with monkeypatch.context() as patch:
            patch.setattr(engine, "use_candidate_filter", lambda _index: None)
            assert match_set.compute_candidates is not candidates.compute_candidates
            without = [engine.detect_license_block(t) for t in texts]
    finally:
        engine.load_index()
    assert match_set.compute_candidates is candidates.compute_candidates
    assert any(with_filter) and with_filter == without


def test_another_scancode_version_keeps_its_own_function(index: Any) -> None:
    from licensedcode import match_set

    candidates.uninstall()
    try:
        assert candidates.install("99.0.0") is False
        assert match_set.compute_candidates is not candidates.compute_candidates
    finally:
        assert candidates.install(engine.scancode_version())
