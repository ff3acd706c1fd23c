"""A hand-built AuditResult with awkward content, shared by the report tests (see conftest.py).

Non-ASCII copyright holders, a path with spaces, a file with no licence, an ``OR`` expression
with a ``WITH`` exception, LicenseRefs (one ScanCode knows, one nobody knows), a proprietary
component, and findings in every status with a multi-hop evidence chain.
"""

from __future__ import annotations

from openesx_license.model import (
    AuditResult,
    Blocker,
    ComponentEdge,
    ComponentSummary,
    CopyrightStatement,
    DetectionMethod,
    Evidence,
    FileKind,
    FileRecord,
    Finding,
    FindingStatus,
    Holder,
    LicenseDetection,
    MarkerHit,
    ReleaseOption,
    ScanResult,
    ScanStats,
    Severity,
    StaleBaselineEntry,
)

SPACED_PATH = "vmkernel/dir with spaces/util file.c"
WITH_EXPR = "GPL-2.0-only WITH Linux-syscall-note OR MIT"


def tagged_file(
    path: str,
    expr: str | None,
    *,
    component: str | None,
    holders: tuple[str, ...] = (),
    source: str = "detected",
    kind: FileKind = FileKind.SOURCE,
    sha1: str | None = None,
    markers: tuple[MarkerHit, ...] = (),
) -> FileRecord:
    """A file whose licence comes from an SPDX tag on line 1 (or from elsewhere, by ``source``),
    with one copyright line per holder from line 2."""
    detections = (
        (
            LicenseDetection(
                license_expression=expr,
                method=DetectionMethod.SPDX_TAG,
                start_line=1,
                end_line=1,
                score=100.0,
                matched_rule="SPDX-License-Identifier",
                matched_text=f"SPDX-License-Identifier: {expr}",
            ),
        )
        if expr and source == "detected"
        else ()
    )
    return FileRecord(
        path=path,
        size=100 + len(path),
        sha1=sha1 or f"{abs(hash(path)) % (16**40):040x}",
        kind=kind,
        language="c",
        detected_license_expression=expr if source == "detected" else None,
        license_expression=expr,
        license_source=source if expr else "none",
        detections=detections,
        copyrights=tuple(
            CopyrightStatement(
                statement=f"Copyright (c) 2024 {h}", start_line=2 + i, end_line=2 + i
            )
            for i, h in enumerate(holders)
        ),
        holders=tuple(
            Holder(holder=h, start_line=2 + i, end_line=2 + i) for i, h in enumerate(holders)
        ),
        markers=markers,
        component=component,
    )


