"""Link edges from automake ``Makefile.am`` files (and the ``.am``/``.mk`` fragments they include).

The same model as :mod:`.kbuild`: a build file stands for what it builds. For a ``Makefile.am``
``M`` in folder ``D``:

* ``prog_SOURCES``, ``nodist_prog_SOURCES``, ``EXTRA_prog_SOURCES`` (and the default
  ``prog.c``/``libx.c`` of a program or library without ``_SOURCES``): ``M -> D/x.c`` for
  every listed file that exists (``artefact='prog'``); ``$(srcdir)``, ``$(top_srcdir)``,
  ``$(top_builddir)`` and ``$(builddir)`` are known, so ``$(top_srcdir)/secret/x.c`` is the
  tree's ``secret/x.c``.
* ``prog_LDADD``, ``lib_LIBADD``, ``LDADD``, ``*_DEPENDENCIES`` and ``*_LDFLAGS``: a ``.la`` or
  ``.a`` path that a ``Makefile.am`` of the tree builds (``lib_LTLIBRARIES = libx.la`` in
  ``secret/lib``), or ``-lx`` for the one folder that builds ``libx.la``/``libx.a`` (``-L``
  picks among several): ``M -> s`` for every source of that library (``library='libx'``), or
  ``M -> `` its ``Makefile.am`` when its sources are unknown; a ``.lo``/``.o`` path names the
  source next to it.
* ``SUBDIRS``/``DIST_SUBDIRS``: ``M -> D/sub/Makefile.am`` (``subdir='sub'``).
* ``configure.ac``/``configure.in``: every ``Makefile`` that ``AC_CONFIG_FILES([...])`` (or
  the old ``AC_OUTPUT([...])``) lists makes ``configure.ac -> D/Makefile.am`` (``configured``,
  the evidence the line that lists it) when no ``SUBDIRS``/``DIST_SUBDIRS`` of the tree reaches
  that folder: configure writes the folder's Makefile, so a folder that only configure names
  (built by a rule of its own, or by a ``SUBDIRS`` set from a configure substitution) is still
  part of the build. A folder a ``SUBDIRS`` names already has its edge; the configure line
  would only say it again. Words holding ``$``, ``@`` or m4 quotes, and outputs other than
  Makefiles, are skipped; ``out:template`` takes the output.
* ``include file.am`` / ``include $(top_srcdir)/common.mk``: ``M -> file`` (``included``),
  and the fragment's assignments are read as part of ``M`` (paths in them are relative to
  ``D``, ``%reldir%``/``%D%`` and ``%canon_reldir%``/``%C%`` are replaced); edges from a line
  of the fragment name the fragment as their source and evidence.

Assignments in ``if COND``/``else``/``endif`` blocks all count (automake builds the union of the
branches into its rules), each edge keeping its ``condition`` (``COND``, ``!COND``, joined with
``&&``). ``=`` and ``+=`` both add to a variable, since automake forbids redefining one in the
same condition. ``$(VAR)`` words are followed to the assignments of ``VAR``, so the evidence is
the line where a file is actually named. Configure substitutions (``@FOO@``, ``$(LIBOBJS)``)
and variables no ``Makefile.am`` sets are not expanded: words that hold them are skipped.
"""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from openesx_license.csource.lexer import evidence_text
from openesx_license.graph.kbuild import LinkEdge
from openesx_license.graph.makefile import MakeFacts, Variables, logical_lines
from openesx_license.model import Evidence

