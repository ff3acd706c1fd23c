"""A hand-built AuditResult with awkward content, and the small tree it points at.

Used by the HTML report's unit tests: non-ASCII holders, a path with spaces and ``<script>``,
a file with no licence, OR / WITH expressions, a binary file, evidence pointing at a missing
file and outside the tree, a waived and a baselined finding, a forbidden component edge.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from openesx_license.model import (
    AuditResult,
    Blocker,
    ComponentEdge,
    ComponentSummary,
    Evidence,
    FileKind,
    FileRecord,
    Finding,
    FindingStatus,
    MarkerHit,
    ReleaseOption,
    ScanResult,
    ScanStats,
    Severity,
)
from tests.helpers.report_fixtures import tagged_file

EVIL_DIR = "drivers/net/odd name <script>window.__pwned=1</script>"
EVIL_PATH = f"{EVIL_DIR}/e1000 main.c"
EVIL_HOLDER = "<b>Evil</b> & Co <script>window.__pwned=2</script>"
EVIL_MESSAGE = 'marker found <img src=x onerror="window.__pwned=3">'

_SCHED = """\
// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (c) 2026 OpenESX contributors */
#include <linux/sched.h>
#include "vmkernel/sched.h"
#include "vmotion/vmotion_api.h"

int vmk_schedule(void) { return vmotion_migrate(0); }
"""

_VMOTION = """\
/* VMware Confidential. Copyright (c) 2026 VMware, Inc. */
int vmotion_migrate(int vm);
"""

_EVIL = """\
/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/* Copyright (c) 2026 <b>Evil</b> & Co <script>window.__pwned=2</script> */
/* Proprietary and Confidential </script><script>window.__pwned=4</script> */
int e1000_probe(void) { return 0; }
"""

_CRC = """\
/* SPDX-License-Identifier: GPL-2.0-or-later OR BSD-3-Clause */
/* Copyright © 2024 Jürgen Müller, 日本語のテスト */
unsigned crc32(const void *p, unsigned n);
"""


def write_tree(root: Path) -> None:
    """Write the files the sample result refers to (the binary one, not the missing one)."""
    for rel, text in (
        ("vmkernel/sched.c", _SCHED),
        ("vmotion/vmotion_api.h", _VMOTION),
        (EVIL_PATH, _EVIL),
        ("lib/crc32.c", _CRC),
        ("tools/no licence.py", "print('hello')\n"),
    ):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    secret = root.parent / "outside-secret.txt"
    secret.write_text("not part of the tree\n", encoding="utf-8")
    (root / "vmkernel/secret.h").symlink_to(secret)
    (root / "firmware").mkdir(exist_ok=True)
    (root / "firmware/blob.bin").write_bytes(b"\x7fELF\x00\x01\x02" * 20)


def _gpl(path: str, expr: str, holder: str) -> FileRecord:
    return replace(tagged_file(path, expr, component=None, holders=(holder,)), sha1="0" * 40)


def sample_result(root: Path) -> AuditResult:
    """A failing audit of the tree written by :func:`write_tree` at ``root``."""
    files = (
        replace(
            _gpl("vmkernel/sched.c", "GPL-2.0-only", "OpenESX contributors"), component="vmkernel"
        ),
        replace(
            _gpl("vmotion/vmotion_api.h", "LicenseRef-Proprietary", "VMware, Inc."),
            component="vmotion",
            kind=FileKind.HEADER,
            markers=(MarkerHit(marker="VMware Confidential", line=1, text="VMware Confidential."),),
        ),
        replace(
            _gpl(EVIL_PATH, "GPL-2.0-only WITH Linux-syscall-note", EVIL_HOLDER),
            component="drivers",
        ),
        replace(
            _gpl("lib/crc32.c", "GPL-2.0-or-later OR BSD-3-Clause", "Jürgen Müller"),
            component="lib",
        ),
        FileRecord(path="tools/no licence.py", size=15, sha1="1" * 40, kind=FileKind.SOURCE),
        FileRecord(path="firmware/blob.bin", size=140, sha1="2" * 40, kind=FileKind.BINARY),
    )
    crossing = Finding(
        rule="boundary-crossing",
        severity=Severity.ERROR,
        path="vmkernel/sched.c",
        line=5,
        component="vmkernel",
        message="open component vmkernel depends on proprietary component vmotion",
        evidence=(
            Evidence(
                path="vmkernel/sched.c",
                line=5,
                text='#include "vmotion/vmotion_api.h"',
                kind="include",
            ),
            Evidence(
                path="vmotion/vmotion_api.h",
                line=2,
                text="int vmotion_migrate(int vm);",
                kind="symbol",
            ),
        ),
        target="vmotion",
        fingerprint="fp-crossing",
    )
    findings = (
        crossing,
        Finding(
            rule="proprietary-code",
            severity=Severity.ERROR,
            path=EVIL_PATH,
            line=3,
            component="drivers",
            message=EVIL_MESSAGE,
            evidence=(
                Evidence(
                    path=EVIL_PATH, line=3, text="Proprietary and Confidential", kind="marker"
                ),
            ),
            fingerprint="fp-marker",
        ),
        Finding(
            rule="unknown-license",
            severity=Severity.WARNING,
            path="tools/no licence.py",
            line=None,
            component=None,
            message="no licence found",
            status=FindingStatus.WAIVED,
            status_note="build helper, not shipped; owner legal@openesx.org, expires 2027-06-30",
        ),
        Finding(
            rule="license-conflict",
            severity=Severity.WARNING,
            path="lib/crc32.c",
            line=1,
            component="lib",
            message="GPL-2.0-or-later OR BSD-3-Clause combined with LicenseRef-Proprietary",
            evidence=(
                Evidence(path="missing/gone.c", line=4, text="#include gone", kind="include"),
                Evidence(path="vmkernel/secret.h", line=1, text="symlink", kind="include"),
                Evidence(path="../../etc/passwd", line=1, text="root", kind="include"),
                Evidence(path="<stdio.h>", line=None, text="external header", kind="include"),
            ),
            status=FindingStatus.BASELINED,
            status_note="accepted in baseline 2026-11-01",
            data={"chosen_branch": "BSD-3-Clause", "sources": ["FSF", "OSI"]},
        ),
        Finding(
            rule="unmapped-file",
            severity=Severity.NOTE,
            path="firmware/blob.bin",
            line=1,
            component=None,
            message="no component claims this file",
        ),
    )
    blockers = (
        Blocker(
            path="vmotion/vmotion_api.h",
            component="vmotion",
            license_expression="LicenseRef-Proprietary",
            reason="proprietary licence",
        ),
    )
    return AuditResult(
        tool_version="0.1.0",
        root=str(root),
        policy_path="rules/openesx.toml",
        release_name="OpenESX",
        release_license="GPL-2.0-only",
        generated_at="2026-11-28T07:30:00Z",
        tree_hash="0123456789abcdef0123456789abcdef01234567",
        scan=ScanResult(
            root=str(root),
            files=files,
            stats=ScanStats(files=len(files), detected=6, seconds=1.5),
            engine="scancode-toolkit 32.5.0",
        ),
        findings=findings,
        components=(
            ComponentSummary(
                name="vmkernel",
                component_class="open",
                declared_license="GPL-2.0-only",
                files=1,
                licenses={"GPL-2.0-only": 1},
            ),
            ComponentSummary(
                name="drivers",
                component_class="open",
                declared_license="GPL-2.0-only",
                files=1,
                licenses={"GPL-2.0-only WITH Linux-syscall-note": 1},
            ),
            ComponentSummary(
                name="lib",
                component_class="third-party",
                declared_license=None,
                files=1,
                licenses={"GPL-2.0-or-later OR BSD-3-Clause": 1},
            ),
            ComponentSummary(
                name="vmotion",
                component_class="proprietary",
                declared_license=None,
                files=1,
                licenses={"LicenseRef-Proprietary": 1},
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
            ComponentEdge(
                source="drivers", target="vmkernel", kinds=("include",), count=7, crossing=False
            ),
            ComponentEdge(
                source="vmkernel", target="lib", kinds=("link",), count=1, crossing=False
            ),
        ),
        options=(
            ReleaseOption(
                license="GPL-2.0-only",
                allowed=False,
                blocking_files=1,
                blocking_components=("vmotion",),
                blockers=blockers,
            ),
            ReleaseOption(
                license="GPL-3.0-only", allowed=True, blocking_files=0, blocking_components=()
            ),
            ReleaseOption(
                license="BSD-3-Clause",
                allowed=False,
                blocking_files=3,
                blocking_components=("vmkernel", "drivers"),
                blockers=blockers,
            ),
        ),
        since="v1.0",
        baseline_path=".openesx-baseline.json",
    )


def clean_result(root: Path) -> AuditResult:
    """The same tree, audited clean: no finding, every option allowed."""
    failing = sample_result(root)
    return replace(
        failing,
        findings=(),
        options=tuple(
            replace(o, allowed=True, blocking_files=0, blocking_components=(), blockers=())
            for o in failing.options
        ),
        component_edges=tuple(replace(e, crossing=False) for e in failing.component_edges),
    )
