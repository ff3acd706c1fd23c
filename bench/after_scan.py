"""Benchmark: what an audit does after the licence scan, on a tree too large to wait for.

Times the copied-code step, the dependency graph, the rules, the gate and each report of a
whole ``run_audit`` on a large tree (Linux: issue 20) without its licence scan, which is
timed on its own (``openesx-license scan``, bench/scan.py). The scan's records are *stood in*
for: the inventory (the real one: list, hash, classify) plus each file's SPDX tags read from
its first 60 lines with the scan's own tag parser (``detect.tags``); a file without a tag has
no licence. The steps after the scan read no licence text, so their work is the real one
(the copied-code step fingerprints every C file, the graph reads every source and build
file); the licence rules see the tags only, so their findings are not those of a real audit
(files whose licence is a text and no tag are ``unknown`` here). The stand-in is built once
per tree and kept in the cache folder; its time is not counted.

    python bench/after_scan.py TREE POLICY --cache DIR [--formats json,html,...] [--label L]

Prints and saves JSON (bench/results/after-scan-<tree>-<label>.json): seconds per stage, the
reports' seconds and sizes (each report is kept in ``OUT/<format>/``, so that two versions of
the code can be compared file by file), CPU seconds of this process and its pools, peak RSS,
the load average before and after, and the SHA-256 of the findings (rule, path, line, target,
message) so that two versions of the code can be shown to find the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import resource
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.serial import StageClock  # noqa: E402
from openesx_license import pipeline  # noqa: E402
from openesx_license.inventory import list_tree  # noqa: E402
from openesx_license.model import (  # noqa: E402
    FileKind,
    FileRecord,
    LicenseSource,
    ScanResult,
    ScanStats,
)
from openesx_license.reports import write_reports  # noqa: E402

HEAD_LINES = 60


def stand_in_scan(tree: Path, policy_path: Path, cache: Path) -> ScanResult:
    """The inventory with each file's SPDX tags as its licence (see the module docstring)."""
    from openesx_license.detect.tags import find_tags, parse_tag

    policy = pipeline.read_policy(policy_path)
    kept = cache / f"stand-in-{tree.name}.pickle"
    if kept.is_file():
        result: ScanResult = pickle.loads(kept.read_bytes())
        return result
    inventory = list_tree(tree, exclude=policy.exclude, cache_dir=cache)
    records = []
    for entry in inventory.entries:
        detections = ()
        if entry.sha1 and entry.kind is not FileKind.BINARY:
            try:
                with open(tree / entry.path, encoding="utf-8", errors="replace") as handle:
                    head = [line for _, line in zip(range(HEAD_LINES), handle, strict=False)]
            except OSError:
                head = []
            detections = tuple(parse_tag(t.raw, line=t.index + 1) for t in find_tags(head))
        valid = [d.license_expression for d in detections if d.valid and d.license_expression]
        expression = " AND ".join(f"({e})" if " " in e else e for e in valid) or None
        records.append(
            FileRecord(
                path=entry.path, size=entry.size, sha1=entry.sha1, kind=entry.kind,
                language=entry.language, detected_license_expression=expression,
                license_expression=expression,
                license_source=LicenseSource.DETECTED if expression else LicenseSource.NONE,
                detections=detections, errors=entry.errors,
            )
        )  # fmt: skip
    result = ScanResult(
        root=str(tree.resolve()),
        files=tuple(records),
        stats=ScanStats(files=len(records)),
        engine="stand-in: inventory + SPDX tags (bench/after_scan.py)",
        skipped=inventory.skipped,
    )
    cache.mkdir(parents=True, exist_ok=True)
    kept.write_bytes(pickle.dumps(result))
    return result


def findings_digest(findings: object) -> str:
    """SHA-256 over the findings' rule, path, line, target and message, in order."""
    digest = hashlib.sha256()
    for f in findings:  # type: ignore[attr-defined]
        digest.update(f"{f.rule}\0{f.path}\0{f.line}\0{f.target}\0{f.message}\n".encode())
    return digest.hexdigest()


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def main() -> None:
    """Audit TREE after the stand-in scan and print the seconds of each stage as JSON."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("tree", type=Path)
    parser.add_argument("policy", type=Path)
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--formats", default="json")
    parser.add_argument("--label", default="run")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    scan = stand_in_scan(args.tree, args.policy, args.cache)
    pipeline.scan_step = lambda *a, **k: scan  # type: ignore[assignment]
    load_before = os.getloadavg()
    clock = StageClock()
    cpu0, started = _cpu(), time.perf_counter()
    result = pipeline.run_audit(
        args.tree,
        pipeline.read_policy(args.policy),
        jobs=args.jobs,
        cache_dir=args.cache,
        progress=clock,
    )
    finished = time.perf_counter()
    marks = [*clock.marks, ("summaries", finished)]
    stages: dict[str, float] = {"(before the first stage)": marks[0][1] - started}
    for (stage, at), (_, end) in zip(marks, marks[1:], strict=False):
        stages[stage] = stages.get(stage, 0.0) + end - at
    cpu_audit = _cpu() - cpu0
    print(json.dumps({"stages (s)": {k: round(v, 2) for k, v in stages.items()},
                      "CPU (s)": round(cpu_audit, 2)}), file=sys.stderr, flush=True)  # fmt: skip
    out = args.out or args.cache / "reports"
    reports: dict[str, dict[str, float]] = {}
    for name in args.formats.split(","):
        before, cpu_before = time.perf_counter(), _cpu()
        written = write_reports(result, out / name, [name])  # each kept: compare runs
        reports[name] = {
            "seconds": round(time.perf_counter() - before, 2),
            "cpu": round(_cpu() - cpu_before, 2),
            "bytes": sum(p.stat().st_size for p in written),
        }
        print(json.dumps({name: reports[name]}), file=sys.stderr, flush=True)
    payload = {
        "tree": str(args.tree),
        "label": args.label,
        "files": len(result.scan.files),
        "stages (s)": {k: round(v, 2) for k, v in stages.items()},
        "audit after the scan: wall (s)": round(finished - started, 2),
        "audit after the scan: CPU (s)": round(cpu_audit, 2),
        "reports": reports,
        "total wall (s)": round(time.perf_counter() - started, 2),
        "total CPU (s)": round(_cpu() - cpu0, 2),
        "peak RSS, this process (MB)": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "peak RSS, largest worker (MB)": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        // 1024,
        "load average before / after": [load_before, os.getloadavg()],
        "findings": len(result.findings),
        "findings by rule": dict(sorted(Counter(f.rule for f in result.findings).items())),
        "findings sha256": findings_digest(result.findings),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    text = json.dumps(payload, indent=2)
    print(text)
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    (results / f"after-scan-{args.tree.name}-{args.label}.json").write_text(text + "\n")


if __name__ == "__main__":
    main()
