"""Inline SVG pictures of the HTML report, laid out in Python (no script, no external file).

Two pictures: the licence distribution (horizontal bars, biggest first) and the component
dependency picture (components in one column per class, arrows with counts and edge kinds,
forbidden boundary crossings in red *and* dashed, warning-level ones (layering, facades) in
orange and dotted, so that colour is never the only cue). Every
text that comes from the audit goes through :func:`markupsafe.escape`.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from openesx_license.model import ComponentEdge, ComponentSummary, Severity

#: column order of the component picture; unknown classes go last
#: third-party left of open and proprietary right of it, so that the edges that matter most
#: (open -> proprietary, open -> third-party) join neighbouring columns and never cross a box
CLASS_ORDER = ("third-party", "open", "proprietary", "unmapped")
CLASS_LABEL = {
    "open": "Open (released)",
    "third-party": "Third-party",
    "proprietary": "Proprietary (must stay out)",
    "unmapped": "Not in any component",
}
_BAR_ROWS = 14
_NO_LICENSE = "(no licence found)"


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: characters per line and lines per label of the licence chart (longer ones end in "…")
_LABEL_CHARS, _LABEL_LINES = 40, 3


def _label_lines(name: str) -> list[str]:
    """``name`` wrapped at spaces into at most :data:`_LABEL_LINES` lines."""
    lines = textwrap.wrap(name, _LABEL_CHARS, break_long_words=True) or [name]
    if len(lines) > _LABEL_LINES:
        lines = lines[:_LABEL_LINES]
        lines[-1] = _clip(lines[-1] + " …", _LABEL_CHARS)
    return lines


def license_chart(counts: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bar chart of files per licence expression (``counts`` biggest first); a long
    expression wraps over up to three lines instead of being cut (its whole text is the row's
    tooltip and in the file table)."""
    total = sum(n for _, n in counts) or 1
    rows = list(counts[:_BAR_ROWS])
    rest = counts[_BAR_ROWS:]
    if rest:
        rows.append((f"{len(rest)} other licences", sum(n for _, n in rest)))
    label_w, bar_w, line_h, top = 300, 380, 15, 8
    width = label_w + bar_w + 120
    labels = [_label_lines(name) for name, _ in rows]
    heights = [max(26, 11 + line_h * len(lines)) for lines in labels]
    height = top * 2 + max(26, sum(heights))
    biggest = max((n for _, n in rows), default=1) or 1
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="lic-chart-title">',
        '<title id="lic-chart-title">Files per licence</title>',
    ]
    y = top
    for i, ((name, n), lines, row_h) in enumerate(zip(rows, labels, heights, strict=True)):
        w = max(2.0, bar_w * n / biggest)
        css = "bar none" if name == _NO_LICENSE else "bar other" if i == _BAR_ROWS else "bar"
        share = 100 * n / total
        first = y + row_h / 2 + 4 - (len(lines) - 1) * line_h / 2
        spans = "".join(
            f'<tspan x="{label_w - 8}" y="{_fmt(first + k * line_h)}">{escape(line)}</tspan>'
            for k, line in enumerate(lines)
        )
        parts.append(
            f"<g><title>{escape(name)}: {n} files ({_fmt(share)} %)</title>"
            f'<text class="lbl" text-anchor="end">{spans}</text>'
            f'<rect class="{css}" x="{label_w}" y="{_fmt(y + row_h / 2 - 9)}" '
            f'width="{_fmt(w)}" height="18" rx="2"/>'
            f'<text class="num" x="{_fmt(label_w + w + 6)}" y="{_fmt(y + row_h / 2 + 4)}">'
            f"{n:,} ({_fmt(share)} %)</text></g>"
        )
        y += row_h
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True, kw_only=True)
class _Box:
    name: str
    cls: str
    files: int
    x: float
    y: float


_BOX_W, _BOX_H, _COL_GAP, _ROW_GAP, _MARGIN = 176, 48, 170, 26, 20
_LEFT = 90  # room for same-column arcs, which bulge to the left
_TOP = _MARGIN + 40  # first row of boxes, below the column headings
_ROWS = 8  # boxes per column before a class wraps into another column
_SUB_GAP = 70  # between the columns of one class
#: a bigger policy is pictured by its crossing and biggest components, and its crossing and
#: heaviest dependencies; the tables below the picture list them all
MAX_PICTURED = 20
MAX_EDGES = 40


def _layout(
    components: Sequence[ComponentSummary],
) -> tuple[dict[str, _Box], list[tuple[str, float]], float, float]:
    """Boxes by class, left to right; a class with many components wraps into sub-columns.

    Returns the boxes, the column headings (label, centre x), the width and the height.
    """
    classes = sorted(
        {c.component_class for c in components},
        key=lambda c: (CLASS_ORDER.index(c) if c in CLASS_ORDER else len(CLASS_ORDER), c),
    )
    boxes: dict[str, _Box] = {}
    headings: list[tuple[str, float]] = []
    tallest, x = 0, float(_LEFT)
    for cls in classes:
        members = sorted((c for c in components if c.component_class == cls), key=lambda c: c.name)
        first_x = x
        for start in range(0, len(members), _ROWS):
            chunk = members[start : start + _ROWS]
            for row, comp in enumerate(chunk):
                y = _TOP + row * (_BOX_H + _ROW_GAP)
                boxes[comp.name] = _Box(name=comp.name, cls=cls, files=comp.files, x=x, y=y)
            tallest = max(tallest, len(chunk))
            x += _BOX_W + _SUB_GAP
        headings.append((CLASS_LABEL.get(cls, cls), (first_x + x - _SUB_GAP) / 2))
        x += _COL_GAP - _SUB_GAP
    height = _TOP + _MARGIN + tallest * (_BOX_H + _ROW_GAP)
    return boxes, headings, x - _COL_GAP + _MARGIN, height


