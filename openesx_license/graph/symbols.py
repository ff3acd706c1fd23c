"""C symbol facts: top-level definitions, declarations, uses and ``EXPORT_SYMBOL`` exports.

A lexer-level reading, not a compiler: the code text from :func:`.clex.preprocess` (comments,
strings, directives and ``#if 0`` code already blanked) is scanned once for top-level
statements. A statement at brace depth 0 that reaches ``{`` after a parameter list is a
function definition; one that reaches ``;`` is a global variable definition, an ``extern``
declaration or a prototype. Anything marked ``static`` is recorded as a local name: it shadows
a global of the same name in this file and is never the target of another file's use.

Uses are identifiers of the code and macro bodies that are not member names (after ``.`` or
``->``), keywords, or names this file defines itself; for each the first call (``name(``) is
kept, else the first mention. :func:`.symbol_edges.link_symbols` decides which uses become
edges.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from typing import NamedTuple

from openesx_license.graph.clex import PreprocessedSource, evidence_text

_TOKEN = re.compile(r"[A-Za-z_]\w*|[{}();,=\[\]]")
_BRACE = re.compile(r"[{}]")
_PAREN = re.compile(r"[()]")
_USE = re.compile(r"(?<![\w.>$])([A-Za-z_]\w*)(\s*\()?")
_EXPORT = re.compile(r"\bEXPORT_SYMBOL(_GPL)?(?:_NS(?:_GPL)?)?\s*\(\s*([A-Za-z_]\w*)")

_ATTRIBUTE_WORDS = frozenset(
    {
        "__attribute__",
        "__attribute",
        "__declspec",
        "__asm__",
        "__asm",
        "asm",
        "_Alignas",
        "alignas",
        "__typeof__",
        "typeof",
        "__typeof",
        "_Static_assert",
        "static_assert",
    }
)
C_KEYWORDS = (
    frozenset(
        """auto break case char const continue default do double else enum extern float for goto
    if inline int long register restrict return short signed sizeof static struct switch typedef
    union unsigned void volatile while _Bool _Complex _Imaginary _Noreturn _Thread_local bool
    __inline __inline__ __restrict __restrict__ __volatile__ __const __signed__ __extension__
    __builtin_va_list __thread defined NULL true false class namespace template typename public
    private protected virtual operator new delete this using""".split()
    )
    | _ATTRIBUTE_WORDS
)
_TAG_WORDS = frozenset({"struct", "union", "enum"})
_TAG_WORDS_TUPLE = tuple(_TAG_WORDS)
_STORAGE_WORDS = frozenset(
    {"static", "extern", "typedef", "struct", "union", "enum", "inline", "namespace"}
)


class SymbolDefinition(NamedTuple):
    """A top-level definition: kind 'function' or 'variable'; ``static`` ones are local."""

    name: str
    line: int
    kind: str
    static: bool


class SymbolUse(NamedTuple):
    """The first use of a name in a file (its first call when it is ever called)."""

    name: str
    line: int
    call: bool
    text: str


class SymbolExport(NamedTuple):
    """An ``EXPORT_SYMBOL(name)`` or ``EXPORT_SYMBOL_GPL(name)``."""

    name: str
    line: int
    gpl: bool


@dataclass(frozen=True, kw_only=True)
class CSymbols:
    """What one C file defines, declares, uses and exports.

    Uses are stored column-wise (names, lines, call flags, and the text of each line once):
    QEMU has a million of them and the graph reads them all on every build, so no per-use
    object is made unless :attr:`uses` is asked for.
    """

    definitions: tuple[SymbolDefinition, ...]
    declarations: tuple[str, ...]  # prototypes and extern declarations (names, sorted)
    use_names: tuple[str, ...]
    use_lines: tuple[int, ...]
    use_calls: tuple[bool, ...]
    line_texts: dict[int, str]  # evidence text of every line a use is on
    exports: tuple[SymbolExport, ...]

    @property
    def uses(self) -> tuple[SymbolUse, ...]:
        """The uses as :class:`SymbolUse` records, in line order."""
        return tuple(
            SymbolUse(name, line, call, self.line_texts.get(line, ""))
            for name, line, call in zip(self.use_names, self.use_lines, self.use_calls, strict=True)
        )


class _Statement:
    """The top-level statement being read (reset after ';' or a function body)."""

    __slots__ = (
        "idents",
        "groups",
        "eq",
        "paren",
        "bracket",
        "last",
        "declarators",
        "words",
        "tag",
        "body",
        "inner",
        "wrapped",
    )

    def __init__(self) -> None:
        self.idents = 0
        self.groups: list[tuple[str, int]] = []  # (identifier before a top-level '(', offset)
        self.eq = False  # inside an initializer (after a top-level '=')
        self.paren = 0
        self.bracket = 0
        self.last: tuple[str, int] | None = None
        self.declarators: list[tuple[str, int]] = []
        self.words: set[str] = set()  # storage keywords seen: static, extern, typedef...
        self.tag: str | None = None  # struct/union/enum tag name
        self.body = False  # a struct/union/enum body was read
        self.inner: list[tuple[str, int]] = []  # identifiers inside the current top-level (...)
        #: '(name)' just closed: 'int (name)(args)' hides a function name from a macro
        self.wrapped: tuple[str, int] | None = None


class _LineCounter:
    """Offset -> 1-based line number, for increasing offsets mostly (cheap incremental count)."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def __call__(self, offset: int) -> int:
        if offset < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, offset)
        self.pos = offset
        return self.line


