"""The C lexer: comments, literals, directives, ``#include`` names and the normalised token stream.

This is the one lexical reading of C-family source in the package. :func:`strip_comments`
gives the text view the dependency graph reads (:mod:`.directives`), :func:`tokenize` the token
stream the code fingerprints are made of; both hide comments and literals with one expression,
and both read an ``#include`` argument with :func:`include_target`.

A copy must still be found after its identifiers were renamed and its layout changed, so the
stream keeps only what renaming and reformatting leave alone: comments and whitespace are
dropped, identifiers become ``I``, numbers ``N``, string and character literals ``S``;
keywords and operators are kept as they are. ``#include`` lines are taken out of the stream
(every file's include list looks alike once names are abstracted; they are recorded apart, as
header references) and every other preprocessor directive becomes one token such as
``#define`` followed by its tokens.

Bump :data:`NORMALISER_VERSION` on any change that alters the normalised stream: indexes record
it and matching refuses an index built by another version.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field

#: c-2: names parameterised inside k-grams; c-3: low-information k-grams (tables, declaration
#: lists) dropped unless their literal values make them evidence; c-4: the same "particular"
#: values as the value hashes (integers >= 256 other than powers of two and masks, not >= 2**16);
#: c-5: long string literals keyed apart (``SL#``); c-6: low-information k-grams hashed with
#: their names when these are the program's own
NORMALISER_VERSION = "c-6"

#: File name endings the tokenizer understands (C, C++, their headers and fragments).
C_FAMILY_SUFFIXES = (
    ".c",
    ".h",
    ".cc",
    ".cpp",
    ".cxx",
    ".c++",
    ".hh",
    ".hpp",
    ".hxx",
    ".inc",
    ".def",
)

#: C11 and C++17 keywords plus the GNU spellings; they stay in the normalised stream.
KEYWORDS = frozenset(
    """
    auto break case char const continue default do double else enum extern float for goto if
    inline int long register restrict return short signed sizeof static struct switch typedef
    union unsigned void volatile while _Alignas _Alignof _Atomic _Bool _Complex _Generic
    _Imaginary _Noreturn _Static_assert _Thread_local __asm__ __asm asm __attribute__
    __inline__ __inline __volatile__ __typeof__ typeof __restrict __extension__ __builtin_va_arg
    alignas alignof and and_eq bitand bitor bool catch class compl const_cast constexpr
    decltype delete dynamic_cast explicit export false friend mutable namespace new noexcept not
    not_eq nullptr operator or or_eq private protected public reinterpret_cast static_assert
    static_cast template this throw true try typeid typename using virtual wchar_t xor xor_eq
    override final
    """.split()
)

# comments and literals in one alternation, so that '//' inside a string or '"' inside a comment
# is read correctly
_HIDDEN_RE = re.compile(
    r"""//(?:\\\n|[^\n])*|/\*.*?(?:\*/|\Z)|"(?:[^"\\\n]|\\.|\\\n)*"?|'(?:[^'\\\n]|\\.)*'?""",
    re.DOTALL,
)
_LITERAL = "\x01"  # stands for one string or character literal
_TOKEN_RE = re.compile(
    r"[A-Za-z_$][\w$]*|\.?[0-9](?:[eEpP][+-]|[\w.'])*|\n|\x01"
    r"|>>=|<<=|\.\.\.|->\*?|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||::|\#\#|[-+*/%&|^!=<>]=|\S"
)
_INCLUDE_ARG = re.compile(r"""\s*(?:"([^"\n]+)"|<([^>\n]+)>)""")
_TEXT_MAX = 200


@dataclass(frozen=True, kw_only=True)
class Include:
    """An ``#include`` of a header, as written (``vmotion/vmotion_api.h``), with its line."""

    name: str
    line: int
    system: bool  # <...> rather than "..."


@dataclass(kw_only=True)
class TokenStream:
    """The tokens of one file: raw text, normalised form, line, and directive flag, in parallel.

    ``raw`` keeps the identifiers' real spelling for the symbol extractor and a digest of each
    literal (:func:`literal_key`); nothing of ``raw`` is ever stored in an index.
    """

    raw: list[str] = field(default_factory=list)
    norm: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    in_directive: list[bool] = field(default_factory=list)
    includes: list[Include] = field(default_factory=list)
    line_count: int = 0
    #: the text as tokenized: comments blanked, each literal one placeholder character (newlines
    #: kept), which :func:`.directives.preprocess` can read instead of blanking comments again
    hidden: str = ""

    def __len__(self) -> int:
        return len(self.norm)


#: a string literal with at least this many characters between its quotes is a message, not a
#: separator or a format: on its own it tells code apart (its ``raw`` key starts ``SL#``)
LONG_LITERAL = 16