_ASSIGN = re.compile(r"^([A-Za-z0-9_@%.${}()-]+)\s*(\+=|:=|\?=|=)\s*(.*)$")
_INCLUDE = re.compile(r"^-?include\s+(\S.*)$")
_IF = re.compile(r"^if\s+(!?\s*[A-Za-z0-9_]+)\s*$")
_ELSE = re.compile(r"^else(?:\s+(!?\s*[A-Za-z0-9_]+))?\s*$")
_ENDIF = re.compile(r"^endif(?:\s+(!?\s*[A-Za-z0-9_]+))?\s*$")
_PRIMARY = re.compile(
    r"^(?:(?:nodist|nobase|dist|notrans)_)*(\w+?)_(PROGRAMS|LTLIBRARIES|LIBRARIES)$"
)
_SOURCES = re.compile(r"^(?:(?:nodist|dist|EXTRA)_)?(\w+?)_SOURCES$")
_LINK_VAR = re.compile(r"^(?:(\w+?)_)?(LDADD|LIBADD|DEPENDENCIES|LDFLAGS|LIBS)$")
_WHOLE_REF = re.compile(r"^\$[({]([A-Za-z0-9_@.]+)[)}]$")
_LIB_FILE = re.compile(r"(?:^|/)(lib)?([\w+-][\w+.-]*?)\.(la|a|so)$")
_DASH_L = re.compile(r"^-l([A-Za-z0-9_+][A-Za-z0-9_+.-]*)$")
_OBJECT = (".lo", ".o", ".obj")
_SOURCE_SUFFIXES = (".c", ".cc", ".cpp", ".cxx", ".C", ".S", ".s", ".m", ".y", ".l", ".f")
_MAX_INCLUDE_DEPTH = 10


@dataclass(frozen=True, kw_only=True)
class AmStatement:
    """An assignment (``var op value``) or, with ``var == ''`` and ``op == 'include'``, an
    ``include value`` line of a Makefile.am; ``condition`` is the ``if`` context ('' if none)."""

    line: int
    var: str
    op: str
    value: str
    condition: str
    text: str
    #: (line, text) of each physical line of a statement continued over several lines
    parts: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class AmFacts:
    """What one ``.am`` file says: its statements and the problems met reading it."""

    statements: tuple[AmStatement, ...]
    errors: tuple[str, ...] = ()


def is_automake(path: str) -> bool:
    """True for ``Makefile.am`` and the ``*.am`` fragments such files include."""
    return path.endswith(".am")


#: the autoconf input files read for AC_CONFIG_FILES
CONFIGURE_NAMES = ("configure.ac", "configure.in")
_CONFIG_CALL = re.compile(r"\b(AC_CONFIG_FILES|AC_OUTPUT)\s*\(")


def is_configure(path: str) -> bool:
    """True for ``configure.ac`` and the older ``configure.in``."""
    return posixpath.basename(path) in CONFIGURE_NAMES


def parse_configure(text: str) -> AmFacts:
    """The files ``AC_CONFIG_FILES([...])`` and ``AC_OUTPUT([...])`` of a ``configure.ac``
    list, one statement per word (``var`` the macro, ``value`` the word, ``line`` and ``text``
    the line that holds it): only the first argument, up to its closing bracket or
    parenthesis; ``dnl`` and ``#`` comments dropped."""
    lines = text.split("\n")
    clean = [re.sub(r"(?:^|\s)(?:dnl\b|#).*$", "", line) for line in lines]
    statements: list[AmStatement] = []
    for number, line in enumerate(clean):
        for call in _CONFIG_CALL.finditer(line):
            statements.extend(_config_words(clean, lines, number, call.end(), call.group(1)))
    return AmFacts(statements=tuple(statements))


def _config_words(
    clean: list[str], lines: list[str], number: int, pos: int, macro: str
) -> list[AmStatement]:
    """The words of the first argument of the call whose ``(`` ends at ``pos`` of line
    ``number``."""
    out: list[AmStatement] = []
    depth = 0  # m4 quote depth
    started = False
    for at in range(number, min(number + 200, len(clean))):
        text = clean[at][pos:] if at == number else clean[at]
        end = None
        for i, char in enumerate(text):
            if char == "[":
                depth += 1
                started = True
            elif char == "]":
                depth -= 1
                if depth <= 0:
                    end = i
                    break
            elif depth == 0 and char in ",)":
                end = i
                break
            elif not char.isspace():
                started = True
        words = (text if end is None else text[:end]).replace("[", " ").split()
        evidence = evidence_text(lines[at].strip())
        out.extend(
            AmStatement(line=at + 1, var=macro, op="=", value=word, condition="", text=evidence)
            for word in words
        )
        if end is not None or (started and depth == 0 and at > number):
            break
    return out


