"""How big is report.html for QEMU (20,000 files), and how fast does it load in Chromium?

    python bench/report.py              # the real audit when it can run, else synthetic
    python bench/report.py --synthetic  # always the synthetic audit (seconds, no ScanCode)

The real audit is ``pipeline.run_audit`` on QEMU 7.2 with ``bench/policies/qemu.toml``
(several minutes cold; the detection cache makes a re-run fast). When the pipeline or that
policy is not available, the benchmark builds a *synthetic* audit of the real QEMU tree: every
real path, SPDX tags and copyright lines read from the files' heads, components by top-level
folder, an ``unknown-license`` finding per file without a tag, and boundary crossings and
conflicts whose evidence points at real ``#include`` lines. The result JSON says which one was
measured (``"audit": "real" | "synthetic"``) and names the file after it: bench/results/report.json
for the real audit, report-synthetic.json for the synthetic one.

Measured: render time and size of report.html; in Chromium (Playwright, network cut) the time
to the load event, the time until the page's script has rendered the tables (the
``report-interactive`` mark), and the time a text filter on the file table takes.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.common import RESULTS, fetch_corpus, save  # noqa: E402
from openesx_license.model import (  # noqa: E402
    AuditResult,
    Blocker,
    ComponentEdge,
    ComponentSummary,
    DetectionMethod,
    Evidence,
    FileKind,
    FileRecord,
    Finding,
    Holder,
    LicenseDetection,
    ReleaseOption,
    ScanResult,
    Severity,
)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
_TAG = re.compile(r"SPDX-License-Identifier:\s*([A-Za-z0-9.+\- ()]+?)\s*(?:\*/|-->|$)", re.M)
_COPYRIGHT = re.compile(r"Copyright\s*(?:\([cC]\)|©)?\s*(?:[\d,\s\-]+)?\s*(?:by\s+)?([^\n*]{3,70})")
_INCLUDE = re.compile(rb"^#\s*include\s", re.M)
#: a policy of a dozen components, as a real one would group QEMU's top-level folders
_GROUPS = {
    "hw": "hw",
    "target": "target",
    "tcg": "tcg",
    "accel": "accel",
    "block": "block",
    "nbd": "block",
    "net": "net",
    "migration": "migration",
    "tests": "tests",
    "docs": "docs",
    "linux-user": "user",
    "bsd-user": "user",
    "common-user": "user",
    "ui": "ui",
    "audio": "ui",
    "roms": "roms",
    "pc-bios": "roms",
    "subprojects": "subprojects",
    "linux-headers": "linux-headers",
    "disas": "disas",
    "libdecnumber": "disas",
    "contrib": "contrib",
}
_THIRD_PARTY = {"roms", "subprojects", "linux-headers", "disas"}
_PROPRIETARY = {"contrib"}  # synthetic: gives the picture a boundary to cross
_SKIP = {".git", "debian"}


def _component(path: str) -> tuple[str, str]:
    top = _GROUPS.get(path.split("/", 1)[0] if "/" in path else "", "core")
    cls = "third-party" if top in _THIRD_PARTY else "proprietary" if top in _PROPRIETARY else "open"
    return top, cls


def _pick(path: str, salt: str, modulo: int) -> int:
    return int(hashlib.sha1((salt + path).encode()).hexdigest()[:8], 16) % modulo


def synthetic_audit(root: Path) -> AuditResult:
    """A realistic audit of QEMU's real tree without running the engines (see the docstring)."""
    records: list[FileRecord] = []
    findings: list[Finding] = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP)
        for name in sorted(names):
            full = Path(folder) / name
            rel = full.relative_to(root).as_posix()
            try:
                head = full.open("rb").read(4096)
            except OSError:
                continue
            text = head.decode("utf-8", errors="replace")
            tag = _TAG.search(text)
            expr = tag.group(1).strip() if tag else None
            holders = tuple(
                Holder(
                    holder=m.group(1).strip(" .,"),
                    start_line=text[: m.start()].count("\n") + 1,
                    end_line=text[: m.start()].count("\n") + 1,
                )
                for m in _COPYRIGHT.finditer(text)
            )
            comp, cls = _component(rel)
            binary = b"\0" in head
            records.append(
                FileRecord(
                    path=rel,
                    size=full.stat().st_size,
                    sha1=hashlib.sha1(head).hexdigest(),
                    kind=FileKind.BINARY if binary else FileKind.SOURCE,
                    detected_license_expression=expr,
                    license_expression=expr,
                    license_source="detected" if expr else "none",
                    detections=(
                        LicenseDetection(
                            license_expression=expr,
                            method=DetectionMethod.SPDX_TAG,
                            start_line=text[: tag.start()].count("\n") + 1,
                            end_line=text[: tag.start()].count("\n") + 1,
                            score=100.0,
                            matched_rule="SPDX-License-Identifier",
                            matched_text=tag.group(0),
                        ),
                    )
                    if tag and expr
                    else (),
                    holders=holders,
                    component=comp,
                )
            )
            if binary:
                continue
            if not expr and cls != "third-party":
                findings.append(
                    Finding(
                        rule="unknown-license",
                        severity=Severity.WARNING,
                        path=rel,
                        line=None,
                        component=comp,
                        message="no licence found in the file or its folder",
                    )
                )
            include = _INCLUDE.search(head)
            if include and cls == "open" and _pick(rel, "cross", 60) == 0:
                line = head[: include.start()].count(b"\n") + 1
                findings.append(
                    Finding(
                        rule="boundary-crossing",
                        severity=Severity.ERROR,
                        path=rel,
                        line=line,
                        component=comp,
                        message=f"open component {comp} depends on proprietary component contrib",
                        evidence=(
                            Evidence(path=rel, line=line, text="#include", kind="include"),
                            Evidence(
                                path="include/qemu/osdep.h", line=1, text="hop", kind="include"
                            ),
                            Evidence(
                                path="contrib/plugins/cache.c",
                                line=10,
                                text="definition",
                                kind="symbol",
                            ),
                        ),
                        target="contrib",
                    )
                )
            elif include and _pick(rel, "conflict", 150) == 0:
                line = head[: include.start()].count(b"\n") + 1
                findings.append(
                    Finding(
                        rule="license-conflict",
                        severity=Severity.WARNING,
                        path=rel,
                        line=line,
                        component=comp,
                        message=f"{expr or 'no licence'} combined with GPL-3.0",
                        evidence=(Evidence(path=rel, line=line, text="#include", kind="include"),),
                    )
                )
    return _assemble(root, records, findings)


