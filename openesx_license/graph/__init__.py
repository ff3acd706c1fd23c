"""Graph stage: the file dependency graph (include, link, symbol, import, copy edges).

:func:`build_graph` reads the tree's C/C++ sources, Makefiles/Kbuild files and Python modules
(per-file facts cached by content hash) into a ``networkx.MultiDiGraph`` whose every edge
carries the evidence line that proves it; :func:`component_graph` condenses it to components,
:func:`shortest_dependency_path` explains how one file reaches another, and
:func:`openesx_license.graph.export.export_graph` writes GraphML, DOT or JSON.
"""

from openesx_license.graph.builder import build_graph
from openesx_license.graph.paths import component_graph, shortest_dependency_path

__all__ = ["build_graph", "component_graph", "shortest_dependency_path"]
