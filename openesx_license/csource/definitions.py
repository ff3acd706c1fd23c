"""Top-level definitions of a C file: functions (K&R ones too) and global variables.

A lexer-level reading, not a compiler: the code text from :func:`.directives.preprocess`
(comments, strings, directives and ``#if 0`` code already blanked) is scanned once for top-level
statements. A statement at brace depth 0 that reaches ``{`` after a parameter list is a
function definition; one that reaches ``;`` is a global variable definition, an ``extern``
declaration or a prototype. A K&R definition (``int f(a, b) int a; char *b; {``) is a header
whose parameter list holds bare names, then declarations of only those names, then the body.
Anything marked ``static`` is local to its file.

This is the one recogniser of definitions: the dependency graph links uses to them and the IP
index records the exported ones of proprietary code (:mod:`.symbols` adds macros and exports).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

#: bump on any change to what :func:`scan_structure` or :func:`definitions` report: the graph's
#: facts cache and the IP index's print cache key on it (1: the graph's reader before csource/;
#: 2: K&R definitions, numbers read whole, the IP index reads definitions here too)
DEFINITIONS_VERSION = 2
#: names and the punctuation that shapes a declaration; a number is read whole, so that the
#: letters of ``0x1f`` are not a name
_TOKEN = re.compile(r"[A-Za-z_]\w*|[{}();,=\[\]]|[0-9][\w.]*")
_BRACE = re.compile(r"[{}]")
_PAREN = re.compile(r"[()]")

ATTRIBUTE_WORDS = frozenset(
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
#: the words that are never a symbol of the program (the graph's reading; the normaliser keeps
#: its own list, :data:`.lexer.KEYWORDS`, which decides the fingerprints)
C_KEYWORDS = (
    frozenset(
        """auto break case char const continue default do double else enum extern float for goto
    if inline int long register restrict return short signed sizeof static struct switch typedef
    union unsigned void volatile while _Bool _Complex _Imaginary _Noreturn _Thread_local bool
    __inline __inline__ __restrict __restrict__ __volatile__ __const __signed__ __extension__
    __builtin_va_list __thread defined NULL true false class namespace template typename public
    private protected virtual operator new delete this using""".split()
    )
    | ATTRIBUTE_WORDS
)
TAG_WORDS = frozenset({"struct", "union", "enum"})
_STORAGE_WORDS = frozenset(
    {"static", "extern", "typedef", "struct", "union", "enum", "inline", "namespace"}
)


class Definition(NamedTuple):
    """A name a file defines: kind 'function', 'variable', 'macro', 'export' or 'export-gpl'.

    ``static`` ones are local to the file: they shadow a global of the same name there and are
    never the target of another file's use.
    """

    name: str
    line: int
    kind: str
    static: bool = False

    @property
    def exported(self) -> bool:
        """True for what other files can link against: non-static definitions and exports."""
        return not self.static and self.kind != "macro"


class Structure(NamedTuple):
    """What the top-level scan finds: definitions, declared names and where names are declared.

    ``declared_at`` holds the code offsets of declared names (prototypes, ``extern``), which
    are not uses.
    """

    definitions: list[Definition]
    declarations: set[str]
    declared_at: set[int]


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
        "plain",
        "wrapped",
        "head",
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
        #: the current top-level (...) holds only bare names and commas: '(a, b)'
        self.plain = True
        #: '(name)' just closed: 'int (name)(args)' hides a function name from a macro
        self.wrapped: tuple[str, int] | None = None
        #: a K&R header candidate: the function (name, offset) and its bare parameter names
        self.head: tuple[tuple[str, int], frozenset[str]] | None = None

    def real_groups(self) -> list[tuple[str, int]]:
        """The groups named by an identifier that is not a keyword (calls, declarators)."""
        return [g for g in self.groups if g[0] not in C_KEYWORDS]

    def declared_names(self) -> list[str]:
        """Every name this statement declares (declarators and parenthesised declarators)."""
        names = [name for name, _ in self.declarators]
        if self.last is not None and not self.eq:
            names.append(self.last[0])
        return names + [name for name, _ in self.real_groups()]


class LineCounter:
    """Offset -> 1-based line number, for increasing offsets mostly (cheap incremental count)."""

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def __call__(self, offset: int) -> int:
        if offset < self.pos:
            self.pos, self.line = 0, 1
        self.line += self.text.count("\n", self.pos, offset)
        self.pos = offset
        return self.line


class _KnR:
    """A K&R header read up to its first parameter declaration; the body decides."""

    def __init__(self, head: tuple[tuple[str, int], frozenset[str]], st: _Statement) -> None:
        (self.name, self.offset), self.params = head
        self.static = "static" in st.words
        self.held = [st]  # statements to finish as ordinary ones if no body follows

    def takes(self, st: _Statement) -> bool:
        """True when ``st`` declares parameters of this header and nothing else."""
        names = st.declared_names()
        return (
            bool(names)
            and not st.eq
            and not st.words & {"typedef", "extern"}
            and self.params.issuperset(names)
        )


def _knr_header(st: _Statement) -> _KnR | None:
    """The K&R header ``st`` (ended by ';') may be, as in ``f(a, b) int a;``, else None."""
    if st.head is None or st.eq or st.words & {"typedef", "extern"}:
        return None
    (name, _), params = st.head
    after = [n for n in st.declared_names() if n != name]
    return _KnR(st.head, st) if after and params.issuperset(after) else None


def scan_structure(code: str) -> Structure:
    """Top-level definitions, declared names, and the offsets of declared names (not uses)."""
    found = Structure(definitions=[], declarations=set(), declared_at=set())
    line_of = LineCounter(code)
    st = _Statement()
    knr: _KnR | None = None
    pos, end = 0, len(code)
    prev: str | None = None
    prev_start = 0

    def finish_declarators() -> None:
        if st.last is not None and not st.eq:
            st.declarators.append(st.last)

    def flush() -> None:
        if knr is not None:
            for held in knr.held:
                _finish_statement(held, found, line_of)

    while pos < end:
        match = _TOKEN.search(code, pos)
        if match is None:
            break
        tok = match.group()
        pos = match.end()
        if tok[0].isdigit():
            continue
        if tok == "{":
            if knr is not None:
                if not st.idents and not st.groups and not st.words:
                    found.definitions.append(
                        Definition(knr.name, line_of(knr.offset), "function", knr.static)
                    )
                    after = _skip(code, pos, _BRACE)
                    if after < 0:
                        break
                    pos, st, prev, knr = after, _Statement(), None, None
                    continue
                flush()
                knr = None
            real_groups = st.real_groups()
            if st.eq or (st.words & TAG_WORDS and not real_groups):
                after = _skip(code, pos, _BRACE)
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
                found.definitions.append(
                    Definition(name, line_of(offset), "function", "static" in st.words)
                )
            after = _skip(code, pos, _BRACE)
            if after < 0:
                break
            pos = after
            st, prev = _Statement(), None
            continue
        if tok == "}":  # stray closing brace of an extern "C" block
            flush()
            st, prev, knr = _Statement(), None, None
            continue
        if tok == ";":
            if st.paren == 0:
                if knr is not None and knr.takes(st):
                    knr.held.append(st)
                else:
                    flush()
                    knr = _knr_header(st) if st.head is not None else None
                    if knr is None:
                        _finish_statement(st, found, line_of)
                st, prev = _Statement(), None
            continue
        if tok == "(":
            if st.paren == 0 and prev == ")" and st.wrapped is not None and not st.eq:
                st.groups.append(st.wrapped)
            if st.paren == 0:
                st.inner, st.wrapped, st.plain = [], None, True
            if st.paren == 0 and not st.eq and prev is not None and prev[0] not in "()[],=":
                if prev in ATTRIBUTE_WORDS:
                    after = _skip(code, pos, _PAREN)
                    if after < 0:
                        break
                    pos, prev = after, ")"
                    continue
                st.groups.append((prev, prev_start))
            elif st.paren:
                st.plain = False
            st.paren += 1
        elif tok == ")":
            st.paren = max(0, st.paren - 1)
            if st.paren == 0:
                if len(st.inner) == 1:
                    st.wrapped = st.inner[0]
                if st.plain and st.inner and st.head is None:
                    _note_head(st)
        elif st.paren:
            if st.paren == 1 and (tok[0].isalpha() or tok[0] == "_"):
                st.inner.append((tok, match.start()))
                if st.plain and (prev not in ("(", ",") or tok in C_KEYWORDS):
                    st.plain = False
            elif st.plain and (tok != "," or st.paren > 1):
                st.plain = False
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
            elif prev in TAG_WORDS:
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
    flush()
    return found


def _note_head(st: _Statement) -> None:
    """After a top-level ')' that closed bare names: remember 'f(a, b)' as a K&R header."""
    if len(st.groups) == 1 and not st.eq:
        group = st.groups[0]
        if group[0] not in C_KEYWORDS:
            st.head = (group, frozenset(name for name, _ in st.inner))


def _finish_statement(st: _Statement, found: Structure, line_of: LineCounter) -> None:
    if "typedef" in st.words:
        return
    real_groups = st.real_groups()
    if real_groups and not st.eq:
        if "static" not in st.words:
            found.declarations.add(real_groups[-1][0])
        found.declared_at.add(real_groups[-1][1])
        return
    if st.last is not None and not st.eq:
        st.declarators.append(st.last)
    for name, offset in st.declarators:
        if "extern" in st.words:
            found.declarations.add(name)
            found.declared_at.add(offset)
            continue
        if st.words & TAG_WORDS and not st.body and name == st.tag:
            continue
        if st.idents < 2 and not st.body:
            continue  # 'foo;' or a macro call: no type, not a definition
        found.definitions.append(
            Definition(name, line_of(offset), "variable", "static" in st.words)
        )


def _skip(code: str, pos: int, pair: re.Pattern[str]) -> int:
    """Offset just after the bracket that closes the one before ``pos`` (``pair`` finds both
    kinds, the opening one first in its class); -1 at end of text."""
    depth = 1
    opening = pair.pattern[1]
    for match in pair.finditer(code, pos):
        depth += 1 if match.group() == opening else -1
        if depth == 0:
            return match.end()
    return -1


def plausible(definitions: list[Definition]) -> list[Definition]:
    """One definition per name; variables defined three times or more dropped.

    ``#ifdef``/``#else`` branches legitimately define a name twice; a name "defined" again and
    again is a declaration pattern this reader does not follow (a macro that expands to one).
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
