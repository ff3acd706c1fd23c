"""The result model shared by every stage: frozen, keyword-only dataclasses.

Stages produce these and later stages read them; nothing here imports a stage. JSON field names
follow DESIGN.md (``license``, SPDX spelling); :mod:`openesx_license.serialize` turns them into
the versioned JSON of ``scan --json`` and ``findings.json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

#: Version of the JSON written by ``scan --json`` and ``findings.json``; bump on any change of
#: meaning, add fields freely (readers ignore unknown fields).
SCHEMA_VERSION = "1.0"


class Label(str, Enum):
    """A closed set of names that are also their JSON spelling: ``str()`` and f-strings give
    the value (``"include"``), never ``"EdgeKind.INCLUDE"``."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


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
    DECIDED = "decided"  # a reviewed decision settles it (docs/decisions.md)


class LicenseSource(Label):
    """Where a file's concluded ``license_expression`` came from (JSON ``license_source``)."""

    DETECTED = "detected"  # the file's own text or SPDX tag
    LICENSE_FILE = "license-file"  # the COPYING/LICENSE file governing its folder
    DECLARED = "declared"  # its policy component's declared licence
    REUSE = "reuse"  # a REUSE.toml annotation or .reuse/dep5 paragraph naming the file
    DECISION = "decision"  # a reviewer's concluded-license decision (docs/decisions.md)
    NONE = "none"  # nothing: the licence is unknown


class EdgeKind(Label):
    """Kinds of dependency edge in the graph, in the order reports list them."""

    INCLUDE = "include"
    LINK = "link"
    SYMBOL = "symbol"
    IMPORT = "import"
    COPY = "copy"


#: every edge kind's name (policy ``edges`` lists, graph exports)
EDGE_KINDS: tuple[str, ...] = tuple(kind.value for kind in EdgeKind)

#: what an edge of each kind says, for docs, ``--help`` and report legends
EDGE_MEANINGS = {
    EdgeKind.INCLUDE.value: "the source file #includes the target header",
    EdgeKind.LINK.value: "the built artefact of the source build file (or composite object) "
    "contains or links the target's code",
    EdgeKind.SYMBOL.value: "the source file calls or references a function or global defined "
    "in the target",
    EdgeKind.IMPORT.value: "the source Python module imports the target module",
    EdgeKind.COPY.value: "the source file contains code copied from the target",
}


class FailOn(Label):
    """``--fail-on``: the lowest severity of a new finding that fails the CI gate."""

    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"  # every new finding fails
    NEVER = "never"

    @property
    def threshold(self) -> Severity | None:
        """The lowest failing severity; None for ``never`` (the gate is off)."""
        return None if self is FailOn.NEVER else Severity(self.value)


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
class LicenseDetection:
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
    license_source: LicenseSource = LicenseSource.NONE
    detections: tuple[LicenseDetection, ...] = ()
    copyrights: tuple[CopyrightStatement, ...] = ()
    holders: tuple[Holder, ...] = ()
    markers: tuple[MarkerHit, ...] = ()
    errors: tuple[str, ...] = ()
    component: str | None = None  # filled by the policy stage

    def __post_init__(self) -> None:
        # caches and JSON give the plain string back
        if not isinstance(self.license_source, LicenseSource):
            object.__setattr__(self, "license_source", LicenseSource(self.license_source))


@dataclass(frozen=True, kw_only=True)
class ScanStats:
    """What a scan did, for the summary line and the benchmark."""

    files: int = 0
    detected: int = 0  # files whose text went through the engines in this run
    cached: int = 0  # files answered from the cache
    imported: int = 0  # files answered by a ScanCode JSON scan (--from-scancode)
    distinct_blocks: int = 0  # distinct licence blocks sent to ScanCode
    seconds: float = 0.0


