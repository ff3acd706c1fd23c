"""The IP rules on small hand-built graphs (the graph stage has its own tests; here the
question is what the rules conclude from given edges)."""

from __future__ import annotations

import dataclasses

import networkx as nx

from openesx_license.checks.context import CheckContext
from openesx_license.checks.ip import (
    BoundaryCrossing,
    GplOnlySymbol,
    UnmappedFile,
    gpl_compatible,
)
from openesx_license.checks.proprietary import ProprietaryCode
from openesx_license.config.components import ComponentMap, apply_components
from openesx_license.config.loader import parse_policy
from openesx_license.model import Evidence, FileKind, FileRecord, MarkerHit, Severity

POLICY = """
[release]
name = "t"
license = "GPL-2.0-only"

[[component]]
name = "kernel"
class = "open"
license = "GPL-2.0-only"
paths = ["kernel/**"]

[[component]]
name = "apache-drv"
class = "open"
license = "Apache-2.0"
paths = ["drivers/apache/**"]

[[component]]
name = "zlib"
class = "third-party"
license = "Zlib"
paths = ["zlib/**"]

[[component]]
name = "lib"
class = "open"
paths = ["lib/**"]

[[component]]
name = "vmotion"
class = "proprietary"
paths = ["vmotion/**", "kernel/vmotion_glue/**"]

[[rule]]
name = "no-proprietary"
type = "forbidden"
from = { class = "open" }
to = { class = "proprietary" }

[[rule]]
name = "zlib-api"
type = "protected"
to = { component = "zlib" }
facades = ["zlib/zlib.h"]
edges = ["include"]
severity = "warning"
waivable = true

[[rule]]
name = "layers"
type = "layers"
layers = ["kernel", "lib"]
severity = "note"
"""

PATHS = [
    "kernel/a.c", "kernel/b.h", "kernel/c.c", "kernel/d.c", "kernel/vmotion_glue/g.c",
    "drivers/apache/nvme.c", "zlib/zlib.h", "zlib/zutil.h", "zlib/bridge.h", "lib/s.c",
    "vmotion/api.h", "vmotion/engine.c", "stray/x.c",
]  # fmt: skip


def _edge(g: nx.MultiDiGraph, s: str, t: str, kind: str, line: int, **kw: object) -> None:
    g.add_edge(s, t, kind=kind, evidence=Evidence(path=s, line=line, text=f"{kind} {t}", kind=kind),
               **kw)  # fmt: skip


def context(markers: dict[str, MarkerHit] | None = None, detected: dict[str, str] | None = None
            ) -> CheckContext:  # fmt: skip
    policy = parse_policy(POLICY, source="p.toml")
    records = [
        FileRecord(
            path=p,
            size=1,
            sha1="0" * 40,
            kind=FileKind.SOURCE,
            markers=(markers[p],) if markers and p in markers else (),
            detected_license_expression=(detected or {}).get(p),
            license_expression=(detected or {}).get(p),
            license_source="detected" if (detected or {}).get(p) else "none",
        )  # fmt: skip
        for p in PATHS
    ]
    cmap = ComponentMap(policy)
    files = apply_components(records, cmap)
    g = nx.MultiDiGraph()
    for p in PATHS:
        comp = cmap.component_of(p)
        g.add_node(p, component=comp[0] if comp else None, external=False)
    _edge(g, "kernel/b.h", "vmotion/api.h", "include", 3)  # direct crossing on the header
    _edge(g, "kernel/a.c", "kernel/b.h", "include", 1)  # not repeated for the includer
    _edge(g, "kernel/c.c", "zlib/bridge.h", "include", 7)  # transitive through third-party
    _edge(g, "zlib/bridge.h", "vmotion/engine.c", "symbol", 9, symbol="vmotion_go")
    _edge(g, "kernel/d.c", "zlib/zlib.h", "include", 2)  # via the facade: fine
    _edge(g, "kernel/d.c", "zlib/zutil.h", "include", 3)  # not a facade
    _edge(g, "lib/s.c", "kernel/a.c", "symbol", 5, symbol="k_panic")  # upward layer
    _edge(g, "vmotion/engine.c", "kernel/a.c", "symbol", 11, symbol="k_lookup", gpl_only=True)
    _edge(g, "drivers/apache/nvme.c", "kernel/a.c", "symbol", 4, symbol="k_dma", gpl_only=True)
    _edge(g, "kernel/c.c", "kernel/a.c", "symbol", 8, symbol="k_lookup", gpl_only=True)
    return CheckContext(policy=policy, files=files, graph=g)


