"""The ``copied-code`` rule: open code that matches fingerprints of proprietary code.

The matching itself happens in the pipeline's copied-code step
(:mod:`openesx_license.copies.stage`); this rule turns each match into a finding with both
locations. Copies are never waivable: the fix is to remove or rewrite the code, or to prove it
was not copied (then the proprietary index, not a waiver, is what needs fixing).
"""

from __future__ import annotations

from collections.abc import Iterator

from openesx_license.checks.context import CheckContext
from openesx_license.checks.registry import Check, register
from openesx_license.model import Evidence, Finding, Severity


@register
class CopiedCode(Check):
    """Code fingerprinted from a proprietary component found in open code."""

    id = "copied-code"
    severity = Severity.ERROR
    waivable = False
    title = "Code copied from a proprietary component"
    description = (
        "A region of an open file matches code of a proprietary component: the winnowed "
        "fingerprints of its token stream (identifiers, literals, comments and layout "
        "abstracted away, so renaming and reformatting do not hide a copy) are found in a "
        "proprietary file, either one of the policy's proprietary components in this tree or "
        "a fingerprint index given with --ip-index, in a run with evidence beyond its shape: "
        "min_tokens_with_values tokens whose literal values (messages, numbers) are the same, "
        "or min_tokens_with_names tokens whose names are; a run that agrees only in its shape "
        "needs [copied_code] min_tokens tokens (60), and min_tokens_with_other_values when "
        "its values all differ. "
        "Shapes that many open files share, templates the open tree repeats with other names "
        "(registration code every plugin has), and the known boilerplate of "
        "rules/boilerplate.toml, do not count."
    )
    guidance = (
        "Compare the two locations in the evidence. If the open code was copied, remove it or "
        "have it rewritten from a specification by someone who has not read the proprietary "
        "code (clean-room), and record who did. If both sides derive from the same open-source "
        "original, keep the original's licence and copyright notice and rebuild the index "
        "without that file. A copy cannot be waived."
    )

    settle = (
        "A legal reviewer who compared the two regions records a decision (docs/decisions.md): "
        "`openesx-license decide FINGERPRINT --kind not-a-copy` (independent code that "
        "happens to match), `--kind open-origin` (the open side is the original; the "
        "proprietary side copied it) or `--kind shared-upstream --upstream U --license L` "
        "(both derive from named upstream code). The decision is pinned to both regions and "
        "lapses when either changes; the crossing reported through the same copy is settled "
        "with it. Waivers and baselines cannot accept a copy."
    )

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        """One finding per copied region of an open file."""
        analysis = ctx.copies
        for m in analysis.matches:
            record = ctx.files.get(m.path)
            source = f"{m.proprietary_path}:{m.proprietary_start_line}-{m.proprietary_end_line}"
            yield self.finding(
                path=m.path,
                line=m.start_line,
                component=record.component if record else None,
                message=(
                    f"lines {m.start_line}-{m.end_line} ({m.tokens} tokens) match "
                    f"{source} of proprietary component {m.proprietary_component} "
                    f"(similarity {m.similarity:.0%}"
                    + (", same literal values" if m.value_matches else "")
                    + (
                        ", other literal values"
                        if m.value_conflicts and not m.value_matches
                        else ""
                    )
                    + (", same names" if m.name_matches else "")
                    + ")"
                ),
                evidence=(
                    Evidence(
                        path=m.path,
                        line=m.start_line,
                        text=f"open code, lines {m.start_line}-{m.end_line}",
                        kind="copy",
                    ),
                    Evidence(
                        path=m.proprietary_path,
                        line=m.proprietary_start_line,
                        text=f"proprietary code ({m.proprietary_component}), lines "
                        f"{m.proprietary_start_line}-{m.proprietary_end_line}"
                        + ("" if analysis.in_tree else f", from index {analysis.index}"),
                        kind="copy",
                    ),
                ),
                target=m.proprietary_path,
                data={
                    "open_lines": [m.start_line, m.end_line],
                    "proprietary_path": m.proprietary_path,
                    "proprietary_lines": [m.proprietary_start_line, m.proprietary_end_line],
                    "proprietary_component": m.proprietary_component,
                    "similarity": m.similarity,
                    "tokens": m.tokens,
                    "matched_fingerprints": m.matched_fingerprints,
                    "value_matches": m.value_matches,
                    "value_conflicts": m.value_conflicts,
                    "name_matches": m.name_matches,
                    "other_sources": m.other_sources,
                    "index": analysis.index,
                    # what was matched, without its place: the finding's identity
                    "content": m.content,
                },
            )
