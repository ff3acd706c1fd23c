"""Benchmark: the whole audit (and the graph export) of Xen 4.17 and QEMU 7.2.

Each tree is audited with a policy that splits it into components (bench/policies/), once
with an empty licence cache (cold) and once more with the cache the first run filled (warm);
then the file-level graph is exported from the warm cache. Wall time and peak memory of the
whole process tree (bench/common.py), and the CPU seconds of that tree (on a machine shared
with other jobs, CPU time / 2 estimates the wall time on two idle cores). Target: QEMU
audited in under 2 minutes on 2 cores with a warm cache.

    python bench/audit.py [xen|qemu ...]      # default: both
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, REPO, Measurement, fetch_corpus, measure, save  # noqa: E402

CORPORA = {"xen": "xen", "qemu": "qemu"}
TARGET_WARM_SECONDS = {"qemu": 120.0}
JOBS = "2"


def _cpu_seconds() -> float:
    """User + system CPU time of every waited-for descendant so far (workers included)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(label: str, command: list[str]) -> tuple[Measurement, float]:
    """:func:`measure` plus the CPU seconds the command's process tree used: on a shared
    machine wall time says more about the neighbours than about us, CPU time does not."""
    before = _cpu_seconds()
    measurement = measure(label, command)
    cpu = round(_cpu_seconds() - before, 1)
    print(f"[bench] {label}: {cpu:.0f} CPU s", file=sys.stderr, flush=True)
    return measurement, cpu


def _audit(
    label: str, tree: Path, policy: Path, cache: Path, out: Path
) -> tuple[Measurement, float]:
    command = [
        str(BIN / "openesx-license"), "audit", str(tree), "--policy", str(policy),
        "--out", str(out), "--format", "json", "--fail-on", "never",
        "--jobs", JOBS, "--cache-dir", str(cache),
    ]  # fmt: skip
    return timed(label, command)


def _findings(out: Path) -> dict[str, int]:
    try:
        data = json.loads((out / "findings.json").read_text())
    except (OSError, ValueError):
        return {}
    counts: dict[str, int] = {}
    for finding in data.get("findings", []):
        counts[finding["rule"]] = counts.get(finding["rule"], 0) + 1
    return dict(sorted(counts.items()))


def _saved_results() -> dict[str, object]:
    """Results of corpora measured by an earlier run (``audit.py qemu`` keeps Xen's)."""
    try:
        saved = json.loads((REPO / "bench" / "results" / "audit.json").read_text())
    except (OSError, ValueError):
        return {}
    results = saved.get("results")
    return results if isinstance(results, dict) else {}


def bench_tree(name: str, work: Path) -> dict[str, object]:
    """Cold audit, warm audit and warm graph export of one corpus."""
    tree = fetch_corpus(CORPORA[name])
    policy = REPO / "bench" / "policies" / f"{name}.toml"
    cache = work / f"{name}-cache"
    out = work / f"{name}-out"
    files = sum(1 for p in tree.rglob("*") if p.is_file())
    cold, cold_cpu = _audit(f"{name} audit, cold cache", tree, policy, cache, out)
    warm, warm_cpu = _audit(f"{name} audit, warm cache", tree, policy, cache, out)
    graph, graph_cpu = timed(
        f"{name} graph export, warm cache",
        [str(BIN / "openesx-license"), "graph", str(tree), "--policy", str(policy),
         "--format", "json", "--level", "file", "-o", str(work / f"{name}-graph.json"),
         "--jobs", JOBS, "--cache-dir", str(cache)],
    )  # fmt: skip
    result: dict[str, object] = {
        "tree": str(tree),
        "files": files,
        "cold": cold,
        "warm": warm,
        "graph": graph,
        "cpu_seconds": {"cold": cold_cpu, "warm": warm_cpu, "graph": graph_cpu},
        "findings": _findings(out),
    }
    if name in TARGET_WARM_SECONDS:
        result["target_warm_seconds"] = TARGET_WARM_SECONDS[name]
        result["target_met"] = (
            warm.returncode in (0, 1) and warm.seconds < TARGET_WARM_SECONDS[name]
        )
    return result


def main(argv: list[str] | None = None) -> int:
    """Run the selected corpora; print and save the figures; non-zero when a run failed."""
    names = argv if argv is not None else sys.argv[1:] if __name__ == "__main__" else []
    names = names or list(CORPORA)
    work = Path(tempfile.mkdtemp(prefix="oesx-bench-audit-"))
    try:
        results = {name: bench_tree(name, work) for name in names}
    finally:
        shutil.rmtree(work, ignore_errors=True)
    path = save("audit", {"jobs": int(JOBS), "results": {**_saved_results(), **results}})
    failed = False
    for name, r in results.items():
        cold, warm, graph = r["cold"], r["warm"], r["graph"]
        assert isinstance(cold, Measurement) and isinstance(warm, Measurement)
        assert isinstance(graph, Measurement)
        print(
            f"{name}: {r['files']} files; audit cold {cold.seconds:.0f} s / "
            f"{cold.peak_rss_mb:.0f} MB, warm {warm.seconds:.0f} s / {warm.peak_rss_mb:.0f} MB; "
            f"graph export (warm) {graph.seconds:.0f} s / {graph.peak_rss_mb:.0f} MB; "
            f"CPU s {r['cpu_seconds']}; "
            f"findings {r['findings']}"
            + (f"; target met: {r['target_met']}" if "target_met" in r else "")
        )
        failed |= any(m.returncode not in (0, 1) for m in (cold, warm, graph))
    print(f"saved {path}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