def _assemble(root: Path, records: list[FileRecord], findings: list[Finding]) -> AuditResult:
    comps: dict[str, list[FileRecord]] = {}
    for rec in records:
        comps.setdefault(rec.component or "", []).append(rec)
    components = []
    for name, recs in sorted(comps.items()):
        lics: dict[str, int] = {}
        for rec in recs:
            key = rec.license_expression or "none"
            lics[key] = lics.get(key, 0) + 1
        components.append(
            ComponentSummary(
                name=name,
                component_class=_component(recs[0].path)[1],
                declared_license=None,
                files=len(recs),
                licenses=lics,
            )
        )
    names = [c.name for c in components]
    edges = [
        ComponentEdge(
            source=a,
            target=b,
            kinds=("include",),
            count=1 + _pick(a + b, "n", 300),
            crossing=b in _PROPRIETARY,
        )
        for a in names
        for b in names
        if a != b and _pick(a + b, "edge", 3 if b in _PROPRIETARY else 8) == 0
    ]
    blockers = tuple(
        Blocker(
            path=r.path,
            component=r.component,
            license_expression=r.license_expression,
            reason="not compatible",
        )
        for r in records[:8]
    )
    options = tuple(
        ReleaseOption(
            license=lic,
            allowed=ok,
            blocking_files=0 if ok else 500,
            blocking_components=() if ok else ("hw", "target"),
            blockers=() if ok else blockers,
            undetermined_files=300,
        )
        for lic, ok in (
            ("GPL-2.0-only", False),
            ("GPL-2.0-or-later", True),
            ("GPL-3.0-only", False),
            ("LGPL-2.1-only", False),
            ("BSD-3-Clause", False),
            ("MIT", False),
        )
    )
    return AuditResult(
        tool_version="bench",
        root=str(root),
        policy_path="(synthetic)",
        release_name="QEMU",
        release_license="GPL-2.0-only",
        generated_at=time.strftime("%Y-%m-%dT%H:%M:%SZ"),
        tree_hash="synthetic",
        scan=ScanResult(root=str(root), files=tuple(records)),
        findings=tuple(findings),
        components=tuple(components),
        component_edges=tuple(edges),
        options=options,
    )


