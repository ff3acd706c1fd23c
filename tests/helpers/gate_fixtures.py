"""Hand-built policies and findings shared by the gate's unit tests."""

from __future__ import annotations

import datetime as dt

from openesx_license.config.model import (
    BoundaryRule,
    ComponentClass,
    Policy,
    Release,
    RuleType,
    Selector,
    Waiver,
)
from openesx_license.model import Evidence, Finding, Severity

TODAY = dt.date(2026, 11, 28)

#: a lawyer-accepted layering rule (waivable) and the IP rule (never waivable)
RULES = (
    BoundaryRule(
        name="drivers-below-core",
        type=RuleType.FORBIDDEN,
        source=Selector(components=("drivers",)),
        target=Selector(components=("tools",)),
        severity=Severity.ERROR,
        waivable=True,
    ),
    BoundaryRule(
        name="open-must-not-reach-proprietary",
        type=RuleType.FORBIDDEN,
        source=Selector(component_class=ComponentClass.OPEN),
        target=Selector(component_class=ComponentClass.PROPRIETARY),
        waivable=False,
    ),
)


def policy(*waivers: Waiver, source: str = "policy.toml") -> Policy:
    """A policy with the two rules above and ``waivers``."""
    return Policy(
        source=source,
        release=Release(name="OpenESX", license="GPL-2.0-only"),
        rules=RULES,
        waivers=tuple(waivers),
    )


def layering(path: str = "drivers/net/e1000.c", target: str = "tools", line: int = 7) -> Finding:
    """A waivable boundary-crossing (from the waivable [[rule]])."""
    return Finding(
        rule="boundary-crossing",
        severity=Severity.ERROR,
        path=path,
        line=line,
        component="drivers",
        message=f"{path} depends on {target}",
        evidence=(
            Evidence(path=path, line=line, text='#include "tools/trace.h"', kind="include"),
            Evidence(path="tools/trace.h", line=None, text="tools/trace.h (tools)", kind="file"),
        ),
        target=target,
        policy_rule="drivers-below-core",
    )


def leak(path: str = "vmkernel/sched.c", line: int = 3) -> Finding:
    """A boundary-crossing into proprietary code (never waivable)."""
    return Finding(
        rule="boundary-crossing",
        severity=Severity.ERROR,
        path=path,
        line=line,
        component="vmkernel",
        message=f"{path} depends on vmotion",
        evidence=(
            Evidence(path=path, line=line, text='#include "vmotion/api.h"', kind="include"),
            Evidence(path="vmotion/api.h", line=None, text="vmotion/api.h", kind="file"),
        ),
        target="vmotion",
        policy_rule="open-must-not-reach-proprietary",
    )


def marker(path: str = "vmkernel/secret.c") -> Finding:
    """A proprietary-code finding (never waivable)."""
    return Finding(
        rule="proprietary-code",
        severity=Severity.ERROR,
        path=path,
        line=1,
        component="vmkernel",
        message=f"{path} carries a proprietary marker",
        evidence=(Evidence(path=path, line=1, text="VMware Confidential", kind="marker"),),
        target="VMware Confidential",
    )
