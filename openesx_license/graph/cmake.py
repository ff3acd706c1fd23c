"""Link edges and include folders from CMake (``CMakeLists.txt`` and the ``*.cmake`` files they
include).

The same model as :mod:`.kbuild`: a build file stands for what it builds. The commands are read
with CMake's own syntax (quoted, unquoted and bracket arguments, ``#`` and ``#[[...]]``
comments) and a small evaluation: directories are entered through ``add_subdirectory`` with a
copy of the parent's variables, ``include()`` reads a file in the includer's scope, ``set``/
``list(APPEND)``/``project`` set variables, and ``${CMAKE_CURRENT_SOURCE_DIR}``,
``${CMAKE_CURRENT_LIST_DIR}``, ``${PROJECT_SOURCE_DIR}``, ``${CMAKE_SOURCE_DIR}`` and
``${<project>_SOURCE_DIR}`` are known; ``foreach`` bodies run once per item and the calls of a
``function``/``macro`` the files define run its body with the arguments (the edges then name
the line of the call). Nothing else is evaluated: ``if``/``else`` branches all
count, and words that still hold an unknown ``${...}``, a ``$<...>`` generator expression or a
build-folder path are skipped, except a source ``$<cond:file.c>``: an edge to ``file.c`` whose
``condition`` is ``cond``.

* ``add_subdirectory(sub)``: ``L -> sub/CMakeLists.txt`` (``subdir='sub'``);
  ``include(x.cmake)``: ``L -> x.cmake`` (``included``).
* ``add_library(name ... a.c)``, ``add_executable(name ... a.c)``, ``target_sources(name ...
  a.c)``: ``L -> a.c`` (``artefact='name'``), with the line of the argument as evidence (of
  the ``set``/``list(APPEND)`` that named it, when it came through a variable set in ``L``).
* ``target_link_libraries(app ... lib)`` / ``link_libraries(lib)`` where ``lib`` is a target
  the tree defines (in any folder; an ``ALIAS`` too): ``L -> s`` for every source of ``lib``
  (``library='lib'``), or ``L ->`` the file that defines it when it has no sources.
* ``target_include_directories`` and ``include_directories``: the include folders of each
  target's sources (its own, its directory's, and the ``PUBLIC``/``INTERFACE`` folders of the
  targets it links, transitively), which :mod:`.includes` uses when there is no
  ``compile_commands.json`` entry for the file.

A file that cannot be read as CMake (an unterminated string, argument list or bracket) has no
commands and a message in its facts' ``errors``.
"""

from __future__ import annotations

import bisect
import posixpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from openesx_license.csource.lexer import evidence_text
from openesx_license.graph.kbuild import LinkEdge
from openesx_license.model import Evidence

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_BRACKET_OPEN = re.compile(r"\[(=*)\[")
_VAR_REF = re.compile(r"\$\{([^${}]*)\}")
#: ``$<condition:path>``, the condition itself a generator expression or not
_CONDITIONAL_SOURCE = re.compile(r"^\$<(.*):([^:<>$]+)>$")
_UNKNOWN = "\x00"  # what an unknown variable expands to: the word is then skipped
_BUILD_DIR = "\x00build"
_LIBRARY_KINDS = frozenset({"STATIC", "SHARED", "MODULE", "OBJECT", "UNKNOWN"})
_EXECUTABLE_FLAGS = frozenset({"WIN32", "MACOSX_BUNDLE"})
_VISIBILITY = frozenset({"PRIVATE", "PUBLIC", "INTERFACE"})
_LINK_KEYWORDS = frozenset(
    {
        "PRIVATE",
        "PUBLIC",
        "INTERFACE",
        "LINK_PRIVATE",
        "LINK_PUBLIC",
        "LINK_INTERFACE_LIBRARIES",
        "debug",
        "optimized",
        "general",
    }
)
_MAX_INCLUDE_DEPTH = 16
_MAX_LOOP = 1000
_MAX_CALLS = 20000  # function calls per tree: a recursive function must not run for ever
_BLOCKS = {"foreach": "endforeach", "function": "endfunction", "macro": "endmacro"}


