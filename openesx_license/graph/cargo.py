"""Link edges from Cargo manifests and import edges from Rust ``use``/``extern crate``.

The same model as :mod:`.kbuild`: a build file stands for what it builds. A ``Cargo.toml``
with a ``[package]`` stands for its crate:

* ``Cargo.toml -> src/lib.rs`` (or ``[lib] path``), ``src/main.rs``, ``[[bin]] path`` files
  and ``build.rs``: the crate's roots (``artefact`` = the package name);
* ``[dependencies] x = { path = "../x" }`` (also ``dev-``/``build-dependencies``, the
  ``target.'cfg(..)'.`` tables and ``[workspace.dependencies]``), and ``x = { workspace =
  true }`` of a member whose workspace gives ``x`` a path: ``Cargo.toml -> ../x/Cargo.toml``
  (``library`` = the dependency's name), with the manifest's line as evidence;
* ``[workspace] members = ["crates/*"]`` (globs; ``exclude`` honoured):
  ``Cargo.toml -> crates/a/Cargo.toml`` (``subdir``).

A ``.rs`` file's ``use x::...``, ``pub use x::{...}``, ``use {x::a, y::b}`` and ``extern crate
x`` make an ``import`` edge to the crate root (``lib.rs``, else its ``Cargo.toml``) when ``x``
is a path dependency of the file's own crate (the nearest ``Cargo.toml`` above it with a
``[package]``), under its renamed key or the library's name; a file outside every crate
resolves ``x`` against the crates of the tree when exactly one is named so. Crates from a
registry (``x = "1.0"``) are not in the tree and make no edge.

A manifest that is not valid TOML has no facts but a message in its ``errors``.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
import sys
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

from openesx_license.csource.lexer import evidence_text
from openesx_license.graph.kbuild import LinkEdge
from openesx_license.model import Evidence

_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_.-]+?))\s*(?:\.|=)""")
_DEP_TABLES = ("dependencies", "dev-dependencies", "build-dependencies")
_USE = re.compile(
    r"\b(?:pub(?:\s*\([^)]*\))?\s+)?use\s+(?:::)?\s*(\{|[A-Za-z_][A-Za-z0-9_]*)"
    r"|\bextern\s+crate\s+([A-Za-z_][A-Za-z0-9_]*)"
)
_SEGMENT = re.compile(r"(?:::)?\s*([A-Za-z_][A-Za-z0-9_]*)")
_NOT_CRATES = frozenset({"crate", "self", "super", "std", "core", "alloc", "Self"})
#: the first segment of a path in code (``hypervisor::HypervisorCpuError``): not after ``::``,
#: a ``.`` or another name, and not a turbofish (``f::<T>``)
_QUALIFIED = re.compile(r"(?<![\w:.$#])([A-Za-z_][A-Za-z0-9_]*)\s*::(?!\s*<)")
_KEYWORDS = frozenset(
    "as async await break const continue dyn else enum extern fn for if impl in let loop "
    "match mod move mut pub ref return static struct trait type unsafe use where while".split()
)
#: names a file declares or brings into scope itself: such a ``x::`` is not the crate ``x``
_LOCAL_NAME = re.compile(
    r"\b(?:mod|fn|struct|enum|trait|type|const|static|union|as|let(?:\s+mut)?|macro_rules!)"
    r"\s+([A-Za-z_][A-Za-z0-9_]*)"
)


@dataclass(frozen=True, kw_only=True)
class CargoDependency:
    """One dependency of a manifest: its key, the package it names, where it is."""

    name: str
    package: str
    path: str  # '' when it is not a path dependency
    workspace: bool  # ``x = { workspace = true }``
    table: str  # 'dependencies', 'dev-dependencies', ..., 'workspace.dependencies'
    line: int
    text: str


@dataclass(frozen=True, kw_only=True)
class CargoFacts:
    """What one ``Cargo.toml`` says (``package`` is '' for a virtual workspace manifest)."""

    package: str = ""
    package_line: int = 0  # the ``[package]`` header
    package_text: str = ""
    lib_name: str = ""
    lib_path: str = ""
    bin_paths: tuple[str, ...] = ()
    build_script: str = ""
    members: tuple[tuple[str, int, str], ...] = ()  # (glob, line, text)
    exclude: tuple[str, ...] = ()
    workspace: bool = False
    dependencies: tuple[CargoDependency, ...] = ()
    errors: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class RustUse:
    """``use x::...`` or ``extern crate x`` at ``line`` (``crate`` is ``x``)."""

    line: int
    crate: str
    text: str


