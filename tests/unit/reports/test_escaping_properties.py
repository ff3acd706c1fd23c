"""Escaping of text from the tree, for any text: Markdown cells and GitHub workflow commands."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from openesx_license.reports.github import escape_data, escape_property
from openesx_license.reports.markdown import md_code, md_text


def _unescape_data(text: str) -> str:
    return text.replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")


def _unescape_property(text: str) -> str:
    return _unescape_data(text.replace("%3A", ":").replace("%2C", ","))


@given(st.text())
def test_workflow_command_data_is_one_line_and_reversible(text: str) -> None:
    escaped = escape_data(text)
    assert "\n" not in escaped and "\r" not in escaped
    assert _unescape_data(escaped) == text


@given(st.text())
def test_workflow_command_property_has_no_separators(text: str) -> None:
    escaped = escape_property(text)
    assert not {":", ",", "\n", "\r"} & set(escaped)
    assert _unescape_property(escaped) == text


@given(st.text())
def test_markdown_cell_cannot_split_or_break_lines(text: str) -> None:
    cell = md_text(text)
    assert "\n" not in cell and "\r" not in cell
    assert not re.search(r"(?<!\\)<", cell)
    # every pipe is escaped by an odd number of backslashes, so the table keeps its columns
    assert all((len(m.group(0)) - 1) % 2 == 1 for m in re.finditer(r"\\*\|", cell)), cell
    code = md_code(text)
    assert "|" not in code and "\n" not in code