def _scan_structure(code: str) -> tuple[list[SymbolDefinition], set[str], set[int]]:
    """Top-level definitions, declared names, and the offsets of declared names (not uses)."""
    definitions: list[SymbolDefinition] = []
    declarations: set[str] = set()
    declared_at: set[int] = set()
    line_of = _LineCounter(code)
    st = _Statement()
    pos, end = 0, len(code)
    prev: str | None = None
    prev_start = 0

    def finish_declarators() -> None:
        if st.last is not None and not st.eq:
            st.declarators.append(st.last)

    while pos < end:
        match = _TOKEN.search(code, pos)
        if match is None:
            break
        tok = match.group()
        pos = match.end()
        if tok == "{":
            real_groups = [g for g in st.groups if g[0] not in C_KEYWORDS]
            if st.eq or (st.words & _TAG_WORDS and not real_groups):
                after = _skip_braces(code, pos)
                if after < 0:
                    break
                pos = after
                st.body = st.body or not st.eq
                prev = "}"
                continue
            if not st.groups and (
                (st.words == {"extern"} and st.idents == 0) or st.words == {"namespace"}
            ):
                st = _Statement()  # extern "C" { ... } / namespace x { ... }: still top level
                prev = None
                continue
            if real_groups and "typedef" not in st.words:
                name, offset = real_groups[-1]
                definitions.append(
                    SymbolDefinition(
                        name=name,
                        line=line_of(offset),
                        kind="function",
                        static="static" in st.words,
                    )
                )
            after = _skip_braces(code, pos)
            if after < 0:
                break
            pos = after
            st, prev = _Statement(), None
            continue
        if tok == "}":  # stray closing brace of an extern "C" block
            st, prev = _Statement(), None
            continue
        if tok == ";":
            if st.paren == 0:
                _finish_statement(st, definitions, declarations, declared_at, line_of)
                st, prev = _Statement(), None
            continue
        if tok == "(":
            if st.paren == 0 and prev == ")" and st.wrapped is not None and not st.eq:
                st.groups.append(st.wrapped)
            if st.paren == 0:
                st.inner, st.wrapped = [], None
            if st.paren == 0 and not st.eq and prev is not None and prev[0] not in "()[],=":
                if prev in _ATTRIBUTE_WORDS:
                    after = _skip_parens(code, pos)
                    if after < 0:
                        break
                    pos, prev = after, ")"
                    continue
                st.groups.append((prev, prev_start))
            st.paren += 1
        elif tok == ")":
            st.paren = max(0, st.paren - 1)
            if st.paren == 0 and len(st.inner) == 1:
                st.wrapped = st.inner[0]
        elif st.paren:
            if st.paren == 1 and (tok[0].isalpha() or tok[0] == "_"):
                st.inner.append((tok, match.start()))
        elif tok == "[":
            st.bracket += 1
        elif tok == "]":
            st.bracket = max(0, st.bracket - 1)
        elif tok == "=":
            finish_declarators()
            st.eq = True
        elif tok == ",":
            finish_declarators()
            st.eq, st.last = False, None
        elif st.bracket == 0 and not st.eq:
            if tok in _STORAGE_WORDS:
                st.words.add(tok)
            elif prev in _TAG_WORDS:
                st.tag = tok
                st.idents += 1
            elif tok.startswith("__") and st.last is not None:
                pass  # 'mfn_t start __read_mostly;': a qualifier macro after the name
            elif tok not in C_KEYWORDS:
                st.last = (tok, match.start())
                st.idents += 1
            else:
                st.idents += 1
        prev, prev_start = tok, match.start()
    return definitions, declarations, declared_at


