"""Link edges from Makefiles and Kbuild files.

The model: **a build file stands for what it builds**. A link edge ``M -> f`` says "the
artefact that build file ``M`` produces contains (or links) the code of ``f``":

* ``obj-y``/``obj-m``/``obj-$(CONFIG_X)``/``lib-y``/``obj-bin-y``/``extra-y`` and the
  ``OBJS``/``SRCS``/``OBJS-y``/``SRCS-y`` lists: ``M -> foo.c`` for ``foo.o`` (``foo.S``,
  ``foo.cc``... whichever exists in ``M``'s folder; Xen's ``foo.init.o`` is ``foo.c``).
  A conditional entry keeps its ``condition`` (``CONFIG_X``) on the edge.
* composite objects (``foo-objs``/``foo-y``/``foo-$(CONFIG_X)`` for a listed ``foo.o``):
  ``M -> part.c`` for each part, ``artefact='foo.o'``.
* subdirectories (``obj-y += dir/``, ``subdir-y += dir``): ``M -> dir/Kbuild`` (or
  ``dir/Makefile``), so the sub-build's objects are reachable from ``M``.
* ``dir/built-in.a`` (Kbuild's archive of a folder) named in a link command or rule:
  ``M -> dir/Kbuild``, the build file that makes it.
* libraries: a library that the tree builds (``lib-y``, ``LIB := libfoo.a``, a
  ``libfoo.a:``/``libfoo.so:`` rule, Xen's ``tools/libs/<name>`` folders that include
  ``libs.mk`` and build ``libxen<name>``) linked with ``-lfoo``, ``$(LDLIBS_libfoo)`` or a path
  to ``libfoo.a``: ``M -> s`` for every source ``s`` of that library (``library='libfoo'``),
  or ``M -> L`` (the library's build file) when its sources are unknown.

A build file belongs to the component of its folder, so a Makefile in ``vmkernel/`` that links
``../ha/libha.a`` is vmkernel code depending on ha's sources. Files of the same folder that a
build file ``include``s (``Makefile.common``) are read as part of it.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from openesx_license.graph.makefile import Assignment, MakeFacts, MakeRule, Variables
from openesx_license.model import Evidence

_COND = r"(y|m|\$[({]([^)}]+)[)}])"
_OBJECT_LIST = re.compile(
    r"^(obj|obj-bin|lib|extra|head|core|drivers|libs|OBJS|SRCS|LIB_OBJS|LIBOBJS|objs)-"
    + _COND
    + "$"
)
_SUBDIR_LIST = re.compile(r"^subdir-" + _COND + "$")
_PLAIN_LIST = re.compile(r"^(OBJS|OBJECTS|SRCS|SOURCES|LIB_OBJS|[A-Za-z0-9_]+_(?:OBJS|SRCS))$")
_COMPOSITE = re.compile(r"^(.+?)-(objs|y|m|\$[({]([^)}]+)[)}])$")
_LIB_FILE = re.compile(r"(?:^|/)lib([\w+-][\w+.-]*?)\.(?:a|so(?:\.[\d.]+)?)$")
_DASH_L = re.compile(r"(?<![\w-])-l([A-Za-z0-9_+][A-Za-z0-9_+.-]*)")
_DASH_CAPITAL_L = re.compile(r"(?<![\w-])-L\s*([^\s$]+)")
_LIB_VAR_REF = re.compile(r"\$[({](?:LDLIBS|SHLIB|SHDEPS|LDFLAGS|LIBS)_lib([\w+-]+)[)}]")
_LIB_VARS = frozenset({"LIB", "LIBRARY", "LIB_NAME", "LIBNAME", "TARGET_LIB", "LIB_FILE"})
_SOURCE_SUFFIXES = (".c", ".S", ".s", ".cc", ".cpp", ".cxx", ".rs", ".asm")
_OBJECT_SUFFIXES = (".o", ".opic", ".lo", ".obj")
_BUILT_IN = ("built-in.a", "built-in.o")


@dataclass(frozen=True, kw_only=True)
class LinkEdge:
    """One link edge with its evidence and the extras the graph keeps on it."""

    source: str
    target: str
    evidence: Evidence
    extras: dict[str, str] = field(default_factory=dict, compare=False)


@dataclass(kw_only=True)
class _Library:
    name: str  # 'foo' for libfoo.a; '' for a Kbuild lib.a
    path: str  # where the archive is built
    build_file: str
    sources: list[str] = field(default_factory=list)
    #: Kbuild's built-in.a: everything the build file builds, its subdirectories too, so a
    #: reference links to the build file itself
    whole_build: bool = False


@dataclass(kw_only=True)
class _BuildFile:
    path: str
    folder: str
    entries: list[tuple[str, Assignment]]  # (file the line is in, assignment)
    rules: list[tuple[str, MakeRule]]
    variables: Variables
    objects: list[LinkEdge] = field(default_factory=list)
    libraries: list[_Library] = field(default_factory=list)
    lib_dirs: list[str] = field(default_factory=list)
    recipes: list[tuple[str, int, str, str]] = field(default_factory=list)  # file, line, text


def _resolve_word(folder: str, word: str) -> str | None:
    """A make word (relative to ``folder``, or ``/``-rooted at the tree root) as a tree path."""
    if "$" in word or not word:
        return None
    joined = word[1:] if word.startswith("/") else posixpath.join(folder, word)
    path = posixpath.normpath(joined)
    if path.startswith("../") or path == "..":
        return None
    return "" if path == "." else path


def _source_of(folder: str, word: str, files: set[str]) -> str | None:
    """The source file an object word names (``foo.o`` -> ``foo.c``...), or the word itself."""
    path = _resolve_word(folder, word)
    if path is None:
        return None
    if path in files and not path.endswith(_OBJECT_SUFFIXES):
        return path
    stem, ext = posixpath.splitext(path)
    if ext not in _OBJECT_SUFFIXES:
        return None
    stems = [stem, stem[: -len(".init")]] if stem.endswith(".init") else [stem]
    for candidate_stem in stems:
        for suffix in _SOURCE_SUFFIXES:
            if candidate_stem + suffix in files:
                return candidate_stem + suffix
    return None


def _subdir_build_file(folder: str, word: str, files: set[str]) -> str | None:
    path = _resolve_word(folder, word.rstrip("/"))
    if path is None:
        return None
    for name in ("Kbuild", "Makefile", "makefile", "GNUmakefile"):
        candidate = posixpath.join(path, name) if path else name
        if candidate in files:
            return candidate
    return None


def _read_build_file(path: str, facts: Mapping[str, MakeFacts]) -> _BuildFile:
    folder = posixpath.dirname(path)
    variables = Variables({"CURDIR": "/" + folder if folder else "/"})
    entries: list[tuple[str, Assignment]] = []
    rules: list[tuple[str, MakeRule]] = []
    build = _BuildFile(path=path, folder=folder, entries=entries, rules=rules, variables=variables)
    own = facts[path]
    events: list[tuple[int, int, object]] = [(a.line, 0, a) for a in own.assignments]
    events += [(i.line, 1, i) for i in own.includes]
    for _, _, event in sorted(events, key=lambda e: (e[0], e[1])):
        if isinstance(event, Assignment):
            variables.assign(event.var, event.op, event.value)
            entries.append((path, event))
            continue
        for word in variables.expand(event.value).split():  # type: ignore[attr-defined]
            included = _resolve_word(folder, word)
            if included is None:
                continue
            if posixpath.basename(included) == "libs.mk" and posixpath.dirname(
                included
            ) == posixpath.dirname(folder):
                # Xen: tools/libs/<name>/Makefile includes ../libs.mk to build libxen<name>
                name = "xen" + posixpath.basename(folder)
                build.libraries.append(
                    _Library(name=name, path=f"{folder}/lib{name}.a", build_file=path)
                )
            elif posixpath.dirname(included) == folder and included in facts and included != path:
                for assignment in facts[included].assignments:
                    variables.assign(assignment.var, assignment.op, assignment.value)
                    entries.append((included, assignment))
                rules.extend((included, r) for r in facts[included].rules)
                build.recipes += [
                    (included, r.line, r.text, r.text) for r in facts[included].recipes
                ]
    rules.extend((path, r) for r in own.rules)
    build.recipes += [(path, r.line, r.text, r.text) for r in own.recipes]
    return build


def _collect(build: _BuildFile, files: set[str]) -> None:
    """Fill ``build.objects``, the libraries it builds and its ``-L`` folders."""
    composites: dict[str, list[tuple[str, Assignment, str | None]]] = defaultdict(list)
    listed: list[tuple[str, Assignment, str | None, bool]] = []
    all_sources: list[str] = []
    for where, entry in build.entries:
        var = build.variables.expand(entry.var)
        object_list, subdir_list = _OBJECT_LIST.match(var), _SUBDIR_LIST.match(var)
        if object_list is not None:
            listed.append((where, entry, object_list.group(3), False))
            if object_list.group(1) == "lib":
                if not any(lib.name == "" for lib in build.libraries):
                    lib_path = f"{build.folder}/lib.a" if build.folder else "lib.a"
                    build.libraries.append(_Library(name="", path=lib_path, build_file=build.path))
        elif subdir_list is not None:
            listed.append((where, entry, subdir_list.group(2), True))
        elif _PLAIN_LIST.match(var):
            listed.append((where, entry, None, False))
        elif var in _LIB_VARS:
            value = build.variables.expand(entry.value).strip()
            match = _LIB_FILE.search(value)
            if match is not None:
                lib_path = _resolve_word(build.folder, value) or value
                build.libraries.append(
                    _Library(name=match.group(1), path=lib_path, build_file=build.path)
                )
        else:
            composite = _COMPOSITE.match(var)
            if composite is not None:
                composites[composite.group(1)].append((where, entry, composite.group(3)))
        for match in _DASH_CAPITAL_L.finditer(build.variables.expand(entry.value)):
            lib_dir = _resolve_word(build.folder, match.group(1))
            if lib_dir is not None:
                build.lib_dirs.append(lib_dir)
    seen: set[tuple[str, str]] = set()

    def add(where: str, entry: Assignment, target: str, extras: dict[str, str]) -> None:
        if (where, target) in seen or target == where:
            return
        seen.add((where, target))
        evidence = Evidence(path=where, line=entry.line, text=entry.text, kind="link")
        build.objects.append(
            LinkEdge(source=where, target=target, evidence=evidence, extras=extras)
        )

    for where, entry, condition, subdir_only in listed:
        extras = {"condition": condition} if condition else {}
        for word in build.variables.expand(entry.value).split():
            if subdir_only or word.endswith("/"):
                sub = _subdir_build_file(build.folder, word, files)
                if sub is not None:
                    add(where, entry, sub, {**extras, "subdir": word.rstrip("/")})
                continue
            stem = posixpath.splitext(posixpath.basename(word))[0]
            if word.endswith(".o") and stem in composites and "/" not in word:
                for part_where, part, part_condition in composites[stem]:
                    part_extras = {"artefact": word}
                    if part_condition or condition:
                        part_extras["condition"] = part_condition or condition or ""
                    for part_word in build.variables.expand(part.value).split():
                        source = _source_of(build.folder, part_word, files)
                        if source is not None:
                            all_sources.append(source)
                            add(part_where, part, source, part_extras)
                continue
            source = _source_of(build.folder, word, files)
            if source is not None:
                all_sources.append(source)
                add(where, entry, source, extras)
    for where, rule in build.rules:  # prog: a.o b.o -- the program contains a.c and b.c
        targets = build.variables.expand(rule.targets)
        if "%" in targets or "$" in targets:
            continue
        as_entry = Assignment(line=rule.line, var="", op=":", value="", text=rule.text)
        for word in build.variables.expand(rule.prerequisites).split():
            if word.endswith(_OBJECT_SUFFIXES):
                source = _source_of(build.folder, word, files)
                if source is not None:
                    all_sources.append(source)
                    add(where, as_entry, source, {"artefact": targets.split()[0]})
    if listed:
        prefix = f"{build.folder}/" if build.folder else ""
        for name in ("built-in.a", "built-in.o"):
            build.libraries.append(
                _Library(name="", path=prefix + name, build_file=build.path, whole_build=True)
            )
    for library in build.libraries:
        if not library.sources and not library.whole_build:
            library.sources = sorted(set(all_sources))
    for where, rule in build.rules:
        for target in build.variables.expand(rule.targets).split():
            match = _LIB_FILE.search(target)
            if match is None or "$" in target:
                continue
            sources = [
                s
                for w in build.variables.expand(rule.prerequisites).split()
                if (s := _source_of(build.folder, w, files)) is not None
            ]
            lib_path = _resolve_word(build.folder, target) or target
            build.libraries.append(
                _Library(
                    name=match.group(1),
                    path=lib_path,
                    build_file=where,
                    sources=sorted(set(sources or all_sources)),
                )
            )


def _library_references(build: _BuildFile) -> list[tuple[str, int, str, str]]:
    """(file, line, text, library name or archive path) for every library the build links."""
    found: list[tuple[str, int, str, str]] = []
    texts: list[tuple[str, int, str, str]] = [
        (where, e.line, e.text, e.value) for where, e in build.entries
    ]
    texts += [(where, r.line, r.text, r.prerequisites) for where, r in build.rules]
    texts += build.recipes
    for where, line, text, value in texts:
        expanded = build.variables.expand(value)
        names = [m.group(1) for m in _LIB_VAR_REF.finditer(value)]
        names += [m.group(1) for m in _DASH_L.finditer(expanded)]
        names += [
            "/" + (_resolve_word(build.folder, word) or "")
            for word in expanded.split()
            if (_LIB_FILE.search(word) or word.endswith(_BUILT_IN)) and "$" not in word
        ]
        found.extend((where, line, text, name) for name in names)
    return found


def link_edges(facts: Mapping[str, MakeFacts], files: set[str]) -> list[LinkEdge]:
    """Every link edge of the tree (see the module docstring), in a stable order."""
    builds: dict[str, _BuildFile] = {}
    for path in sorted(facts):
        build = _read_build_file(path, facts)
        _collect(build, files)
        builds[path] = build
    by_name: dict[str, list[_Library]] = defaultdict(list)
    by_path: dict[str, list[_Library]] = defaultdict(list)
    for build in builds.values():
        for library in build.libraries:
            if library.name:
                by_name[library.name].append(library)
            by_path[library.path].append(library)
    edges: list[LinkEdge] = []
    seen: set[tuple[str, str]] = set()
    for build in builds.values():
        for edge in build.objects:
            if (edge.source, edge.target) not in seen:
                seen.add((edge.source, edge.target))
                edges.append(edge)
        for where, line, text, reference in _library_references(build):
            if reference.startswith("/"):
                candidates = by_path.get(reference[1:], [])
            else:
                candidates = by_name.get(reference, [])
                if len(candidates) > 1:
                    near = [c for c in candidates if posixpath.dirname(c.path) in build.lib_dirs]
                    candidates = near or candidates
            if len(candidates) > 1 and all(c.whole_build for c in candidates):
                # a folder with both a Kbuild and a Makefile: Kbuild is what kbuild reads
                candidates = sorted(
                    candidates,
                    key=lambda c: (
                        not c.build_file.endswith("/Kbuild") and c.build_file != "Kbuild",
                        c.build_file,
                    ),
                )[:1]
            if len({c.build_file for c in candidates}) != 1:
                continue  # unknown, or several build files make it: not ours to guess
            library = candidates[0]
            if library.build_file == where or library.build_file == build.path:
                continue
            label = f"lib{library.name}" if library.name else library.path
            evidence = Evidence(path=where, line=line, text=text, kind="link")
            for target in library.sources or [library.build_file]:
                if (where, target) in seen or target == where:
                    continue
                seen.add((where, target))
                edges.append(
                    LinkEdge(
                        source=where, target=target, evidence=evidence, extras={"library": label}
                    )
                )
    return edges