def _pictured(
    components: Sequence[ComponentSummary], edges: Sequence[ComponentEdge]
) -> tuple[list[ComponentSummary], list[ComponentEdge]]:
    """At most :data:`MAX_PICTURED` components (those of a crossing first, then the biggest)
    and :data:`MAX_EDGES` dependencies (crossings first, then the heaviest)."""
    crossing = {n for e in edges if e.crossing for n in (e.source, e.target)}
    ranked = sorted(components, key=lambda c: (c.name not in crossing, -c.files, c.name))
    kept = {c.name for c in ranked[:MAX_PICTURED]}
    drawn = sorted(
        (e for e in edges if e.source in kept and e.target in kept),
        key=lambda e: (not e.crossing, -e.count, e.source, e.target),
    )
    return [c for c in components if c.name in kept], drawn[:MAX_EDGES]


def pictured_counts(
    components: Sequence[ComponentSummary], edges: Sequence[ComponentEdge]
) -> tuple[int, int]:
    """How many components and dependencies :func:`component_graph` draws."""
    kept, drawn = _pictured(components, edges)
    return len(kept), len(drawn)


def crossing_state(edge: ComponentEdge) -> str:
    """``bad`` (a forbidden, error-level crossing), ``warn`` (a warning-level one: a layering
    or facade rule) or ``""`` (no boundary crossed)."""
    if not edge.crossing:
        return ""
    if edge.crossing_severity is None or edge.crossing_severity is Severity.ERROR:
        return "bad"
    return "warn"


def _edge_path(a: _Box, b: _Box, index: int) -> tuple[str, float, float]:
    """SVG path from box ``a`` to box ``b`` and the point where its label goes."""
    ay, by = a.y + _BOX_H / 2, b.y + _BOX_H / 2
    if a.name == b.name:
        x, y = a.x, ay
        return f"M{x},{y - 10} C{x - 60},{y - 40} {x - 60},{y + 40} {x},{y + 10}", x - 48, y
    if math.isclose(a.x, b.x):  # same column: bulge to the left, wider for farther boxes
        x = a.x
        bulge = min(_LEFT - 10, 40 + abs(by - ay) * 0.2)
        path = f"M{x},{ay} C{x - bulge},{ay} {x - bulge},{by} {x},{by}"
        return path, x - bulge * 0.75, (ay + by) / 2 + 4
    forward = b.x > a.x
    x1 = a.x + _BOX_W if forward else a.x
    x2 = b.x if forward else b.x + _BOX_W
    offset = 6 if forward else -6  # keep A->B and B->A apart
    y1, y2 = ay + offset, by + offset
    if abs(x2 - x1) > _COL_GAP + 1:  # boxes in between: run along the gap between two rows
        return _channel_path(x1, y1, x2, y2, index)
    dx = (x2 - x1) / 2
    path = f"M{x1},{y1} C{x1 + dx},{y1} {x2 - dx},{y2} {x2},{y2}"
    t = 0.3 + 0.4 * ((index % 3) / 2)  # stagger labels of edges that share a gap
    lx = (1 - t) ** 3 * x1 + 3 * (1 - t) ** 2 * t * (x1 + dx) + 3 * (1 - t) * t**2 * (x2 - dx)
    lx += t**3 * x2
    ly = (1 - t) ** 3 * y1 + 3 * (1 - t) ** 2 * t * y1 + 3 * (1 - t) * t**2 * y2 + t**3 * y2
    return path, lx, ly


def _channel_path(
    x1: float, y1: float, x2: float, y2: float, index: int
) -> tuple[str, float, float]:
    """A path that leaves the source column, runs between two rows of boxes, and comes back
    into the target's row in the last gap, so that it never crosses a box on its way."""
    mid = (y1 + y2) / 2
    k = max(0, round((mid - _TOP + _ROW_GAP / 2) / (_BOX_H + _ROW_GAP)))
    ych = _TOP + k * (_BOX_H + _ROW_GAP) - _ROW_GAP / 2 + (index % 3 - 1) * 4
    step = (_SUB_GAP / 2) * (1 if x2 > x1 else -1)
    path = (
        f"M{x1},{y1} C{x1 + step},{y1} {x1},{ych} {x1 + step},{ych} "
        f"L{x2 - step},{ych} C{x2},{ych} {x2 - step},{y2} {x2},{y2}"
    )
    return path, (x1 + x2) / 2 + (index % 5 - 2) * 30, ych + 4


