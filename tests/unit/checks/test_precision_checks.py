"""Precision of the IP rules (issue #15) on hand-built inputs: a copy edge is evidence about
the file holding the copy, not a path others depend through; prose about other products is
not a file's licence."""

from __future__ import annotations

import networkx as nx

from openesx_license.checks.boundaries import NodeComponents, forbidden_paths
from openesx_license.checks.context import CheckContext
from openesx_license.checks.proprietary import ProprietaryCode
from openesx_license.config.components import ComponentMap, apply_components
from openesx_license.config.loader import parse_policy
from openesx_license.model import (
    DetectionMethod,
    Evidence,
    FileKind,
    FileRecord,
    LicenseDetection,
)

POLICY = parse_policy(
    """
[release]
name = "t"
license = "GPL-2.0-only"
[[component]]
name = "open"
class = "open"
paths = ["o/**"]
[[component]]
name = "vendor"
class = "third-party"
paths = ["v/**"]
[[component]]
name = "secret"
class = "proprietary"
paths = ["p/**"]
[[rule]]
name = "no"
type = "forbidden"
from = { class = "open" }
to = { class = "proprietary" }
""",
    source="p.toml",
)


def _edge(g: nx.MultiDiGraph, s: str, t: str, kind: str) -> None:
    g.add_edge(s, t, kind=kind, evidence=Evidence(path=s, line=1, text=f"{kind} {t}", kind=kind))


def test_transitive_paths_do_not_walk_through_copy_edges_of_other_files() -> None:
    g = nx.MultiDiGraph()
    _edge(g, "o/user.c", "v/util.h", "include")  # an open file includes a third-party header
    _edge(g, "v/util.h", "p/macros.h", "copy")  # which holds a macro copied from proprietary
    _edge(g, "o/copier.c", "p/engine.c", "copy")  # an open file holding a copy itself
    _edge(g, "o/caller.c", "v/glue.c", "symbol")  # a real transitive path, for contrast
    _edge(g, "v/glue.c", "p/engine.c", "symbol")
    comp = NodeComponents(ComponentMap(POLICY), g)
    found = {
        (source, component.name): [hop[2]["kind"] for hop in path]
        for source, component, path in forbidden_paths(g, POLICY.rules[0], comp)
    }
    assert found == {
        ("o/copier.c", "secret"): ["copy"],
        ("o/caller.c", "secret"): ["symbol", "symbol"],
    }


def _record(path: str, kind: FileKind, *detections: LicenseDetection) -> FileRecord:
    return FileRecord(
        path=path,
        size=1,
        sha1="0" * 40,
        kind=kind,
        detections=detections,
        detected_license_expression=" AND ".join(d.license_expression for d in detections) or None,
    )


def _hit(expression: str, line: int, method: DetectionMethod) -> LicenseDetection:
    return LicenseDetection(
        license_expression=expression,
        method=method,
        start_line=line,
        end_line=line,
        matched_text="... under a commercial license",
    )


def test_licence_prose_about_another_product_is_not_the_files_licence() -> None:
    commercial = "LicenseRef-scancode-commercial-license"
    records = [
        _record("o/README", FileKind.DOC, _hit(commercial, 4, DetectionMethod.LICENSE_TEXT)),
        _record(  # dual-licensed: the open licence is the file's own
            "o/dual.c",
            FileKind.SOURCE,
            _hit("GPL-2.0-only", 1, DetectionMethod.SPDX_TAG),
            _hit(commercial, 3, DetectionMethod.LICENSE_TEXT),
        ),
        _record(
            "o/LICENSE.vendor", FileKind.LICENSE, _hit(commercial, 1, DetectionMethod.LICENSE_TEXT)
        ),  # fmt: skip
        _record(
            "o/tagged.c",
            FileKind.SOURCE,
            _hit("LicenseRef-Acme-Proprietary", 1, DetectionMethod.SPDX_TAG),
        ),  # fmt: skip
    ]
    files = apply_components(records, ComponentMap(POLICY))
    ctx = CheckContext(policy=POLICY, files=files, graph=nx.MultiDiGraph())
    assert {f.path for f in ProprietaryCode().check(ctx)} == {"o/LICENSE.vendor", "o/tagged.c"}
