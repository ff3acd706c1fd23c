"""Per-file licence agreement between our scan JSON and ScanCode's JSON.

Our ``detected_license_expression`` (from the file's own text and tags) is compared with
ScanCode's ``detected_license_expression_spdx`` as licence expressions (equivalence with
``license-expression``, so ``MIT AND GPL-2.0-only`` equals ``GPL-2.0-only AND MIT``). Every
disagreement is put in a category:

- ``ours-none``: ScanCode found a licence, we found none;
- ``theirs-none``: we found a licence, ScanCode none;
- ``ours-superset`` / ``ours-subset``: both found licences and one's ids include the other's;
- ``different``: both found licences, with different ids;
- ``same-ids-other-operators``: the same ids combined differently (OR vs AND);
- ``only-ours`` / ``only-theirs``: a file only one tool listed (not counted in the share).

    python bench/scan_agreement.py OURS.json SCANCODE.json   # prints the categories
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from license_expression import ExpressionError, Licensing

_LICENSING = Licensing()


def ours_by_path(doc: dict[str, Any]) -> dict[str, str | None]:
    """Path -> detected expression of an ``openesx-license scan --json`` document."""
    return {f["path"]: f["detected_license_expression"] for f in doc["files"]}


def theirs_by_path(doc: dict[str, Any]) -> dict[str, str | None]:
    """Path (root folder stripped) -> detected SPDX expression of a ScanCode JSON document."""
    out: dict[str, str | None] = {}
    for f in doc["files"]:
        if f.get("type") != "file":
            continue
        path = f["path"].split("/", 1)[1] if "/" in f["path"] else f["path"]
        out[path] = f.get("detected_license_expression_spdx") or None
    return out


def _keys(expression: str) -> set[str]:
    try:
        return {k.lower() for k in _LICENSING.license_keys(expression)}
    except ExpressionError:
        return {expression.lower()}


def _equivalent(a: str, b: str) -> bool:
    try:
        return bool(_LICENSING.is_equivalent(a, b))
    except ExpressionError:
        return a == b


def category(ours: str | None, theirs: str | None) -> str | None:
    """The disagreement category of one file, or None when the two agree."""
    if ours is None and theirs is None:
        return None
    if ours is None:
        return "ours-none"
    if theirs is None:
        return "theirs-none"
    if _equivalent(ours, theirs):
        return None
    a, b = _keys(ours), _keys(theirs)
    if a == b:
        return "same-ids-other-operators"
    if a > b:
        return "ours-superset"
    if a < b:
        return "ours-subset"
    return "different"


def compare(ours_doc: dict[str, Any], theirs_doc: dict[str, Any]) -> dict[str, Any]:
    """Agreement figures and every disagreement, by category."""
    ours, theirs = ours_by_path(ours_doc), theirs_by_path(theirs_doc)
    common = sorted(set(ours) & set(theirs))
    disagreements = []
    for path in common:
        cat = category(ours[path], theirs[path])
        if cat:
            disagreements.append(
                {"path": path, "category": cat, "ours": ours[path], "theirs": theirs[path]}
            )
    disagreements += [
        {"path": p, "category": "only-ours", "ours": ours[p], "theirs": None}
        for p in sorted(set(ours) - set(theirs))
    ]
    disagreements += [
        {"path": p, "category": "only-theirs", "ours": None, "theirs": theirs[p]}
        for p in sorted(set(theirs) - set(ours))
    ]
    counted = [d for d in disagreements if d["category"] not in ("only-ours", "only-theirs")]
    agree = len(common) - len(counted)
    return {
        "files_compared": len(common),
        "agree": agree,
        "agreement": round(agree / len(common), 4) if common else 0.0,
        "by_category": dict(Counter(d["category"] for d in disagreements).most_common()),
        "disagreements": disagreements,
    }


def main(argv: list[str]) -> int:
    """Compare two JSON files given on the command line and print the categories."""
    ours_doc = json.loads(Path(argv[0]).read_text())
    theirs_doc = json.loads(Path(argv[1]).read_text())
    result = compare(ours_doc, theirs_doc)
    print(
        f"agreement {result['agree']}/{result['files_compared']} = {result['agreement']:.2%}; "
        f"by category: {result['by_category']}"
    )
    for d in result["disagreements"]:
        print(f"  {d['category']:<26} {d['path']}")
        print(f"      ours:   {d['ours']}\n      theirs: {d['theirs']}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