@dataclass(frozen=True, kw_only=True)
class ScanResult:
    """Output of inventory + detection."""

    root: str
    files: tuple[FileRecord, ...]
    stats: ScanStats = field(default_factory=ScanStats)
    engine: str = ""  # e.g. 'scancode-toolkit 32.5.0 / openesx-detect 1'
    #: paths the default exclusions left out (VCS folders, caches, untracked build output;
    #: folders end with '/'), so that what was not audited is on record
    skipped: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Evidence:
    """One piece of evidence of a finding: a hop of a dependency path, a matched text..."""

    path: str
    line: int | None
    text: str
    kind: str  # include | link | symbol | import | copy | license | marker | file | waiver ...


@dataclass(frozen=True, kw_only=True)
class DependencyEdge:
    """One dependency: ``source`` depends on ``target`` (both paths relative to the root).

    The dependency graph is a ``networkx.MultiDiGraph`` (:mod:`openesx_license.graph`);
    this is how other stages hand edges *into* it (the ``copy`` edges of copied code, the
    references to a proprietary IP index) and how an edge reads when taken out of it
    (:meth:`from_graph`). ``external`` marks a target that is not a file of the tree (an
    unresolved ``<stdio.h>``, an ``ipindex:<component>:<name>`` reference); ``symbol`` names
    the function, global or module the edge is about; ``gpl_only`` is set when that symbol is
    exported with ``EXPORT_SYMBOL_GPL``.
    """

    source: str
    target: str
    kind: EdgeKind
    evidence: Evidence
    symbol: str | None = None
    gpl_only: bool = False
    external: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.kind, EdgeKind):
            try:
                object.__setattr__(self, "kind", EdgeKind(self.kind))
            except ValueError:
                raise ValueError(
                    f"unknown edge kind {self.kind!r} (expected one of {EDGE_KINDS})"
                ) from None

    def attributes(self) -> dict[str, Any]:
        """The edge attributes as stored in the graph (``kind`` as its plain name)."""
        return {
            "kind": self.kind.value,
            "evidence": self.evidence,
            "symbol": self.symbol,
            "gpl_only": self.gpl_only,
        }

    @classmethod
    def from_graph(cls, source: str, target: str, data: Mapping[str, Any]) -> DependencyEdge:
        """Rebuild an edge from a graph edge ``(source, target, data)``."""
        evidence = data.get("evidence")
        if not isinstance(evidence, Evidence):
            evidence = Evidence(path=source, line=None, text="", kind=str(data.get("kind", "")))
        return cls(
            source=source,
            target=target,
            kind=EdgeKind(str(data["kind"])),
            evidence=evidence,
            symbol=data.get("symbol"),
            gpl_only=bool(data.get("gpl_only", False)),
            external=bool(data.get("external", False)),
        )


class DecisionKind(Label):
    """What a reviewed decision concludes (docs/decisions.md)."""

    NOT_A_COPY = "not-a-copy"  # the match is not a copy (independent code, chance)
    OPEN_ORIGIN = "open-origin"  # the open side is the original; the proprietary side copied it
    SHARED_UPSTREAM = "shared-upstream"  # both derive from named upstream code, named licence
    CONCLUDED_LICENSE = "concluded-license"  # this file's licence is the one named


