"""Two of our scan JSON documents of one tree, file by file: the output-identity check.

    python bench/scan_diff.py BEFORE.json AFTER.json    # exit 1 when any file differs

A speed change to detection must leave every file record as it was: detected and concluded
expressions, every detection (method, lines, score, rule, matched text), copyrights, holders,
markers and errors. Each differing field is counted and the first differences are shown.
Only ``stats`` (timings, counts of work done) may differ between the documents.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[int, Counter[str], list[str]]:
    """Files compared, differing fields counted, and a description of the first differences."""
    old = {f["path"]: f for f in before["files"]}
    new = {f["path"]: f for f in after["files"]}
    fields: Counter[str] = Counter()
    shown: list[str] = []
    for path in sorted(set(old) | set(new)):
        a, b = old.get(path), new.get(path)
        if a is None or b is None:
            fields["only in one"] += 1
            shown.append(f"{path}: only in {'after' if a is None else 'before'}")
            continue
        for key in sorted(set(a) | set(b)):
            if a.get(key) != b.get(key):
                fields[key] += 1
                if len(shown) < 20:
                    shown.append(f"{path}: {key}: {a.get(key)!r} -> {b.get(key)!r}"[:600])
    return len(set(old) | set(new)), fields, shown


def main(argv: list[str]) -> int:
    """Compare the two documents named on the command line; 0 when every file is the same."""
    before = json.loads(Path(argv[0]).read_text())
    after = json.loads(Path(argv[1]).read_text())
    files, fields, shown = diff(before, after)
    differing = dict(fields)
    print(f"{files} files compared; differing fields: {differing or 'none'}")
    for line in shown:
        print(f"  {line}")
    return 1 if fields else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
