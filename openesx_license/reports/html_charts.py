"""Inline SVG pictures of the HTML report, laid out in Python (no script, no external file).

Two pictures: the licence distribution (horizontal bars, biggest first) and the component
dependency picture (components in one column per class, arrows with counts and edge kinds,
forbidden boundary crossings in red *and* dashed, so that colour is never the only cue). Every
text that comes from the audit goes through :func:`markupsafe.escape`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from openesx_license.model import ComponentEdge, ComponentSummary

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


def license_chart(counts: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bar chart of files per licence expression (``counts`` biggest first)."""
    total = sum(n for _, n in counts) or 1
    rows = list(counts[:_BAR_ROWS])
    rest = counts[_BAR_ROWS:]
    if rest:
        rows.append((f"{len(rest)} other licences", sum(n for _, n in rest)))
    label_w, bar_w, row_h, top = 300, 380, 26, 8
    width = label_w + bar_w + 120
    height = top * 2 + row_h * max(1, len(rows))
    biggest = max((n for _, n in rows), default=1) or 1
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-labelledby="lic-chart-title">',
        '<title id="lic-chart-title">Files per licence</title>',
    ]
    for i, (name, n) in enumerate(rows):
        y = top + i * row_h
        w = max(2.0, bar_w * n / biggest)
        css = "bar none" if name == _NO_LICENSE else "bar other" if i == _BAR_ROWS else "bar"
        share = 100 * n / total
        parts.append(
            f"<g><title>{escape(name)}: {n} files ({_fmt(share)} %)</title>"
            f'<text class="lbl" x="{label_w - 8}" y="{y + 17}" text-anchor="end">'
            f"{escape(_clip(name, 42))}</text>"
            f'<rect class="{css}" x="{label_w}" y="{y + 4}" width="{_fmt(w)}" height="{row_h - 8}"'
            ' rx="2"/>'
            f'<text class="num" x="{_fmt(label_w + w + 6)}" y="{y + 17}">'
            f"{n:,} ({_fmt(share)} %)</text></g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@dataclass(frozen=True, kw_only=True)
class _Box:
    name: str
    cls: str
    files: int
    x: float
    y: float


_BOX_W, _BOX_H, _COL_GAP, _ROW_GAP, _MARGIN = 190, 48, 190, 26, 20
_LEFT = 90  # room for same-column arcs, which bulge to the left


def _layout(components: Sequence[ComponentSummary]) -> tuple[dict[str, _Box], list[str], float]:
    classes = sorted(
        {c.component_class for c in components},
        key=lambda c: (CLASS_ORDER.index(c) if c in CLASS_ORDER else len(CLASS_ORDER), c),
    )
    boxes: dict[str, _Box] = {}
    tallest = 0
    for col, cls in enumerate(classes):
        members = sorted((c for c in components if c.component_class == cls), key=lambda c: c.name)
        for row, comp in enumerate(members):
            boxes[comp.name] = _Box(
                name=comp.name,
                cls=cls,
                files=comp.files,
                x=_LEFT + col * (_BOX_W + _COL_GAP),
                y=_MARGIN + 30 + row * (_BOX_H + _ROW_GAP),
            )
        tallest = max(tallest, len(members))
    height = _MARGIN * 2 + 30 + tallest * (_BOX_H + _ROW_GAP)
    return boxes, classes, height


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
    dx = (x2 - x1) / 2
    path = f"M{x1},{y1} C{x1 + dx},{y1} {x2 - dx},{y2} {x2},{y2}"
    t = 0.3 + 0.4 * ((index % 3) / 2)  # stagger labels of edges that share a gap
    lx = (1 - t) ** 3 * x1 + 3 * (1 - t) ** 2 * t * (x1 + dx) + 3 * (1 - t) * t**2 * (x2 - dx)
    lx += t**3 * x2
    ly = (1 - t) ** 3 * y1 + 3 * (1 - t) ** 2 * t * y1 + 3 * (1 - t) * t**2 * y2 + t**3 * y2
    return path, lx, ly


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
    boxes, classes, height = _layout(components)
    width = _LEFT + _MARGIN + len(classes) * _BOX_W + max(0, len(classes) - 1) * _COL_GAP
    parts = [
        f'<svg class="graph" role="img" viewBox="0 0 {width} {_fmt(height)}" width="{width}" '
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
        'class="arrowhead bad"/></marker></defs>',
    ]
    for col, cls in enumerate(classes):
        x = _LEFT + col * (_BOX_W + _COL_GAP) + _BOX_W / 2
        label = CLASS_LABEL.get(cls, cls)
        parts.append(
            f'<text class="colhead" x="{_fmt(x)}" y="{_MARGIN + 12}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    labels: list[str] = []
    ordered = sorted(edges, key=lambda e: (e.crossing, e.source, e.target))
    for i, edge in enumerate(ordered):
        a, b = boxes[edge.source], boxes[edge.target]
        path, lx, ly = _edge_path(a, b, i)
        css = "edge bad" if edge.crossing else "edge"
        marker = "arrow-bad" if edge.crossing else "arrow"
        kinds = ", ".join(edge.kinds)
        what = "FORBIDDEN boundary crossing: " if edge.crossing else ""
        title = f"{what}{edge.source} → {edge.target}: {edge.count} ({kinds})"
        parts.append(
            f'<path class="{css}" d="{path}" marker-end="url(#{marker})">'
            f"<title>{escape(title)}</title></path>"
        )
        text = f"{'✖ ' if edge.crossing else ''}{edge.count} {_clip(kinds, 26)}"
        labels.append(
            f'<text class="elabel{" bad" if edge.crossing else ""}" x="{_fmt(lx)}" '
            f'y="{_fmt(ly - 4)}" text-anchor="middle">{escape(text)}</text>'
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


def graph_legend() -> Markup:
    """A small SVG legend for the component picture."""
    return Markup(
        '<svg class="legend" role="img" width="560" height="30" viewBox="0 0 560 30" '
        'aria-label="Legend: grey solid arrow is a dependency; red dashed arrow with a cross '
        'is a forbidden boundary crossing">'
        '<path class="edge" d="M5,15 L55,15" marker-end="url(#arrow)"/>'
        '<text x="62" y="19">dependency (count, kinds)</text>'
        '<path class="edge bad" d="M250,15 L300,15" marker-end="url(#arrow-bad)"/>'
        '<text x="307" y="19">✖ forbidden boundary crossing</text></svg>'
    )
