"""The result model shared by every stage: frozen, keyword-only dataclasses.

Stages produce these and later stages read them; nothing here imports a stage. JSON field names
follow DESIGN.md (``license``, SPDX spelling); :mod:`openesx_license.serialize` turns them into
the versioned JSON of ``scan --json`` and ``findings.json``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

#: Version of the JSON written by ``scan --json`` and ``findings.json``; bump on any change of
#: meaning, add fields freely (readers ignore unknown fields).
SCHEMA_VERSION = "1.0"


class Severity(str, Enum):
    """How bad a finding is; ``--fail-on`` compares against it."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"

    @property
    def rank(self) -> int:
        """Higher is worse: error 3, warning 2, note 1."""
        return {"error": 3, "warning": 2, "note": 1}[self.value]


class FileKind(str, Enum):
    """What a file is, as far as licence and graph analysis care."""

    SOURCE = "source"
    HEADER = "header"
    BUILD = "build"
    LICENSE = "license"
    DOC = "doc"
    BINARY = "binary"
    OTHER = "other"


class DetectionMethod(str, Enum):
    """Where a licence fact came from (the ``method`` of a detection's provenance)."""

    SPDX_TAG = "spdx-tag"
    LICENSE_TEXT = "license-text"
    LICENSE_FILE = "license-file"
    DECLARED = "declared"


class FindingStatus(str, Enum):
    """Whether a finding counts against the gate."""

    NEW = "new"
    BASELINED = "baselined"
    WAIVED = "waived"


@dataclass(frozen=True, kw_only=True)
class FileEntry:
    """One file of the inventory (before detection)."""

    path: str  # relative to the scanned root, '/'-separated
    size: int
    sha1: str  # of the content; '' when the file could not be read
    kind: FileKind
    language: str | None = None
    errors: tuple[str, ...] = ()  # e.g. unreadable, symlink out of tree, too large


@dataclass(frozen=True, kw_only=True)
class LicenceDetection:
    """One licence fact about one file, with its provenance."""

    license_expression: str  # SPDX expression (normalised); '' for an invalid tag
    method: DetectionMethod
    start_line: int | None = None
    end_line: int | None = None
    score: float | None = None  # 0..100 (ScanCode's score; 100 for a valid tag)
    matched_rule: str | None = None  # ScanCode rule identifier, or 'SPDX-License-Identifier'
    matched_text: str | None = None  # the text that matched (may be truncated)
    governing_file: str | None = None  # for method license-file: the COPYING/LICENSE path
    valid: bool = True  # False for a malformed or unknown SPDX tag (kept as evidence)
    message: str | None = None  # why it is invalid, or a note on normalisation


@dataclass(frozen=True, kw_only=True)
class CopyrightStatement:
    """A copyright statement found in a file."""

    statement: str
    start_line: int
    end_line: int


@dataclass(frozen=True, kw_only=True)
class Holder:
    """A copyright holder named in a file."""

    holder: str
    start_line: int
    end_line: int


@dataclass(frozen=True, kw_only=True)
class MarkerHit:
    """A proprietary marker ('VMware Confidential', a LicenseRef-*-Proprietary tag...)."""

    marker: str
    line: int
    text: str


@dataclass(frozen=True, kw_only=True)
class FileRecord:
    """A file with everything detection learned about it."""

    path: str
    size: int
    sha1: str
    kind: FileKind
    language: str | None = None
    #: from the file's own text and tags only (comparable with ScanCode's
    #: detected_license_expression_spdx); None when the file states no licence
    detected_license_expression: str | None = None
    #: concluded: detected, else the governing licence file's, else the component's declared
    license_expression: str | None = None
    #: 'detected' | 'license-file' | 'declared' | 'none'
    license_source: str = "none"
    detections: tuple[LicenceDetection, ...] = ()
    copyrights: tuple[CopyrightStatement, ...] = ()
    holders: tuple[Holder, ...] = ()
    markers: tuple[MarkerHit, ...] = ()
    errors: tuple[str, ...] = ()
    component: str | None = None  # filled by the policy stage


@dataclass(frozen=True, kw_only=True)
class ScanStats:
    """What a scan did, for the summary line and the benchmark."""

    files: int = 0
    detected: int = 0  # files whose text went through the engines in this run
    cached: int = 0  # files answered from the cache
    distinct_blocks: int = 0  # distinct licence blocks sent to ScanCode
    seconds: float = 0.0


