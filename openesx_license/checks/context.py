"""What every check sees: the policy, the files with their components, and the graph."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from openesx_license.config.model import Policy
from openesx_license.model import FileRecord


@dataclass(frozen=True, kw_only=True)
class CheckContext:
    """Input of :meth:`openesx_license.checks.registry.Check.check`.

    ``graph`` is the file-level ``MultiDiGraph`` of :mod:`openesx_license.graph`: nodes are
    paths (attributes ``component``, ``component_class``, ``license``, ``external``), edges
    carry ``kind`` and ``evidence`` (an :class:`openesx_license.model.Evidence`).
    ``files`` maps each path to its record, ``component`` already set by the component map.
    """

    policy: Policy
    files: Mapping[str, FileRecord]
    graph: nx.MultiDiGraph
    today: dt.date = field(default_factory=dt.date.today)
    #: results of other stages a rule may need (e.g. 'copied_code': list of copy matches)
    extras: Mapping[str, Any] = field(default_factory=dict)
