"""What every check sees: the policy, the files with their components, the graph, the copies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import networkx as nx

from openesx_license.config.components import ComponentMap
from openesx_license.config.model import Policy
from openesx_license.copies.stage import CopyAnalysis
from openesx_license.model import FileRecord


@dataclass(frozen=True, kw_only=True)
class CheckContext:
    """Input of :meth:`openesx_license.checks.registry.Check.check`.

    ``graph`` is the file-level ``MultiDiGraph`` of :mod:`openesx_license.graph`: nodes are
    paths (attributes ``component``, ``component_class``, ``license``, ``external``), edges
    carry ``kind`` and ``evidence`` (an :class:`openesx_license.model.Evidence`).
    ``files`` maps each path to its record, ``component`` already set by ``components``, the
    audit's one component map (built from ``policy`` when not given). ``copies`` is what the
    copied-code stage found (nothing when it did not run).
    """

    policy: Policy
    files: Mapping[str, FileRecord]
    graph: nx.MultiDiGraph
    components: ComponentMap = field(default=None)  # type: ignore[assignment]
    copies: CopyAnalysis = field(default_factory=CopyAnalysis)
    today: dt.date = field(default_factory=dt.date.today)

    def __post_init__(self) -> None:
        if self.components is None:
            object.__setattr__(self, "components", ComponentMap(self.policy))
