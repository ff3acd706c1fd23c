"""Licence rules: outbound-incompatible, license-conflict, denied-license, unknown-license.

All four judge the concluded licence expression of each file (detected, else the governing
licence file's, else the component's declared one) with the reviewed tables of
``rules/licenses.toml`` and ``rules/compatibility.toml`` (see
:mod:`openesx_license.policy.licensing`); every finding carries the deciding rule's citation in
``data['source']`` and the explanation in ``data['reason']``. Proprietary licences in open
code are ``proprietary-code``'s business (policy/checks/ip.py), so these rules do not repeat
them, except ``denied-license`` when the policy names them explicitly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import ClassVar

from openesx_license.model import Evidence, FileKind, FileRecord, Finding, Severity
from openesx_license.policy.checks.ip import PROPRIETARY_LICENSE
from openesx_license.policy.context import CheckContext
from openesx_license.policy.licensing import (
    ExpressionSyntaxError,
    LicenceKnowledge,
    Verdict,
    combination_verdict,
    denied_ids,
    outbound_verdict,
    parse_expression,
)
from openesx_license.policy.model import ComponentClass, Policy
from openesx_license.policy.registry import Rule, register

#: evidence items kept per license-conflict finding (the data lists every joined file)
MAX_EDGE_EVIDENCE = 10
#: file kinds that must state a licence (docs, build files and others may rely on COPYING)
LICENSED_KINDS = (FileKind.SOURCE, FileKind.HEADER)
#: file kinds whose licence is judged at all: ScanCode finds licence *mentions* in docs, and
#: a COPYING file is the text of a licence, not code under it
JUDGED_KINDS = (FileKind.SOURCE, FileKind.HEADER, FileKind.BUILD)
#: classes whose files ship with the release
_SHIPPED = (ComponentClass.OPEN, ComponentClass.THIRD_PARTY)


def _classes(policy: Policy) -> dict[str, ComponentClass]:
    return {c.name: c.component_class for c in policy.components}


def _class_of(record: FileRecord, classes: dict[str, ComponentClass]) -> ComponentClass | None:
    return classes.get(record.component) if record.component else None


def _license_evidence(record: FileRecord, ids: tuple[str, ...] = ()) -> tuple[Evidence, ...]:
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


def _is_proprietary(expression: str, knowledge: LicenceKnowledge) -> bool:
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
class OutboundIncompatible(Rule):
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
        knowledge = LicenceKnowledge.load()
        classes = _classes(ctx.policy)
        release = ctx.policy.release.license
        for path in sorted(ctx.files):
            record = ctx.files[path]
            expression = record.license_expression
            if not expression or _class_of(record, classes) is not ComponentClass.OPEN:
                continue
            if record.kind not in JUDGED_KINDS:
                continue
            if record.markers or _is_proprietary(expression, knowledge):
                continue  # proprietary-code reports it
            verdict = outbound_verdict(expression, release, knowledge)
            if verdict.allowed or not verdict.known:
                continue  # unknown-license reports what the tables cannot judge
            evidence = _license_evidence(record)
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
class LicenseConflict(Rule):
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
        knowledge = LicenceKnowledge.load()
        classes = _classes(ctx.policy)
        verdicts: dict[tuple[str, str, str], Verdict] = {}
        groups: dict[tuple[str, str], list[tuple[str, dict[str, object], Verdict]]] = defaultdict(
            list
        )
        for source, target, data in ctx.graph.edges(data=True):
            pair = self._licences(ctx, source, target, classes, knowledge)
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
    def _licences(
        ctx: CheckContext,
        source: str,
        target: str,
        classes: dict[str, ComponentClass],
        knowledge: LicenceKnowledge,
    ) -> tuple[str, str] | None:
        a, b = ctx.files.get(source), ctx.files.get(target)
        if a is None or b is None or a.kind not in JUDGED_KINDS or b.kind not in JUDGED_KINDS:
            return None
        if _class_of(a, classes) not in _SHIPPED or _class_of(b, classes) not in _SHIPPED:
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
        evidence.extend(_license_evidence(record)[:1])
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


@register
class DeniedLicense(Rule):
    """A shipped file under a licence the policy's ``[licenses] deny`` list forbids."""

    id: ClassVar[str] = "denied-license"
    severity: ClassVar[Severity] = Severity.ERROR
    title: ClassVar[str] = "Licence on the policy's deny list"
    description: ClassVar[str] = (
        "A file outside the proprietary components carries a licence the policy forbids "
        "([licenses] deny: SPDX ids or globs such as LicenseRef-*-Proprietary). Ids are "
        "matched inside expressions: 'A OR B' is denied only when both A and B are, since "
        "the other branch can be chosen; 'A AND B' is denied when either is."
    )
    guidance: ClassVar[str] = (
        "Remove or replace the file, or get it relicensed. If an allowed licence is offered "
        "too, record it in the file's SPDX tag as an OR. If the policy is too strict, change "
        "[licenses] deny after legal review."
    )

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        """One finding per file whose concluded licence cannot avoid a denied id."""
        deny = ctx.policy.licenses.deny
        if not deny:
            return
        knowledge = LicenceKnowledge.load()
        classes = _classes(ctx.policy)
        for path in sorted(ctx.files):
            record = ctx.files[path]
            expression = record.license_expression
            if not expression or _class_of(record, classes) is ComponentClass.PROPRIETARY:
                continue
            hits = denied_ids(expression, deny, knowledge)
            if not hits:
                continue
            evidence = _license_evidence(record, hits)
            yield self.finding(
                path=path,
                line=evidence[0].line if evidence else None,
                component=record.component,
                target=hits[0],
                message=(
                    f"{path} is under {expression}: {', '.join(hits)} "
                    f"{'is' if len(hits) == 1 else 'are'} on the policy's deny list"
                ),
                evidence=evidence,
                data={"license": expression, "denied": list(hits), "deny": list(deny)},
            )