def _block_end(commands: Sequence[CMakeCommand], start: int) -> int:
    """The index of the command closing the block opened at ``start`` (the end if none)."""
    opening = commands[start].name
    closing = _BLOCKS[opening]
    depth = 0
    for index in range(start, len(commands)):
        name = commands[index].name
        if name == opening:
            depth += 1
        elif name == closing:
            depth -= 1
            if depth == 0:
                return index
    return len(commands)


@dataclass(frozen=True, kw_only=True)
class CMakeArgument:
    """One argument: its raw ``value``, ``line`` and ``kind`` (0 unquoted, 1 quoted, 2 bracket)."""

    value: str
    line: int
    kind: int


@dataclass(frozen=True, kw_only=True)
class CMakeCommand:
    """One command invocation (``name`` lower-cased, as CMake compares them)."""

    line: int
    name: str
    args: tuple[CMakeArgument, ...]


@dataclass(frozen=True, kw_only=True)
class CMakeFacts:
    """The commands of one CMake file, the text of the lines they are on, and read errors."""

    commands: tuple[CMakeCommand, ...]
    lines: dict[int, str] = field(default_factory=dict)
    errors: tuple[str, ...] = ()


#: ``config.h.cmake``, ``foo.pc.cmake``: ``configure_file`` templates, not CMake code
_TEMPLATE_SUFFIXES = frozenset(
    {
        ".h",
        ".hh",
        ".hpp",
        ".hxx",
        ".c",
        ".cc",
        ".cpp",
        ".pc",
        ".rc",
        ".txt",
        ".xml",
        ".json",
        ".py",
        ".sh",
        ".spec",
        ".plist",
        ".in",
        ".md",
        ".html",
        ".iss",
        ".nsi",
        ".desktop",
        ".conf",
        ".cfg",
        ".ini",
        ".def",
        ".map",
        ".manifest",
        ".y",
        ".ld",
    }
)


def is_cmake(path: str) -> bool:
    """True for ``CMakeLists.txt`` and ``*.cmake`` files (not ``config.h.cmake`` templates)."""
    name = posixpath.basename(path)
    if name == "CMakeLists.txt":
        return True
    if not name.endswith(".cmake"):
        return False
    return posixpath.splitext(name[: -len(".cmake")])[1].lower() not in _TEMPLATE_SUFFIXES


class CMakeSyntaxError(ValueError):
    """A CMake file that cannot be read: the message names the line."""


def _bracket_end(text: str, pos: int, equals: str) -> int:
    close = "]" + equals + "]"
    end = text.find(close, pos)
    return -1 if end < 0 else end + len(close)


def _skip_space_and_comments(text: str, pos: int) -> int:
    n = len(text)
    while pos < n:
        char = text[pos]
        if char in " \t\r\n":
            pos += 1
        elif char == "#":
            bracket = _BRACKET_OPEN.match(text, pos + 1)
            if bracket is not None:
                end = _bracket_end(text, bracket.end(), bracket.group(1))
                if end < 0:
                    raise CMakeSyntaxError(
                        f"line {text.count(chr(10), 0, pos) + 1}: unterminated bracket comment"
                    )
                pos = end
            else:
                newline = text.find("\n", pos)
                pos = n if newline < 0 else newline + 1
        else:
            return pos
    return pos


