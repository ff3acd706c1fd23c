"""Differential benchmark: our licence detection against ScanCode's, on what ScanCode ships.

    python bench/differential.py                  # default sample (ScanCode side ~15 min cold)
    python bench/differential.py --full           # every licence text, 4,000 rule texts
    python bench/differential.py --seed 7 --licences 300 --rules 900
    python bench/run.py differential              # the default, as part of `make bench`

The corpus is built from the installed ScanCode Toolkit's own data, each file alone in its
folder, in a temporary folder:

- ``license-text``: the text of a licence of ``licensedcode/data/licenses/`` as ``plain.txt``
  (a seeded sample by default, every non-empty one with ``--full``); ``license-text-in-c``:
  the same text inside a C comment after a few lines of code (``main.c``);
- ``rule-text`` / ``rule-text-in-c``: a seeded sample of the rule texts of
  ``licensedcode/data/rules/`` (false-positive, clue and intro rules left out: they state no
  licence), the same two ways;
- ``spdx-known``, ``spdx-deprecated``, ``spdx-exception``, ``spdx-unknown``: C files whose
  ``SPDX-License-Identifier`` names current ids, deprecated ids (``GPL-2.0+``), ``WITH``
  exceptions, and unknown ids mixed with known ones.

Each file has a truth: the licence's SPDX key, the rule's expression rendered to SPDX with
ScanCode's ``build_spdx_license_expression``, or the tag's ids mapped through ScanCode's SPDX
symbols (an unknown id becomes ``LicenseRef-scancode-unknown-spdx``, as ScanCode writes it).
Both tools are scored against it, exact when the expressions are equivalent (or are once an
exception joined with ``WITH`` is read as joined with ``AND``, where ScanCode's licence data
calls it an exception: ScanCode's rules write ``gpl-2.0-plus AND bootloader-exception`` for one
notice, and SPDX allows an exception only after ``WITH``; such files are counted and listed
apart): ours
(``openesx-license scan --json``, this checkout) on ``detected_license_expression``,
``scancode -l -n 2 --json`` on ``detected_license_expression_spdx``. Every file where ScanCode
is exact and ours is not is listed. ScanCode's results are cached under
``$XDG_CACHE_HOME/openesx-license/bench/``, keyed by ScanCode's version and a hash of the
corpus (so by the seed and the sizes), so a re-run costs only our side.
Results: bench/results/differential.json.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.metadata
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, REPO, measure, save  # noqa: E402

#: default sample: about 3,500 files, which ScanCode (-n 2, ~4 files/s here) takes ~15 min on
DEFAULT_LICENCES = 450
DEFAULT_RULES = 1250
FULL_RULES = 4000
DEFAULT_SEED = 16
UNKNOWN_SPDX = "LicenseRef-scancode-unknown-spdx"
CATEGORIES = (
    "license-text",
    "license-text-in-c",
    "rule-text",
    "rule-text-in-c",
    "spdx-known",
    "spdx-deprecated",
    "spdx-exception",
    "spdx-unknown",
)
_CODE_BEFORE = '#include <stdio.h>\n#include "config.h"\n\nstatic int counter;\n\n'
_CODE_AFTER = '\nint main(void)\n{\n\tprintf("%d\\n", counter);\n\treturn 0;\n}\n'
_SPDX_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.+-]*$")
_UNKNOWN_IDS = ("foo-short-name", "Acme-Internal-1.0", "Vendor-EULA", "bar-2.0+")


@dataclass(frozen=True, kw_only=True)
class Sample:
    """One corpus file: where it is, what it is, and the licence it truly states."""

    path: str
    category: str
    truth: str | None
    source: str


def in_c_comment(text: str) -> str:
    """``text`` inside a C block comment, after a few lines of code and before a function."""
    body = text.replace("*/", "* /").splitlines()
    comment = "/*\n" + "".join(f" * {line}".rstrip() + "\n" for line in body) + " */\n"
    return _CODE_BEFORE + comment + _CODE_AFTER


def _spdx_tables() -> tuple[Any, dict[str, Any], Any]:
    """ScanCode's licence db, its SPDX symbols by lower-case id, and its licensing."""
    from licensedcode.cache import build_licensing, build_spdx_symbols
    from licensedcode.models import load_licenses

    db = load_licenses()
    return db, build_spdx_symbols(db), build_licensing(db)


