"""Benchmark: the part of an audit that stays on the client (docs/scale.md).

With ``--executor`` the licence and copyright matching, the graph facts and the copy
fingerprints leave the machine; the walk, reading and splitting the files, the rest of the
copied-code step, the graph, the checks and the reports run on the client whatever the
cluster's size. This script audits a tree twice in-process (everything local)
with one cache folder (the first run fills it), then times each step of the warm run (the
pipeline's step messages mark the boundaries) and the reports (json, html, sarif); it also
times the cold run's steps, whose scan step holds the matching a cluster would share out.

    python bench/serial.py TREE POLICY [--jobs N]     # prints and saves JSON in bench/results/
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openesx_license._util.progress import StageProgress  # noqa: E402
from openesx_license.pipeline import read_policy, run_audit  # noqa: E402
from openesx_license.reports import write_reports  # noqa: E402

FORMATS = ("json", "html", "sarif")


class StageClock(StageProgress):
    """Progress that draws nothing and notes when each stage (and scan phase) begins."""

    def __init__(self) -> None:
        super().__init__("off")
        self.marks: list[tuple[str, float]] = []

    def _begin(self, label: str, total: int, unit: str, *, counted: bool) -> None:
        self.marks.append((label, time.perf_counter()))
        super()._begin(label, total, unit, counted=counted)


def timed_audit(tree: Path, policy: Path, cache: Path, jobs: int, out: Path) -> dict[str, float]:
    """Seconds per pipeline step of one audit, plus its reports and its CPU seconds."""
    clock = StageClock()
    cpu0 = os.times()
    started = time.perf_counter()
    result = run_audit(
        tree,
        read_policy(policy),
        jobs=jobs,
        cache_dir=cache,
        progress=clock,
    )
    finished = time.perf_counter()
    marks = [*clock.marks, ("summaries", finished)]
    steps = {"(before the first step)": marks[0][1] - started}
    for (step, at), (_, end) in zip(marks, marks[1:], strict=False):
        steps[step] = steps.get(step, 0.0) + end - at
    before = time.perf_counter()
    write_reports(result, out, FORMATS)
    steps["reports (" + ",".join(FORMATS) + ")"] = time.perf_counter() - before
    cpu1 = os.times()
    steps["total wall"] = time.perf_counter() - started
    steps["total CPU (this process and its pools)"] = (
        cpu1.user + cpu1.system + cpu1.children_user + cpu1.children_system
    ) - (cpu0.user + cpu0.system + cpu0.children_user + cpu0.children_system)
    steps["files"] = len(result.scan.files)
    return {k: round(v, 2) for k, v in steps.items()}


def client_reading(tree: Path, policy: Path) -> dict[str, float]:
    """CPU seconds (one process) of what a cold scan does on the client before any matching:
    list and hash the tree, read every file, find tags and markers, split licence blocks and
    copyright groups; and the distinct blocks and groups it would send to the engine."""
    from openesx_license.detect.prepare import DEFAULT_MARKERS, prepare_file
    from openesx_license.inventory import list_files
    from openesx_license.model import FileKind

    rules = read_policy(policy)
    markers = rules.markers.proprietary or DEFAULT_MARKERS
    cpu0 = time.process_time()
    entries = list_files(tree, exclude=rules.exclude)
    listed = time.process_time()
    blocks: set[str] = set()
    groups: set[str] = set()
    for entry in entries:
        if entry.sha1 and entry.kind is not FileKind.BINARY:
            prepared = prepare_file(str(tree), entry, markers)
            blocks.update(b.key for b in prepared.blocks)
            groups.update(g.key for g in prepared.groups)
    done = time.process_time()
    return {
        "files": len(entries),
        "list and hash (CPU s)": round(listed - cpu0, 2),
        "read, tags, blocks, groups (CPU s)": round(done - listed, 2),
        "distinct licence blocks": len(blocks),
        "distinct copyright groups": len(groups),
    }


def main() -> None:
    """Run the cold and the warm audit and print the per-step seconds as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("tree", type=Path)
    parser.add_argument("policy", type=Path)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument(
        "--reading-only", action="store_true", help="Only time the client's reading part."
    )
    args = parser.parse_args()
    if args.reading_only:
        print(json.dumps(client_reading(args.tree, args.policy), indent=2))
        return
    with tempfile.TemporaryDirectory(prefix="oesx-serial-") as temp:
        cache, out = Path(temp) / "cache", Path(temp) / "out"
        cold = timed_audit(args.tree, args.policy, cache, args.jobs, out)
        warm = timed_audit(args.tree, args.policy, cache, args.jobs, out)
    reading = client_reading(args.tree, args.policy)
    payload = {
        "tree": str(args.tree),
        "jobs": args.jobs,
        "cold": cold,
        "warm": warm,
        "client reading": reading,
    }
    text = json.dumps(payload, indent=2)
    print(text)
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / f"serial-{args.tree.name}.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
