"""Licence compatibility rules: outbound-incompatible and license-conflict (denied-license and
unknown-license are in :mod:`openesx_license.checks.license_lists`).

All of them judge the concluded licence expression of each file (detected, else the governing
licence file's, else the component's declared one) with the reviewed tables of
``rules/licenses.toml`` and ``rules/compatibility.toml`` (see
:mod:`openesx_license.licensing`); every finding carries the deciding rule's citation in
``data['source']`` and the explanation in ``data['reason']``. Proprietary licences in open
code are ``proprietary-code``'s business (policy/checks/ip.py), so these rules do not repeat
them, except ``denied-license`` when the policy names them explicitly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import ClassVar

from openesx_license.checks.context import CheckContext
from openesx_license.checks.proprietary import PROPRIETARY_LICENSE
from openesx_license.checks.registry import Check, register
from openesx_license.config.model import ComponentClass, Policy
from openesx_license.licensing import (
    LicenseKnowledge,
    Verdict,
    combination_verdict,
    denied_ids,
    outbound_verdict,
)
from openesx_license.model import Evidence, FileKind, FileRecord, Finding, Severity

#: evidence items kept per license-conflict finding (the data lists every joined file)
MAX_EDGE_EVIDENCE = 10
#: file kinds that must state a licence (docs, build files and others may rely on COPYING)
LICENSED_KINDS = (FileKind.SOURCE, FileKind.HEADER)
#: file kinds whose licence is judged at all: ScanCode finds licence *mentions* in docs, and
#: a COPYING file is the text of a licence, not code under it
JUDGED_KINDS = (FileKind.SOURCE, FileKind.HEADER, FileKind.BUILD)
#: classes whose files ship with the release
SHIPPED_CLASSES = (ComponentClass.OPEN, ComponentClass.THIRD_PARTY)


def component_classes(policy: Policy) -> dict[str, ComponentClass]:
    """Component name -> class, for the policy's components."""
    return {c.name: c.component_class for c in policy.components}


def class_of(record: FileRecord, classes: dict[str, ComponentClass]) -> ComponentClass | None:
    """The class of the record's component (None when unmapped)."""
    return classes.get(record.component) if record.component else None


def license_evidence(record: FileRecord, ids: tuple[str, ...] = ()) -> tuple[Evidence, ...]:
    """The detections that state the file's licence (those naming ``ids`` when given)."""
    out = [
        Evidence(
            path=record.path,
            line=d.start_line,
            text=(d.matched_text or d.license_expression or "")[:300],
            kind="license",
        )
        for d in record.detections
        if not ids or any(i.lower() in (d.license_expression or "").lower() for i in ids)
    ]
    if not out and record.license_expression:
        how = {
            "declared": "declared by its component in the policy",
            "license-file": "from the governing licence file",
            "reuse": "declared in REUSE.toml or .reuse/dep5",
        }.get(record.license_source, record.license_source)
        out.append(
            Evidence(
                path=record.path,
                line=None,
                text=f"{record.license_expression} ({how})",
                kind="license",
            )
        )
    return tuple(out[:5])


_PROPRIETARY: dict[tuple[int, str], bool] = {}


def _is_proprietary(expression: str, knowledge: LicenseKnowledge) -> bool:
    """True when every way to satisfy ``expression`` goes through a proprietary licence that
    ``proprietary-code`` reports (a LicenseRef-*-Proprietary-style id); non-free SPDX licences
    such as CC-BY-NC-3.0 are left to these rules. Memoised: license-conflict asks for both
    ends of every edge."""
    key = (id(knowledge), expression)
    if key not in _PROPRIETARY:
        hits = denied_ids(expression, knowledge.proprietary_globs(), knowledge)
        _PROPRIETARY[key] = bool(hits) and all(PROPRIETARY_LICENSE.fullmatch(h) for h in hits)
    return _PROPRIETARY[key]


def _verdict_data(verdict: Verdict) -> dict[str, object]:
    return {
        "reason": verdict.reason,
        "source": verdict.source,
        "chosen": verdict.chosen,
        "edge_kind": verdict.edge_kind,
    }


def _edge_order(edge: tuple[str, dict[str, object], Verdict]) -> tuple[int, str]:
    evidence = edge[1].get("evidence")
    line = evidence.line if isinstance(evidence, Evidence) and evidence.line else 0
    return line, edge[0]


@register
class OutboundIncompatible(Check):
    """A file of an open component whose licence does not allow the release licence."""

    id: ClassVar[str] = "outbound-incompatible"
    severity: ClassVar[Severity] = Severity.ERROR
    title: ClassVar[str] = "File licence does not allow the release licence"
    description: ClassVar[str] = (
        "A file of an open component carries a licence under which it cannot be released as "
        "part of a work under the release licence ([release] license), for example Apache-2.0 "
        "code in a GPL-2.0-only release, or GPL-2.0-only code in a GPL-3.0 release. An OR "
        "expression is fine when any branch allows the release licence. Source, header and "
        "build files are judged (not docs, whose detected licences are mentions). The "
        "compatibility rows and their sources are in rules/compatibility.toml."
    )
    guidance: ClassVar[str] = (
        "Ask the copyright holders to relicense or dual-license the file, replace the code, "
        "move it into a separately distributed component, or choose a release licence the "
        "file allows (`openesx-license options` shows which candidates work). If the detected "
        "licence is wrong, fix the file's SPDX tag."
    )

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        """One finding per open file whose licence refuses the release licence."""
        knowledge = LicenseKnowledge.load()
        classes = component_classes(ctx.policy)
        release = ctx.policy.release.license
        for path in sorted(ctx.files):
            record = ctx.files[path]
            expression = record.license_expression
            if not expression or class_of(record, classes) is not ComponentClass.OPEN:
                continue
            if record.kind not in JUDGED_KINDS:
                continue
            if record.markers or _is_proprietary(expression, knowledge):
                continue  # proprietary-code reports it
            verdict = outbound_verdict(expression, release, knowledge)
            if verdict.allowed or not verdict.known:
                continue  # unknown-license reports what the tables cannot judge
            evidence = license_evidence(record)
            yield self.finding(
                path=path,
                line=evidence[0].line if evidence else None,
                component=record.component,
                target=release,
                message=(
                    f"{path} is under {expression}, which does not allow release under "
                    f"{release}: {verdict.reason}"
                ),
                evidence=evidence,
                data={"license": expression, "release_license": release, **_verdict_data(verdict)},
            )


