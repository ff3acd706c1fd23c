"""The index file: no source text inside, parameters recorded and enforced, atomic writes."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from openesx_license.csource.lexer import KEYWORDS, NORMALISER_VERSION, tokenize
from openesx_license.errors import FingerprintIndexError, UsageError
from openesx_license.ipindex.build import build_index
from openesx_license.ipindex.store import FingerprintIndex, IndexParameters

PARAMS = IndexParameters(k=12, window=4)


def _dump(db_path: Path) -> bytes:
    """Every byte the database holds: the raw file, and every value of every table."""
    chunks = [db_path.read_bytes()]
    db = sqlite3.connect(db_path)
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        for row in db.execute(f"SELECT * FROM {table}"):  # names from the schema
            chunks.extend(v if isinstance(v, bytes) else str(v).encode() for v in row)
    db.close()
    return b"\n".join(chunks)


def test_index_holds_no_identifier_or_literal_of_the_source(
    proprietary_tree: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ip.db"
    summary = build_index(proprietary_tree, out, PARAMS)
    assert summary.files == 2 and summary.fingerprints > 0 and summary.symbols >= 3
    dump = _dump(out).lower()
    path_words = {
        w.lower()
        for p in proprietary_tree.rglob("*")
        for w in re.split(r"[/._\-]", str(p.relative_to(proprietary_tree)))
    }
    db = sqlite3.connect(out)
    schema_words = {
        w.lower()
        for (sql,) in db.execute("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
        for w in re.findall(r"\w+", sql)
    }
    db.close()
    secrets_found = []
    checked = 0
    for source in proprietary_tree.rglob("*.[ch]"):
        text = source.read_text()
        stream = tokenize(text)
        identifiers = {t for t in stream.raw if t[:1].isalpha() or t[:1] == "_"} - KEYWORDS
        literals = {lit for lit in re.findall(r'"([^"\n]+)"', text) if not lit.endswith(".h")}
        for word in identifiers | literals:
            # path components name the files (a location, not code): vmotion, transfer...;
            # SQLite's own schema text ('index', 'hash'...) is not the proprietary code's
            if word.lower() in path_words | schema_words or len(word) < 4:
                continue
            checked += 1
            if word.lower().encode() in dump:
                secrets_found.append(word)
    assert checked >= 15
    assert secrets_found == []
    assert b"vmotion_start_transfer" not in dump and b"secret build 7731" not in dump
    # literal values are kept as 16-bit hashes: a few small constants cannot be told back
    db = sqlite3.connect(out)
    low, high, valued = db.execute(
        "SELECT min(value), max(value), count(value) FROM fingerprints"
    ).fetchone()
    db.close()
    assert valued > 0 and 1 <= low and high < 1 << 16


def test_parameters_are_recorded_and_a_mismatch_is_refused(
    proprietary_tree: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ip.db"
    build_index(proprietary_tree, out, PARAMS)
    index = FingerprintIndex.open(out)
    meta = index.meta
    assert (meta["k"], meta["window"], meta["normaliser"]) == ("12", "4", NORMALISER_VERSION)
    index.require(PARAMS)
    with pytest.raises(FingerprintIndexError, match=r"k=12, window=4.*k=25, window=4"):
        index.require(IndexParameters(k=25, window=4))
    with pytest.raises(FingerprintIndexError, match="window=9.*Set \\[copied_code\\] k = 12"):
        index.require(IndexParameters(k=12, window=9))
    # same k and window, made by another version: only a rebuild helps, and the message says so
    with pytest.raises(FingerprintIndexError, match="values 0;.*another version.*rebuild") as err:
        index.require(IndexParameters(k=12, window=4, values="0"))
    assert "Set [copied_code]" not in str(err.value)
    index.close()


def test_missing_or_foreign_index_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FingerprintIndexError, match="not found"):
        FingerprintIndex.open(tmp_path / "nope.db")
    junk = tmp_path / "junk.db"
    junk.write_text("not sqlite at all " * 100)
    with pytest.raises(FingerprintIndexError, match="not a fingerprint index"):
        FingerprintIndex.open(junk)


def test_missing_tree_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such folder"):
        build_index(tmp_path / "absent", tmp_path / "ip.db", PARAMS)


def test_failed_build_leaves_the_old_index_and_no_temp_file(
    proprietary_tree: Path, tmp_path: Path
) -> None:
    out = tmp_path / "ip.db"
    build_index(proprietary_tree, out, PARAMS)
    before = out.read_bytes()

    def broken(path: str) -> str:
        raise RuntimeError("component map failed")

    with pytest.raises(RuntimeError):
        build_index(proprietary_tree, out, PARAMS, component_of=broken)
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".ip.db")] == []


def test_components_default_to_the_top_level_folder(proprietary_tree: Path, tmp_path: Path) -> None:
    out = tmp_path / "ip.db"
    build_index(proprietary_tree, out, PARAMS)
    index = FingerprintIndex.open(out)
    assert index.components == ("vmotion",)
    assert set(index.headers()) == {"vmotion_api.h"}
    index.close()
