"""Console text: nothing a terminal or a GitHub runner would act on gets through."""

from __future__ import annotations

import os

from hypothesis import given
from hypothesis import strategies as st

from openesx_license._util.text import console_line, console_text, visible


def test_controls_and_undecodable_bytes_are_escaped() -> None:
    assert visible("a\nb\tc\x1b]0;t\x07") == "a\\nb\\tc\\x1b]0;t\\x07"
    assert visible(os.fsdecode(b"caf\xe9")) == "caf\\xe9"
    assert visible("\u2028\x9b") == "\\u2028\\x9b"
    assert visible("plain Jürgen") == "plain Jürgen"


def test_a_line_never_starts_a_workflow_command() -> None:
    assert console_line("::error file=x::y") == ":\\:error file=x::y"
    assert console_line("  ::stop-commands::t") == "  :\\:stop-commands::t"
    assert console_line("##[error]x") == "#\\#[error]x"
    assert console_line("std::vector is fine") == "std::vector is fine"
    assert console_text("ok\n::error::x") == "ok\n:\\:error::x"


@given(st.text())
def test_any_text_is_one_safe_line(text: str) -> None:
    line = console_line(text)
    assert "\n" not in line and "\r" not in line and "\x1b" not in line
    assert not line.lstrip().startswith(("::", "##["))
    line.encode("utf-8")  # no surrogate left
