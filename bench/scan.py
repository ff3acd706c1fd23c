"""Scan speed and accuracy against ScanCode Toolkit on Xen 4.17, in one run.

    python bench/scan.py            # or: python bench/run.py scan / make bench

The Xen tree (``fetch_corpus('xen')``) is copied once to a temporary folder, and on that copy:

1. our cold scan (a fresh, empty cache folder), ``--jobs 2``;
2. our warm rescan (same cache);
3. a rescan after appending a comment line to one C file (only that file must be re-detected);
4. ``scancode -l -c -n 2 --json OUT TREE``.

Each is timed with its peak memory (the whole process tree, bench/common.py ``measure``); then
the per-file agreement of our ``detected_license_expression`` with ScanCode's
``detected_license_expression_spdx`` (bench/scan_agreement.py), every disagreement listed by
category. Results: bench/results/scan-xen.json.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, Measurement, fetch_corpus, measure, save  # noqa: E402
from bench.scan_agreement import compare  # noqa: E402

JOBS = "2"
TOUCHED = "xen/common/sched/core.c"


CPU: dict[str, float] = {}


def _measure(label: str, command: list[str]) -> Measurement:
    """``measure`` plus the CPU seconds (user + system) of the command and its workers.

    Wall time depends on what else the machine runs; CPU time much less, so both are kept.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = measure(label, command)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU[label] = round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1)
    return run


def _ours(label: str, tree: Path, out: Path, cache: Path) -> tuple[Measurement, dict[str, Any]]:
    command = [
        str(BIN / "openesx-license"), "scan", str(tree), "--json", str(out),
        "--cache-dir", str(cache), "--jobs", JOBS, "--no-progress",
    ]  # fmt: skip
    run = _measure(label, command)
    doc = json.loads(out.read_text())
    return run, doc


def main() -> int:
    """Run the four measurements and the agreement; print and save them; 0 when all ran."""
    corpus = Path(os.environ.get("OESX_XEN_TREE") or fetch_corpus("xen"))
    with tempfile.TemporaryDirectory(prefix="oesx-bench-scan-") as tmp_name:
        tmp = Path(tmp_name)
        tree = tmp / corpus.name
        shutil.copytree(corpus, tree, symlinks=True)
        cache = tmp / "cache"
        cold, cold_doc = _ours("ours cold", tree, tmp / "cold.json", cache)
        warm, warm_doc = _ours("ours warm", tree, tmp / "warm.json", cache)
        touched_file = tree / TOUCHED
        with touched_file.open("a") as fh:
            fh.write("/* touched by bench/scan.py */\n")
        touch, touch_doc = _ours("ours after touching one file", tree, tmp / "touch.json", cache)
        sc_out = tmp / "scancode.json"
        scancode = _measure(
            "scancode -l -c -n 2",
            [str(BIN / "scancode"), "-l", "-c", "-n", "2", "--json", str(sc_out), str(tree)],
        )
        theirs_doc = json.loads(sc_out.read_text())
        agreement = compare(touch_doc, theirs_doc)
        if os.environ.get("OESX_BENCH_KEEP"):
            keep = Path(os.environ["OESX_BENCH_KEEP"])
            keep.mkdir(parents=True, exist_ok=True)
            for name in ("cold.json", "touch.json", "scancode.json"):
                shutil.copy(tmp / name, keep / name)
    runs = {"cold": cold, "warm": warm, "touch": touch, "scancode": scancode}
    ratios = {
        "cold_speedup": round(scancode.seconds / cold.seconds, 2),
        "warm_speedup": round(scancode.seconds / warm.seconds, 2),
        "touch_speedup": round(scancode.seconds / touch.seconds, 2),
        "memory_ours_cold_vs_scancode": round(cold.peak_rss_mb / scancode.peak_rss_mb, 2),
        "cold_cpu_ratio": round(CPU[scancode.label] / max(CPU[cold.label], 0.1), 2),
        "warm_cpu_ratio": round(CPU[scancode.label] / max(CPU[warm.label], 0.1), 2),
    }
    stats = {name: doc["stats"] for name, doc in
             (("cold", cold_doc), ("warm", warm_doc), ("touch", touch_doc))}  # fmt: skip
    targets = {
        "cold >= 5x faster": ratios["cold_speedup"] >= 5,
        "cold >= 20x faster (issue 20), wall": ratios["cold_speedup"] >= 20,
        "cold >= 20x less CPU (issue 20)": ratios["cold_cpu_ratio"] >= 20,
        "warm >= 50x faster": ratios["warm_speedup"] >= 50,
        "touch re-detects exactly 1 file": stats["touch"]["detected"] == 1,
        "peak memory <= ScanCode's": cold.peak_rss_mb <= scancode.peak_rss_mb,
        "agreement >= 98%": agreement["agreement"] >= 0.98,
    }
    print(f"\nXen ({cold_doc['stats']['files']} files), --jobs {JOBS} vs scancode -n 2:")
    for name, run in runs.items():
        print(
            f"  {name:<9} {run.seconds:>8.1f} s wall  {CPU[run.label]:>8.1f} s CPU"
            f"   peak {run.peak_rss_mb:>7.0f} MB   exit {run.returncode}"
        )
    print(f"  ratios: {ratios}")
    for name in ("cold", "warm", "touch"):
        s = stats[name]
        print(f"  {name:<6} detected {s['detected']:>5}, cached {s['cached']:>5}, "
              f"distinct licence blocks sent to ScanCode {s['distinct_blocks']}")  # fmt: skip
    print(
        f"  agreement with ScanCode: {agreement['agree']}/{agreement['files_compared']} "
        f"= {agreement['agreement']:.2%}; disagreements by category: {agreement['by_category']}"
    )
    for d in agreement["disagreements"]:
        print(f"    {d['category']:<26} {d['path']}: ours {d['ours']!s} | theirs {d['theirs']!s}")
    for name, ok in targets.items():
        print(f"  target {name}: {'met' if ok else 'NOT met'}")
    path = save(
        "scan-xen",
        {
            "corpus": corpus.name,
            "command": "python bench/scan.py",
            "runs": runs,
            "cpu_seconds": {name: CPU[run.label] for name, run in runs.items()},
            "load_average_at_end": os.getloadavg(),
            "ratios": ratios,
            "stats": stats,
            "targets": targets,
            "agreement": agreement,
        },
    )
    print(f"  saved {path}")
    return 0 if all(r.returncode in (0, 1) for r in runs.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
