"""Text from the audited tree made safe to show: file names and messages on a console or in CI.

File names are bytes; a hostile one holds a newline followed by ``::error ...`` (a GitHub
Actions workflow command when it starts a line of the job's output), an escape sequence that
retitles or clears the terminal, or bytes that are not UTF-8 (carried as surrogate escapes,
which a strict UTF-8 stream refuses). :func:`visible` spells every such character as an escape
(``\\n``, ``\\x1b``, ``\\xe9``), and :func:`console_line` also defuses a line that would start
a workflow command (``::`` or ``##[`` after leading blanks).
"""

from __future__ import annotations

import re

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
#: C0 and C1 controls, DEL, the line and paragraph separators, and lone surrogates
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_COMMAND_START = re.compile(r"^(\s*)(::|##\[)")


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with every control character, line separator and undecodable byte escaped."""
    return _UNSAFE.sub(_escape, text)


def console_line(text: str) -> str:
    """One line for a console or a CI log: :func:`visible`, and never the start of a GitHub
    workflow command (a leading ``::`` becomes ``:\\:``, ``##[`` becomes ``#\\#[``)."""
    line = visible(text)
    return _COMMAND_START.sub(lambda m: m.group(1) + m.group(2)[0] + "\\" + m.group(2)[1:], line)


def console_text(text: str) -> str:
    """Several lines (``\\n``-separated) each made safe with :func:`console_line`."""
    return "\n".join(console_line(line) for line in text.split("\n"))
