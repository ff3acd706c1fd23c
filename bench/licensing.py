"""Benchmark of the licensing stage: expression logic on wide expressions, and `options` on Xen.

    python bench/licensing.py            # micro-benchmark + options on Xen (warm cache)
    python bench/licensing.py --micro    # only the micro-benchmark

The micro-benchmark times outbound_verdict (parse + evaluation, caches cleared each round) on
expressions whose disjunctive normal form would be astronomically large: a 40-way OR, ten
40-way ORs joined by AND (40**10 DNF terms) and a 400-way OR. The expression logic walks the
parse tree instead, so each costs a few table look-ups per leaf. The `options` run measures
the whole command on the Xen tree (wall time and peak RSS of the process tree) and keeps its
JSON for docs/license-options-xen.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.common import BIN, RESULTS, fetch_corpus, measure, save  # noqa: E402
from openesx_license.licensing import LicenseKnowledge, outbound_verdict  # noqa: E402
from openesx_license.licensing.expression import parse_expression  # noqa: E402

ROUNDS = 200

_REFUSING = ["Apache-2.0", "GPL-3.0-only", "CDDL-1.0", "EPL-1.0", "MPL-1.1", "BSD-4-Clause"]


def _wide_or(width: int, last: str = "MIT") -> str:
    ids = [f"LicenseRef-bench-{i}" for i in range(width - 1 - len(_REFUSING))]
    return " OR ".join([*ids, *_REFUSING, last])


EXPRESSIONS = {
    "or-40": _wide_or(40),
    "and-of-10-or-40": " AND ".join(f"({_wide_or(40)})" for _ in range(10)),
    "or-400": _wide_or(400),
    "or-40-refused": " OR ".join(_REFUSING * 7),
}


def micro() -> dict[str, dict[str, float]]:
    """Median and max microseconds per cold verdict for each expression."""
    knowledge = LicenseKnowledge.load()
    out: dict[str, dict[str, float]] = {}
    for name, expression in EXPRESSIONS.items():
        samples = []
        for _ in range(ROUNDS):
            knowledge.verdict_cache.clear()
            parse_expression.cache_clear()
            start = time.perf_counter()
            verdict = outbound_verdict(expression, "GPL-2.0-only", knowledge)
            samples.append((time.perf_counter() - start) * 1e6)
        samples.sort()
        out[name] = {
            "leaves": float(expression.count(" OR ") + expression.count(" AND ") + 1),
            "median_us": round(samples[len(samples) // 2], 1),
            "max_us": round(samples[-1], 1),
            "allowed": float(verdict.allowed),
        }
        print(f"  {name:<18} {out[name]['median_us']:>10.1f} us median  ({verdict.chosen!r})")
    return out


def options_on_xen() -> dict[str, object]:
    """Time `options --json` on Xen (warm detection cache) and keep its output."""
    xen = fetch_corpus("xen")
    command = [str(BIN / "openesx-license"), "options", str(xen), "--json", "--jobs", "2"]
    warmup = measure("options xen (first run, fills the cache if empty)", command)
    warm = measure("options xen (warm cache)", command)
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "licensing-xen-options.json").write_text(output)
    rows = json.loads(output)["options"]
    for row in rows:
        print(
            f"  {row['license']:<14} {'allowed' if row['allowed'] else 'blocked':<8} "
            f"{row['blocking_files']:>5} blocking  {row['undetermined_files']:>4} undetermined"
        )
    return {"first": warmup, "warm": warm, "tree": str(xen), "options": rows}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; save bench/results/licensing.json."""
    args = sys.argv[1:] if argv is None else argv
    print("expression logic (cold caches, GPL-2.0-only outbound):")
    payload: dict[str, object] = {"micro": micro(), "rounds": ROUNDS}
    if "--micro" not in args:
        print("options on Xen:")
        payload["xen"] = options_on_xen()
    print(f"saved {save('licensing', payload)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