def _tag_samples(db: Any, symbols: dict[str, Any], rng: random.Random, n: int) -> list[Any]:
    """``(category, tag expression, truth)`` for ``n`` tags of each SPDX category."""
    lics = sorted(db.values(), key=lambda lic: lic.key)
    plain = [x for x in lics if x.spdx_license_key and not x.is_exception]
    plain = [x for x in plain if not x.spdx_license_key.startswith("LicenseRef-")]
    exceptions = [x for x in lics if x.is_exception and x.spdx_license_key]
    exceptions = [x for x in exceptions if not x.spdx_license_key.startswith("LicenseRef-")]
    deprecated = [
        (alias, lic.spdx_license_key)
        for lic in lics
        for alias in lic.other_spdx_license_keys or ()
        if _SPDX_ID.match(alias) and not alias.startswith("LicenseRef-")
        and symbols.get(alias.lower()) is not None
        and symbols[alias.lower()].wrapped.key == lic.key
    ]  # fmt: skip
    out = []
    for _ in range(n):
        a, b = rng.sample(plain, 2)
        op = rng.choice((" OR ", " AND "))
        key = a.spdx_license_key
        shown = rng.choice((key, key.lower(), key.upper()))
        out.append(("spdx-known", f"{shown}{op}{b.spdx_license_key}",
                    f"{key}{op}{b.spdx_license_key}"))  # fmt: skip
        alias, current = rng.choice(deprecated)
        other = rng.choice(plain).spdx_license_key
        out.append(("spdx-deprecated", f"({alias} OR {other})", f"{current} OR {other}"))
        exc = rng.choice(exceptions).spdx_license_key
        out.append(("spdx-exception", f"{key} WITH {exc}", f"{key} WITH {exc}"))
        unknown = rng.choice(_UNKNOWN_IDS)
        shape = rng.randrange(4)
        if shape == 0:
            tag, truth = f"{unknown} AND {key}", f"{UNKNOWN_SPDX} AND {key}"
        elif shape == 1:
            tag, truth = f"{key} OR {unknown}", f"{key} OR {UNKNOWN_SPDX}"
        elif shape == 2:
            tag, truth = f"{key} WITH {unknown}-exception", f"{key} WITH {UNKNOWN_SPDX}"
        else:
            tag, truth = unknown, UNKNOWN_SPDX
        out.append(("spdx-unknown", tag, truth))
    out.append(("spdx-known", "MPL-2.0-no-copyleft-exception", "MPL-2.0-no-copyleft-exception"))
    out.append(("spdx-exception", "GPL-2.0 WITH Linux-syscall-note",
                "GPL-2.0-only WITH Linux-syscall-note"))  # fmt: skip
    return out