@dataclass(frozen=True, kw_only=True)
class Decision:
    """A ``[[decision]]`` of the policy's decisions file: a reviewer's conclusion about one
    finding (``finding``, its fingerprint) or one file (``path``), pinned to ``content``, the
    hash of what was judged."""

    kind: DecisionKind
    reviewer: str
    date: str  # ISO 8601 date
    reason: str
    content: str
    finding: str | None = None
    path: str | None = None
    upstream: str | None = None  # shared-upstream: the upstream project or file
    license: str | None = None  # shared-upstream: its licence; concluded-license: the licence
    source: str = ""  # the decisions file, as the policy names it
    index: int = 0  # position in the file ('[[decision]] #2')

    @property
    def note(self) -> str:
        """How reports say it: ``Decided by <reviewer> on <date>: <reason>``."""
        return f"Decided by {self.reviewer} on {self.date}: {self.reason}"


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
    #: the policy [[rule]] table behind a boundary finding (its 'waivable' decides whether a
    #: waiver or baseline may accept the finding); JSON: data.policy_rule
    policy_rule: str | None = None
    #: free, JSON-serialisable extras (chosen OR branch, licence-rule source, similarity...)
    data: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    #: the reviewed decision that settles it (status DECIDED)
    decision: Decision | None = None
    #: under ``--since``: True when this change introduced the finding, False when it was
    #: already in the tree (kept because it can never be accepted); None without ``--since``
    introduced: bool | None = None

    def report_data(self) -> dict[str, Any]:
        """``data`` as reports write it, with ``policy_rule`` when the finding has one."""
        if self.policy_rule is None:
            return dict(self.data)
        return {"policy_rule": self.policy_rule, **self.data}


@dataclass(frozen=True, kw_only=True)
class Blocker:
    """Why one file (or component) stops the release going out under a candidate licence."""

    path: str
    component: str | None
    license_expression: str | None
    reason: str


@dataclass(frozen=True, kw_only=True)
class ComponentBlock:
    """How one component stands in the way of one candidate licence (a cell of the matrix)."""

    component: str
    proprietary_files: int = 0  # proprietary code: blocks every candidate until removed
    license_files: int = 0  # files whose licence does not allow the candidate
    #: the licence expressions of the ``license_files``, most files first
    licenses: tuple[str, ...] = ()
    #: one blocking file of the component (licence blockers first), to point at
    example: str = ""


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
    #: every blocking component with its counts, in name order (the candidate x component
    #: matrix of the reports)
    components: tuple[ComponentBlock, ...] = ()

    @property
    def allowed_once_removed(self) -> bool:
        """True when only proprietary code blocks this candidate (it goes once that is out)."""
        return self.blocking_files == self.proprietary_files


@dataclass(frozen=True, kw_only=True)
class ComponentSummary:
    """A component of the policy as the audit saw it."""

    name: str
    component_class: str  # open | proprietary | third-party | unmapped
    declared_license: str | None
    files: int
    licenses: dict[str, int] = field(default_factory=dict, compare=False, hash=False)
    #: SBOM identity from the policy ([[component]] version, supplier, purl, cpe)
    version: str | None = None
    supplier: str | None = None  # "Organization: X" or "Person: X"
    purl: str | None = None
    cpe: str | None = None


@dataclass(frozen=True, kw_only=True)
class ComponentEdge:
    """Dependencies between two components, condensed from the file graph."""

    source: str
    target: str
    kinds: tuple[str, ...]
    count: int
    crossing: bool  # some edge of the pair crosses a boundary rule of the policy
    #: the worst severity of the rules crossed: error (forbidden, drawn in red) or warning
    #: (a layering or facade rule of warning level, drawn apart); None when not crossing
    crossing_severity: Severity | None = None


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
    fail_on: FailOn = FailOn.ERROR
    diff: DiffSummary | None = None  # set in diff mode (--since)
    #: --strict-baseline: stale baseline entries fail the gate too (reports state the verdict)
    strict_baseline: bool = False
    #: how the policy was found: option | environment | tree-file | pyproject | built-in
    policy_origin: str = "option"
    #: the audited root's place in its git repository (``git rev-parse --show-prefix``, e.g.
    #: ``hypervisor/``; '' at the top); None outside a git work tree
    repository_prefix: str | None = None
    #: --redact-proprietary (or ``[reports] redact_proprietary``): no report shows a line of
    #: proprietary code; each excerpt becomes its location and a hash
    redact_proprietary: bool = False
    #: what the run should tell its user besides findings (an empty tree, a component glob
    #: that matches no file): printed as warnings on stderr
    warnings: tuple[str, ...] = ()
