"""Classify a file: kind (source, header, build, license, doc, binary, other) and language.

Classification works from the file name first (cheap and what reviewers expect) and from the
first bytes of the content for binary detection: NUL bytes or mostly non-text bytes make a
file binary whatever its name says (a binary named ``.c`` is binary), except UTF-16/32 text
and source with a few stray NULs, which are text (:mod:`.textcodec`).
"""

from __future__ import annotations

import re

from openesx_license.inventory.textcodec import SNIFF_BYTES, text_encoding
from openesx_license.model import FileKind

__all__ = ["SNIFF_BYTES", "kind_of", "language_of", "looks_binary"]

_LANGUAGES: dict[str, str] = {
    ".c": "C",
    ".h": "C",
    ".cc": "C++",
    ".cpp": "C++",
    ".cxx": "C++",
    ".hh": "C++",
    ".hpp": "C++",
    ".hxx": "C++",
    ".s": "Assembly",
    ".S": "Assembly",
    ".asm": "Assembly",
    ".inc": "C",
    ".py": "Python",
    ".pyi": "Python",
    ".sh": "Shell",
    ".bash": "Shell",
    ".pl": "Perl",
    ".pm": "Perl",
    ".ml": "OCaml",
    ".mli": "OCaml",
    ".go": "Go",
    ".rs": "Rust",
    ".java": "Java",
    ".js": "JavaScript",
    ".ts": "TypeScript",
    ".awk": "Awk",
    ".lua": "Lua",
    ".rb": "Ruby",
    ".y": "Yacc",
    ".l": "Lex",
    ".lds": "Linker script",
    ".ld": "Linker script",
    ".dts": "Device tree",
    ".dtsi": "Device tree",
    ".asl": "ACPI",
    ".dsl": "ACPI",
    ".m4": "M4",
    ".mk": "Makefile",
    ".cmake": "CMake",
    ".json": "JSON",
    ".yaml": "YAML",
    ".yml": "YAML",
    ".toml": "TOML",
    ".xml": "XML",
    ".html": "HTML",
    ".htm": "HTML",
    ".css": "CSS",
    ".md": "Markdown",
    ".rst": "reStructuredText",
    ".pandoc": "Markdown",
    ".tex": "TeX",
    ".texi": "Texinfo",
}
_HEADER_EXT = {".h", ".hh", ".hpp", ".hxx", ".inc"}
_SOURCE_EXT = (
    set(_LANGUAGES)
    - _HEADER_EXT
    - {
        ".mk",
        ".cmake",
        ".json",
        ".yaml",
        ".yml",
        ".toml",
        ".xml",
        ".html",
        ".htm",
        ".css",
        ".md",
        ".rst",
        ".pandoc",
        ".tex",
        ".texi",
    }
)
_DOC_EXT = {".md", ".rst", ".txt", ".pandoc", ".tex", ".texi", ".html", ".htm", ".pod", ".adoc"}
_DOC_NAMES = re.compile(
    r"^(README|CHANGES|CHANGELOG|NEWS|INSTALL|CONTRIBUTING|MAINTAINERS|CREDITS|AUTHORS|"
    r"HACKING|TODO|SUPPORT|CODING_STYLE)([._-].*)?$",
    re.IGNORECASE,
)
_LICENSE_NAMES = re.compile(
    r"^(COPYING|COPYRIGHT|LICEN[CS]E|NOTICE|UNLICEN[CS]E|GPL|LGPL)([._-].*)?$", re.IGNORECASE
)
_BUILD_NAMES = re.compile(
    r"^(Makefile|GNUmakefile|Kbuild|Kconfig|CMakeLists\.txt|meson\.build|meson_options\.txt|"
    r"configure(\.ac|\.in)?|Makefile\.(am|in)|Rules\.mk|Config\.mk|setup\.py|setup\.cfg|"
    r"pyproject\.toml|Cargo\.toml|go\.mod|Dockerfile|build\.sh|autogen\.sh)$|"
    r"(\.mk|\.cmake|\.am|\.spec|\.mak|\.ninja|\.bb|\.bbappend)$|^Kconfig\.",
)
_SHEBANG = re.compile(rb"^#!\s*\S*?(?:env\s+)?(python|perl|bash|sh|ruby|awk)[\d.]*\b")


def looks_binary(head: bytes, name: str = "") -> bool:
    """True when the first bytes of a file called ``name`` are not text: NULs or > 30 %
    control bytes, unless they are UTF-16/32 or stray NULs in source
    (:func:`~openesx_license.inventory.textcodec.text_encoding`)."""
    if not head:
        return False
    return text_encoding(head, name) is None


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if dot > 0 else ""


def language_of(name: str, head: bytes = b"") -> str | None:
    """The programming language of a file from its name (or its shebang line), else None."""
    suffix = _suffix(name)
    if suffix in _LANGUAGES:
        return _LANGUAGES[suffix]
    if suffix.lower() in _LANGUAGES:
        return _LANGUAGES[suffix.lower()]
    if _BUILD_NAMES.search(name) and (name.startswith(("Makefile", "GNUmakefile", "Kbuild"))):
        return "Makefile"
    shebang = _SHEBANG.match(head)
    if shebang:
        interpreter = shebang.group(1).decode()
        return {"python": "Python", "perl": "Perl", "ruby": "Ruby", "awk": "Awk"}.get(
            interpreter, "Shell"
        )
    return None


def kind_of(path: str, *, binary: bool) -> FileKind:
    """The :class:`FileKind` of a relative ``path``; ``binary`` comes from :func:`looks_binary`."""
    name = path.rsplit("/", 1)[-1]
    suffix = _suffix(name)
    if binary:
        return FileKind.BINARY
    if _LICENSE_NAMES.match(name) or path.startswith("LICENSES/") or "/LICENSES/" in path:
        return FileKind.LICENSE
    if path == "debian/copyright" or path.endswith("/debian/copyright"):
        return FileKind.LICENSE
    if suffix in _HEADER_EXT:
        return FileKind.HEADER
    if _BUILD_NAMES.search(name):
        return FileKind.BUILD
    if suffix in _SOURCE_EXT or suffix.lower() in _SOURCE_EXT:
        return FileKind.SOURCE
    if suffix.lower() in _DOC_EXT or _DOC_NAMES.match(name) or path.startswith("docs/"):
        return FileKind.DOC
    return FileKind.OTHER