def is_cargo_manifest(path: str) -> bool:
    """True for ``Cargo.toml``."""
    return posixpath.basename(path) == "Cargo.toml"


def _key_lines(text: str) -> tuple[dict[tuple[str, str], int], list[str]]:
    """(table header, first key) -> line, for every key line and ``[table.key]`` header."""
    lines = text.split("\n")
    found: dict[tuple[str, str], int] = {}
    table = ""
    for number, line in enumerate(lines, start=1):
        header = _HEADER.match(line)
        if header is not None:
            table = re.sub(r"\s*\.\s*", ".", header.group(1)).replace('"', "'")
            found.setdefault((table, ""), number)
            continue
        key = _KEY.match(line)
        if key is not None:
            name = key.group(1) or key.group(2) or (key.group(3) or "").split(".")[0]
            found.setdefault((table, name), number)
    return found, lines


def _dependency_tables(data: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(header, table) of every dependency table of a manifest."""
    tables = [(name, data[name]) for name in _DEP_TABLES if isinstance(data.get(name), dict)]
    for cfg, body in (data.get("target") or {}).items():
        if isinstance(body, dict):
            tables += [
                (f"target.'{cfg}'.{name}", body[name])
                for name in _DEP_TABLES
                if isinstance(body.get(name), dict)
            ]
    workspace = data.get("workspace")
    if isinstance(workspace, dict) and isinstance(workspace.get("dependencies"), dict):
        tables.append(("workspace.dependencies", workspace["dependencies"]))
    return tables


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _table(value: object) -> dict[str, Any] | None:
    return value if isinstance(value, dict) else None


def parse_cargo(text: str) -> CargoFacts:
    """The facts of one ``Cargo.toml``; invalid TOML gives empty facts and an error message."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return CargoFacts(errors=(f"cannot read Cargo.toml: {exc}",))
    keys, lines = _key_lines(text)

    def line_of(table: str, key: str) -> int:
        return (
            keys.get((table, key)) or keys.get((f"{table}.{key}", "")) or keys.get((table, ""), 1)
        )

    def text_of(line: int) -> str:
        return evidence_text(lines[line - 1]) if 0 < line <= len(lines) else ""

    deps: list[CargoDependency] = []
    for table, body in _dependency_tables(data):
        for name, spec in body.items():
            if not isinstance(spec, dict):
                continue  # 'x = "1.0"': a registry crate
            path = _text(spec.get("path"))
            inherited = spec.get("workspace") is True
            if not path and not inherited:
                continue
            package = _text(spec.get("package")) or name
            line = line_of(table.replace('"', "'"), name)
            deps.append(
                CargoDependency(
                    name=name,
                    package=package,
                    path=path,
                    workspace=inherited,
                    table=table,
                    line=line,
                    text=text_of(line),
                )
            )
    manifest_package = _table(data.get("package")) or {}
    lib = _table(data.get("lib")) or {}
    bins = [b for b in data.get("bin", []) if isinstance(b, dict)]
    workspace = _table(data.get("workspace"))
    members: list[tuple[str, int, str]] = []
    exclude: tuple[str, ...] = ()
    if workspace is not None:
        members_line = line_of("workspace", "members")
        for member in workspace.get("members", []):
            if not isinstance(member, str):
                continue
            line = next(
                (
                    n
                    for n in range(members_line, len(lines) + 1)
                    if f'"{member}"' in lines[n - 1] or f"'{member}'" in lines[n - 1]
                ),
                members_line,
            )
            members.append((member, line, text_of(line)))
        exclude = tuple(e for e in workspace.get("exclude", []) if isinstance(e, str))
    package_line = keys.get(("package", ""), 0)
    return CargoFacts(
        package=_text(manifest_package.get("name")),
        package_line=package_line,
        package_text=text_of(package_line),
        lib_name=_text(lib.get("name")),
        lib_path=_text(lib.get("path")),
        bin_paths=tuple(b["path"] for b in bins if isinstance(b.get("path"), str)),
        build_script=_text(manifest_package.get("build")),
        members=tuple(members),
        exclude=exclude,
        workspace=workspace is not None,
        dependencies=tuple(deps),
    )


_RUST_NOISE = re.compile(
    r"//[^\n]*|/\*.*?\*/|b?r(#*)\".*?\"\1|b?\"(?:\\.|[^\"\\])*\"|b?'(?:\\.|[^'\\\n])'",
    re.S,
)


def parse_rust_uses(text: str) -> tuple[RustUse, ...]:
    """The crates named by the ``use`` and ``extern crate`` items of one Rust file, then the
    first segment of every other path in its code that names no ``use``d crate and nothing
    the file declares (``hypervisor::HypervisorCpuError`` in a signature: since the 2018
    edition a dependency is in scope everywhere without a ``use``), once each, at its first
    line. Whether a name is a dependency of the file's crate is decided later
    (:func:`cargo_edges`), so ``Ordering::Less`` or ``Self::new`` make no edge."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group())

    code = _RUST_NOISE.sub(blank, text)
    lines = text.split("\n")
    found: list[RustUse] = []
    for match in _USE.finditer(code):
        first = match.group(1) or match.group(2)
        names: list[tuple[str, int]] = []
        if first == "{":
            depth, pos = 1, match.end()
            item_start = True
            while pos < len(code) and depth:
                char = code[pos]
                if char == "{":
                    depth += 1
                elif char == "}":
                    depth -= 1
                elif char == "," and depth == 1:
                    item_start = True
                elif depth == 1 and item_start and not char.isspace():
                    segment = _SEGMENT.match(code, pos)
                    if segment is not None:
                        names.append((segment.group(1), segment.start(1)))
                        pos = segment.end()
                        item_start = False
                        continue
                    item_start = False
                pos += 1
        else:
            names.append((first, match.start(1) if match.group(1) else match.start(2)))
        for name, offset in names:
            if name in _NOT_CRATES:
                continue
            line = code.count("\n", 0, offset) + 1
            found.append(RustUse(line=line, crate=name, text=evidence_text(lines[line - 1])))
    named = {use.crate for use in found}
    local = set(_LOCAL_NAME.findall(code)) | _leaves(code)
    for match in _QUALIFIED.finditer(code):
        name = match.group(1)
        if name in named or name in local or name in _NOT_CRATES or name in _KEYWORDS:
            continue
        named.add(name)
        line = code.count("\n", 0, match.start(1)) + 1
        found.append(RustUse(line=line, crate=name, text=evidence_text(lines[line - 1])))
    return tuple(found)


_USE_ITEM = re.compile(r"\buse\s+[^;]*;")
_LEAF = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*(?=[,;}]|$)")


def _leaves(code: str) -> set[str]:
    """The names the file's ``use`` items bring into scope (``use crate::block;``, ``use
    a::{b, c}``): a later ``block::`` is that module, not a crate."""
    return {leaf for item in _USE_ITEM.findall(code) for leaf in _LEAF.findall(item)}


@dataclass(frozen=True, kw_only=True)
class _Crate:
    manifest: str
    folder: str
    package: str
    lib_name: str
    root: str  # lib.rs, else the manifest


def _crate_of(manifest: str, facts: CargoFacts, files: set[str]) -> _Crate:
    folder = posixpath.dirname(manifest)
    prefix = f"{folder}/" if folder else ""
    lib = posixpath.normpath(prefix + (facts.lib_path or "src/lib.rs"))
    return _Crate(
        manifest=manifest,
        folder=folder,
        package=facts.package,
        lib_name=facts.lib_name or facts.package.replace("-", "_"),
        root=lib if lib in files else manifest,
    )


def _link(
    source: str, line: int, text: str, target: str, extras: dict[str, str], kind: str = "link"
) -> LinkEdge:
    evidence = Evidence(path=source, line=line, text=text, kind=kind)
    return LinkEdge(source=source, target=target, evidence=evidence, extras=extras)


def cargo_edges(
    cargo: Mapping[str, CargoFacts], rust: Mapping[str, tuple[RustUse, ...]], files: set[str]
) -> list[LinkEdge]:
    """The link edges of every manifest and the import edges of every Rust file (see the
    module docstring), in a stable order; import edges have ``evidence.kind == 'import'``."""
    crates = {m: _crate_of(m, f, files) for m, f in cargo.items() if f.package}
    manifests = set(cargo)
    edges: list[LinkEdge] = []
    seen: set[tuple[str, str]] = set()

    def add(edge: LinkEdge) -> None:
        if (edge.source, edge.target) not in seen and edge.source != edge.target:
            seen.add((edge.source, edge.target))
            edges.append(edge)

    def workspace_of(folder: str) -> str | None:
        probe = folder
        while True:
            manifest = f"{probe}/Cargo.toml" if probe else "Cargo.toml"
            if manifest in cargo and cargo[manifest].workspace:
                return manifest
            if not probe:
                return None
            probe = posixpath.dirname(probe)

    def dependency_target(manifest: str, dep: CargoDependency) -> str | None:
        if dep.workspace:
            root = workspace_of(posixpath.dirname(manifest))
            if root is None:
                return None
            declared = [
                d
                for d in cargo[root].dependencies
                if d.table == "workspace.dependencies" and d.name == dep.name
            ]
            if not declared or not declared[0].path:
                return None
            manifest, dep = root, declared[0]
        folder = posixpath.normpath(posixpath.join(posixpath.dirname(manifest), dep.path))
        if folder == ".." or folder.startswith("../"):
            return None
        target = "Cargo.toml" if folder == "." else f"{folder}/Cargo.toml"
        return target if target in manifests else None

    uses_of: dict[str, dict[str, _Crate]] = defaultdict(dict)  # manifest -> use name -> crate
    for manifest in sorted(cargo):
        facts = cargo[manifest]
        folder = posixpath.dirname(manifest)
        prefix = f"{folder}/" if folder else ""
        crate = crates.get(manifest)
        if crate is not None:
            roots = [crate.root] if crate.root != manifest else []
            roots += [posixpath.normpath(prefix + p) for p in ("src/main.rs", *facts.bin_paths)]
            roots.append(posixpath.normpath(prefix + (facts.build_script or "build.rs")))
            for root in roots:
                if root in files:
                    add(
                        _link(
                            manifest,
                            facts.package_line or 1,
                            facts.package_text,
                            root,
                            {"artefact": facts.package},
                        )
                    )
            uses_of[manifest][crate.lib_name] = crate  # a crate's binaries use its library
        if facts.members:
            excluded = {posixpath.normpath(prefix + e) for e in facts.exclude}
            for pattern, line, text in facts.members:
                glob = posixpath.normpath(prefix + pattern)
                for member in sorted(manifests):
                    member_folder = posixpath.dirname(member)
                    if member == manifest or member_folder in excluded:
                        continue
                    if fnmatch.fnmatchcase(member_folder, glob):
                        add(_link(manifest, line, text, member, {"subdir": pattern}))
        for dep in facts.dependencies:
            target = dependency_target(manifest, dep)
            if target is None:
                continue
            add(_link(manifest, dep.line, dep.text, target, {"library": dep.package}))
            other = crates.get(target)
            if other is not None and dep.table != "workspace.dependencies":
                use_name = dep.name if dep.package != dep.name else other.lib_name
                uses_of[manifest][use_name.replace("-", "_")] = other
    by_lib: dict[str, list[_Crate]] = defaultdict(list)
    for crate in crates.values():
        by_lib[crate.lib_name].append(crate)
    crate_folders = {c.folder for c in crates.values()}

    def owner_of(path: str) -> str | None:
        folder = posixpath.dirname(path)
        while True:
            if folder in crate_folders:
                return folder
            if not folder:
                return None
            folder = posixpath.dirname(folder)

    for path in sorted(rust):
        owner = owner_of(path)
        for use in rust[path]:
            if owner is not None:
                known = uses_of.get(f"{owner}/Cargo.toml" if owner else "Cargo.toml", {})
                target_crate = known.get(use.crate)
            else:
                named = by_lib.get(use.crate, [])
                target_crate = named[0] if len(named) == 1 else None
            if target_crate is None or target_crate.root == path:
                continue
            add(
                _link(
                    path,
                    use.line,
                    use.text,
                    target_crate.root,
                    {"module": use.crate},
                    kind="import",
                )
            )
    return edges