def _strip_comment(line: str) -> str:
    """``line`` without its comment (automake's ``##`` and make's ``#``; ``\\#`` is kept)."""
    pos = 0
    while True:
        pos = line.find("#", pos)
        if pos < 0:
            return line
        if pos > 0 and line[pos - 1] == "\\":
            pos += 1
            continue
        return line[:pos]


def parse_automake(text: str) -> AmFacts:
    """Read the statements of one ``.am`` file (see the module docstring)."""
    lines = text.split("\n")
    statements: list[AmStatement] = []
    errors: list[str] = []
    conditions: list[str] = []
    for start, end, raw, logical in logical_lines(lines):
        if raw.startswith("\t"):
            continue  # a recipe line
        body = _strip_comment(logical).strip()
        if not body:
            continue
        match = _IF.match(body)
        if match is not None:
            conditions.append(match.group(1).replace(" ", ""))
            continue
        if _ELSE.match(body) is not None:
            if not conditions:
                errors.append(f"line {start + 1}: 'else' without 'if'")
                continue
            top = conditions.pop()
            conditions.append(top[1:] if top.startswith("!") else "!" + top)
            continue
        if _ENDIF.match(body) is not None:
            if not conditions:
                errors.append(f"line {start + 1}: 'endif' without 'if'")
            else:
                conditions.pop()
            continue
        condition = " && ".join(conditions)
        match = _INCLUDE.match(body)
        if match is not None:
            statements.append(
                AmStatement(
                    line=start + 1,
                    var="",
                    op="include",
                    value=match.group(1).strip(),
                    condition=condition,
                    text=evidence_text(body),
                )
            )
            continue
        match = _ASSIGN.match(body)
        if match is not None:
            parts: tuple[tuple[int, str], ...] = ()
            if end - start > 1:
                parts = tuple((k + 1, evidence_text(lines[k])) for k in range(start, end))
            statements.append(
                AmStatement(
                    line=start + 1,
                    var=match.group(1),
                    op=match.group(2),
                    value=match.group(3).strip(),
                    condition=condition,
                    text=evidence_text(body),
                    parts=parts,
                )
            )
    if conditions:
        errors.append(f"'if {conditions[-1].lstrip('!')}' without 'endif'")
    return AmFacts(statements=tuple(statements), errors=tuple(errors))


def canonical(name: str) -> str:
    """Automake's canonical form of a target name (``libfoo.la`` -> ``libfoo_la``)."""
    return re.sub(r"[^A-Za-z0-9_@]", "_", name)


@dataclass(frozen=True, kw_only=True)
class _Placed:
    """A statement with the file it is in and how its paths read in the including build."""

    where: str
    statement: AmStatement
    condition: str
    reldir: str
    #: the physical line (and its text) of a continued statement that holds the word; 0: the
    #: statement's first line
    line: int = 0
    text: str = ""


@dataclass(kw_only=True)
class _Library:
    name: str  # 'x' for libx.la; '' for a module without the lib prefix
    path: str
    build_file: str
    sources: list[str] = field(default_factory=list)


@dataclass(kw_only=True)
class _AmBuild:
    path: str
    folder: str
    placed: list[_Placed]
    variables: Variables
    by_var: dict[str, list[_Placed]]
    edges: list[LinkEdge] = field(default_factory=list)
    libraries: list[_Library] = field(default_factory=list)
    lib_dirs: list[str] = field(default_factory=list)
    #: (placed, word, artefact) of every library reference
    references: list[tuple[_Placed, str, str]] = field(default_factory=list)


def _tree_path(folder: str, word: str) -> str | None:
    """A word as a tree path: ``/``-rooted at the tree root, else relative to ``folder``."""
    if not word or "$" in word or "@" in word or "%" in word:
        return None
    joined = word.lstrip("/") if word.startswith("/") else posixpath.join(folder, word)
    path = posixpath.normpath(joined) if joined else "."
    if path == ".." or path.startswith("../"):
        return None
    return "" if path == "." else path


