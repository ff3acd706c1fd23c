"""Where a cold scan spends its CPU, phase by phase, in one process (issue 20).

    python bench/scan_profile.py TREE [--limit N] [--cprofile PHASE] [--json OUT]

Runs the steps of a cold ``scan`` (``detect/scan.py`` and ``detect/prepare.py``) one after
the other in this process, without a pool or a cache, and adds up the CPU time
(``time.process_time``) of each phase over all files: walk + stat + hash (the inventory),
read + decode, the SPDX tag path, markers, licence block cutting, copyright candidate groups,
choice phrases, ScanCode's index load, licence matching of the distinct blocks, copyright
detection of the distinct groups, facts and records, JSON writing. Licence matching is
also given per block (count, characters, the slowest blocks). One process means CPU seconds
equal the work a cold scan does, minus its pool and IPC overhead (which the real scan's
CPU total minus this one's shows). ``--cprofile PHASE`` profiles one phase with cProfile and
prints its top functions. Use a seeded sample of a large tree (``bench/dep5.py sample``).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openesx_license.detect import engine  # noqa: E402
from openesx_license.detect.assemble import build_record, file_facts  # noqa: E402
from openesx_license.detect.blocks import (  # noqa: E402
    copyright_groups,
    license_blocks,
    split_lines,
)
from openesx_license.detect.choices import find_choice_phrases  # noqa: E402
from openesx_license.detect.markers import find_markers  # noqa: E402
from openesx_license.detect.prepare import (  # noqa: E402
    _WHOLE_BY_KIND,
    DEFAULT_MARKERS,
    PreparedFile,
    read_text,
)
from openesx_license.detect.resolve import apply_governing_files, resolve_references  # noqa: E402
from openesx_license.detect.reuse import apply_reuse  # noqa: E402
from openesx_license.detect.tags import find_tags, parse_tag  # noqa: E402
from openesx_license.inventory import list_tree  # noqa: E402
from openesx_license.model import FileKind, ScanResult, ScanStats  # noqa: E402
from openesx_license.serialize import scan_to_dict  # noqa: E402

CPU: dict[str, float] = defaultdict(float)
PROFILED: dict[str, cProfile.Profile] = {}


@contextmanager
def phase(name: str):  # type: ignore[no-untyped-def]
    """Add the CPU time of the block to ``CPU[name]`` (and profile it when asked)."""
    prof = PROFILED.get(name)
    if prof is not None:
        prof.enable()
    start = time.process_time()
    try:
        yield
    finally:
        CPU[name] += time.process_time() - start
        if prof is not None:
            prof.disable()


def main(argv: list[str] | None = None) -> int:
    """Profile a cold scan of a tree; print (and optionally save) the phase breakdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--limit", type=int, default=0, help="first N files only")
    parser.add_argument("--cprofile", action="append", default=[], help="phase to profile")
    parser.add_argument("--json", type=Path, help="save the figures here")
    parser.add_argument("--no-engine", action="store_true", help="stop before ScanCode runs")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    for name in args.cprofile:
        PROFILED[name] = cProfile.Profile()
    root = args.tree
    wall = time.perf_counter()
    with phase("walk+stat+hash"):
        inventory = list_tree(root)
    entries = [e for e in inventory.entries if e.sha1 and e.kind is not FileKind.BINARY]
    if args.limit:
        entries = entries[: args.limit]
    prepared: list[PreparedFile] = []
    for entry in entries:
        with phase("read+decode"):
            text, errors = read_text(os.path.join(root, entry.path), entry.size)
        with phase("split lines"):
            lines = split_lines(text)
        with phase("tags"):
            found = find_tags(lines)
            tags = tuple(parse_tag(t.raw, line=t.index + 1) for t in found)
        with phase("markers"):
            markers = tuple(find_markers(text, DEFAULT_MARKERS, tags))
        with phase("licence blocks"):
            blocks = tuple(
                license_blocks(
                    lines, frozenset(t.index for t in found), whole=_WHOLE_BY_KIND.get(entry.kind)
                )
            )
        with phase("copyright groups"):
            groups = tuple(copyright_groups(lines))
        with phase("choice phrases"):
            choices = tuple(find_choice_phrases(lines))
        prepared.append(
            PreparedFile(
                path=entry.path,
                tags=tags,
                blocks=blocks,
                groups=groups,
                markers=markers,
                choices=choices,
                errors=tuple(errors),
            )
        )
    with phase("dedup"):
        block_text = {b.key: b.text for p in prepared for b in p.blocks}
        group_lines = {g.key: g.lines for p in prepared for g in p.groups}
    if not args.no_engine:
        with phase("index load"):
            engine.load_index()
            engine.detect_license_block("warm up")
    per_block: list[tuple[float, int, str]] = []
    found_blocks: dict[str, Any] = {}
    for key, text in {} if args.no_engine else block_text.items():
        start = time.process_time()
        with phase("licence matching"):
            found_blocks[key] = engine.detect_license_block(text)
        per_block.append((time.process_time() - start, len(text), key))
    found_groups: dict[str, Any] = {}
    for key, lines in {} if args.no_engine else group_lines.items():
        with phase("copyright detection"):
            found_groups[key] = engine.detect_copyright_group(lines)
    with phase("facts+records"):
        facts = {p.path: file_facts(p, found_blocks, found_groups) for p in prepared}
        resolved = resolve_references(facts)
        by_path = {e.path: e for e in entries}
        records = [build_record(by_path[p], f) for p, f in resolved.items()]
        records = apply_reuse(root, apply_governing_files(records))
    with phase("json"):
        result = ScanResult(
            root=str(root),
            files=tuple(records),
            stats=ScanStats(
                files=len(records),
                detected=len(records),
                cached=0,
                imported=0,
                distinct_blocks=len(block_text),
                seconds=0.0,
            ),  # fmt: skip
            engine=engine.engine_label(),
        )
        document = json.dumps(scan_to_dict(result), indent=1, ensure_ascii=False)
    wall = time.perf_counter() - wall
    total = sum(CPU.values())
    print(f"{root}: {len(entries)} files, {len(block_text)} distinct licence blocks "
          f"({sum(len(t) for t in block_text.values()):,} characters, "
          f"{sum(len(p.blocks) for p in prepared)} in files), {len(group_lines)} distinct "
          f"copyright groups ({sum(len(p.groups) for p in prepared)} in files); "
          f"{total:.1f} s CPU, {wall:.1f} s wall, JSON {len(document):,} characters")  # fmt: skip
    for name, seconds in sorted(CPU.items(), key=lambda kv: -kv[1]):
        print(f"  {name:<22} {seconds:8.2f} s  {seconds / total:6.1%}")
    per_block.sort(reverse=True)
    print("  slowest blocks (CPU s, characters):")
    for seconds, chars, key in per_block[:8]:
        print(f"    {seconds:6.2f} s {chars:>8,} chars  {key[:12]}")
    for name, prof in PROFILED.items():
        print(f"--- cProfile of {name} ---")
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "tree": str(root),
                    "files": len(entries),
                    "distinct_blocks": len(block_text),
                    "block_chars": sum(len(t) for t in block_text.values()),
                    "distinct_groups": len(group_lines),
                    "cpu_seconds": {k: round(v, 2) for k, v in CPU.items()},
                    "wall_seconds": round(wall, 1),
                    "slowest_blocks": [[round(s, 3), c] for s, c, _ in per_block[:50]],
                },
                indent=1,
            )
            + "\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