def build_corpus(tree: Path, *, seed: int, licences: int | None, rules: int) -> list[Sample]:
    """Write the corpus below ``tree``; ``licences=None`` takes every licence text."""
    from licensedcode.cache import build_spdx_license_expression
    from licensedcode.models import load_rules

    rng = random.Random(seed)
    db, symbols, licensing = _spdx_tables()
    texts = [lic for lic in sorted(db.values(), key=lambda x: x.key) if (lic.text or "").strip()]
    if licences is not None and licences < len(texts):
        texts = rng.sample(texts, licences)
    all_rules = sorted(load_rules(), key=lambda r: r.identifier)
    usable = [
        r for r in all_rules
        if not (r.is_false_positive or r.is_license_clue or r.is_license_intro)
        and r.license_expression and (r.text or "").strip()
    ]  # fmt: skip
    picked = rng.sample(usable, min(rules, len(usable)))
    samples: list[Sample] = []

    def write(category: str, name: str, filename: str, text: str, truth: str | None, src: str):
        rel = f"{category}/{len(samples):05d}-{name}/{filename}"
        dest = tree / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text, encoding="utf-8")
        samples.append(Sample(path=rel, category=category, truth=truth, source=src))

    for lic in texts:
        text = lic.text.strip("\n") + "\n"
        src = f"licenses/{lic.key}.LICENSE"
        write("license-text", lic.key, "plain.txt", text, lic.spdx_license_key, src)
        write("license-text-in-c", lic.key, "main.c", in_c_comment(text),
              lic.spdx_license_key, src)  # fmt: skip
    for rule in picked:
        text = rule.text.replace("{{", "").replace("}}", "").strip("\n") + "\n"
        truth = str(build_spdx_license_expression(rule.license_expression, licensing=licensing))
        name = rule.identifier.rsplit(".", 1)[0][:60]
        src = f"rules/{rule.identifier}"
        write("rule-text", name, "plain.txt", text, truth, src)
        write("rule-text-in-c", name, "main.c", in_c_comment(text), truth, src)
    for category, tag, truth in _tag_samples(db, symbols, rng, max(12, rules // 40)):
        text = f"// SPDX-License-Identifier: {tag}\n{_CODE_BEFORE}{_CODE_AFTER}"
        write(category, "tag", "main.c", text, truth, f"tag: {tag}")
    return samples


def corpus_key(tree: Path, samples: list[Sample], scancode: str) -> str:
    """Hash of ScanCode's version and every file's path and content."""
    digest = hashlib.sha1(scancode.encode(), usedforsecurity=False)
    for s in samples:
        digest.update(s.path.encode())
        digest.update(hashlib.sha1((tree / s.path).read_bytes(), usedforsecurity=False).digest())
    return digest.hexdigest()[:20]


def _cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "openesx-license" / "bench"


def scancode_side(tree: Path, key: str, *, refresh: bool) -> tuple[dict[str, Any], float | None]:
    """ScanCode's expression per corpus path, from the cache or from a run (cached after)."""
    cached = _cache_dir() / f"differential-scancode-{key}.json"
    if cached.exists() and not refresh:
        data = json.loads(cached.read_text())
        print(f"[bench] ScanCode side from the cache {cached} ({data['seconds']:.0f} s when run)")
        return data["expressions"], None
    out = tree.parent / "scancode.json"
    run = measure("scancode -l -n 2", [str(BIN / "scancode"), "-l", "-n", "2", "--json",
                                       str(out), str(tree)])  # fmt: skip
    doc = json.loads(out.read_text())
    expressions = {
        f["path"].split("/", 1)[1]: f.get("detected_license_expression_spdx") or None
        for f in doc["files"]
        if f.get("type") == "file"
    }
    cached.parent.mkdir(parents=True, exist_ok=True)
    payload = {"seconds": run.seconds, "peak_rss_mb": run.peak_rss_mb, "expressions": expressions}
    cached.write_text(json.dumps(payload) + "\n")
    return expressions, run.seconds


def ours_side(tree: Path, work: Path) -> tuple[dict[str, Any], float]:
    """Our ``detected_license_expression`` per corpus path, from a cold scan of this checkout."""
    out = work / "ours.json"
    entry = "from openesx_license.cli.main import main; main()"
    command = [sys.executable, "-c", entry, "scan", str(tree),
               "--json", str(out), "--cache-dir", str(work / "cache"), "--jobs", "2",
               "--no-progress"]  # fmt: skip
    env = {"PYTHONPATH": str(REPO)}
    run = measure("openesx-license scan", command, env=env)
    doc = json.loads(out.read_text())
    return {f["path"]: f["detected_license_expression"] for f in doc["files"]}, run.seconds


def scancode_exceptions() -> frozenset[str]:
    """The lower-case SPDX ids that ScanCode's licence data calls exceptions."""
    _, symbols, _ = _spdx_tables()
    return frozenset(k for k, sym in symbols.items() if sym.wrapped.is_exception)


def _with_as_and(expression: str, licensing: Any, exceptions: frozenset[str]) -> str | None:
    """``expression`` with each ``licence WITH exception`` written ``licence AND exception``
    where ScanCode's data calls the exception one (None when nothing was rewritten)."""
    from license_expression import AND, LicenseWithExceptionSymbol

    changed = False

    def walk(node: Any) -> Any:
        nonlocal changed
        if isinstance(node, LicenseWithExceptionSymbol):
            if node.exception_symbol.key.lower() in exceptions:
                changed = True
                return AND(node.license_symbol, node.exception_symbol)
            return node
        if hasattr(node, "args") and node.args:
            return node.__class__(*[walk(a) for a in node.args])
        return node

    try:
        rewritten = walk(licensing.parse(expression))
    except Exception:  # noqa: BLE001 - an unparsable expression is not rewritten
        return None
    return str(rewritten) if changed else None


def _match(
    found: str | None, truth: str | None, licensing: Any, exceptions: frozenset[str]
) -> str | None:
    """``"exact"`` when the expressions are equivalent; ``"with-as-and"`` when they are once
    an exception joined with ``WITH`` is read as joined with ``AND`` (ScanCode's rules write
    ``gpl-2.0-plus AND bootloader-exception`` for one notice, SPDX allows an exception only
    after ``WITH``), on ids ``exceptions`` (ScanCode's data) calls exceptions; else None."""
    if _exact(found, truth, licensing):
        return "exact"
    if not exceptions or found is None or truth is None:
        return None
    f = _with_as_and(found, licensing, exceptions) or found
    t = _with_as_and(truth, licensing, exceptions) or truth
    if (f, t) != (found, truth) and _exact(f, t, licensing):
        return "with-as-and"
    return None


def _exact(found: str | None, truth: str | None, licensing: Any) -> bool:
    if found is None or truth is None:
        return found is None and truth is None
    if found == truth:
        return True
    try:
        return bool(licensing.is_equivalent(found, truth))
    except Exception:  # noqa: BLE001 - an unparsable expression is not exact
        return False


def score(
    samples: list[Sample],
    ours: dict[str, Any],
    theirs: dict[str, Any],
    exceptions: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    """Exact shares per category, and every file where ScanCode is exact and ours is not.

    With ``exceptions`` (:func:`scancode_exceptions`), an expression that differs from the
    truth only in joining one of those exceptions with ``WITH`` instead of ``AND`` (or the
    other way round) counts as exact for either tool; such files are counted apart
    (``ours_with_as_and``, ``scancode_with_as_and``) and listed in ``with_as_and``.
    """
    from license_expression import Licensing

    licensing = Licensing()
    per: dict[str, Counter[str]] = {c: Counter() for c in CATEGORIES}
    losses = []
    lenient = []
    for s in samples:
        o, t = ours.get(s.path), theirs.get(s.path)
        m_o = _match(o, s.truth, licensing, exceptions)
        m_t = _match(t, s.truth, licensing, exceptions)
        ok_o, ok_t = m_o is not None, m_t is not None
        c = per[s.category]
        c["files"] += 1
        c["ours_exact"] += ok_o
        c["scancode_exact"] += ok_t
        c["ours_with_as_and"] += m_o == "with-as-and"
        c["scancode_with_as_and"] += m_t == "with-as-and"
        c["agree"] += _match(o, t, licensing, exceptions) is not None
        c["only_ours_exact"] += ok_o and not ok_t
        if "with-as-and" in (m_o, m_t):
            lenient.append({"path": s.path, "source": s.source, "truth": s.truth,
                            "ours": o, "scancode": t})  # fmt: skip
        if ok_t and not ok_o:
            c["only_scancode_exact"] += 1
            losses.append({"path": s.path, "source": s.source, "truth": s.truth,
                           "ours": o, "scancode": t})  # fmt: skip
    table = {}
    for cat, c in per.items():
        n = c["files"] or 1
        table[cat] = {
            **dict(c),
            "ours_share": round(c["ours_exact"] / n, 4),
            "scancode_share": round(c["scancode_exact"] / n, 4),
        }
    return {"categories": table, "scancode_right_ours_wrong": losses, "with_as_and": lenient}


def main(argv: list[str] | None = None) -> int:
    """Build the corpus, run both sides, score, print and save; 0 when both sides ran."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="every licence text, 4,000 rules")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--licences", type=int, default=DEFAULT_LICENCES)
    parser.add_argument("--rules", type=int, default=DEFAULT_RULES)
    parser.add_argument("--refresh", action="store_true", help="re-run ScanCode, cache or not")
    parser.add_argument("--keep", type=Path, help="copy the corpus and ours.json there")
    parser.add_argument("--scancode-only", action="store_true", help="fill the cache; no score")
    args = parser.parse_args(argv or [])
    licences = None if args.full else args.licences
    rules = FULL_RULES if args.full else args.rules
    scancode_version = importlib.metadata.version("scancode-toolkit")
    with tempfile.TemporaryDirectory(prefix="oesx-bench-diff-") as tmp_name:
        work = Path(tmp_name)
        tree = work / "corpus"
        started = time.perf_counter()
        samples = build_corpus(tree, seed=args.seed, licences=licences, rules=rules)
        built = time.perf_counter() - started
        key = corpus_key(tree, samples, scancode_version)
        print(f"[bench] corpus: {len(samples)} files in {built:.0f} s, key {key}", flush=True)
        theirs, sc_seconds = scancode_side(tree, key, refresh=args.refresh)
        if args.scancode_only:
            return 0
        ours, our_seconds = ours_side(tree, work)
        if args.keep:
            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.copytree(tree, args.keep / "corpus")
            shutil.copy(work / "ours.json", args.keep / "ours.json")
    result = score(samples, ours, theirs, scancode_exceptions())
    print(f"\nDifferential benchmark, seed {args.seed}, {len(samples)} files "
          f"(ours cold {our_seconds:.0f} s; ScanCode "
          f"{'cached' if sc_seconds is None else f'{sc_seconds:.0f} s'}):")  # fmt: skip
    print(f"  {'category':<18} {'files':>6} {'ours':>8} {'ScanCode':>9} {'agree':>6} "
          f"{'only SC right':>13} {'only ours right':>15}")  # fmt: skip
    for cat, c in result["categories"].items():
        print(f"  {cat:<18} {c['files']:>6} {c['ours_share']:>8.1%} {c['scancode_share']:>9.1%} "
              f"{c['agree']:>6} {c.get('only_scancode_exact', 0):>13} "
              f"{c.get('only_ours_exact', 0):>15}")  # fmt: skip
    for item in result["with_as_and"]:
        print(f"    exact once WITH reads as AND for an exception: {item['path']} "
              f"({item['source']}): truth {item['truth']} | ours {item['ours']} | "
              f"ScanCode {item['scancode']}")  # fmt: skip
    for loss in result["scancode_right_ours_wrong"]:
        print(f"    {loss['path']} ({loss['source']}): truth {loss['truth']} | "
              f"ours {loss['ours']} | ScanCode {loss['scancode']}")  # fmt: skip
    path = save("differential", {
        "command": " ".join(["python bench/differential.py", *(argv or [])]),
        "seed": args.seed, "licences": licences, "rules": rules, "files": len(samples),
        "corpus_key": key, "ours_seconds": our_seconds, "scancode_seconds": sc_seconds,
        **result,
    })  # fmt: skip
    print(f"  saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
