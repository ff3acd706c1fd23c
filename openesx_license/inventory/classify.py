"""Classify a file: kind (source, header, build, license, doc, binary, other) and language.

Classification works from the file name first (cheap and what reviewers expect) and from the
first bytes of the content for binary detection: a NUL byte or mostly non-text bytes make a
file binary whatever its name says (a binary named ``.c`` is binary).
"""

from __future__ import annotations

import re

from openesx_license.model import FileKind

#: bytes read from the start of a file to decide whether it is binary
SNIFF_BYTES = 8192

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
_TEXT_BYTES = bytes(range(32, 127)) + b"\t\n\r\f\b\x1b"


def looks_binary(head: bytes) -> bool:
    """True when the first bytes of a file are not text (NUL byte or > 30 % control bytes)."""
    if not head:
        return False
    if b"\0" in head:
        return True
    # UTF-8 (and Latin-1) text: bytes >= 0x80 count as text; only C0 controls count against it
    control = head.translate(None, _TEXT_BYTES + bytes(range(128, 256)))
    return len(control) / len(head) > 0.30


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
