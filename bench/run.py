"""Run the benchmarks (``make bench``): each bench/<name>.py has a ``main()``.

    python bench/run.py                 # all of them, in the order below
    python bench/run.py scan audit      # a selection

``linux`` runs only where a Linux tree is unpacked (bench/linux.py says where it looks).

Results are printed and saved as JSON under bench/results/; the README quotes them with the
machine they were measured on.
"""

from __future__ import annotations

import importlib
import sys
import time
from pathlib import Path

ORDER = [
    "scan",
    "linux",
    "differential",
    "memory",
    "audit",
    "graph",
    "gate",
    "licensing",
    "copied",
    "precision",
    "report",
    "machine_reports",
]


def main(argv: list[str]) -> int:
    """Run the selected benchmarks (all when none named); return a process exit code."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    selected = argv or ORDER
    unknown = [name for name in selected if name not in ORDER]
    if unknown:
        print(f"bench: unknown benchmark(s) {unknown}; known: {ORDER}", file=sys.stderr)
        return 2
    failed = []
    for name in selected:
        start = time.perf_counter()
        print(f"=== bench {name} ===", flush=True)
        module = importlib.import_module(f"bench.{name}")
        rc = module.main()
        print(f"=== bench {name}: done in {time.perf_counter() - start:.0f} s (rc={rc}) ===")
        if rc:
            failed.append(name)
    if failed:
        print(f"bench: failed: {failed}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
