"""Benchmark: precision of the IP rules on two real trees nobody here wrote (issue 15).

Each tree is audited, untouched, under a realistic policy (bench/policies/) that declares one
or two of its folders proprietary; every IP finding (``proprietary-code``,
``boundary-crossing``, ``copied-code``, ``gpl-only-symbol``) is listed beside the verdict a
person gave it by reading both sides (bench/precision-verdicts.toml: ``real`` with the reason,
or ``false``). A finding no verdict covers is ``unjudged`` and fails the run, so that a change
that adds findings is read, not counted; so does any ``false`` one (target: none).

    python bench/precision.py [xen|flac ...]      # default: both
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, REPO, fetch_corpus, measure, save  # noqa: E402

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: corpus name -> Debian source package (flac 1.4.2 is built with automake)
CORPORA = {"xen": "xen", "flac": "flac"}
IP_RULES = ("proprietary-code", "boundary-crossing", "copied-code", "gpl-only-symbol")
VERDICTS = REPO / "bench" / "precision-verdicts.toml"


def verdicts() -> dict[tuple[str, str, str, str], dict[str, str]]:
    """The hand verdicts, by (tree, rule, path, target)."""
    data = tomllib.loads(VERDICTS.read_text(encoding="utf-8"))
    return {(v["tree"], v["rule"], v["path"], v.get("target", "-")): v for v in data["verdict"]}


def audit(name: str, work: Path, cache: Path) -> tuple[list[dict[str, object]], float]:
    """IP findings of the untouched tree under its policy, and the audit's wall time."""
    tree = fetch_corpus(CORPORA[name])
    out = work / f"{name}-out"
    command = [
        str(BIN / "openesx-license"), "audit", str(tree),
        "--policy", str(REPO / "bench" / "policies" / f"{name}.toml"),
        "--out", str(out), "--format", "json", "--fail-on", "never",
        "--jobs", "2", "--cache-dir", str(cache),
    ]  # fmt: skip
    run = measure(f"{name} audit", command)
    doc = json.loads((out / "findings.json").read_text())
    found = [f for f in doc["findings"] if f["rule"] in IP_RULES]
    return found, run.seconds


def main(argv: list[str] | None = None) -> int:
    """Audit the selected trees, judge every IP finding; non-zero on a false or unjudged one."""
    names = argv if argv is not None else sys.argv[1:] if __name__ == "__main__" else []
    names = names or list(CORPORA)
    judged = verdicts()
    # kept between runs (warm re-runs); OESX_BENCH_CACHE puts it elsewhere
    default = Path(tempfile.gettempdir()) / "oesx-bench-precision-cache"
    cache = Path(os.environ.get("OESX_BENCH_CACHE", default))
    results: dict[str, object] = {}
    bad = 0
    with tempfile.TemporaryDirectory(prefix="oesx-bench-precision-") as tmp:
        for name in names:
            found, seconds = audit(name, Path(tmp), cache)
            rows = []
            for f in found:
                key = (name, str(f["rule"]), str(f["path"]), str(f["target"] or "-"))
                verdict = judged.get(key, {"verdict": "unjudged", "reason": ""})
                row = {key: f[key] for key in ("rule", "severity", "path", "line", "target")}
                rows.append({**row, "verdict": verdict["verdict"], "reason": verdict["reason"]})
                print(
                    f"{name}: {verdict['verdict']:<8} {f['severity']:<7} {f['rule']:<18} "
                    f"{f['path']}:{f['line'] or '-'} -> {f['target']}"
                )
            counts = Counter(str(r["verdict"]) for r in rows)
            bad += counts["false"] + counts["unjudged"]
            results[name] = {"seconds": round(seconds, 1), "counts": dict(counts), "findings": rows}
            print(f"{name}: {len(rows)} IP findings {dict(counts)} ({seconds:.0f} s)")
    path = save("precision", {"results": results})
    print(f"saved {path}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
