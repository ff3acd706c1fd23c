"""The copy-match cache: the same analysis as matching afresh, and the right files re-matched."""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Sequence
from pathlib import Path

import pytest

from openesx_license.config.components import ComponentMap, apply_components
from openesx_license.config.loader import load_policy
from openesx_license.config.model import Policy
from openesx_license.copies import stage as copies
from openesx_license.copies.cache import CopyMatchCache
from openesx_license.copies.stage import CopyAnalysis, analyse_copies
from openesx_license.ipindex.build import build_index
from openesx_license.ipindex.fileprint import FilePrint
from openesx_license.ipindex.store import IndexParameters
from tests.helpers.c_records import c_records

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "ipindex"


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Open and proprietary fixture files in one tree (monorepo mode)."""
    root = tmp_path / "mono"
    for part in ("open", "proprietary"):
        shutil.copytree(ASSETS / part, root, dirs_exist_ok=True)
    return root


@pytest.fixture
def policy() -> Policy:
    return load_policy(ASSETS / "policy.toml")


@pytest.fixture
def matched(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The open files each call of find_copies was given."""
    calls: list[list[str]] = []
    real = copies.find_copies

    def spy(index, prints: Sequence[FilePrint], *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(sorted(fp.path for fp in prints))
        return real(index, prints, *args, **kwargs)

    monkeypatch.setattr(copies, "find_copies", spy)
    return calls


@pytest.fixture
def answered(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many open files each run found in the copy-match cache."""
    counts: list[int] = []
    real = CopyMatchCache.get_many

    def spy(self: CopyMatchCache, keys):  # type: ignore[no-untyped-def]
        found = real(self, keys)
        counts.append(len(found))
        return found

    monkeypatch.setattr(CopyMatchCache, "get_many", spy)
    return counts


#: the open file that shares fingerprints with the proprietary side; the others share none,
#: so they have no copy of it and are not given to the matcher at all
SHARING = ["vmkernel/integrity.c"]


def _analyse(
    root: Path, policy: Policy, cache: Path | None, ip_index: Path | None = None
) -> CopyAnalysis:
    records = c_records(root)
    components = ComponentMap(policy)
    files = apply_components(records, components)
    return analyse_copies(
        root, policy, files, components, ip_index=ip_index, jobs=1, cache_dir=cache
    )


def _same(root: Path, policy: Policy, cache: Path) -> CopyAnalysis:
    """The cached analysis, checked against an uncached one."""
    cached = _analyse(root, policy, cache)
    fresh = _analyse(root, policy, None)
    assert cached == fresh
    assert cached.edges == fresh.edges
    return cached


def test_a_warm_cache_matches_nothing_and_gives_the_same_copies(
    tree: Path, policy: Policy, tmp_path: Path, matched: list[list[str]]
) -> None:
    cache = tmp_path / "cache"
    first = _same(tree, policy, cache)
    assert [(m.path, m.proprietary_path) for m in first.matches] == [
        ("vmkernel/integrity.c", "vmotion/transfer.c")
    ]
    matched.clear()
    _same(tree, policy, cache)
    assert matched == [["include/vmkernel/types.h", "vmkernel/integrity.c", "vmkernel/migrate.c"]]
    # ^ the uncached run only: the cached one matched no file
    matched.clear()
    assert _analyse(tree, policy, cache) == first
    assert matched == []


def test_a_renamed_copy_is_answered_from_its_content(
    tree: Path, policy: Policy, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    _same(tree, policy, cache)
    (tree / "vmkernel/integrity.c").rename(tree / "vmkernel/digest.c")
    renamed = _same(tree, policy, cache)
    assert [m.path for m in renamed.matches] == ["vmkernel/digest.c"]


def test_a_changed_open_file_alone_is_matched_again(
    tree: Path, policy: Policy, tmp_path: Path, matched: list[list[str]]
) -> None:
    cache = tmp_path / "cache"
    _analyse(tree, policy, cache)
    source = tree / "vmkernel/integrity.c"
    source.write_text(source.read_text().replace("65521", "65519"))
    matched.clear()
    _analyse(tree, policy, cache)
    assert matched == [["vmkernel/integrity.c"]]
    _same(tree, policy, cache)


def test_a_changed_proprietary_file_or_setting_matches_every_file_again(
    tree: Path, policy: Policy, tmp_path: Path, matched: list[list[str]], answered: list[int]
) -> None:
    cache = tmp_path / "cache"
    _analyse(tree, policy, cache)
    answered.clear()
    _analyse(tree, policy, cache)
    assert answered == [3]  # every open file's matches known
    with (tree / "vmotion/transfer.c").open("a") as fh:
        fh.write("\nint vmotion_extra(void) { return 7; }\n")
    matched.clear()
    answered.clear()
    _analyse(tree, policy, cache)
    assert answered == [0]  # none any more
    assert matched == [SHARING]
    stricter = dataclasses.replace(
        policy,
        copied_code=dataclasses.replace(
            policy.copied_code, min_tokens=5000, min_lines=500, min_tokens_with_values=5000
        ),
    )
    matched.clear()
    answered.clear()
    assert _analyse(tree, stricter, cache).matches == ()
    assert answered == [0]
    assert matched == [SHARING]
    _same(tree, stricter, cache)


def test_new_boilerplate_elsewhere_in_the_tree_invalidates_a_files_matches(
    tree: Path, policy: Policy, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    assert _same(tree, policy, cache).matches
    # the copied code now appears in enough open files to count as the tree's boilerplate
    for n in range(policy.copied_code.boilerplate_threshold):
        shutil.copy(tree / "vmkernel/integrity.c", tree / f"vmkernel/again{n}.c")
    assert _same(tree, policy, cache).matches == ()
    for n in range(policy.copied_code.boilerplate_threshold):
        (tree / f"vmkernel/again{n}.c").unlink()
    assert [m.path for m in _same(tree, policy, cache).matches] == ["vmkernel/integrity.c"]


def test_open_boilerplate_counts_like_the_matcher() -> None:
    from array import array

    from openesx_license.copies.cache import open_boilerplate
    from openesx_license.ipindex.match import boilerplate_hashes

    raw = [[1, 2, 2, 3], [2, 3, 3], [3, 4], [2, 3, 9, 9, 9], [5]]
    prints = [FilePrint(path=f"f{n}.c", hashes=array("q", h)) for n, h in enumerate(raw)]
    sets = [array("q", sorted(set(h))) for h in raw]
    for threshold in (1, 2, 3, 4, 5):
        assert open_boilerplate(sets, threshold) == boilerplate_hashes(prints, threshold)


def test_open_boilerplate_counted_range_by_range_equals_counting_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import random
    from array import array

    from openesx_license.copies import cache as copy_cache
    from openesx_license.ipindex.match import boilerplate_hashes

    rng = random.Random(3)
    pool = [rng.randrange(-(2**63), 2**63) for _ in range(300)] + [-(2**63), 2**63 - 1, 0]
    raw = [rng.sample(pool, rng.randrange(0, 60)) for _ in range(40)]
    prints = [FilePrint(path=f"f{n}.c", hashes=array("q", h)) for n, h in enumerate(raw)]
    sets = [array("q", sorted(set(h))) for h in raw]
    monkeypatch.setattr(copy_cache, "COUNT_AT_ONCE", 50)  # about 20 ranges
    for threshold in (1, 2, 3, 6):
        expected = boilerplate_hashes(prints, threshold)
        assert copy_cache.open_boilerplate(sets, threshold) == expected


def test_boilerplate_updated_from_the_last_audit_equals_a_fresh_count(tmp_path: Path) -> None:
    import random
    from array import array

    from openesx_license.copies.cache import CopyMatchCache, open_boilerplate
    from openesx_license.ipindex.match import CopySettings

    rng = random.Random(7)
    contents = {f"c{n}": array("q", sorted(rng.sample(range(40), 12))) for n in range(30)}
    cache = CopyMatchCache(tmp_path / "cache", k=25, window=8, settings=CopySettings())
    tree = {f"f{n}.c": f"c{rng.randrange(30)}" for n in range(12)}
    try:
        cache.put_hash_sets(contents.items())
        for step in range(40):
            if step:  # edit, add or delete a few files between audits
                for _ in range(rng.randrange(1, 4)):
                    tree[f"f{rng.randrange(16)}.c"] = f"c{rng.randrange(30)}"
                if rng.random() < 0.3 and len(tree) > 3:
                    del tree[rng.choice(sorted(tree))]
            files = sorted(tree.items())
            sets = {sha1: contents[sha1] for _, sha1 in files}
            expected = open_boilerplate([sets[s] for _, s in files], 3)
            assert cache.boilerplate(tmp_path, files, dict(sets), 3) == expected
    finally:
        cache.close()


@pytest.fixture
def open_and_index(tmp_path: Path) -> tuple[Path, Path, Path]:
    """An open tree without its proprietary part, an index of that part, a cache folder."""
    index = tmp_path / "ip.db"
    build_index(ASSETS / "proprietary", index, IndexParameters(k=25, window=8))
    root = tmp_path / "open"
    shutil.copytree(ASSETS / "open", root)
    return root, index, tmp_path / "cache"


def test_ip_index_mode_matches_only_new_contents_and_gives_the_same_analysis(
    open_and_index: tuple[Path, Path, Path], policy: Policy, matched: list[list[str]]
) -> None:
    root, index, cache = open_and_index

    def analyse(cache_dir: Path | None) -> CopyAnalysis:
        return _analyse(root, policy, cache_dir, ip_index=index)

    first = analyse(cache)
    assert [m.path for m in first.matches] == ["vmkernel/integrity.c"]
    everything = matched[-1]
    assert "vmkernel/integrity.c" in everything
    matched.clear()
    warm = analyse(cache)
    assert matched == [] and warm == first and warm.edges == first.edges
    assert warm == analyse(None)  # the same as matching afresh without any cache
    matched.clear()
    with (root / "vmkernel" / "integrity.c").open("a") as fh:
        fh.write("\nint vmk_more(void) { return 3; }\n")
    changed = analyse(cache)
    assert matched == [["vmkernel/integrity.c"]]
    assert [m.path for m in changed.matches] == ["vmkernel/integrity.c"]
    # another build of the index (a new salt) is another proprietary side: all matched again
    build_index(ASSETS / "proprietary", index, IndexParameters(k=25, window=8))
    matched.clear()
    analyse(cache)
    assert matched == [everything]


def test_ip_index_mode_does_not_remember_a_file_it_could_not_read(
    open_and_index: tuple[Path, Path, Path],
    policy: Policy,
    matched: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root, index, cache = open_and_index
    real = copies.cached_prints

    def unreadable(*args, **kwargs):  # type: ignore[no-untyped-def]
        for fp in real(*args, **kwargs):
            broken = fp.path == "vmkernel/integrity.c"
            yield FilePrint(path=fp.path, error="cannot read: EIO") if broken else fp

    monkeypatch.setattr(copies, "cached_prints", unreadable)
    assert _analyse(root, policy, cache, ip_index=index).matches == ()
    monkeypatch.setattr(copies, "cached_prints", real)
    matched.clear()
    again = _analyse(root, policy, cache, ip_index=index)
    assert [m.path for m in again.matches] == ["vmkernel/integrity.c"]
    assert matched == [["vmkernel/integrity.c"]]


def _too_big(path: Path) -> str:
    from openesx_license.ipindex.fileprint import MAX_FILE_BYTES

    path.write_text("int table_entry;\n" * (MAX_FILE_BYTES // 17 + 1))
    return f"larger than {MAX_FILE_BYTES // 2**20} MiB"


def test_files_the_step_cannot_fingerprint_are_named_on_every_run(
    tree: Path, policy: Policy, tmp_path: Path
) -> None:
    # nothing is cached for a file that could not be printed, so a warm run names it again;
    # the copies found elsewhere do not change
    why = _too_big(tree / "vmkernel" / "tables.c")
    _too_big(tree / "vmotion" / "blob.c")
    expected = (
        ("vmkernel/tables.c", f"not checked for copied code: {why}"),
        ("vmotion/blob.c", f"not fingerprinted, copies of it cannot be found: {why}"),
    )
    cache = tmp_path / "cache"
    for run in ("cold", "warm"):
        analysis = _same(tree, policy, cache)  # and the same without a cache
        assert analysis.unchecked == expected, run
        assert [m.path for m in analysis.matches] == ["vmkernel/integrity.c"]


def test_ip_index_mode_names_the_open_files_it_cannot_fingerprint(
    open_and_index: tuple[Path, Path, Path], policy: Policy
) -> None:
    root, index, cache = open_and_index
    why = _too_big(root / "vmkernel" / "tables.c")
    for cache_dir in (cache, cache, None):
        analysis = _analyse(root, policy, cache_dir, ip_index=index)
        assert analysis.unchecked == (("vmkernel/tables.c", f"not checked for copied code: {why}"),)
        assert [m.path for m in analysis.matches] == ["vmkernel/integrity.c"]


def test_open_boilerplate_counted_by_ranges_equals_one_count(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import random
    from array import array

    from openesx_license.copies import cache as cache_module

    rng = random.Random(20)
    pool = [rng.randrange(-(1 << 63), 1 << 63) for _ in range(300)]
    pool += [-(1 << 63), (1 << 63) - 1, 0, -1]  # the ends of the range and its middle
    sets = [array("q", sorted(set(rng.sample(pool, rng.randrange(0, 60))))) for _ in range(80)]
    for threshold in (1, 2, 5, 12):
        whole = cache_module.open_boilerplate(sets, threshold)
        for at_once in (1, 7, 500):  # 2,000+ ranges, a few, two
            monkeypatch.setattr(cache_module, "COUNT_AT_ONCE", at_once)
            assert cache_module.open_boilerplate(sets, threshold) == whole, (threshold, at_once)
        monkeypatch.undo()
    assert cache_module.open_boilerplate(iter(sets), 12) == whole  # any iterable
