"""IP-boundary rules: forbidden dependencies across the boundary, GPL-only symbols used by
non-GPL code, and files no component claims (``proprietary-code`` is in
:mod:`openesx_license.checks.proprietary`).

``boundary-crossing`` reports **one finding per (source file, target component)**, from the
most severe policy ``[[rule]]`` that forbids it: a reviewer wants to know which open file
reaches which proprietary component and by which shortest path, not every one of the many
edges between the two.
Transitive paths are searched only through files *outside* the rule's ``from`` side: when
``vmkernel/a.c`` includes ``vmkernel/b.h`` which includes ``vmotion/api.h``, the finding is
on ``b.h`` (where the fix is), not repeated for every file that includes ``b.h``; but
``vmkernel/a.c -> third_party/x.h -> vmotion/api.h`` is reported on ``a.c`` with both hops
(see :mod:`openesx_license.checks.boundaries`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import ClassVar

from license_expression import ExpressionError

from openesx_license._util.spdx import spdx_licensing
from openesx_license.checks.boundaries import Hop, NodeComponents, crossings
from openesx_license.checks.context import CheckContext
from openesx_license.checks.proprietary import PROPRIETARY_LICENSE
from openesx_license.checks.registry import Check, register
from openesx_license.config.model import BoundaryRule, Component, ComponentClass
from openesx_license.model import Evidence, Finding, Severity


def _hop_evidence(path: list[Hop]) -> tuple[Evidence, ...]:
    """Every hop's evidence (file:line and the text), then the file reached."""
    out: list[Evidence] = []
    for source, target, data in path:
        ev = data.get("evidence")
        if isinstance(ev, Evidence):
            out.append(ev)
        else:
            out.append(Evidence(path=source, line=None, text=f"-> {target}", kind=data["kind"]))
    return tuple(out)


def _describe(component: Component | None) -> str:
    if component is None:
        return "no component"
    return f"{component.name}, {component.component_class.value}"


@register
class BoundaryCrossing(Check):
    """A dependency the policy's [[rule]] tables forbid."""

    id: ClassVar[str] = "boundary-crossing"
    severity: ClassVar[Severity] = Severity.ERROR
    title: ClassVar[str] = "Open code depends on code across a forbidden boundary"
    description: ClassVar[str] = (
        "A file depends, directly or through other files, on a component that a policy "
        "[[rule]] puts out of its reach: open code including, linking, calling or importing "
        "proprietary code (type 'forbidden'), entering a protected component other than "
        "through its facades ('protected'), or a lower layer reaching up ('layers'). The "
        "evidence is the shortest dependency path, every hop with its file and line. Severity "
        "and waivability come from the policy rule (not waivable unless it says so)."
    )
    guidance: ClassVar[str] = (
        "Cut the first hop of the path: remove the #include, the Makefile object or library, "
        "the call or the import; if the open side needs the functionality, define an "
        "interface in the open tree (a header the proprietary side implements) or go through "
        "the component's facade. If the dependency is accepted, the policy rule must be "
        "changed in review, not silenced locally."
    )
    waivable: ClassVar[bool] = False  # per policy [[rule]]: Finding.data['waivable']
    settle: ClassVar[str | None] = (
        "A dependency is a fact of the code: cut it, or change the policy [[rule]] in review "
        "(a table with 'waivable = true' lets waivers and baselines accept its findings). A "
        "crossing made only of a copy of proprietary code is settled with the copied-code "
        "finding's reviewed decision (docs/decisions.md)."
    )

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        """One finding per (source file, target component), the most severe rule first."""
        node_component = NodeComponents(ctx.components, ctx.graph)
        seen: set[tuple[str, str]] = set()
        order = sorted(ctx.policy.rules, key=lambda r: -r.severity.rank)
        for rule in order:
            for source, target_component, path in crossings(ctx.graph, rule, node_component):
                if (source, target_component.name) in seen:
                    continue
                seen.add((source, target_component.name))
                yield self._crossing(rule, source, target_component, path, node_component)

    def _crossing(
        self,
        rule: BoundaryRule,
        source: str,
        target: Component,
        path: list[Hop],
        node_component: Callable[[str], Component | None],
    ) -> Finding:
        reached = path[-1][1]
        kinds = sorted({data["kind"] for _, _, data in path})
        chain = " -> ".join([source] + [v for _, v, _ in path])
        evidence = _hop_evidence(path) + (
            Evidence(
                path=reached,
                line=None,
                text=f"{reached} ({_describe(target)})",
                kind="file",
            ),
        )
        source_component = node_component(source)
        return self.finding(
            path=source,
            line=evidence[0].line,
            component=source_component.name if source_component else None,
            target=target.name,
            severity=rule.severity,
            message=(
                f"{source} ({_describe(source_component)}) depends on {target.name} "
                f"({target.component_class.value}) via {'/'.join(kinds)}: {chain} "
                f"[policy rule '{rule.name}', {rule.type.value}]"
            ),
            evidence=evidence,
            policy_rule=rule.name,
            data={
                "rule_type": rule.type.value,
                "waivable": rule.waivable,
                "hops": len(path),
                "target_file": reached,
            },
        )


