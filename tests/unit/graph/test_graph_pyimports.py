"""Python import edges: absolute imports through package roots, relative imports."""

from __future__ import annotations

from openesx_license.graph.pyimports import ModuleIndex, extract_imports
from tests.helpers.graph_helpers import edge_data, edges_of

TREE = {
    "tools/pkg/__init__.py": "from .core import run\n",
    "tools/pkg/core.py": "import os\nfrom . import util\nfrom .sub.deep import thing\n",
    "tools/pkg/util.py": "def helper():\n    from pkg.sub import deep  # lazy import\n",
    "tools/pkg/sub/__init__.py": "",
    "tools/pkg/sub/deep.py": "from .. import util\nfrom ..core import run\nthing = 1\n",
    "tools/script.py": "import pkg.sub.deep\nimport sibling\nimport json\n",
    "tools/sibling.py": "",
    "other/broken.py": "def (:\n",
}


def test_absolute_and_relative_imports_resolve_to_tree_files(graph_of):
    g = graph_of(TREE)
    imports = edges_of(g, "import")
    assert ("tools/pkg/__init__.py", "tools/pkg/core.py") in imports
    assert ("tools/pkg/core.py", "tools/pkg/util.py") in imports
    assert ("tools/pkg/core.py", "tools/pkg/sub/deep.py") in imports
    assert ("tools/pkg/util.py", "tools/pkg/sub/deep.py") in imports
    assert ("tools/pkg/sub/deep.py", "tools/pkg/util.py") in imports
    assert ("tools/pkg/sub/deep.py", "tools/pkg/core.py") in imports
    assert ("tools/script.py", "tools/pkg/sub/deep.py") in imports
    assert ("tools/script.py", "tools/sibling.py") in imports
    data = edge_data(g, "tools/pkg/util.py", "tools/pkg/sub/deep.py", "import")
    assert data["module"] == "pkg.sub.deep"
    assert data["evidence"].line == 2
    assert data["evidence"].text.startswith("from pkg.sub import deep")


def test_stdlib_imports_and_unparsable_files_make_no_edges(graph_of):
    g = graph_of(TREE)
    assert not any(t.endswith(("os", "json")) for _, t in edges_of(g, "import"))
    assert not any(s == "other/broken.py" for s, _ in edges_of(g, "import"))
    imports, error = extract_imports(TREE["other/broken.py"])
    assert imports == () and error is not None and "cannot parse" in error


def test_module_names_follow_init_files():
    index = ModuleIndex(TREE)
    assert index.module_of("tools/pkg/sub/deep.py") == "pkg.sub.deep"
    assert index.module_of("tools/pkg/__init__.py") == "pkg"
    assert index.module_of("tools/script.py") == "script"


def test_relative_import_beyond_the_top_package_is_ignored():
    index = ModuleIndex({"a/__init__.py": "", "a/m.py": ""})
    (statement,), _ = extract_imports("from ... import x\n")
    assert index.resolve("a/m.py", statement) == []