def _project_root(folder: str, files: set[str]) -> str:
    """The nearest folder at or above ``folder`` with a configure.ac (the tree root if none)."""
    probe = folder
    while True:
        prefix = f"{probe}/" if probe else ""
        if f"{prefix}configure.ac" in files or f"{prefix}configure.in" in files:
            return probe
        if not probe:
            return ""
        probe = posixpath.dirname(probe)


def _join_conditions(*conditions: str) -> str:
    return " && ".join(c for c in conditions if c)


class _Reader:
    """Reads the ``Makefile.am`` files of one tree against each other."""

    def __init__(
        self, am: Mapping[str, AmFacts], make: Mapping[str, MakeFacts], files: set[str]
    ) -> None:
        self.am = am
        self.make = make
        self.files = files

    def statements_of(self, path: str) -> tuple[AmStatement, ...]:
        """The statements of an included file (``.am`` facts, or a ``.mk``'s assignments)."""
        if path in self.am:
            return self.am[path].statements
        facts = self.make.get(path)
        if facts is None:
            return ()
        statements = [
            AmStatement(line=a.line, var=a.var, op=a.op, value=a.value, condition="", text=a.text)
            for a in facts.assignments
        ]
        statements += [
            AmStatement(
                line=i.line,
                var="",
                op="include",
                value=i.value,
                condition="",
                text=evidence_text(f"include {i.value}"),
            )
            for i in facts.includes
        ]
        return tuple(sorted(statements, key=lambda s: s.line))

    def read(self, path: str) -> _AmBuild:
        """The statements of ``path`` and of the fragments it includes, in order."""
        folder = posixpath.dirname(path)
        root = _project_root(folder, self.files)
        top = "/" + root
        here = "/" + folder
        variables = Variables(
            {
                "top_srcdir": top,
                "top_builddir": top,
                "abs_top_srcdir": top,
                "abs_top_builddir": top,
                "srcdir": here,
                "builddir": here,
                "abs_srcdir": here,
                "abs_builddir": here,
                "VPATH": here,
            }
        )
        build = _AmBuild(
            path=path, folder=folder, placed=[], variables=variables, by_var=defaultdict(list)
        )
        self._place(build, path, "", ".", {path}, 0)
        return build

    def _place(
        self, build: _AmBuild, where: str, condition: str, reldir: str, seen: set[str], depth: int
    ) -> None:
        statements = self.am[where].statements if where == build.path else self.statements_of(where)
        for statement in statements:
            placed = _Placed(
                where=where,
                statement=statement,
                condition=_join_conditions(condition, statement.condition),
                reldir=reldir,
            )
            if statement.op != "include":
                var = _fragment_names(statement.var, reldir)
                build.variables.assign(var, "+=", _fragment_names(statement.value, reldir))
                build.placed.append(placed)
                build.by_var[build.variables.expand(var)].append(placed)
                continue
            value = build.variables.expand(_fragment_names(statement.value, reldir))
            # a relative include is relative to the including file's folder
            included = _tree_path(posixpath.dirname(where), value)
            if included is None or included not in self.files:
                continue
            build.edges.append(_edge(placed, included, {"included": statement.value}))
            if included in seen or depth >= _MAX_INCLUDE_DEPTH:
                continue
            inner = posixpath.relpath(posixpath.dirname(included) or ".", build.folder or ".")
            self._place(build, included, placed.condition, inner, seen | {included}, depth + 1)

    def words(self, build: _AmBuild, placed: _Placed, depth: int = 0) -> list[tuple[_Placed, str]]:
        """The words of an assignment, each with the assignment that names it: a ``$(VAR)``
        word stands for the words of every assignment of ``VAR``."""
        out: list[tuple[_Placed, str]] = []
        value = _fragment_names(placed.statement.value, placed.reldir)
        for word in value.split():
            ref = _WHOLE_REF.match(word)
            if ref is not None and depth < 8 and ref.group(1) in build.by_var:
                for inner in build.by_var[ref.group(1)]:
                    combined = _Placed(
                        where=inner.where,
                        statement=inner.statement,
                        condition=_join_conditions(placed.condition, inner.condition),
                        reldir=inner.reldir,
                    )
                    out.extend(self.words(build, combined, depth + 1))
                continue
            here = _physical_line(placed, word)
            out.extend((here, w) for w in build.variables.expand(word).split())
        return out