def component_graph(
    components: Sequence[ComponentSummary], edges: Sequence[ComponentEdge]
) -> Markup:
    """The component dependency picture: one column per class, arrows with counts and kinds."""
    names = {c.name for c in components}
    missing = sorted({n for e in edges for n in (e.source, e.target)} - names)
    components = [
        *components,
        *(
            ComponentSummary(name=n, component_class="unmapped", declared_license=None, files=0)
            for n in missing
        ),
    ]
    components, edges = _pictured(components, edges)
    boxes, headings, width, height = _layout(components)
    parts = [
        f'<svg class="graph" role="img" viewBox="0 0 {_fmt(width)} {_fmt(height)}" '
        f'width="{_fmt(width)}" '
        f'height="{_fmt(height)}" aria-labelledby="comp-graph-title comp-graph-desc">',
        '<title id="comp-graph-title">Dependencies between components</title>',
        '<desc id="comp-graph-desc">Components in columns by class; arrows point from the '
        "component that depends to the one it depends on; red dashed arrows cross a forbidden "
        "boundary. The same facts are in the table below.</desc>",
        "<defs>"
        '<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'class="arrowhead"/></marker>'
        '<marker id="arrow-bad" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'class="arrowhead bad"/></marker>'
        '<marker id="arrow-warn" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'class="arrowhead warn"/></marker></defs>',
    ]
    for label, x in headings:
        parts.append(
            f'<text class="colhead" x="{_fmt(x)}" y="{_MARGIN + 12}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    labels: list[str] = []
    order = {"": 0, "warn": 1, "bad": 2}
    ordered = sorted(edges, key=lambda e: (order[crossing_state(e)], e.source, e.target))
    placed: list[tuple[float, float]] = []
    for i, edge in enumerate(ordered):
        a, b = boxes[edge.source], boxes[edge.target]
        path, lx, ly = _edge_path(a, b, i)
        state = crossing_state(edge)
        css = f"edge {state}".strip()
        marker = f"arrow-{state}" if state else "arrow"
        kinds = ", ".join(edge.kinds)
        what = {"bad": "FORBIDDEN boundary crossing: ", "warn": "warning-level crossing: "}
        title = f"{what.get(state, '')}{edge.source} → {edge.target}: {edge.count} ({kinds})"
        parts.append(
            f'<path class="{css}" d="{path}" marker-end="url(#{marker})">'
            f"<title>{escape(title)}</title></path>"
        )
        mark = {"bad": "✖ ", "warn": "▲ "}.get(state, "")
        text = f"{mark}{edge.count} {_clip(kinds, 26)}"
        lx, ly = _free_spot(placed, lx, ly - 4)
        labels.append(
            f'<text class="elabel {state}" x="{_fmt(lx)}" '
            f'y="{_fmt(ly)}" text-anchor="middle">{escape(text)}</text>'
        )
    for box in boxes.values():
        cls = box.cls if box.cls in CLASS_ORDER else "other"
        parts.append(
            f'<g class="node {cls}"><title>{escape(box.name)} ({escape(box.cls)}, '
            f"{box.files} files)</title>"
            f'<rect x="{_fmt(box.x)}" y="{_fmt(box.y)}" width="{_BOX_W}" height="{_BOX_H}" '
            'rx="6"/>'
            f'<text class="name" x="{_fmt(box.x + 10)}" y="{_fmt(box.y + 20)}">'
            f"{escape(_clip(box.name, 24))}</text>"
            f'<text class="sub" x="{_fmt(box.x + 10)}" y="{_fmt(box.y + 38)}">'
            f"{escape(box.cls)} · {box.files:,} file{'' if box.files == 1 else 's'}</text></g>"
        )
    parts.extend(labels)  # on top of boxes and arrows
    parts.append("</svg>")
    return Markup("".join(parts))


def _free_spot(placed: list[tuple[float, float]], x: float, y: float) -> tuple[float, float]:
    """Move an edge label down until it does not sit on a label already placed."""
    for _ in range(8):
        if all(abs(x - px) > 110 or abs(y - py) > 14 for px, py in placed):
            break
        y += 15
    placed.append((x, y))
    return x, y


def graph_legend() -> Markup:
    """A small SVG legend for the component picture."""
    return Markup(
        '<svg class="legend" role="img" width="760" height="30" viewBox="0 0 760 30" '
        'aria-label="Legend: grey solid arrow is a dependency; red dashed arrow with a cross '
        "is a forbidden boundary crossing; orange dotted arrow with a triangle is a "
        'warning-level crossing (layering or facade rule)">'
        '<path class="edge" d="M5,15 L45,15" marker-end="url(#arrow)"/>'
        '<text x="52" y="19">dependency (count, kinds)</text>'
        '<path class="edge bad" d="M225,15 L265,15" marker-end="url(#arrow-bad)"/>'
        '<text x="272" y="19">✖ forbidden boundary crossing</text>'
        '<path class="edge warn" d="M480,15 L520,15" marker-end="url(#arrow-warn)"/>'
        '<text x="527" y="19">▲ warning-level crossing</text></svg>'
    )
