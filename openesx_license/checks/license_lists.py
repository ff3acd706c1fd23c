"""Licence list rules: denied-license and unknown-license.

Both apply the policy's ``[licenses]`` table (``deny`` and ``review``) to the concluded licence
of each file, with the ids, aliases, globs and categories of ``rules/licenses.toml`` (see
:mod:`openesx_license.licensing`). The compatibility rules live in
:mod:`openesx_license.checks.licenses`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import ClassVar

from openesx_license.checks.context import CheckContext
from openesx_license.checks.licenses import (
    JUDGED_KINDS,
    LICENSED_KINDS,
    SHIPPED_CLASSES,
    class_of,
    component_classes,
    license_evidence,
)
from openesx_license.checks.registry import Check, register
from openesx_license.config.model import ComponentClass
from openesx_license.licensing import (
    CATEGORIES,
    ExpressionSyntaxError,
    LicenseKnowledge,
    denied_ids,
    parse_expression,
)
from openesx_license.model import Evidence, FileKind, FileRecord, Finding, Severity


@register
class DeniedLicense(Check):
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
        knowledge = LicenseKnowledge.load()
        classes = component_classes(ctx.policy)
        for path in sorted(ctx.files):
            record = ctx.files[path]
            expression = record.license_expression
            if not expression or class_of(record, classes) is ComponentClass.PROPRIETARY:
                continue
            hits = denied_ids(expression, deny, knowledge)
            if not hits:
                continue
            evidence = license_evidence(record, hits)
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
class UnknownLicense(Check):
    """A shipped file whose licence is missing, malformed, unknown, or on the review list."""

    id: ClassVar[str] = "unknown-license"
    severity: ClassVar[Severity] = Severity.WARNING
    title: ClassVar[str] = "No licence found, or a licence the tables do not know"
    description: ClassVar[str] = (
        "A "
        "source or header file of an open or third-party component states no licence and "
        "none governs it (no tag, no licence text, no COPYING, no declared component "
        "licence), or the licence expression of a source, header, build or licence file is "
        "malformed or names an id that rules/licenses.toml does not classify (an unknown "
        "LicenseRef, ScanCode's unknown-license-reference). Docs and data files are not "
        "judged: ScanCode finds licence mentions in prose, and the tree's COPYING covers "
        "them. Other review entries (ids, globs or categories such as 'network-copyleft') "
        "report matching files as notes. Without 'unknown' on the review list (the shipped "
        "policies have it) missing and unknown licences are notes instead of warnings: never "
        "silent."
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
        knowledge = LicenseKnowledge.load()
        classes = component_classes(ctx.policy)
        # fail closed: without 'unknown' on the review list a missing or unknown licence is
        # still said, as a note (it does not gate at the default --fail-on error)
        quiet = "unknown" not in review
        others = tuple(r for r in review if r != "unknown")
        for path in sorted(ctx.files):
            record = ctx.files[path]
            if class_of(record, classes) not in SHIPPED_CLASSES:
                continue
            finding = self._unknown(record, knowledge)
            if finding is not None and quiet:
                finding = dataclasses.replace(finding, severity=Severity.NOTE)
            if finding is None and others and record.license_expression:
                finding = self._review(record, others, knowledge)
            if finding is not None:
                yield finding

    def _unknown(self, record: FileRecord, knowledge: LicenseKnowledge) -> Finding | None:
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
                evidence=license_evidence(record),
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
            evidence=license_evidence(record, unknown),
            data={"license": expression, "problem": "unknown", "unknown": list(unknown)},
        )

    def _review(
        self, record: FileRecord, review: tuple[str, ...], knowledge: LicenseKnowledge
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
            evidence=license_evidence(record, hits),
            data={"license": expression, "problem": "review", "review": list(hits)},
        )


_CATEGORY_NAMES = tuple(c for c in CATEGORIES if c != "unknown")