def build_awkward_result() -> AuditResult:
    """The awkward AuditResult (a plain function so that other test packages can reuse it)."""
    files = (
        tagged_file(
            "vmkernel/sched.c",
            "GPL-2.0-only",
            component="vmkernel",
            holders=("Jürgen Müller", "株式会社 OpenESX"),
            sha1="1" * 40,
        ),
        tagged_file(
            SPACED_PATH, "MIT", component="vmkernel", holders=("Zoë O'Brien",), sha1="2" * 40
        ),
        tagged_file("vmkernel/nolicense.c", None, component="vmkernel", sha1="3" * 40),
        tagged_file(
            "include/uapi/linux/syscall.h",
            WITH_EXPR,
            component="linux-uapi",
            holders=("Linus Torvalds",),
            kind=FileKind.HEADER,
            sha1="4" * 40,
        ),
        tagged_file(
            "third_party/pd/strlcpy.c",
            "LicenseRef-scancode-public-domain",
            component="libpd",
            sha1="5" * 40,
        ),
        tagged_file(
            "vmkernel/custom.c",
            "LicenseRef-OpenESX-Custom AND BSD-3-Clause",
            component="vmkernel",
            holders=("OpenESX Project",),
            sha1="6" * 40,
        ),
        tagged_file(
            "vmotion/migrate.c",
            "LicenseRef-VMware-Proprietary",
            component="vmotion",
            holders=("VMware, Inc.",),
            sha1="7" * 40,
            markers=(MarkerHit(marker="VMware Confidential", line=3, text="VMware Confidential"),),
        ),
        tagged_file(
            "vmkernel/COPYING",
            "GPL-2.0-only",
            component="vmkernel",
            kind=FileKind.LICENSE,
            sha1="8" * 40,
        ),
    )
    chain = (
        Evidence(path="vmkernel/sched.c", line=12, text='#include "migrate_api.h"', kind="include"),
        Evidence(
            path="vmkernel/migrate_api.h",
            line=4,
            text="extern int vmotion_start(void);",
            kind="symbol",
        ),
        Evidence(path="vmotion/migrate.c", line=40, text="int vmotion_start(void)", kind="symbol"),
    )
    findings = (
        Finding(
            rule="boundary-crossing",
            severity=Severity.ERROR,
            path="vmkernel/sched.c",
            line=12,
            component="vmkernel",
            message="open component vmkernel depends on proprietary vmotion: 100% sure, a,b",
            evidence=chain,
            target="vmotion/migrate.c",
            data={"rule_name": "open-must-not-reach-proprietary", "hops": 3},
        ),
        Finding(
            rule="unknown-license",
            severity=Severity.WARNING,
            path="vmkernel/nolicense.c",
            line=None,
            component="vmkernel",
            message="no licence found\nin this file",
            evidence=(Evidence(path="vmkernel/nolicense.c", line=None, text="", kind="file"),),
            status=FindingStatus.WAIVED,
            status_note="waived: generated file (owner legal@openesx.org, expires 2027-06-30)",
        ),
        Finding(
            rule="license-conflict",
            severity=Severity.ERROR,
            path=SPACED_PATH,
            line=1,
            component="vmkernel",
            message="MIT file includes LicenseRef-OpenESX-Custom code",
            evidence=(
                Evidence(
                    path=SPACED_PATH, line=1, text="SPDX-License-Identifier: MIT", kind="license"
                ),
            ),
            target="vmkernel/custom.c",
            fingerprint="f" * 32,
            status=FindingStatus.BASELINED,
            status_note="baselined",
        ),
        Finding(
            rule="proprietary-code",
            severity=Severity.NOTE,
            path="vmkernel/custom.c",
            line=3,
            component="vmkernel",
            message="marker 'Proprietary and Confidential' in an open component",
            evidence=(
                Evidence(
                    path="vmkernel/custom.c",
                    line=3,
                    text="/* Proprietary and Confidential */",
                    kind="marker",
                ),
            ),
        ),
    )
    return AuditResult(
        tool_version="0.1.0",
        root="/srv/trees/openesx mini",
        policy_path="rules/openesx.toml",
        release_name="OpenESX",
        release_license="GPL-2.0-only",
        generated_at="2026-11-28T07:30:00Z",
        tree_hash="0123456789abcdef0123456789abcdef01234567",
        scan=ScanResult(
            root="/srv/trees/openesx mini",
            files=files,
            stats=ScanStats(files=len(files), detected=len(files), seconds=0.5),
            engine="scancode-toolkit 32.5.0 / openesx-detect 1",
        ),
        findings=findings,
        components=(
            ComponentSummary(
                name="vmkernel",
                component_class="open",
                declared_license="GPL-2.0-only",
                files=5,
                licenses={"GPL-2.0-only": 2, "MIT": 1, "none": 1},
            ),
            ComponentSummary(
                name="linux-uapi",
                component_class="third-party",
                declared_license=WITH_EXPR,
                files=1,
                licenses={WITH_EXPR: 1},
            ),
            ComponentSummary(
                name="libpd",
                component_class="third-party",
                declared_license=None,
                files=1,
                licenses={"LicenseRef-scancode-public-domain": 1},
            ),
            ComponentSummary(
                name="vmotion",
                component_class="proprietary",
                declared_license=None,
                files=1,
                licenses={"LicenseRef-VMware-Proprietary": 1},
            ),
        ),
        component_edges=(
            ComponentEdge(
                source="vmkernel",
                target="vmotion",
                kinds=("include", "symbol"),
                count=2,
                crossing=True,
            ),
        ),
        options=(
            ReleaseOption(
                license="GPL-2.0-only", allowed=True, blocking_files=0, blocking_components=()
            ),
            ReleaseOption(
                license="Apache-2.0",
                allowed=False,
                blocking_files=2,
                blocking_components=("vmkernel",),
                blockers=(
                    Blocker(
                        path="vmkernel/sched.c",
                        component="vmkernel",
                        license_expression="GPL-2.0-only",
                        reason="strong copyleft cannot be relicensed",
                    ),
                ),
            ),
        ),
        stale_baseline=(
            StaleBaselineEntry(fingerprint="e" * 32, rule="unmapped-file", path="old/gone.c"),
        ),
        baseline_path=".openesx-baseline.json",
        fail_on="error",
    )