#: Licence families Linux's modpost accepts as GPL-compatible for EXPORT_SYMBOL_GPL
#: (``license_is_gpl_compatible()``: "GPL", "GPL v2", "Dual BSD/GPL", "Dual MIT/GPL", "Dual
#: MPL/GPL"...): an expression is compatible when one of its OR-choices includes a GPL or LGPL
#: licence and no proprietary one.
_GPL_FAMILY = re.compile(r"^(GPL|LGPL)-[0-9.]+(-only|-or-later|\+)?$")


def gpl_compatible(expression: str | None) -> bool | None:
    """True/False as modpost would judge ``expression``; None when there is none to judge."""
    if not expression:
        return None
    licensing = spdx_licensing()
    try:
        parsed = licensing.parse(expression, simple=False)
    except ExpressionError:
        return False
    if parsed is None:
        return None
    # disjunctive normal form: compatible when some AND-branch has a GPL or LGPL licence and
    # no proprietary part
    dnf = licensing.dnf(parsed)
    branches = dnf.args if isinstance(dnf, licensing.OR) else (dnf,)
    for branch in branches:
        keys = [str(symbol.key) for symbol in licensing.license_symbols(branch)]
        if any(_GPL_FAMILY.match(k) for k in keys) and not any(
            PROPRIETARY_LICENSE.search(k) for k in keys
        ):
            return True
    return False