def real_audit(root: Path) -> AuditResult | None:
    """The pipeline's audit of QEMU, or None when the pipeline or the policy is missing."""
    policy_file = REPO / "bench" / "policies" / "qemu.toml"
    if not policy_file.exists():
        print(f"[bench] {policy_file} missing: synthetic audit", file=sys.stderr)
        return None
    try:
        from openesx_license.pipeline import read_policy, run_audit
    except ImportError as exc:
        print(f"[bench] pipeline not available ({exc}): synthetic audit", file=sys.stderr)
        return None
    return run_audit(root, read_policy(policy_file), jobs=2)


def browser_timings(report: Path, runs: int = 3) -> dict[str, Any]:
    """Median load / interactive / filter times of ``report`` in Chromium, network cut."""
    from playwright.sync_api import sync_playwright

    url = report.resolve().as_uri()
    samples: list[dict[str, float]] = []
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("request", lambda req: requests.append(req.url))
            page.route("**/*", lambda r: r.continue_() if r.request.url == url else r.abort())
            page.goto(url, wait_until="load", timeout=120_000)
            page.wait_for_selector("html[data-ready='1']", timeout=120_000)
            nav = page.evaluate(
                "() => { const n = performance.getEntriesByType('navigation')[0];"
                " const m = performance.getEntriesByName('report-interactive')[0];"
                " return {load: n.loadEventEnd, dcl: n.domContentLoadedEventEnd,"
                " interactive: m.startTime}; }"
            )
            # the filter runs synchronously on 'change': time it inside the page
            nav["filter"] = page.evaluate(
                "() => { const i = document.querySelector('#file-filters input[name=q]');"
                " const t = performance.now(); i.value = 'virtio';"
                " i.form.dispatchEvent(new Event('change')); return performance.now() - t; }"
            )
            samples.append(nav)
            page.close()
        browser.close()
    median = {k: sorted(s[k] for s in samples)[len(samples) // 2] for k in samples[0]}
    return {
        "load_event_ms": round(median["load"]),
        "dom_content_loaded_ms": round(median["dcl"]),
        "interactive_ms": round(median["interactive"]),
        "file_filter_ms": round(median["filter"]),
        "runs": runs,
        "foreign_requests": sorted({r for r in requests if r != url}),
    }


def main(argv: list[str] | None = None) -> int:
    """Render QEMU's report.html and measure it; save bench/results/report.json."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", action="store_true", help="skip the real audit")
    args = parser.parse_args(argv if argv is not None else [])
    from openesx_license.reports.holders import merged_holders
    from openesx_license.reports.html import render_html

    root = fetch_corpus("qemu")
    start = time.perf_counter()
    result = None if args.synthetic else real_audit(root)
    kind = "real" if result is not None else "synthetic"
    if result is None:
        result = synthetic_audit(root)
    audit_s = time.perf_counter() - start
    start = time.perf_counter()
    page = render_html(result)
    render_s = time.perf_counter() - start
    out = RESULTS / f"report-qemu-{kind}.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page, encoding="utf-8")
    timings = browser_timings(out)
    payload = {
        "audit": kind,
        "corpus": str(root),
        "files": len(result.scan.files),
        "findings": len(result.findings),
        "holders": len({h.holder for r in result.scan.files for h in r.holders}),
        "holders_merged": len(merged_holders(result.scan.files)),
        "audit_seconds": round(audit_s, 1),
        "render_seconds": round(render_s, 2),
        "size_bytes": len(page.encode("utf-8")),
        "size_mb": round(len(page.encode("utf-8")) / 2**20, 2),
        **timings,
    }
    path = save("report" if kind == "real" else "report-synthetic", payload)
    for key, value in payload.items():
        print(f"{key}: {value}")
    print(f"saved {path}")
    return 0 if not timings["foreign_requests"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
