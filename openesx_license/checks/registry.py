"""The rule registry: every check is a :class:`Check` subclass keyed by its stable id.

Rule ids are a public interface (DESIGN.md): findings, SARIF, baselines and waivers name
them. Rule classes live in the modules of :mod:`openesx_license.checks`; importing that
package registers them all.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import TYPE_CHECKING, ClassVar

from openesx_license.model import Evidence, Finding, Severity

if TYPE_CHECKING:
    from openesx_license.checks.context import CheckContext

_REGISTRY: dict[str, type[Check]] = {}


class Check:
    """A check with a stable id, a default severity and guidance for the person who must fix it.

    Subclasses set the class attributes and implement :meth:`check`. Rules whose findings come
    from another stage (the waiver rules) set ``emitted_by`` and keep the default ``check``.
    """

    id: ClassVar[str]
    severity: ClassVar[Severity]
    title: ClassVar[str]  # one line: SARIF shortDescription, `rules` listing
    description: ClassVar[str]  # a paragraph: what it finds and why it matters
    guidance: ClassVar[str]  # how to fix it (SARIF help, HTML, `explain`)
    waivable: ClassVar[bool] = True  # may a waiver or a baseline accept its findings?
    emitted_by: ClassVar[str | None] = None  # another stage that emits this rule's findings
    #: how a finding of this rule is settled other than by fixing it (``explain``); None: the
    #: default for its waivability (:meth:`settling`)
    settle: ClassVar[str | None] = None

    @classmethod
    def settling(cls) -> str:
        """How a finding of this rule can be settled: decisions, waivers, baselines, or only
        a fix."""
        if cls.settle:
            return cls.settle
        if cls.waivable:
            return (
                "Accept it for a time with a [[waiver]] of the policy (reason, owner, expires), "
                "or record it in a baseline (`openesx-license baseline`); reviewed decisions "
                "are for IP findings."
            )
        return "Only by fixing it: no waiver, baseline or reviewed decision settles this rule."

    def check(self, ctx: CheckContext) -> Iterator[Finding]:
        """Yield this rule's findings for the audited tree (none when ``emitted_by`` is set)."""
        return iter(())

    @classmethod
    def finding(
        cls,
        *,
        path: str,
        line: int | None,
        component: str | None,
        message: str,
        evidence: tuple[Evidence, ...] = (),
        target: str | None = None,
        severity: Severity | None = None,
        policy_rule: str | None = None,
        data: dict[str, object] | None = None,
    ) -> Finding:
        """Build a finding of this rule (fingerprint and status are set later, by the gate)."""
        return Finding(
            rule=cls.id,
            severity=severity or cls.severity,
            path=path,
            line=line,
            component=component,
            message=message,
            evidence=evidence,
            target=target,
            policy_rule=policy_rule,
            data=dict(data or {}),
        )


def register(cls: type[Check]) -> type[Check]:
    """Class decorator: add a rule to the registry; ids must be unique."""
    if cls.id in _REGISTRY and _REGISTRY[cls.id] is not cls:
        raise RuntimeError(f"rule id {cls.id!r} registered twice")
    _REGISTRY[cls.id] = cls
    return cls


_CHECKS_LOADED = False


def _load_checks() -> None:
    # once per process: listing the package on every get_check() call cost ~0.5 ms, which the
    # gate pays per finding (thousands on a large tree)
    global _CHECKS_LOADED
    if _CHECKS_LOADED:
        return
    from openesx_license import checks

    for module in pkgutil.iter_modules(checks.__path__):
        importlib.import_module(f"{checks.__name__}.{module.name}")
    _CHECKS_LOADED = True


def all_checks() -> dict[str, type[Check]]:
    """Every registered rule, by id, in a stable order."""
    _load_checks()
    return dict(sorted(_REGISTRY.items()))


def get_check(rule_id: str) -> type[Check] | None:
    """The rule called ``rule_id``, or None."""
    _load_checks()
    return _REGISTRY.get(rule_id)