def _physical_line(placed: _Placed, word: str) -> _Placed:
    """``placed`` pointing at the physical line of a continued statement that holds ``word``."""
    for line, text in placed.statement.parts:
        if word in _strip_comment(text).rstrip("\\").split():
            return dataclasses.replace(placed, line=line, text=text)
    return placed


def _fragment_names(text: str, reldir: str) -> str:
    """``%reldir%``/``%D%`` and ``%canon_reldir%``/``%C%`` of a fragment replaced."""
    if "%" not in text:
        return text
    canon = canonical(reldir)
    for key, value in (
        ("%reldir%", reldir),
        ("%D%", reldir),
        ("%canon_reldir%", canon),
        ("%C%", canon),
    ):
        text = text.replace(key, value)
    return text


def _edge(placed: _Placed, target: str, extras: dict[str, str]) -> LinkEdge:
    """``placed.where -> target``, its evidence the physical line that names the word."""
    if placed.condition:
        extras = {**extras, "condition": placed.condition}
    line, text = placed.line or placed.statement.line, placed.text or placed.statement.text
    evidence = Evidence(path=placed.where, line=line, text=text, kind="link")
    return LinkEdge(source=placed.where, target=target, evidence=evidence, extras=extras)


def _source_file(folder: str, word: str, files: set[str]) -> str | None:
    """The file of the tree a source or object word names (``x.lo`` -> ``x.c``)."""
    path = _tree_path(folder, word)
    if path is None:
        return None
    if path in files:
        return path
    stem, ext = posixpath.splitext(path)
    if ext in _OBJECT:
        for suffix in _SOURCE_SUFFIXES:
            if stem + suffix in files:
                return stem + suffix
    return None


def _collect(reader: _Reader, build: _AmBuild) -> None:
    """The build's source and subdir edges, the libraries it builds, its library references."""
    files = reader.files
    targets: dict[str, tuple[str, _Placed]] = {}  # canonical name -> (name, where it is listed)
    for placed in build.placed:
        var = build.variables.expand(_fragment_names(placed.statement.var, placed.reldir))
        primary = _PRIMARY.match(var)
        if primary is None:
            continue
        for where, word in reader.words(build, placed):
            name = word.replace("$(EXEEXT)", "")
            if "$" not in name and "@" not in name:
                targets.setdefault(canonical(name), (name, where))
    sources: dict[str, list[str]] = defaultdict(list)
    with_sources: set[str] = set()
    for placed in build.placed:
        var = build.variables.expand(_fragment_names(placed.statement.var, placed.reldir))
        match = _SOURCES.match(var)
        if match is not None:
            canon = match.group(1)
            with_sources.add(canon)
            artefact = targets.get(canon, (canon, placed))[0]
            for where, word in reader.words(build, placed):
                source = _source_file(build.folder, word, files)
                if source is not None and source != where.where:
                    sources[canon].append(source)
                    build.edges.append(_edge(where, source, {"artefact": artefact}))
            continue
        if var in ("SUBDIRS", "DIST_SUBDIRS"):
            for where, word in reader.words(build, placed):
                if word == ".":
                    continue
                sub = _tree_path(build.folder, word)
                if sub is None:
                    continue
                target = f"{sub}/Makefile.am" if sub else "Makefile.am"
                if target in files and target != build.path:
                    build.edges.append(_edge(where, target, {"subdir": word}))
            continue
        link = _LINK_VAR.match(var)
        if link is not None:
            artefact = targets.get(link.group(1) or "", ("", placed))[0]
            for where, word in reader.words(build, placed):
                if word.startswith("-L"):
                    lib_dir = _tree_path(build.folder, word[2:])
                    if lib_dir is not None:
                        build.lib_dirs.append(lib_dir)
                    continue
                build.references.append((where, word, artefact))
    for canon, (name, placed) in sorted(targets.items()):
        if canon not in with_sources:
            stem = name[: name.rfind(".")] if name.endswith((".la", ".a")) else name
            default = _source_file(build.folder, stem + ".c", files)
            if default is not None:  # automake's default: prog.c, libx.c for libx.la
                sources[canon].append(default)
                build.edges.append(_edge(placed, default, {"artefact": name}))
        lib = _LIB_FILE.search(name)
        if lib is None:
            continue
        path = _tree_path(build.folder, name)
        if path is None:
            continue
        build.libraries.append(
            _Library(
                name=lib.group(2) if lib.group(1) else "",
                path=path,
                build_file=build.path,
                sources=sorted(set(sources.get(canon, []))),
            )
        )


