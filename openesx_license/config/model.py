"""The policy file as frozen models (see DESIGN.md, "Policy file").

:mod:`openesx_license.config.loader` builds these from TOML and validates every key; the
checks only ever see these models.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum

from openesx_license.config.identity import ComponentIdentity
from openesx_license.detect.prepare import DEFAULT_MARKERS
from openesx_license.ipindex.match import CopySettings
from openesx_license.model import EDGE_KINDS, Decision, Severity


class ComponentClass(str, Enum):
    """What kind of code a component holds."""

    OPEN = "open"
    PROPRIETARY = "proprietary"
    THIRD_PARTY = "third-party"


class RuleType(str, Enum):
    """The kinds of boundary rule a policy can declare."""

    FORBIDDEN = "forbidden"  # no edge from `from` to `to`
    PROTECTED = "protected"  # edges into `to` only through its facades
    LAYERS = "layers"  # components ordered top to bottom; no upward edge


@dataclass(frozen=True, kw_only=True)
class Component:
    """A named part of the tree, claimed by path globs."""

    name: str
    component_class: ComponentClass
    paths: tuple[str, ...]
    license: str | None = None  # declared licence (SPDX expression)
    #: SBOM identity: version, supplier, purl, cpe (config/identity.py)
    identity: ComponentIdentity = field(default_factory=ComponentIdentity)


@dataclass(frozen=True, kw_only=True)
class Selector:
    """Which components a rule's ``from``/``to`` designates: by class, by name, or both."""

    component_class: ComponentClass | None = None
    components: tuple[str, ...] = ()

    def matches(self, component: Component | None) -> bool:
        """True when ``component`` is designated (an unmapped file matches nothing)."""
        if component is None:
            return False
        if self.components and component.name not in self.components:
            return False
        return not (
            self.component_class is not None and component.component_class != self.component_class
        )


@dataclass(frozen=True, kw_only=True)
class BoundaryRule:
    """A ``[[rule]]`` table: a forbidden, protected or layered boundary."""

    name: str
    type: RuleType
    source: Selector = field(default_factory=Selector)  # TOML key `from`
    target: Selector = field(default_factory=Selector)  # TOML key `to`
    edges: tuple[str, ...] = EDGE_KINDS
    transitive: bool = True
    severity: Severity = Severity.ERROR
    waivable: bool = False
    facades: tuple[str, ...] = ()  # protected: path globs of the allowed entry points
    layers: tuple[str, ...] = ()  # layers: component names, top first


@dataclass(frozen=True, kw_only=True)
class Release:
    """The ``[release]`` table."""

    name: str
    license: str
    candidates: tuple[str, ...] = (
        "GPL-2.0-only",
        "GPL-3.0-only",
        "LGPL-2.1-only",
        "BSD-3-Clause",
        "MPL-2.0",
        "Apache-2.0",
    )


@dataclass(frozen=True, kw_only=True)
class LicensePolicy:
    """The ``[licenses]`` table."""

    deny: tuple[str, ...] = ()
    review: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Markers:
    """The ``[markers]`` table: text that marks a file as proprietary."""

    proprietary: tuple[str, ...] = DEFAULT_MARKERS


@dataclass(frozen=True, kw_only=True)
class UnscannedSettings:
    """The ``[unscanned]`` table: how bad a file the audit could not fully read is."""

    severity: Severity = Severity.ERROR


@dataclass(frozen=True, kw_only=True)
class GraphSettings:
    """The ``[graph]`` table."""

    include_dirs: tuple[str, ...] = ()
    compile_commands: str | None = None


@dataclass(frozen=True, kw_only=True)
class ReportSettings:
    """The ``[reports]`` table."""

    #: the default of ``audit --redact-proprietary``: no report shows proprietary code
    redact_proprietary: bool = False


@dataclass(frozen=True, kw_only=True)
class CopiedCodeSettings(CopySettings):
    """The ``[copied_code]`` table: the matcher's :class:`CopySettings` (the size a copy must
    reach, what is boilerplate) and the winnowing parameters an index is built with."""

    k: int = 25  # tokens per k-gram
    window: int = 8  # winnowing window (guarantees any match of k+window-1 tokens is seen)


@dataclass(frozen=True, kw_only=True)
class Waiver:
    """A ``[[waiver]]`` table: an accepted finding, with who accepted it, why and until when."""

    rule: str
    reason: str
    owner: str | None = None
    path: str | None = None  # glob on the finding's path
    edge: str | None = None  # 'from-path -> to-path' (globs), for boundary findings
    expires: dt.date | None = None
    index: int = 0  # position in the file, for messages ('[[waiver]] #2')


@dataclass(frozen=True, kw_only=True)
class Policy:
    """A whole, validated policy."""

    source: str  # the file it was read from ('<default>' for the built-in one)
    release: Release
    components: tuple[Component, ...] = ()
    rules: tuple[BoundaryRule, ...] = ()
    licenses: LicensePolicy = field(default_factory=LicensePolicy)
    markers: Markers = field(default_factory=Markers)
    unscanned: UnscannedSettings = field(default_factory=UnscannedSettings)
    graph: GraphSettings = field(default_factory=GraphSettings)
    copied_code: CopiedCodeSettings = field(default_factory=CopiedCodeSettings)
    reports: ReportSettings = field(default_factory=ReportSettings)
    exclude: tuple[str, ...] = ()
    waivers: tuple[Waiver, ...] = ()
    schema: int = 1
    #: the decisions file as the policy writes it (relative to the policy file), and its
    #: reviewed decisions (docs/decisions.md)
    decisions_file: str | None = None
    decisions: tuple[Decision, ...] = ()

    def component(self, name: str) -> Component | None:
        """The component called ``name``, or None."""
        return next((c for c in self.components if c.name == name), None)
