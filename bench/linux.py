"""Cold and warm ``scan`` of the Linux kernel, beside ScanCode on a seeded sample (issue 20).

    python bench/linux.py [--tree DIR] [--sample 2000] [--seed 20] [--no-scancode | --sample-only]
    python bench/linux.py --audit [--tree DIR]
    python bench/run.py linux          # skipped when the tree is not there

The tree is ``--tree``, else ``$OESX_LINUX_TREE``, else Debian's ``linux`` 6.1 source unpacked
at ``~/.cache/openesx-corpora/linux-6.1.176`` (``apt-get source linux``; 80,868 files, 1.5 GB);
without one the benchmark says so and passes. It is scanned in place (only read):

1. our cold scan (``--jobs 2``, a fresh cache folder), then our warm rescan (same cache);
2. a seeded sample of the tree's text files (``bench/dep5.py sample``: paths kept, and every
   COPYING/LICENSE file) scanned by ``scancode -l -c -n 2`` and by our cold scan; ScanCode's
   time for the whole tree is its sample time scaled by the number of files (say so when
   quoting it). ``--sample-only`` runs step 2 alone (the tree's file count is then listed
   with the scan's own inventory, without a scan), for a machine that cannot spare both.

``--audit`` instead runs a whole cold ``audit`` of the tree (a fresh cache folder: licence
scan, copied code, graph, rules, and the json, html, sarif, spdx, cyclonedx and notice
reports) with ``bench/policies/linux.toml``, then the same audit warm; the audit's own stage
lines (stderr) are kept in bench/results/audit-linux-*.log. Results:
bench/results/audit-linux.json.

Each run: wall time, CPU seconds (user + system, workers included), peak PSS and summed RSS
of the process tree (bench/common.py ``measure``), and the load average before and after (the
machine is shared). Results: bench/results/scan-linux.json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, measure, save  # noqa: E402
from bench.dep5 import sample_tree  # noqa: E402

DEFAULT_TREE = Path.home() / ".cache" / "openesx-corpora" / "linux-6.1.176"


def _run(label: str, command: list[str]) -> dict[str, Any]:
    """``measure`` plus CPU seconds and the load average before and after."""
    load_before = os.getloadavg()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = measure(label, command)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        **run.__dict__,
        "cpu_seconds": round(cpu, 1),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
    }


def _ours(label: str, tree: Path, out: Path, cache: Path) -> dict[str, Any]:
    command = [
        str(BIN / "openesx-license"), "scan", str(tree), "--json", str(out),
        "--cache-dir", str(cache), "--jobs", "2", "--no-progress",
    ]  # fmt: skip
    run = _run(label, command)
    run["stats"] = json.loads(out.read_text())["stats"]
    return run


REPORTS = "json,html,sarif,spdx,cyclonedx,notice"
POLICY = Path(__file__).resolve().parent / "policies" / "linux.toml"


def _audit(label: str, tree: Path, out: Path, cache: Path, log: Path) -> dict[str, Any]:
    command = [
        str(BIN / "openesx-license"), "audit", str(tree), "--policy", str(POLICY),
        "--out", str(out), "--format", REPORTS, "--cache-dir", str(cache), "--jobs", "2",
    ]  # fmt: skip
    load_before = os.getloadavg()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = measure(label, command, stderr_to=log)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    findings = json.loads((out / "findings.json").read_text())
    return {
        **run.__dict__,
        "cpu_seconds": round(
            (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1
        ),
        "load_before": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "findings": len(findings["findings"]),
        "report_bytes": {p.name: p.stat().st_size for p in sorted(out.iterdir()) if p.is_file()},
        "stages_log": str(log),
    }


def _audit_main(tree: Path) -> int:
    results = Path(__file__).resolve().parent / "results"
    results.mkdir(exist_ok=True)
    runs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="oesx-bench-linux-audit-") as tmp_name:
        tmp = Path(tmp_name)
        for name in ("cold", "warm"):
            runs[name] = _audit(
                f"ours audit {name}", tree, tmp / f"out-{name}", tmp / "cache",
                results / f"audit-linux-{name}.log",
            )  # fmt: skip
    print(f"\nLinux audit at {tree}, policy {POLICY.name}, --jobs 2:")
    for name, r in runs.items():
        print(
            f"  {name:<5} {r['seconds']:>8.1f} s wall {r['cpu_seconds']:>8.1f} s CPU  "
            f"peak PSS {r['peak_pss_mb']:>6.0f} MB (summed RSS {r['peak_rss_mb']:.0f} MB)  "
            f"load {r['load_before'][0]:.1f}->{r['load_after'][0]:.1f}  "
            f"{r['findings']} findings  exit {r['returncode']}"
        )
    path = save("audit-linux", {"tree": str(tree), "command": "python bench/linux.py --audit",
                                **runs})  # fmt: skip
    print(f"  saved {path}")
    return 0 if all(r["returncode"] in (0, 1) for r in runs.values()) else 1


def _count_files(tree: Path) -> int:
    """The number of files the scan would list in ``tree`` (its own inventory, no scan)."""
    from openesx_license.inventory import list_files

    return len(list_files(tree))


def main(argv: list[str] | None = None) -> int:
    """Run the Linux measurements; print and save them. 0 when they ran (or were skipped)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path)
    parser.add_argument("--sample", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20)
    only = parser.add_mutually_exclusive_group()
    only.add_argument("--no-scancode", action="store_true")
    only.add_argument("--sample-only", action="store_true")
    only.add_argument("--audit", action="store_true")
    args = parser.parse_args(
        argv if argv is not None else sys.argv[1:] if __name__ == "__main__" else []
    )
    tree = args.tree or Path(os.environ.get("OESX_LINUX_TREE") or DEFAULT_TREE)
    if not tree.is_dir():
        print(f"bench linux: no Linux tree at {tree} (set OESX_LINUX_TREE): skipped")
        return 0
    if args.audit:
        return _audit_main(tree)
    runs: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="oesx-bench-linux-") as tmp_name:
        tmp = Path(tmp_name)
        if not args.sample_only:
            runs["cold"] = _ours("ours cold", tree, tmp / "cold.json", tmp / "cache")
            runs["warm"] = _ours("ours warm", tree, tmp / "warm.json", tmp / "cache")
        if not args.no_scancode:
            copied = sample_tree(tree, args.sample, tmp / "sample", args.seed)
            sample = tmp / "sample" / tree.name
            runs["sample_ours_cold"] = _ours(
                "ours cold, sample", sample, tmp / "sample.json", tmp / "sample-cache"
            )
            runs["sample_scancode"] = _run(
                "scancode -l -c -n 2, sample",
                [str(BIN / "scancode"), "-l", "-c", "-n", "2", "--json",
                 str(tmp / "scancode.json"), str(sample)],
            )  # fmt: skip
            runs["sample_files"] = copied
    files = runs["cold"]["stats"]["files"] if "cold" in runs else _count_files(tree)
    print(f"\nLinux ({files} files) at {tree}, --jobs 2:")
    for name in ("cold", "warm", "sample_ours_cold", "sample_scancode"):
        if name in runs:
            r = runs[name]
            print(
                f"  {name:<17} {r['seconds']:>8.1f} s wall {r['cpu_seconds']:>8.1f} s CPU  "
                f"peak PSS {r['peak_pss_mb']:>6.0f} MB  load {r['load_before'][0]:.1f}"
                f"->{r['load_after'][0]:.1f}  exit {r['returncode']}"
            )
    if "cold" in runs:
        print(f"  cold: {runs['cold']['stats']['distinct_blocks']} distinct licence blocks matched")
    if "sample_scancode" in runs:
        scale = files / runs["sample_files"]
        sc = runs["sample_scancode"]
        runs["scancode_scaled"] = {
            "seconds": round(sc["seconds"] * scale, 1),
            "cpu_seconds": round(sc["cpu_seconds"] * scale, 1),
            "scale": round(scale, 2),
        }
        print(
            f"  ScanCode on {runs['sample_files']} sampled files, scaled x{scale:.1f} to the "
            f"tree: {sc['seconds'] * scale:,.0f} s wall, {sc['cpu_seconds'] * scale:,.0f} s CPU"
        )
    path = save("scan-linux", {"tree": str(tree), "command": "python bench/linux.py", **runs})
    print(f"  saved {path}")
    return 0 if all(r["returncode"] in (0, 1) for r in runs.values() if isinstance(r, dict)
                    and "returncode" in r) else 1  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