@dataclass(frozen=True, kw_only=True)
class ScanResult:
    """Output of inventory + detection."""

    root: str
    files: tuple[FileRecord, ...]
    stats: ScanStats = field(default_factory=ScanStats)
    engine: str = ""  # e.g. 'scancode-toolkit 32.5.0 / openesx-detect 1'


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """One piece of evidence of a finding: a hop of a dependency path, a matched text..."""

    path: str
    line: int | None
    text: str
    kind: str  # include | link | symbol | import | copy | license | marker | file | waiver ...


@dataclass(frozen=True, kw_only=True)
class Finding:
    """A rule violation, with the evidence that proves it."""

    rule: str  # stable rule id, e.g. 'boundary-crossing'
    severity: Severity
    path: str
    line: int | None
    component: str | None
    message: str
    evidence: tuple[Evidence, ...] = ()
    #: the other end (target file, component or symbol) or the licence involved; part of the
    #: fingerprint, so that a finding survives line shifts
    target: str | None = None
    fingerprint: str = ""
    status: FindingStatus = FindingStatus.NEW
    #: waiver or baseline note when status is not NEW (reason, owner, expiry)
    status_note: str | None = None
    #: free, JSON-serialisable extras (chosen OR branch, licence-rule source, similarity...)
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, kw_only=True)
class Blocker:
    """Why one file (or component) stops the release going out under a candidate licence."""

    path: str
    component: str | None
    license_expression: str | None
    reason: str


@dataclass(frozen=True, kw_only=True)
class ReleaseOption:
    """One row of the release-licence options table."""

    license: str
    allowed: bool
    blocking_files: int
    blocking_components: tuple[str, ...]
    blockers: tuple[Blocker, ...] = ()  # the top blockers, worst first
    #: files whose licence the tables cannot judge (unknown id, no licence): not counted as
    #: blocking, but the candidate is only as sure as these are resolved
    undetermined_files: int = 0
    #: of ``blocking_files``, those that are proprietary code (block every candidate until
    #: removed); the rest block this candidate by their licence
    proprietary_files: int = 0


@dataclass(frozen=True, kw_only=True)
class ComponentSummary:
    """A component of the policy as the audit saw it."""

    name: str
    component_class: str  # open | proprietary | third-party | unmapped
    declared_license: str | None
    files: int
    licenses: dict[str, int] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, kw_only=True)
class ComponentEdge:
    """Dependencies between two components, condensed from the file graph."""

    source: str
    target: str
    kinds: tuple[str, ...]
    count: int
    crossing: bool  # a forbidden boundary (drawn in red)


@dataclass(frozen=True, kw_only=True)
class StaleBaselineEntry:
    """A baseline entry that no longer matches any finding (the problem was fixed)."""

    fingerprint: str
    rule: str
    path: str


@dataclass(frozen=True, kw_only=True)
class DiffSummary:
    """What ``audit --since REF`` compared: the revision, how much changed, what was left out."""

    ref: str  # as given on the command line
    commit: str  # the commit it resolved to
    changed_files: int  # paths changed since the commit (committed, staged, unstaged, untracked)
    #: findings not reported because neither their file nor any hop of their evidence changed
    unchanged_findings: int


@dataclass(frozen=True, kw_only=True)
class AuditResult:
    """Everything one audit learned: the single model every report is rendered from."""

    tool_version: str
    root: str
    policy_path: str | None
    release_name: str
    release_license: str
    generated_at: str  # ISO 8601, UTC
    tree_hash: str  # git HEAD or a hash over the inventory
    scan: ScanResult
    findings: tuple[Finding, ...]
    components: tuple[ComponentSummary, ...] = ()
    component_edges: tuple[ComponentEdge, ...] = ()
    options: tuple[ReleaseOption, ...] = ()
    stale_baseline: tuple[StaleBaselineEntry, ...] = ()
    baseline_path: str | None = None
    since: str | None = None
    fail_on: str = "error"
    diff: DiffSummary | None = None  # set in diff mode (--since)
    #: --strict-baseline: stale baseline entries fail the gate too (reports state the verdict)
    strict_baseline: bool = False