@register
class GplOnlySymbol(Check):
    """A non-GPL component uses a symbol exported with EXPORT_SYMBOL_GPL."""

    id: ClassVar[str] = "gpl-only-symbol"
    severity: ClassVar[Severity] = Severity.ERROR
    title: ClassVar[str] = "Non-GPL code uses an EXPORT_SYMBOL_GPL symbol"
    description: ClassVar[str] = (
        "A file of a proprietary component, or one whose licence is not GPL-compatible, uses "
        "a symbol that the kernel exports with EXPORT_SYMBOL_GPL. Like Linux's modpost, which "
        "refuses to link such a module, this treats the GPL-only export as the author's "
        "statement that only GPL-compatible code may use the interface. GPL-compatible means, "
        "as for modpost, that one choice of the file's licence (its concluded licence, else "
        "its component's declared one) includes a GPL or LGPL licence."
    )
    guidance: ClassVar[str] = (
        "Use an interface exported with plain EXPORT_SYMBOL instead, or move the code that "
        "needs the GPL-only symbol into the open, GPL-licensed side and call it through a "
        "stable interface. Relicensing the user under a GPL-compatible licence also resolves "
        "it. Do not re-export the symbol without the _GPL suffix to get around the check."
    )
    waivable: ClassVar[bool] = False

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        """One finding per (using file, symbol)."""
        comp = NodeComponents(ctx.components, ctx.graph)
        seen: set[tuple[str, str]] = set()
        edges = sorted(
            (
                (u, v, d)
                for u, v, d in ctx.graph.edges(data=True)
                if d.get("kind") == "symbol" and d.get("gpl_only")
            ),
            key=lambda hop: (hop[0], str(hop[2].get("symbol")), hop[1]),
        )
        for user, exporter, data in edges:
            symbol = str(data.get("symbol") or exporter)
            user_component, exporter_component = comp(user), comp(exporter)
            if user_component is not None and user_component == exporter_component:
                continue
            verdict = self._verdict(ctx, user, user_component)
            if verdict is None or (user, symbol) in seen:
                continue
            seen.add((user, symbol))
            hop_ev = _hop_evidence([(user, exporter, data)])
            yield self.finding(
                path=user,
                line=hop_ev[0].line,
                component=user_component.name if user_component else None,
                target=symbol,
                message=(
                    f"{user} ({_describe(user_component)}; {verdict}) uses {symbol}, exported "
                    f"GPL-only by {exporter} ({_describe(exporter_component)})"
                ),
                evidence=hop_ev + (_export_evidence(ctx, exporter, symbol),),
                data={"symbol": symbol, "exporter": exporter, "why": verdict},
            )

    @staticmethod
    def _verdict(ctx: CheckContext, path: str, component: Component | None) -> str | None:
        """Why ``path`` is not GPL-compatible, or None when it is (or cannot be judged)."""
        if component is not None and component.component_class is ComponentClass.PROPRIETARY:
            return "proprietary component"
        record = ctx.files.get(path)
        expression = record.license_expression if record else None
        expression = expression or (component.license if component else None)
        if gpl_compatible(expression) is False:
            return f"licence {expression} is not GPL-compatible"
        return None


def _export_evidence(ctx: CheckContext, exporter: str, symbol: str) -> Evidence:
    """The ``EXPORT_SYMBOL_GPL(symbol)`` line of ``exporter`` (line None when unreadable)."""
    text, line = f"EXPORT_SYMBOL_GPL({symbol})", None
    root = ctx.graph.graph.get("root")
    pattern = re.compile(r"\bEXPORT_SYMBOL(?:_NS)?_GPL\s*\(\s*" + re.escape(symbol) + r"\b")
    if root:
        try:
            with (Path(root) / exporter).open(encoding="utf-8", errors="replace") as handle:
                for number, source_line in enumerate(handle, start=1):
                    if pattern.search(source_line):
                        text, line = source_line.strip()[:200], number
                        break
        except OSError:
            pass
    return Evidence(path=exporter, line=line, text=text, kind="symbol")


@register
class UnmappedFile(Check):
    """A file of the tree that no component of the policy claims."""

    id: ClassVar[str] = "unmapped-file"
    severity: ClassVar[Severity] = Severity.WARNING
    title: ClassVar[str] = "File not claimed by any component"
    description: ClassVar[str] = (
        "No [[component]] path glob matches this file, so the audit cannot tell whether it is "
        "open, proprietary or third-party code: boundary and licence rules that depend on the "
        "component silently skip it. New folders typically show up here first."
    )
    guidance: ClassVar[str] = (
        "Add the file's folder to the 'paths' of the component it belongs to in the policy "
        "(or a new [[component]]), or add it to the top-level 'exclude' list if it is not "
        "part of the release (build output, editor files)."
    )

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        """One warning per unclaimed file."""
        components = ctx.components
        for path in sorted(ctx.files):
            if components.component_for(path) is None:
                yield self.finding(
                    path=path,
                    line=None,
                    component=None,
                    target=None,
                    message=f"{path} is not claimed by any [[component]] of the policy",
                    evidence=(
                        Evidence(
                            path=path, line=None, text="no component glob matches", kind="file"
                        ),
                    ),
                )
