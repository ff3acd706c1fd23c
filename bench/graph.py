"""Benchmark the dependency graph build on Xen and QEMU: cold (empty facts cache), then warm.

    python bench/graph.py               # both trees
    python bench/graph.py xen           # one

Each run is a fresh process (``bench/graph.py --build ROOT CACHE OUT DIRS``) that lists the
tree with the inventory stage and builds the graph; ``measure`` times the whole process and
its peak memory, and the child writes the graph's own statistics (seconds spent in
``build_graph``, facts read/cached, edges per kind) to a JSON file. At most 2 worker processes
read files on the cold run (the machine's limit).
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, fetch_corpus, measure, save  # noqa: E402

#: include folders a release engineer would put in the policy's [graph] include_dirs
TREES = {
    "xen": ["xen/include", "xen/arch/x86/include", "tools/include"],
    "qemu": ["include", ".", "linux-headers", "tcg"],
}


def _build(root: Path, cache: Path, out: Path, include_dirs: list[str]) -> None:
    from openesx_license.graph import build_graph
    from openesx_license.inventory import list_files
    from openesx_license.model import FileRecord

    started = time.perf_counter()
    entries = list_files(root)
    records = [
        FileRecord(path=e.path, size=e.size, sha1=e.sha1, kind=e.kind, language=e.language)
        for e in entries
    ]
    listed = time.perf_counter()
    graph = build_graph(root, records, include_dirs=include_dirs, cache_dir=cache, jobs=2)
    stats = dict(graph.graph["stats"])
    stats["inventory_seconds"] = round(listed - started, 2)
    own, workers = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    # CPU time says more than wall time on a machine shared with other jobs
    stats["cpu_seconds"] = round(
        own.ru_utime + own.ru_stime + workers.ru_utime + workers.ru_stime, 2
    )
    stats["nodes"] = graph.number_of_nodes()
    stats["edges_total"] = graph.number_of_edges()
    out.write_text(json.dumps(stats, indent=2))


def main(names: list[str] | None = None) -> int:
    """Cold and warm graph builds of the selected trees; results to bench/results/graph.json."""
    results: dict[str, object] = {}
    for name in names or list(TREES):
        root = fetch_corpus(name)
        with tempfile.TemporaryDirectory(prefix="oesx-graph-bench-") as tmp:
            cache = Path(tmp) / "cache"
            runs = {}
            for label in ("cold", "warm"):
                out = Path(tmp) / f"{label}.json"
                command = [
                    str(BIN / "python"),
                    str(Path(__file__).resolve()),
                    "--build",
                    str(root),
                    str(cache),
                    str(out),
                    ",".join(TREES[name]),
                ]
                measurement = measure(f"graph {name} {label}", command)
                stats = json.loads(out.read_text()) if out.exists() else {}
                runs[label] = {"process": measurement, "graph": stats}
                print(
                    f"{name} {label}: process {measurement.seconds:.1f} s, build_graph "
                    f"{stats.get('seconds')} s, CPU {stats.get('cpu_seconds')} s, "
                    f"peak {measurement.peak_rss_mb:.0f} MB, "
                    f"edges {stats.get('edges')}",
                    flush=True,
                )
            shutil.rmtree(cache, ignore_errors=True)
        results[name] = runs
    path = save("graph", results)
    print(f"results: {path}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--build":
        _build(Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]), sys.argv[5].split(","))
        sys.exit(0)
    sys.exit(main(sys.argv[1:]))