def _finish_statement(
    st: _Statement,
    definitions: list[SymbolDefinition],
    declarations: set[str],
    declared_at: set[int],
    line_of: _LineCounter,
) -> None:
    if "typedef" in st.words:
        return
    real_groups = [g for g in st.groups if g[0] not in C_KEYWORDS]
    if real_groups and not st.eq:
        if "static" not in st.words:
            declarations.add(real_groups[-1][0])
        declared_at.add(real_groups[-1][1])
        return
    if st.last is not None and not st.eq:
        st.declarators.append(st.last)
    for name, offset in st.declarators:
        if "extern" in st.words:
            declarations.add(name)
            declared_at.add(offset)
            continue
        if st.words & _TAG_WORDS and not st.body and name == st.tag:
            continue
        if st.idents < 2 and not st.body:
            continue  # 'foo;' or a macro call: no type, not a definition
        definitions.append(
            SymbolDefinition(
                name=name, line=line_of(offset), kind="variable", static="static" in st.words
            )
        )


def _skip_braces(code: str, pos: int) -> int:
    """Offset just after the '}' that closes the '{' before ``pos``; -1 at end of text."""
    depth = 1
    for match in _BRACE.finditer(code, pos):
        depth += 1 if match.group() == "{" else -1
        if depth == 0:
            return match.end()
    return -1


def _skip_parens(code: str, pos: int) -> int:
    depth = 1
    for match in _PAREN.finditer(code, pos):
        depth += 1 if match.group() == "(" else -1
        if depth == 0:
            return match.end()
    return -1


def _scan_uses(
    text: str,
    lines: tuple[str, ...],
    local: set[str],
    found: dict[str, SymbolUse],
    skip: Collection[int] = (),
) -> None:
    line_of = _LineCounter(text)
    for match in _USE.finditer(text):
        name = match.group(1)
        if name in local or name in C_KEYWORDS or match.start() in skip:
            continue
        call = match.group(2) is not None
        known = found.get(name)
        if known is not None and (known.call or not call):
            continue
        start = match.start()
        if text[max(0, start - 7) : start].rstrip().endswith(_TAG_WORDS_TUPLE):
            continue  # a struct/union/enum tag, not a symbol
        line = line_of(match.start())
        found[name] = SymbolUse(
            name=name,
            line=line,
            call=call,
            text=evidence_text(lines[line - 1]) if line <= len(lines) else "",
        )


def _plausible(definitions: list[SymbolDefinition]) -> list[SymbolDefinition]:
    """One definition per name; variables defined three times or more dropped.

    ``#ifdef``/``#else`` branches legitimately define a name twice; a name "defined" again and
    again is the parameter declarations of K&R functions (``inb(port) Bit16u port; {``),
    which this reader does not follow.
    """
    counts = Counter(d.name for d in definitions if d.kind == "variable")
    seen: set[str] = set()
    kept = []
    for definition in definitions:
        if definition.name in seen or counts[definition.name] >= 3:
            continue
        seen.add(definition.name)
        kept.append(definition)
    return kept


def extract_symbols(source: PreprocessedSource) -> CSymbols:
    """Definitions, declarations, uses and exports of one preprocessed C file."""
    definitions, declarations, declared_at = _scan_structure(source.code)
    definitions = _plausible(definitions)
    local = {d.name for d in definitions}
    found: dict[str, SymbolUse] = {}
    _scan_uses(source.code, source.lines, local, found, declared_at)
    if source.macros.strip():
        _scan_uses(source.macros, source.lines, local, found)
    exports: list[SymbolExport] = []
    if "EXPORT_SYMBOL" in source.code:
        line_of = _LineCounter(source.code)
        exports.extend(
            SymbolExport(name=m.group(2), line=line_of(m.start()), gpl=m.group(1) is not None)
            for m in _EXPORT.finditer(source.code)
        )
    for export in exports:  # EXPORT_SYMBOL(foo) is not a use of foo
        found.pop(export.name, None)
    found.pop("EXPORT_SYMBOL", None)
    found.pop("EXPORT_SYMBOL_GPL", None)
    ordered = sorted(found.values(), key=lambda u: (u.line, u.name))
    return CSymbols(
        definitions=tuple(definitions),
        declarations=tuple(sorted(declarations)),
        use_names=tuple(u.name for u in ordered),
        use_lines=tuple(u.line for u in ordered),
        use_calls=tuple(u.call for u in ordered),
        line_texts={u.line: u.text for u in ordered},
        exports=tuple(exports),
    )