def literal_key(text: str) -> str:
    """What ``raw`` keeps of a string or character literal: a digest, not the text, marked
    ``SL#`` for a string of :data:`LONG_LITERAL` characters or more, ``S#`` otherwise."""
    long = text[0] == '"' and len(text.strip('"')) >= LONG_LITERAL
    digest = hashlib.blake2b(text.encode("utf-8", "replace"), digest_size=8).hexdigest()
    return ("SL#" if long else "S#") + digest


def include_target(argument: str) -> tuple[str, bool] | None:
    """The header an ``#include`` names, and whether in ``<...>``; None for a computed include.

    ``argument`` is what follows the directive name (``"vm/api.h"``, ``<linux/types.h>``).
    """
    match = _INCLUDE_ARG.match(argument)
    if match is None:
        return None
    quoted, angled = match.group(1), match.group(2)
    name = (quoted or angled).strip()
    return (name, angled is not None) if name else None


def evidence_text(line: str) -> str:
    """The evidence form of a source line: stripped and truncated."""
    line = line.strip()
    return line if len(line) <= _TEXT_MAX else line[: _TEXT_MAX - 3] + "..."


def _blank_comment(match: re.Match[str]) -> str:
    text = match.group()
    if text[0] == "/" and text[1] in "/*":
        newlines = text.count("\n")
        return "\n" * newlines if newlines else " "
    return text


def strip_comments(text: str) -> str:
    """Blank C/C++ comments, keeping every newline so line numbers stay right."""
    if "/" not in text:
        return text
    return _HIDDEN_RE.sub(_blank_comment, text)


def is_c_family(path: str) -> bool:
    """True when the file name ends like C or C++ source the tokenizer understands."""
    lower = path.lower()
    return lower.endswith(C_FAMILY_SUFFIXES) or lower.endswith(".c.inc")


def _hide(literals: list[str]) -> Callable[[re.Match[str]], str]:
    def replace(m: re.Match[str]) -> str:
        text = m.group()
        newlines = "\n" * text.count("\n")  # keep line numbers
        if text[0] == "/" and text[1] in "/*":
            return newlines or " "
        literals.append(text)
        return _LITERAL + newlines

    return replace


def tokenize(text: str) -> TokenStream:
    """Split C-family source into normalised tokens with their line numbers.

    Never fails: unknown characters become one-character operator tokens, an unterminated
    comment or literal runs to the end of its line or file.
    """
    stream = TokenStream()
    raw, norm, lines, flags = stream.raw, stream.norm, stream.lines, stream.in_directive
    literals: list[str] = []
    if _LITERAL in text:  # binary junk: the byte that stands for a literal is not one
        text = text.replace(_LITERAL, " ")
    stream.hidden = _HIDDEN_RE.sub(_hide(literals), text)
    toks = _TOKEN_RE.findall(stream.hidden)
    keywords = KEYWORDS
    line = 1
    n = len(toks)
    i = 0
    at_line_start = True
    in_directive = False
    n_literal = 0
    while i < n:
        tok = toks[i]
        i += 1
        c = tok[0]
        if c == "\n":
            line += 1
            at_line_start = True
            in_directive = False
            continue
        if c == "\\" and i < n and toks[i] == "\n":  # line continuation
            line += 1
            i += 1
            continue
        if c == "#" and at_line_start and tok == "#":
            name = toks[i] if i < n and (toks[i][0].isalpha() or toks[i][0] == "_") else ""
            if name:
                i += 1
            if name in ("include", "include_next", "import"):
                i, n_literal = _read_include(stream, toks, i, line, literals, n_literal)
                continue
            in_directive = True
            at_line_start = False
            raw.append("#" + name)
            norm.append("#" + name)
            lines.append(line)
            flags.append(True)
            continue
        at_line_start = False
        if c.isalpha() or c == "_" or c == "$":
            raw.append(tok)
            norm.append(tok if tok in keywords else "I")
        elif c.isdigit() or (c == "." and len(tok) > 1):
            raw.append(tok)
            norm.append("N")
        elif c == _LITERAL:
            raw.append(literal_key(literals[n_literal]))  # tells tables of messages apart
            n_literal += 1
            norm.append("S")
        else:
            raw.append(tok)
            norm.append(tok)
        lines.append(line)
        flags.append(in_directive)
    stream.line_count = line - 1 if text.endswith("\n") else line
    return stream


def _read_include(
    stream: TokenStream, toks: list[str], i: int, line: int, literals: list[str], n_literal: int
) -> tuple[int, int]:
    """Record the header named by an #include whose argument starts at ``toks[i]``; skip the line.

    Returns the index of the line's newline token and the updated count of literals consumed.
    """
    n = len(toks)
    parts: list[str] = []
    while i < n and toks[i] != "\n":
        if toks[i] == _LITERAL:
            parts.append(literals[n_literal])
            n_literal += 1
        else:
            parts.append(toks[i])
        i += 1
    target = include_target("".join(parts))
    if target is not None:
        stream.includes.append(Include(name=target[0], line=line, system=target[1]))
    return i, n_literal