def test_boundary_crossing_paths_and_rules() -> None:
    found = {(f.path, f.target): f for f in BoundaryCrossing().check(context())}
    assert set(found) == {
        ("kernel/b.h", "vmotion"),
        ("kernel/c.c", "vmotion"),
        ("kernel/c.c", "zlib"),  # bridge.h is not one of zlib's facades either
        ("kernel/d.c", "zlib"),
        ("lib/s.c", "kernel"),
    }
    direct = found[("kernel/b.h", "vmotion")]
    assert direct.severity is Severity.ERROR and direct.line == 3
    assert [(e.path, e.line, e.kind) for e in direct.evidence] == [
        ("kernel/b.h", 3, "include"),
        ("vmotion/api.h", None, "file"),
    ]
    transitive = found[("kernel/c.c", "vmotion")]
    assert [(e.path, e.line) for e in transitive.evidence[:2]] == [
        ("kernel/c.c", 7),
        ("zlib/bridge.h", 9),
    ]
    assert transitive.data["hops"] == 2 and transitive.data["waivable"] is False
    assert "kernel/c.c -> zlib/bridge.h -> vmotion/engine.c" in transitive.message
    protected = found[("kernel/d.c", "zlib")]
    assert protected.severity is Severity.WARNING and protected.data["waivable"] is True
    assert protected.evidence[0].text == "include zlib/zutil.h"
    layered = found[("lib/s.c", "kernel")]
    assert layered.severity is Severity.NOTE and layered.policy_rule == "layers"


def test_gpl_only_symbol_for_proprietary_and_non_gpl_users() -> None:
    found = {(f.path, f.target): f for f in GplOnlySymbol().check(context())}
    assert set(found) == {("vmotion/engine.c", "k_lookup"), ("drivers/apache/nvme.c", "k_dma")}
    assert "proprietary component" in found[("vmotion/engine.c", "k_lookup")].message
    assert "Apache-2.0 is not GPL-compatible" in found[("drivers/apache/nvme.c", "k_dma")].message


def test_gpl_compatible_follows_modpost() -> None:
    assert gpl_compatible("GPL-2.0-only OR BSD-3-Clause") is True
    assert gpl_compatible("LGPL-2.1-or-later") is True
    assert gpl_compatible("MIT") is False
    assert gpl_compatible("GPL-2.0-only AND LicenseRef-Acme-Proprietary") is False
    assert gpl_compatible(None) is None


def test_proprietary_code_markers_licenses_and_nesting() -> None:
    ctx = context(
        markers={"kernel/a.c": MarkerHit(marker="VMware Confidential", line=4,
                                         text=" * VMware Confidential")},
        detected={"zlib/zutil.h": "Zlib AND LicenseRef-Acme-Proprietary",
                  "vmotion/api.h": "LicenseRef-Acme-Proprietary"},
    )  # fmt: skip
    found = {f.path: f for f in ProprietaryCode().check(ctx)}
    assert set(found) == {"kernel/a.c", "zlib/zutil.h", "kernel/vmotion_glue/g.c"}
    assert found["kernel/a.c"].line == 4 and found["kernel/a.c"].evidence[0].kind == "marker"
    assert found["zlib/zutil.h"].target == "LicenseRef-Acme-Proprietary"
    nested = found["kernel/vmotion_glue/g.c"]
    assert (nested.target, nested.severity) == ("kernel", Severity.NOTE)


def test_unmapped_file() -> None:
    (finding,) = UnmappedFile().check(context())
    assert (finding.path, finding.severity) == ("stray/x.c", Severity.WARNING)


def test_catch_all_open_component_does_not_make_proprietary_files_nested() -> None:
    policy = parse_policy(POLICY.replace('paths = ["lib/**"]', 'paths = ["**"]'), source="p.toml")
    ctx = context()
    ctx = CheckContext(policy=policy, files=ctx.files, graph=ctx.graph)
    assert {f.path for f in ProprietaryCode().check(ctx)} == {"kernel/vmotion_glue/g.c"}


def test_copied_code_says_what_agrees_beside_the_shape() -> None:
    from openesx_license.checks.copied import CopiedCode
    from openesx_license.copies.stage import CopyAnalysis
    from openesx_license.ipindex.match import CopyMatch

    def copy(**evidence: int) -> CopyMatch:
        return CopyMatch(
            path="kernel/a.c", start_line=3, end_line=9, tokens=31,
            proprietary_path="vmotion/engine.c", proprietary_component="vmotion",
            proprietary_start_line=10, proprietary_end_line=16, similarity=1.0,
            matched_fingerprints=4, code_lines=7, **evidence,
        )  # fmt: skip

    ctx = dataclasses.replace(
        context(),
        copies=CopyAnalysis(
            matches=(copy(name_matches=3), copy(value_conflicts=2), copy(value_matches=1)),
            index="<monorepo>",
        ),
    )
    got = list(CopiedCode().check(ctx))
    assert [f.message.split("(similarity 100%")[1] for f in got] == [
        ", same names)",
        ", other literal values)",
        ", same literal values)",
    ]
    assert [(f.data["name_matches"], f.data["value_matches"]) for f in got] == [
        (3, 0),
        (0, 0),
        (0, 1),
    ]
