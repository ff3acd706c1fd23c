"""Expected findings of a fixture tree, kept as a Markdown table in the tree's README.md.

The README is the one place the list lives (people read it, the tests compare against it):
rows between ``<!-- expected-findings:start -->`` and ``<!-- expected-findings:end -->``,
columns ``rule | path | target | ...``; ``-`` stands for no target. Cells are HTML-unescaped
(``&#32;`` lets the README name a proprietary marker without carrying it).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

_BLOCK = re.compile(
    r"<!-- expected-findings:start -->(.*?)<!-- expected-findings:end -->", re.DOTALL
)

Triple = tuple[str, str, str | None]


def expected_findings(readme: Path) -> set[Triple]:
    """The (rule, path, target) triples listed in ``readme``'s expected-findings table."""
    match = _BLOCK.search(readme.read_text(encoding="utf-8"))
    if match is None:
        raise ValueError(f"{readme}: no expected-findings table")
    triples: set[Triple] = set()
    for line in match.group(1).strip().splitlines()[2:]:  # skip header and separator
        cells = [html.unescape(cell.strip()) for cell in line.strip().strip("|").split("|")]
        rule, path, target = cells[0], cells[1], cells[2]
        triples.add((rule, path, None if target == "-" else target))
    return triples