@register
class LicenseConflict(Check):
    """Two shipped files joined by a dependency edge under licences that cannot be combined."""

    id: ClassVar[str] = "license-conflict"
    severity: ClassVar[Severity] = Severity.ERROR
    title: ClassVar[str] = "Incompatible licences across a dependency edge"
    description: ClassVar[str] = (
        "A file of an open or third-party component includes, links or uses symbols of a "
        "file whose licence cannot be combined with its own, whatever licence the combination "
        "were released under: for example GPL-2.0-only code linked with Apache-2.0 or "
        "GPL-3.0-only code, or CDDL code linked into GPL code. How the files are joined "
        "matters: a Linux-syscall-note header may be included by anything, an LGPL library "
        "may be linked. One finding per (file, other licence), with the edges as evidence."
    )
    guidance: ClassVar[str] = (
        "Remove the dependency (use a cleanly licensed interface), get one side relicensed "
        "(e.g. GPL-2.0-or-later instead of GPL-2.0-only lets the combination go out under "
        "GPL-3.0, which accepts Apache-2.0), or replace the code. The finding's data names the "
        "rule and its source (rules/compatibility.toml)."
    )

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        """Group conflicting edges by (source file, target licence)."""
        knowledge = LicenseKnowledge.load()
        classes = component_classes(ctx.policy)
        verdicts: dict[tuple[str, str, str], Verdict] = {}
        groups: dict[tuple[str, str], list[tuple[str, dict[str, object], Verdict]]] = defaultdict(
            list
        )
        for source, target, data in ctx.graph.edges(data=True):
            pair = self._licenses(ctx, source, target, classes, knowledge)
            kind = data.get("kind")
            if pair is None or not isinstance(kind, str) or source == target:
                continue
            key = (pair[0], pair[1], kind)
            if key not in verdicts:
                try:
                    verdicts[key] = combination_verdict(pair[0], pair[1], knowledge, kind)
                except ValueError:  # an edge kind the tables do not map
                    continue
            verdict = verdicts[key]
            if not verdict.allowed and verdict.known:
                groups[(source, pair[1])].append((target, data, verdict))
        for (source, other), edges in sorted(groups.items()):
            yield self._finding(ctx.files[source], other, edges)

    @staticmethod
    def _licenses(
        ctx: CheckContext,
        source: str,
        target: str,
        classes: dict[str, ComponentClass],
        knowledge: LicenseKnowledge,
    ) -> tuple[str, str] | None:
        a, b = ctx.files.get(source), ctx.files.get(target)
        if a is None or b is None or a.kind not in JUDGED_KINDS or b.kind not in JUDGED_KINDS:
            return None
        if (
            class_of(a, classes) not in SHIPPED_CLASSES
            or class_of(b, classes) not in SHIPPED_CLASSES
        ):
            return None  # boundary-crossing and proprietary-code own the proprietary side
        la, lb = a.license_expression, b.license_expression
        if not la or not lb or la == lb:
            return None
        if _is_proprietary(la, knowledge) or _is_proprietary(lb, knowledge):
            return None
        return la, lb

    def _finding(
        self, record: FileRecord, other: str, edges: list[tuple[str, dict[str, object], Verdict]]
    ) -> Finding:
        edges = sorted(edges, key=_edge_order)
        targets = sorted({t for t, _, _ in edges})
        kinds = sorted({str(d.get("kind")) for _, d, _ in edges})
        evidence: list[Evidence] = []
        for target, data, _ in edges[:MAX_EDGE_EVIDENCE]:
            ev = data.get("evidence")
            if not isinstance(ev, Evidence):
                ev = Evidence(
                    path=record.path, line=None, text=f"-> {target}", kind=str(data.get("kind"))
                )
            evidence.append(ev)
        evidence.extend(license_evidence(record)[:1])
        verdict = edges[0][2]
        more = f" and {len(targets) - 1} more" if len(targets) > 1 else ""
        return self.finding(
            path=record.path,
            line=evidence[0].line if evidence else None,
            component=record.component,
            target=other,
            message=(
                f"{record.path} ({record.license_expression}) is joined by {'/'.join(kinds)} to "
                f"{targets[0]}{more} under {other}; the licences cannot be combined: "
                f"{verdict.reason}"
            ),
            evidence=tuple(evidence),
            data={
                "license": record.license_expression,
                "other_license": other,
                "targets": targets,
                "edge_kinds": kinds,
                **_verdict_data(verdict),
            },
        )