def _arguments(text: str, pos: int, line_of: _Lines) -> tuple[list[CMakeArgument], int]:
    """The arguments after the ``(`` at ``pos - 1`` and the offset after the closing ``)``."""
    args: list[CMakeArgument] = []
    depth = 1
    n = len(text)
    while True:
        pos = _skip_space_and_comments(text, pos)
        if pos >= n:
            raise CMakeSyntaxError(f"line {line_of[min(pos, n - 1)]}: unclosed '('")
        char = text[pos]
        if char == "(":
            depth += 1
            pos += 1
        elif char == ")":
            depth -= 1
            pos += 1
            if depth == 0:
                return args, pos
        elif char == '"':
            start = pos
            pos += 1
            while pos < n and text[pos] != '"':
                pos += 2 if text[pos] == "\\" else 1
            if pos >= n:
                raise CMakeSyntaxError(f"line {line_of[start]}: unterminated string")
            value = text[start + 1 : pos].replace("\\\n", "")
            args.append(CMakeArgument(value=value, line=line_of[start], kind=1))
            pos += 1
        elif char == "[" and (bracket := _BRACKET_OPEN.match(text, pos)) is not None:
            end = _bracket_end(text, bracket.end(), bracket.group(1))
            if end < 0:
                raise CMakeSyntaxError(f"line {line_of[pos]}: unterminated bracket argument")
            close = len(bracket.group(1)) + 2
            value = text[bracket.end() : end - close].removeprefix("\n")
            args.append(CMakeArgument(value=value, line=line_of[pos], kind=2))
            pos = end
        else:
            start = pos
            while pos < n and text[pos] not in ' \t\r\n()#"':
                if text[pos] == "\\" and pos + 1 < n:
                    pos += 2
                    continue
                pos += 1
            args.append(CMakeArgument(value=text[start:pos], line=line_of[start], kind=0))


class _Lines:
    """``lines[offset]``: the line number of a character offset of ``text``."""

    def __init__(self, text: str) -> None:
        self._starts = [m.end() for m in re.finditer("\n", text)]

    def __getitem__(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset) + 1


def parse_cmake(text: str) -> CMakeFacts:
    """The commands of one CMake file; a file CMake could not read gives no commands and an
    error message naming the line."""
    line_of = _Lines(text)
    commands: list[CMakeCommand] = []
    pos, n = 0, len(text)
    try:
        while True:
            pos = _skip_space_and_comments(text, pos)
            if pos >= n:
                break
            ident = _IDENT.match(text, pos)
            if ident is None:
                raise CMakeSyntaxError(f"line {line_of[pos]}: expected a command name")
            after = ident.end()
            while after < n and text[after] in " \t":
                after += 1
            if after >= n or text[after] != "(":
                raise CMakeSyntaxError(f"line {line_of[pos]}: expected '(' after {ident.group()!r}")
            args, pos = _arguments(text, after + 1, line_of)
            commands.append(
                CMakeCommand(
                    line=line_of[ident.start()], name=ident.group().lower(), args=tuple(args)
                )
            )
    except CMakeSyntaxError as exc:
        return CMakeFacts(commands=(), errors=(f"cannot read CMake: {exc}",))
    source_lines = text.split("\n")
    wanted = {c.line for c in commands} | {a.line for c in commands for a in c.args}
    lines = {ln: evidence_text(source_lines[ln - 1]) for ln in sorted(wanted)}
    return CMakeFacts(commands=tuple(commands), lines=lines)


@dataclass(kw_only=True)
class _Target:
    name: str
    where: str  # the file of the add_library/add_executable
    folder: str  # its source folder
    sources: list[str] = field(default_factory=list)
    links: list[tuple[str, int, str, str]] = field(default_factory=list)  # file, line, item, vis
    include_dirs: list[tuple[str, str]] = field(default_factory=list)  # (folder, visibility)


@dataclass(frozen=True, kw_only=True)
class CMakeResult:
    """What the CMake files of a tree say: link edges and the include folders of files."""

    edges: list[LinkEdge]
    include_dirs: dict[str, tuple[str, ...]]