def _configured(path: str, facts: AmFacts, files: set[str]) -> list[LinkEdge]:
    """``configure.ac -> D/Makefile.am`` for every Makefile its AC_CONFIG_FILES lists."""
    folder = posixpath.dirname(path)
    out = []
    for statement in facts.statements:
        output = statement.value.split(":", 1)[0]
        if posixpath.basename(output) != "Makefile":
            continue
        made = _tree_path(folder, output)
        if made is None:
            continue
        target = made + ".am"
        if target not in files:
            continue
        placed = _Placed(where=path, statement=statement, condition="", reldir=".")
        out.append(_edge(placed, target, {"configured": output}))
    return out


def automake_link_edges(
    am: Mapping[str, AmFacts], make: Mapping[str, MakeFacts], files: set[str]
) -> list[LinkEdge]:
    """Link edges of every ``Makefile.am`` (see the module docstring), in a stable order;
    ``make`` are the Makefile facts of ``.mk`` files a ``Makefile.am`` may include."""
    reader = _Reader(am, make, files)
    builds = []
    configures = []
    for path in sorted(am):
        if is_configure(path):
            configures.append(path)
            continue
        if posixpath.basename(path) != "Makefile.am":
            continue  # fragments are read as part of the Makefile.am that includes them
        build = reader.read(path)
        _collect(reader, build)
        builds.append(build)
    by_name: dict[str, list[_Library]] = defaultdict(list)
    by_path: dict[str, _Library] = {}
    for build in builds:
        for library in build.libraries:
            if library.name:
                by_name[library.name].append(library)
            by_path.setdefault(library.path, library)
    edges: list[LinkEdge] = []
    seen: set[tuple[str, str]] = set()

    def add(edge: LinkEdge) -> None:
        if (edge.source, edge.target) not in seen and edge.source != edge.target:
            seen.add((edge.source, edge.target))
            edges.append(edge)

    for build in builds:
        for edge in build.edges:
            add(edge)
    reached = {e.target for e in edges if "subdir" in e.extras}
    for path in configures:
        for edge in _configured(path, am[path], files):
            if edge.target not in reached:
                add(edge)
    for build in builds:
        for placed, word, artefact in build.references:
            extras = {"artefact": artefact} if artefact else {}
            dash_l = _DASH_L.match(word)
            if dash_l is not None:
                candidates = by_name.get(dash_l.group(1), [])
                if len(candidates) > 1:
                    near = [c for c in candidates if posixpath.dirname(c.path) in build.lib_dirs]
                    candidates = near or candidates
                if len({c.build_file for c in candidates}) != 1:
                    continue  # not built here (-lz), or several folders build it: no guess
                library = candidates[0]
            else:
                found_path = _tree_path(build.folder, word)
                if found_path is None:
                    continue
                if found_path.endswith(_OBJECT):
                    source = _source_file(build.folder, word, files)
                    if source is not None:
                        add(_edge(placed, source, extras))
                    continue
                found = by_path.get(found_path)
                if found is None:
                    continue
                library = found
            if library.build_file == build.path:
                label_sources = []  # its own library: the sources already have their edges
            else:
                label_sources = library.sources or [library.build_file]
            label = f"lib{library.name}" if library.name else posixpath.basename(library.path)
            for target in label_sources:
                add(_edge(placed, target, {**extras, "library": label}))
    return edges
