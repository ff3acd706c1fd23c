"""Memory of a cold scan: one ScanCode licence index shared by the workers.

    python bench/memory.py [--tree DIR] [--jobs 2 3]   # or: python bench/run.py memory

Cold ``scan --jobs N`` of Xen 4.17 (a fresh cache folder each time), for each N, with the
process tree sampled while it runs (bench/common.py ``measure``): summed RSS every 50 ms and
summed PSS (``/proc/PID/smaps_rollup``) every 250 ms. RSS counts a page shared by the
matching workers once per worker; PSS divides it among them, so PSS is what the tree really
holds. Targets (issue 20): under 1.5 GB of PSS with two workers, under 200 MB more per extra
worker. Results: bench/results/memory.json.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, fetch_corpus, machine, measure, save  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    """Measure cold scans at each ``--jobs``; print and save the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tree", type=Path, help="source tree (default: Xen from Debian)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[2, 3])
    args = parser.parse_args(
        argv if argv is not None else sys.argv[1:] if __name__ == "__main__" else []
    )
    tree = args.tree or fetch_corpus("xen")
    runs = []
    for jobs in args.jobs:
        with tempfile.TemporaryDirectory(prefix="oesx-mem-") as tmp:
            command = [
                str(BIN / "openesx-license"), "scan", str(tree), "--json", f"{tmp}/scan.json",
                "--cache-dir", f"{tmp}/cache", "--jobs", str(jobs), "--no-progress",
            ]  # fmt: skip
            run = measure(f"cold scan --jobs {jobs}", command)
            runs.append({"jobs": jobs, **run.__dict__})
    by_jobs = {r["jobs"]: r["peak_pss_mb"] for r in runs}
    extra = [
        round(by_jobs[b] - by_jobs[a], 1)
        for a, b in zip(sorted(by_jobs), sorted(by_jobs)[1:], strict=False)
    ]
    for r in runs:
        print(
            f"jobs {r['jobs']}: {r['seconds']:.0f} s, peak PSS {r['peak_pss_mb']:.0f} MB, "
            f"peak summed RSS {r['peak_rss_mb']:.0f} MB"
        )
    if extra:
        print(f"each extra worker: {', '.join(f'{e:+.0f} MB' for e in extra)} of PSS")
    save("memory", {"machine": machine(), "tree": str(tree), "runs": runs, "extra_mb": extra})
    return 0 if all(r["returncode"] in (0, 1) for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