class _Evaluator:
    """Walks the CMake files of one tree (see the module docstring)."""

    def __init__(self, facts: Mapping[str, CMakeFacts], files: set[str]) -> None:
        self.facts = facts
        self.files = files
        self.targets: dict[str, _Target] = {}
        self.aliases: dict[str, str] = {}
        self.edges: list[LinkEdge] = []
        self.visited: set[str] = set()
        self.directory_links: list[tuple[str, str, int, str]] = []  # folder, file, line, item
        self.dir_includes: dict[str, list[str]] = {}
        self.pending_target_calls: list[tuple[str, str, CMakeCommand, dict[str, str]]] = []
        #: (file, list item) -> the line of the set()/list() that named it in that file
        self.origins: dict[tuple[str, str], int] = {}
        self.calls = 0
        #: name -> ('function' | 'macro', parameters, body)
        self.functions: dict[str, tuple[str, list[str], Sequence[CMakeCommand]]] = {}

    # -- words ---------------------------------------------------------------------------
    def expand(self, value: str, scope: dict[str, str]) -> str:
        """``${VAR}`` references replaced, innermost first; unknown ones become a marker."""
        for _ in range(16):
            if "${" not in value:
                break

            def replace(match: re.Match[str]) -> str:
                name = match.group(1)
                return scope.get(name, _UNKNOWN)

            new = _VAR_REF.sub(replace, value)
            if new == value:
                break
            value = new
        if "$ENV{" in value or "$CACHE{" in value:
            value = value + _UNKNOWN
        return value

    def words(
        self, args: tuple[CMakeArgument, ...], scope: dict[str, str]
    ) -> list[tuple[str, CMakeArgument]]:
        """The expanded words of ``args`` (unquoted ones split at ``;``), with their argument."""
        out: list[tuple[str, CMakeArgument]] = []
        for arg in args:
            value = arg.value if arg.kind == 2 else self.expand(arg.value, scope)
            if arg.kind == 0:
                out.extend((w, arg) for w in value.split(";") if w)
            else:
                out.append((value, arg))
        return out

    def path(self, folder: str, word: str) -> str | None:
        """A path word (relative to ``folder``, or ``/``-rooted at the tree root) in the tree."""
        if not word or _UNKNOWN in word or "$<" in word or "$" in word:
            return None
        joined = word.lstrip("/") if word.startswith("/") else posixpath.join(folder, word)
        path = posixpath.normpath(joined) if joined else "."
        if path == ".." or path.startswith("../"):
            return None
        return "" if path == "." else path

    # -- evaluation ----------------------------------------------------------------------
    def run(self) -> None:
        """Evaluate every CMakeLists.txt: the top ones first, then those nothing entered."""
        lists = [p for p in self.facts if posixpath.basename(p) == "CMakeLists.txt"]
        for path in sorted(lists, key=lambda p: (p.count("/"), p)):
            if path in self.visited:
                continue
            folder = posixpath.dirname(path)
            top = "/" + folder
            scope = {
                "CMAKE_SOURCE_DIR": top,
                "PROJECT_SOURCE_DIR": top,
                "CMAKE_BINARY_DIR": _BUILD_DIR,
                "PROJECT_BINARY_DIR": _BUILD_DIR,
                "CMAKE_CURRENT_BINARY_DIR": _BUILD_DIR,
            }
            self.directory(path, scope, [])

    def directory(self, path: str, scope: dict[str, str], includes: list[str]) -> None:
        """Evaluate one ``CMakeLists.txt`` in ``scope`` (a copy of its parent's), with the
        ``include_directories`` its parent had set when it entered it."""
        self.visited.add(path)
        folder = posixpath.dirname(path)
        scope["CMAKE_CURRENT_SOURCE_DIR"] = "/" + folder
        scope["CMAKE_CURRENT_BINARY_DIR"] = _BUILD_DIR
        self.dir_includes[folder] = list(includes)
        self.file(path, folder, scope, 0)

    def file(self, path: str, folder: str, scope: dict[str, str], depth: int) -> None:
        """Evaluate the commands of ``path`` (a CMakeLists.txt or an included file)."""
        facts = self.facts.get(path)
        if facts is None:
            return
        outer_list_dir = scope.get("CMAKE_CURRENT_LIST_DIR")
        scope["CMAKE_CURRENT_LIST_DIR"] = "/" + posixpath.dirname(path)
        scope["CMAKE_CURRENT_LIST_FILE"] = "/" + path
        self.commands(facts.commands, path, folder, scope, depth)
        if outer_list_dir is not None:
            scope["CMAKE_CURRENT_LIST_DIR"] = outer_list_dir

    def commands(
        self,
        commands: Sequence[CMakeCommand],
        where: str,
        folder: str,
        scope: dict[str, str],
        depth: int,
    ) -> None:
        """Evaluate a run of commands: ``foreach`` bodies once per item, ``function``/``macro``
        bodies kept for their calls, everything else by its ``cmd_`` handler."""
        i = 0
        while i < len(commands):
            command = commands[i]
            if command.name in _BLOCKS:
                end = _block_end(commands, i)
                body = commands[i + 1 : end]
                if command.name == "foreach":
                    self.foreach(command, body, where, folder, scope, depth)
                else:
                    words = [w for w, _ in self.words(command.args, scope)]
                    if words and _UNKNOWN not in words[0]:
                        self.functions[words[0].lower()] = (command.name, words[1:], body)
                i = end + 1
                continue
            handler = getattr(self, "cmd_" + command.name, None)
            if handler is not None:
                handler(where, folder, scope, command, depth)
            elif (
                command.name in self.functions
                and depth < _MAX_INCLUDE_DEPTH
                and self.calls < _MAX_CALLS
            ):
                self.calls += 1
                self.call(command, where, folder, scope, depth)
            i += 1

    def foreach(
        self,
        command: CMakeCommand,
        body: Sequence[CMakeCommand],
        where: str,
        folder: str,
        scope: dict[str, str],
        depth: int,
    ) -> None:
        """``foreach(v a b)``, ``foreach(v IN LISTS L ITEMS a b)``: the body once per item."""
        words = [w for w, _ in self.words(command.args, scope)]
        if len(words) < 2 or words[1] in ("RANGE",) or "ZIP_LISTS" in words:
            return
        items: list[str] = []
        if words[1] == "IN":
            mode = ""
            for word in words[2:]:
                if word in ("LISTS", "ITEMS"):
                    mode = word
                elif mode == "LISTS":
                    items += [v for v in scope.get(word, "").split(";") if v]
                elif mode == "ITEMS":
                    items.append(word)
        else:
            items = words[1:]
        for item in items[:_MAX_LOOP]:
            if _UNKNOWN in item:
                continue
            scope[words[0]] = item
            self.commands(body, where, folder, scope, depth + 1)

    def call(
        self, command: CMakeCommand, where: str, folder: str, scope: dict[str, str], depth: int
    ) -> None:
        """A call of a ``function``/``macro`` the files define: its body with the parameters
        set (a function in a copy of the scope), every line attributed to the call."""
        kind, params, body = self.functions[command.name]
        values = [w for w, _ in self.words(command.args, scope)]
        inner = dict(scope) if kind == "function" else scope
        for n, param in enumerate(params):
            inner[param] = values[n] if n < len(values) else ""
        inner["ARGN"] = ";".join(values[len(params) :])
        inner["ARGV"] = ";".join(values)
        inner["ARGC"] = str(len(values))
        for n, value in enumerate(values):
            inner[f"ARGV{n}"] = value
        at_call = [
            CMakeCommand(
                line=command.line,
                name=c.name,
                args=tuple(
                    CMakeArgument(value=a.value, line=command.line, kind=a.kind) for a in c.args
                ),
            )
            for c in body
        ]
        self.commands(at_call, where, folder, inner, depth + 1)

    def edge(self, where: str, line: int, target: str, extras: dict[str, str]) -> None:
        """One link edge, its evidence the line ``line`` of ``where``."""
        facts = self.facts.get(where)
        text = facts.lines.get(line, "") if facts else ""
        evidence = Evidence(path=where, line=line, text=text, kind="link")
        self.edges.append(LinkEdge(source=where, target=target, evidence=evidence, extras=extras))

    # -- commands (``cmd_<name>``, called with where, folder, scope, command, depth) --------
    def cmd_set(
        self, where: str, folder: str, scope: dict[str, str], command: CMakeCommand, depth: int
    ) -> None:
        words = self.words(command.args, scope)
        if not words:
            return
        name = words[0][0]
        items = words[1:]
        for stop in ("CACHE", "PARENT_SCOPE"):
            if stop in [w for w, _ in items]:
                items = items[: [w for w, _ in items].index(stop)]
        if _UNKNOWN in name:
            return
        self.remember(where, items)
        scope[name] = ";".join(w for w, _ in items)

    def remember(self, where: str, items: Sequence[tuple[str, CMakeArgument]]) -> None:
        """Note the line that names each item of a list variable, for the evidence of the
        edges that use it in the same file (``set(SRCS a.c)`` ... ``add_library(x ${SRCS})``)."""
        for word, arg in items:
            for item in word.split(";"):
                self.origins[(where, item)] = arg.line

    def cmd_unset(
        self, where: str, folder: str, scope: dict[str, str], command: CMakeCommand, depth: int
    ) -> None:
        words = self.words(command.args, scope)
        if words:
            scope.pop(words[0][0], None)

    def cmd_list(
        self, where: str, folder: str, scope: dict[str, str], command: CMakeCommand, depth: int
    ) -> None:
        placed = self.words(command.args, scope)
        words = [w for w, _ in placed]
        if len(words) >= 2 and words[0] in ("APPEND", "PREPEND"):
            self.remember(where, placed[2:])
            prior = [v for v in scope.get(words[1], "").split(";") if v]
            extra = words[2:]
            scope[words[1]] = ";".join(prior + extra if words[0] == "APPEND" else extra + prior)

    def cmd_project(
        self, where: str, folder: str, scope: dict[str, str], command: CMakeCommand, depth: int
    ) -> None:
        words = self.words(command.args, scope)
        here = "/" + folder
        scope["PROJECT_SOURCE_DIR"] = here
        if words and _UNKNOWN not in words[0][0]:
            scope[f"{words[0][0]}_SOURCE_DIR"] = here
            scope["PROJECT_NAME"] = words[0][0]
            scope[f"{words[0][0]}_BINARY_DIR"] = _BUILD_DIR
        if not folder or scope.get("CMAKE_SOURCE_DIR") == here:
            scope["CMAKE_PROJECT_NAME"] = scope.get("PROJECT_NAME", "")

    def cmd_add_subdirectory(
        self, where: str, folder: str, scope: dict[str, str], command: CMakeCommand, depth: int
    ) -> None:
        words = self.words(command.args, scope)
        if not words:
            return
        word, arg = words[0]
        sub = self.path(folder, word)
        if sub is None:
            return
        target = f"{sub}/CMakeLists.txt" if sub else "CMakeLists.txt"
        if target not in self.facts and target not in self.files:
            return
        self.edge(where, arg.line, target, {"subdir": word})
        if target in self.visited or target not in self.facts:
            return
        self.directory(target, dict(scope), self.dir_includes.get(folder, []))

    def cmd_include(
        self, where: str, folder: str, scope: dict[str, str], command: CMakeCommand, depth: int
    ) -> None:
        words = self.words(command.args, scope)
        if not words:
            return
        word, arg = words[0]
        candidates = []
        if "/" in word or word.endswith(".cmake"):
            candidates.append(self.path(folder, word))
        else:
            candidates += [
                self.path(folder, f"{module_dir}/{word}.cmake")
                for module_dir in scope.get("CMAKE_MODULE_PATH", "").split(";")
                if module_dir
            ]
        for candidate in candidates:
            if candidate is not None and candidate in self.files:
                self.edge(where, arg.line, candidate, {"included": word})
                if candidate in self.facts and depth < _MAX_INCLUDE_DEPTH and candidate != where:
                    self.file(candidate, folder, scope, depth + 1)
                return

    def _target(
        self,
        where: str,
        folder: str,
        scope: dict[str, str],
        command: CMakeCommand,
        flags: frozenset[str],
    ) -> None:
        words = self.words(command.args, scope)
        if not words or _UNKNOWN in words[0][0]:
            return
        name = words[0][0]
        rest = words[1:]
        if rest and rest[0][0] in ("IMPORTED", "INTERFACE") and command.name == "add_library":
            if rest[0][0] == "INTERFACE":
                self.targets.setdefault(name, _Target(name=name, where=where, folder=folder))
            return
        if rest and rest[0][0] == "IMPORTED":
            return
        if rest and rest[0][0] == "ALIAS":
            if len(rest) > 1:
                self.aliases[name] = rest[1][0]
            return
        target = self.targets.setdefault(name, _Target(name=name, where=where, folder=folder))
        for word, arg in rest:
            if word in flags or word == "EXCLUDE_FROM_ALL":
                continue
            self._source(target, where, folder, word, arg)

    def _source(
        self, target: _Target, where: str, folder: str, word: str, arg: CMakeArgument
    ) -> None:
        extras = {"artefact": target.name}
        conditional = _CONDITIONAL_SOURCE.match(word)
        if conditional is not None:  # $<$<BOOL:${WIN32}>:win.c>: a source in some builds
            word = conditional.group(2)
            extras["condition"] = arg.value[2 : arg.value.rfind(":")]
        path = self.path(folder, word)
        if path is None or path not in self.files or path == where:
            return
        target.sources.append(path)
        line = arg.line
        if "${" in arg.value:  # the file came through a variable: name the line that set it
            line = self.origins.get((where, word), line)
        self.edge(where, line, path, extras)

    def cmd_add_library(
        self, where: str, folder: str, scope: dict[str, str], command: CMakeCommand, depth: int
    ) -> None:
        self._target(where, folder, scope, command, _LIBRARY_KINDS)

    def cmd_add_executable(
        self, where: str, folder: str, scope: dict[str, str], command: CMakeCommand, depth: int
    ) -> None:
        self._target(where, folder, scope, command, _EXECUTABLE_FLAGS)

    def _defer_target_call(
        self, where: str, folder: str, scope: dict[str, str], command: CMakeCommand, depth: int
    ) -> None:
        """A call naming a target that may be defined later (or in another folder): kept
        with its scope and resolved once every CMakeLists.txt has been read."""
        self.pending_target_calls.append((where, folder, command, dict(scope)))

    cmd_target_sources = _defer_target_call
    cmd_target_link_libraries = _defer_target_call
    cmd_target_include_directories = _defer_target_call

    def cmd_link_libraries(
        self, where: str, folder: str, scope: dict[str, str], command: CMakeCommand, depth: int
    ) -> None:
        for word, arg in self.words(command.args, scope):
            if word not in _LINK_KEYWORDS:
                self.directory_links.append((folder, where, arg.line, word))

    def cmd_include_directories(
        self, where: str, folder: str, scope: dict[str, str], command: CMakeCommand, depth: int
    ) -> None:
        dirs = self.dir_includes.setdefault(folder, [])
        for word, _ in self.words(command.args, scope):
            if word in ("AFTER", "BEFORE", "SYSTEM"):
                continue
            path = self.path(folder, word)
            if path is not None and path not in dirs:
                dirs.append(path)

    # -- target commands, once every target is known -------------------------------------
    def resolve_target(self, name: str) -> _Target | None:
        """The target ``name`` (or the target an alias names)."""
        for _ in range(4):
            if name in self.targets:
                return self.targets[name]
            if name not in self.aliases:
                return None
            name = self.aliases[name]
        return None

    def target_calls(self) -> None:
        """``target_sources``, ``target_link_libraries``, ``target_include_directories``."""
        for where, folder, command, scope in self.pending_target_calls:
            words = self.words(command.args, scope)
            if not words:
                continue
            target = self.resolve_target(words[0][0])
            if target is None:
                continue
            visibility = "PUBLIC"
            for word, arg in words[1:]:
                if command.name == "target_sources":
                    if word in _VISIBILITY:
                        continue
                    if word in ("FILE_SET", "TYPE", "BASE_DIRS", "FILES"):
                        continue
                    self._source(target, where, folder, word, arg)
                elif command.name == "target_link_libraries":
                    if word in _LINK_KEYWORDS:
                        if word in _VISIBILITY:
                            visibility = word
                        continue
                    target.links.append((where, arg.line, word, visibility))
                else:
                    if word in _VISIBILITY:
                        visibility = word
                        continue
                    if word in ("SYSTEM", "BEFORE", "AFTER"):
                        continue
                    path = self.path(folder, word)
                    if path is not None:
                        target.include_dirs.append((path, visibility))
        for folder, where, line, item in self.directory_links:
            for target in self.targets.values():
                if target.folder == folder or target.folder.startswith(folder + "/") or not folder:
                    target.links.append((where, line, item, "PRIVATE"))

    def link_target(self, item: str) -> _Target | None:
        """The tree's target an item of ``target_link_libraries`` names, if any."""
        found = self.resolve_target(item)
        if found is not None:
            return found
        match = re.match(r"^-l([\w+.-]+)$", item) or re.search(
            r"(?:^|/)lib([\w+.-]+?)\.(?:a|so|dylib)$", item
        )
        return self.resolve_target(match.group(1)) if match else None

    def link_edges(self) -> None:
        """An edge from each ``target_link_libraries`` line to the sources of the target."""
        for target in self.targets.values():
            for where, line, item, _ in target.links:
                library = self.link_target(item)
                if library is None or library is target:
                    continue
                for source in library.sources or [library.where]:
                    if source != where:
                        self.edge(where, line, source, {"library": library.name})

    def include_dirs(self) -> dict[str, tuple[str, ...]]:
        """The include folders of every source of a target (see the module docstring)."""
        result: dict[str, list[str]] = {}
        for target in sorted(self.targets.values(), key=lambda t: (t.folder, t.name)):
            dirs: list[str] = [d for d, vis in target.include_dirs if vis != "INTERFACE"]
            dirs += self.dir_includes.get(target.folder, [])
            seen = {target.name}
            stack = [item for _, _, item, _ in target.links]
            while stack:
                linked = self.link_target(stack.pop(0))
                if linked is None or linked.name in seen:
                    continue
                seen.add(linked.name)
                dirs += [d for d, vis in linked.include_dirs if vis != "PRIVATE"]
                stack += [item for _, _, item, vis in linked.links if vis != "PRIVATE"]
            if not dirs:
                continue
            for source in target.sources:
                known = result.setdefault(source, [])
                known.extend(d for d in dirs if d not in known)
        return {path: tuple(dirs) for path, dirs in sorted(result.items())}


def cmake_results(facts: Mapping[str, CMakeFacts], files: set[str]) -> CMakeResult:
    """Link edges and per-file include folders of every CMake file of the tree."""
    evaluator = _Evaluator(facts, files)
    evaluator.run()
    evaluator.target_calls()
    evaluator.link_edges()
    edges: list[LinkEdge] = []
    seen: set[tuple[str, str]] = set()
    for edge in evaluator.edges:
        if (edge.source, edge.target) not in seen and edge.source != edge.target:
            seen.add((edge.source, edge.target))
            edges.append(edge)
    return CMakeResult(edges=edges, include_dirs=evaluator.include_dirs())
