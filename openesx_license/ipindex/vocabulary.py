"""The open tree's interface vocabulary: the names its headers declare for every user to write.

A copy that was not renamed keeps its names, and agreeing names make a short run of matching
k-grams a copy (:mod:`.match`). But the names a library's headers declare are written alike by
every file that uses the library: its functions, types, macros, enumeration constants and
structure fields, and the parameter names of its *callback* types (a callback is implemented
by writing the typedef's prototype out: FLAC's ``write_callback_(const FLAC__StreamDecoder
*decoder, const FLAC__Frame *frame, const FLAC__int32 * const buffer[], void *client_data)``
is in every decoder client). When an open file and a proprietary file agree on such names
only, they agree on how the open API is spelled, which is no trace of copying (issue #15:
two FLAC files looping over a cuesheet track's indices, ``track->num_indices`` and
``FLAC__StreamMetadata_CueSheet_Index *indx``, matched on those names alone).

The parameter names of ordinary prototypes are not taken: a caller's arguments are its own
locals (``grabbag__cuesheet_parse(f, &error_message, &last_line_read, ...)`` copied with the
locals around it is evidence).

Nor is a name the interface of the files next to the only headers that declare it: a header's
own declarations, and those of the headers beside a source file, are that code's content, not
an API it uses. When the code is a copy, its header usually came along (Linux's ``list.h``,
kconfig's ``lkc.h`` next to its ``menu.c``, xz's private header next to its decoder): on
untouched Xen against QEMU, discounting them dropped 46 matches of code the two trees share.
So a name declared only by headers of one folder weighs as before in that folder's files
(:meth:`Vocabulary.exempt`).

A lexer-level reading of a header's token stream, not a compiler: file-scope and
aggregate-body statements are read, function bodies and initialisers skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from openesx_license._util.kvcache import KeyValueCache, source_digest
from openesx_license._util.procs import worker_pool
from openesx_license.csource.definitions import ATTRIBUTE_WORDS
from openesx_license.csource.lexer import TokenStream, tokenize
from openesx_license.inventory.textcodec import decode_text
from openesx_license.ipindex.fileprint import MAX_FILE_BYTES, NAME_COMPOUND, name_weight

#: header suffixes whose declarations make the open tree's interface
HEADER_SUFFIXES = (".h", ".hh", ".hpp", ".hxx", ".h++")
_AGGREGATE = frozenset({"struct", "union", "enum", "class"})


def is_header(path: str) -> bool:
    """Whether ``path`` is a C or C++ header (its declarations are the interface)."""
    return path.lower().endswith(HEADER_SUFFIXES)


def _is_name(norm: str) -> bool:
    return norm == "I"


def interface_names(stream: TokenStream) -> set[str]:
    """The names a header's token ``stream`` declares: every identifier of its file-scope
    declarations and structure/union bodies (types, functions, typedef names, fields) except
    the parameter names of ordinary prototypes, every identifier of an ``enum`` body and of a
    callback's parameter list (a typedef of a function or a ``(*name)(...)`` declarator), and
    the name of every ``#define``. Inline function bodies and initialisers are skipped."""
    raw, norm, flags = stream.raw, stream.norm, stream.in_directive
    names: set[str] = set()
    n = len(raw)
    # what each open brace is: "scope" (file scope, extern "C", namespace), "aggregate",
    # "enum", or "skip" (a function body or an initialiser)
    kinds: list[str] = []
    statement: list[int] = []
    i = 0
    while i < n:
        tok = raw[i]
        if flags[i]:
            if tok == "#define" and i + 1 < n and flags[i + 1] and _is_name(norm[i + 1]):
                names.add(raw[i + 1])
            i += 1
            while i < n and flags[i] and not raw[i].startswith("#"):
                i += 1
            continue
        inside = kinds[-1] if kinds else "scope"
        if inside == "skip":
            depth = 0
            while i < n:  # to the matching brace
                if raw[i] == "{":
                    depth += 1
                elif raw[i] == "}":
                    if depth == 0:
                        break
                    depth -= 1
                i += 1
            kinds.pop()
            i += 1
            continue
        if inside == "enum":
            if tok == "}":
                kinds.pop()
                statement = []  # the enum's declarators follow: `} name;`
            elif _is_name(norm[i]):
                names.add(tok)
            i += 1
            continue
        if tok == "{":
            words = [raw[j] for j in statement]
            paren = max((p for p, w in enumerate(words) if w == ")"), default=-1)
            tag = max((p for p, w in enumerate(words) if w in _AGGREGATE), default=-1)
            if "=" in words or paren > tag:
                kind = "skip"  # a function body (after its parameters), an initialiser
            elif "enum" in words:
                kind = "enum"
            elif tag >= 0:
                kind = "aggregate"
            else:
                kind = "scope"  # extern "C" {, namespace x {
            names.update(_declared(raw, norm, statement))
            statement = []
            kinds.append(kind)
        elif tok == "}":
            names.update(_declared(raw, norm, statement))
            statement = []
            if kinds:
                kinds.pop()
        elif tok == ";":
            names.update(_declared(raw, norm, statement))
            statement = []
        else:
            statement.append(i)
        i += 1
    return names