@register
class UnknownLicense(Rule):
    """A shipped file whose licence is missing, malformed, unknown, or on the review list."""

    id: ClassVar[str] = "unknown-license"
    severity: ClassVar[Severity] = Severity.WARNING
    title: ClassVar[str] = "No licence found, or a licence the tables do not know"
    description: ClassVar[str] = (
        "When the policy's [licenses] review list holds 'unknown' (the shipped policies do): a "
        "source or header file of an open or third-party component states no licence and "
        "none governs it (no tag, no licence text, no COPYING, no declared component "
        "licence), or the licence expression of a source, header, build or licence file is "
        "malformed or names an id that rules/licenses.toml does not classify (an unknown "
        "LicenseRef, ScanCode's unknown-license-reference). Docs and data files are not "
        "judged: ScanCode finds licence mentions in prose, and the tree's COPYING covers "
        "them. Other review entries (ids, globs or categories such as 'network-copyleft') "
        "report matching files as notes."
    )
    guidance: ClassVar[str] = (
        "Read the file and its history: add the right SPDX-License-Identifier tag, or a "
        "licence to the component in the policy. For a licence the tables lack, add it to "
        "rules/licenses.toml (and its rows to rules/compatibility.toml) with its source, "
        "after legal review."
    )

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        """Unknown, missing and malformed licences; review-list matches."""
        review = ctx.policy.licenses.review
        if not review:
            return
        knowledge = LicenceKnowledge.load()
        classes = _classes(ctx.policy)
        report_unknown = "unknown" in review
        others = tuple(r for r in review if r != "unknown")
        for path in sorted(ctx.files):
            record = ctx.files[path]
            if _class_of(record, classes) not in _SHIPPED:
                continue
            finding = self._unknown(record, knowledge) if report_unknown else None
            if finding is None and others and record.license_expression:
                finding = self._review(record, others, knowledge)
            if finding is not None:
                yield finding

    def _unknown(self, record: FileRecord, knowledge: LicenceKnowledge) -> Finding | None:
        expression = record.license_expression
        if not expression:
            if record.kind not in LICENSED_KINDS:
                return None
            invalid = [d for d in record.detections if not d.valid]
            evidence = tuple(
                Evidence(
                    path=record.path,
                    line=d.start_line,
                    text=d.matched_text or d.message or "invalid tag",
                    kind="license",
                )
                for d in invalid[:5]
            )
            why = f" (invalid tag: {invalid[0].message})" if invalid and invalid[0].message else ""
            return self.finding(
                path=record.path,
                line=evidence[0].line if evidence else None,
                component=record.component,
                target="none",
                message=f"{record.path}: no licence found{why}",
                evidence=evidence,
                data={"license": None, "problem": "none"},
            )
        if record.kind not in (*JUDGED_KINDS, FileKind.LICENSE):
            return None
        try:
            keys = parse_expression(expression).license_keys()
        except ExpressionSyntaxError as exc:
            return self.finding(
                path=record.path,
                line=None,
                component=record.component,
                target="malformed",
                message=f"{record.path}: malformed licence expression {expression!r}: {exc}",
                evidence=_license_evidence(record),
                data={"license": expression, "problem": "malformed", "error": str(exc)},
            )
        unknown = tuple(k for k in keys if knowledge.category(k) == "unknown")
        if not unknown:
            return None
        not_in_tables = [k for k in unknown if not knowledge.knows(k)]
        what = (
            "not in rules/licenses.toml"
            if not_in_tables
            else "of unknown terms (a person must read the text)"
        )
        return self.finding(
            path=record.path,
            line=None,
            component=record.component,
            target=unknown[0],
            message=f"{record.path}: licence {', '.join(unknown)} {what}",
            evidence=_license_evidence(record, unknown),
            data={"license": expression, "problem": "unknown", "unknown": list(unknown)},
        )

    def _review(
        self, record: FileRecord, review: tuple[str, ...], knowledge: LicenceKnowledge
    ) -> Finding | None:
        expression = record.license_expression or ""
        try:
            keys = parse_expression(expression).license_keys()
        except ExpressionSyntaxError:
            return None
        categories = {r for r in review if r in _CATEGORY_NAMES}
        by_category = tuple(k for k in keys if knowledge.category(k) in categories)
        hits = tuple(dict.fromkeys((*by_category, *denied_ids(expression, review, knowledge))))
        if not hits:
            return None
        return self.finding(
            path=record.path,
            line=None,
            component=record.component,
            target=hits[0],
            severity=Severity.NOTE,
            message=f"{record.path}: {', '.join(hits)} is on the policy's review list",
            evidence=_license_evidence(record, hits),
            data={"license": expression, "problem": "review", "review": list(hits)},
        )


_CATEGORY_NAMES = (
    "permissive",
    "weak-copyleft",
    "strong-copyleft",
    "network-copyleft",
    "public-domain",
    "proprietary",
)
