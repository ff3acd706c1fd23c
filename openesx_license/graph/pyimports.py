"""Python import edges: ``import a.b`` / ``from a.b import c`` / ``from . import c``.

Imports are read with :mod:`ast` (every import statement, also inside functions and ``try``
blocks: a lazy import is still a dependency). They resolve against the tree's own modules: a
file's module name comes from walking up its folders while they hold an ``__init__.py``; the
first folder without one is its source root (a script's folder is the root of its siblings).
``from a import b`` prefers the module ``a.b`` and falls back to ``a``. When several roots
define the same module name, the importing file's own root wins; otherwise the name must be
unique. Imports of modules the tree does not hold (the standard library, PyPI) make no edge.
"""

from __future__ import annotations

import ast
import posixpath
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from openesx_license.csource.lexer import evidence_text


@dataclass(frozen=True, kw_only=True)
class ImportStatement:
    """One imported name: ``module`` (absolute, or relative with ``level`` dots)."""

    line: int
    module: str  # 'a.b' for 'import a.b' / 'from a.b import ...'; '' for 'from . import x'
    names: tuple[str, ...]  # the names after 'import' in a from-import; () otherwise
    level: int
    text: str


def extract_imports(text: str) -> tuple[tuple[ImportStatement, ...], str | None]:
    """The import statements of a Python file, and a parse error message (or None)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError) as exc:
        return (), f"cannot parse Python: {exc}"
    lines = text.split("\n")
    found: list[ImportStatement] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(
                ImportStatement(
                    line=node.lineno,
                    module=alias.name,
                    names=(),
                    level=0,
                    text=evidence_text(lines[node.lineno - 1]),
                )
                for alias in node.names
            )
        elif isinstance(node, ast.ImportFrom):
            found.append(
                ImportStatement(
                    line=node.lineno,
                    module=node.module or "",
                    names=tuple(a.name for a in node.names if a.name != "*"),
                    level=node.level,
                    text=evidence_text(lines[node.lineno - 1]),
                )
            )
    found.sort(key=lambda s: (s.line, s.module, s.names))
    return tuple(found), None


class ModuleIndex:
    """Module names of the tree's Python files (see the module docstring)."""

    def __init__(self, files: Iterable[str]) -> None:
        all_files = set(files)
        self._module_of: dict[str, tuple[str, str]] = {}  # path -> (root, dotted name)
        self._by_name: dict[str, list[tuple[str, str]]] = defaultdict(list)  # name->(root, path)
        for path in sorted(f for f in all_files if f.endswith((".py", ".pyi"))):
            folder = posixpath.dirname(path)
            stem = posixpath.splitext(posixpath.basename(path))[0]
            parts = [] if stem == "__init__" else [stem]
            while folder and posixpath.join(folder, "__init__.py") in all_files:
                parts.insert(0, posixpath.basename(folder))
                folder = posixpath.dirname(folder)
            if not parts:
                continue  # an __init__.py directly in a source root
            name = ".".join(parts)
            self._module_of[path] = (folder, name)
            self._by_name[name].append((folder, path))

    def module_of(self, path: str) -> str | None:
        """The dotted module name of a file of the tree (None for a non-module)."""
        known = self._module_of.get(path)
        return known[1] if known else None

    def _find(self, name: str, root: str) -> str | None:
        candidates = self._by_name.get(name, [])
        if not candidates:
            return None
        same_root = [p for r, p in candidates if r == root]
        if same_root:
            return min(same_root, key=lambda p: (p.endswith(".pyi"), p))
        paths = {p for _, p in candidates if not p.endswith(".pyi")} or {p for _, p in candidates}
        return next(iter(paths)) if len(paths) == 1 else None

    def resolve(self, importer: str, statement: ImportStatement) -> list[tuple[str, str]]:
        """``(target path, imported module name)`` for each module the statement reaches."""
        root, own = self._module_of.get(importer, (posixpath.dirname(importer), ""))
        if statement.level:
            package = own.split(".")
            is_package = posixpath.basename(importer) == "__init__.py"
            drop = statement.level - (1 if is_package else 0)
            if not own or drop >= len(package):
                return []  # beyond the top-level package
            base_parts = package[: len(package) - drop] if drop else package
            base = ".".join([*base_parts, statement.module] if statement.module else base_parts)
        else:
            base = statement.module
        results: list[tuple[str, str]] = []
        if statement.names:
            for imported in statement.names:
                full = f"{base}.{imported}" if base else imported
                target = self._find(full, root)
                if target is not None:
                    results.append((target, full))
                    continue
                target = self._find(base, root) if base else None
                if target is not None:
                    results.append((target, base))
        elif base:
            parts = base.split(".")
            for end in range(len(parts), 0, -1):  # 'import a.b.c' needs a.b.c, else a.b...
                target = self._find(".".join(parts[:end]), root)
                if target is not None:
                    results.append((target, ".".join(parts[:end])))
                    break
        unique: dict[str, str] = {}
        for target, name in results:
            if target != importer:
                unique.setdefault(target, name)
        return sorted(unique.items())