def _declared(raw: list[str], norm: list[str], statement: list[int]) -> Iterable[str]:
    """The interface names of one declaration (token positions ``statement``)."""
    if not statement:
        return []
    out: list[str] = []
    typedef = raw[statement[0]] == "typedef"
    depth = 0
    # per open parenthesis: whether it is a callback's parameter list, a pointer declarator
    # `(*name)`, an attribute, or an ordinary parameter list
    groups: list[str] = []
    previous = ""  # the kind of the group that closed just before this token
    param: list[str] = []  # identifiers of the current ordinary parameter
    brackets = 0  # inside [...]: array sizes, macros rather than a parameter's name
    for pos, j in enumerate(statement):
        tok = raw[j]
        if tok == "(":
            before = raw[statement[pos - 1]] if pos else ""
            following = raw[statement[pos + 1]] if pos + 1 < len(statement) else ""
            outer = groups[-1] if groups else ""
            if before in ATTRIBUTE_WORDS or outer == "attribute":
                kind = "attribute"
            elif outer == "callback":
                kind = "callback"
            elif following in ("*", "^", "&"):
                kind = "declarator"
            elif previous == "declarator" or (typedef and depth == 0):
                kind = "callback"
            else:
                kind = "params"
            groups.append(kind)
            depth += 1
            previous = ""
            if kind == "params":
                param = []
            continue
        if tok == ")":
            kind = groups.pop() if groups else ""
            depth = max(0, depth - 1)
            if kind == "params":
                out.extend(param[:-1])
            previous = kind
            continue
        previous = ""
        if tok in ("[", "]"):
            brackets = max(0, brackets + (1 if tok == "[" else -1))
        if not _is_name(norm[j]):
            if tok == "," and groups and groups[-1] == "params":
                out.extend(param[:-1])  # all but the parameter's own name
                param = []
            continue
        kind = groups[-1] if groups else "scope"
        if kind == "params" and not brackets:
            param.append(tok)
        elif kind != "attribute":
            out.append(tok)
    return out


#: the cache of each header's interface names, by content (in the detection cache folder)
CACHE_FILE = "ipindex-vocabulary.sqlite"


def folder_of(path: str) -> str:
    """The folder of a '/'-separated relative path ('' at the top)."""
    return path.rsplit("/", 1)[0] if "/" in path else ""


@dataclass(frozen=True)
class Vocabulary:
    """The open tree's interface names (a collection of names), and for each folder the names
    that only its own headers declare (:meth:`exempt`)."""

    names: frozenset[str] = frozenset()
    #: folder -> the names no header outside it declares
    local: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def __contains__(self, name: object) -> bool:
        return name in self.names

    def __iter__(self) -> Iterator[str]:
        """The names, then ``folder\0name`` for each folder's own names (a cache key built
        from the iteration changes when a header moves to another folder)."""
        yield from self.names
        for folder, names in self.local.items():
            yield from (f"{folder}\0{name}" for name in names)

    def __len__(self) -> int:
        return len(self.names)

    def exempt(self, path: str) -> frozenset[str]:
        """The names that are not the interface for the file ``path``: those only the headers
        of its own folder declare (its own declarations, or its module's)."""
        return self.local.get(folder_of(path), frozenset())


def tree_vocabulary(
    root: Path, entries: Iterable[tuple[str, str]], cache_dir: Path | None = None, *,
    jobs: int = 1,
) -> Vocabulary:  # fmt: skip
    """The interface names of the headers among ``entries`` ((path, content SHA-1) of files
    of the open tree under ``root``) that are the program's own vocabulary (compound or long
    names, weight :data:`~.fileprint.NAME_COMPOUND`); a header that cannot be read adds
    nothing (the copy step reports it when it prints the file). ``cache_dir`` keeps each
    header's names by content, so a re-audit reads only the headers that changed.

    Common words (``size``, ``count``, ``frame``) stay out: a big tree's headers declare
    most of them as some structure's field, and they already weigh little; what makes a
    k-gram's names the program's own is its compound names, and those are what an API
    dictates (``FLAC__StreamMetadata_CueSheet_Index``, ``num_indices``, ``client_data``).
    A name only the headers of one folder declare is not the interface of that folder's own
    files (:meth:`Vocabulary.exempt`). The headers not in the cache are read in ``jobs``
    worker processes when more than one (Linux has 23,000)."""
    headers = [(path, sha1) for path, sha1 in entries if is_header(path)]
    version = source_digest(__name__, "openesx_license.csource.lexer")[:16]
    folders: dict[str, set[str]] = {}  # name -> the folders of the headers declaring it

    def declare(path: str, declared: Iterable[str]) -> None:
        folder = folder_of(path)
        for name in declared:
            if name:
                folders.setdefault(name, set()).add(folder)

    with KeyValueCache(cache_dir, CACHE_FILE) as cache:
        keys = {sha1: f"{version}:{sha1}" for _, sha1 in headers if sha1}
        known = cache.get_many(keys.values()) if cache_dir is not None else {}
        fresh: list[tuple[str, bytes]] = []
        unknown = [path for path, sha1 in headers if keys.get(sha1, "") not in known]
        read = dict(zip(unknown, _read_headers(root, unknown, jobs), strict=True))
        for path, sha1 in headers:
            blob = known.get(keys.get(sha1, ""))
            if blob is not None:
                declare(path, blob.decode("utf-8", "surrogateescape").split("\n"))
                continue
            declared = read[path]
            if declared is None:
                continue
            declare(path, declared)
            if sha1 and cache_dir is not None:
                text = "\n".join(sorted(declared))
                fresh.append((keys[sha1], text.encode("utf-8", "surrogateescape")))
        if fresh:
            cache.put_many(fresh)
    local: dict[str, set[str]] = {}
    for name, where in folders.items():
        if len(where) == 1:
            local.setdefault(next(iter(where)), set()).add(name)
    return Vocabulary(
        names=frozenset(folders),
        local={folder: frozenset(names) for folder, names in sorted(local.items())},
    )


def _read_headers(root: Path, paths: list[str], jobs: int) -> Iterable[set[str] | None]:
    """:func:`_header_names` of each of ``paths``, in ``jobs`` processes when more than one
    and there are enough of them; input order."""
    if jobs <= 1 or len(paths) < 256:
        return [_header_names(root, path) for path in paths]
    with worker_pool(jobs) as pool:
        return list(pool.map(_header_names, [root] * len(paths), paths, chunksize=64))


def _header_names(root: Path, path: str) -> set[str] | None:
    """The compound interface names of one header, None when it cannot be read."""
    try:
        data = (root / path).read_bytes()
    except OSError:
        return None
    if len(data) > MAX_FILE_BYTES:
        return None
    decoded = decode_text(data, path.rsplit("/", 1)[-1])
    text = decoded.text if decoded else data.decode("utf-8", errors="replace")
    return {name for name in interface_names(tokenize(text)) if name_weight(name) == NAME_COMPOUND}
