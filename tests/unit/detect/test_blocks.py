"""Cutting text into licence blocks and copyright groups (no licence index needed)."""

from __future__ import annotations

from pathlib import Path

import pytest
from cluecode.copyrights import detect_copyrights_from_lines

from openesx_license.detect.blocks import (
    copyright_groups,
    is_license_line,
    license_blocks,
    split_lines,
)
from openesx_license.detect.engine import detect_copyright_group

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "licenses"

GPL_C = """/*
 * Copyright (c) 2006, Intel Corporation.
 *
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License version 2 as published
 * by the Free Software Foundation.
 */
#include <xen/lib.h>

int x;
"""
GPL_SH = """#!/bin/sh
# Copyright (C) 2011 Citrix Ltd.
#
# This program is free software; you can redistribute it and/or modify it
# under the terms of the GNU General Public License version 2 as published
# by the Free Software Foundation.

echo hi
"""


def test_same_header_in_other_comment_style_and_holder_has_the_same_key() -> None:
    c_blocks = license_blocks(split_lines(GPL_C), whole=False)
    sh_blocks = license_blocks(split_lines(GPL_SH), whole=False)
    assert len(c_blocks) == len(sh_blocks) == 1
    # the bare copyright lines are blanked: the year and holder do not defeat deduplication
    assert c_blocks[0].key == sh_blocks[0].key
    assert c_blocks[0].start == 3 and sh_blocks[0].start == 3
    assert "Intel" not in c_blocks[0].text and "#include" not in c_blocks[0].text


def test_code_without_licence_words_makes_no_block() -> None:
    code = "int main(void)\n{\n    return grant_table_init(domain);\n}\n"
    assert license_blocks(split_lines(code), whole=False) == []
    # a small document is read whole, licence words or not (ScanCode reads it all)
    assert len(license_blocks(split_lines(code))) == 1


def test_tag_lines_are_blanked_and_a_tag_only_file_needs_no_engine() -> None:
    lines = ["// SPDX-License-Identifier: GPL-2.0", "int x;"]
    assert license_blocks(lines, frozenset({0}), whole=False) == []


def test_a_licence_text_file_is_one_block() -> None:
    text = (ASSETS / "governed" / "COPYING").read_text()
    lines = split_lines(text)
    blocks = license_blocks(lines, whole=True)
    assert len(blocks) == 1 and blocks[0].start == 0
    assert blocks[0].text.count("\n") == len(lines) - 1
    # mostly licence text: one block even without being told
    assert len(license_blocks(lines)) == 1


def _scancode_copyrights(lines: list[str]) -> list[tuple[str, int, int]]:
    """What ScanCode's detector finds in the whole text (statements and holders)."""
    found = detect_copyrights_from_lines(
        list(enumerate(lines, start=1)), include_authors=False, include_copyright_allrights=False
    )
    return sorted(
        (getattr(d, "copyright", None) or d.holder, d.start_line, d.end_line) for d in found
    )


def _our_copyrights(lines: list[str]) -> list[tuple[str, int, int]]:
    out = []
    for group in copyright_groups(lines):
        facts = detect_copyright_group(group.lines)
        shift = group.start - 1
        out += [(t, s + shift, e + shift) for t, s, e in facts["copyrights"] + facts["holders"]]
    return sorted(out)


@pytest.mark.parametrize(
    "name",
    ["bsd-3-clause.c", "gpl-2.0-or-later.c", "mit.c", "apache-2.0.c", "governed/COPYING"],
)
def test_copyright_groups_find_what_scancode_finds_in_the_whole_file(name: str) -> None:
    """Windows around candidate lines give exactly ScanCode's whole-file results."""
    lines = split_lines((ASSETS / name).read_text())
    expected = _scancode_copyrights(lines)
    assert _our_copyrights(lines) == expected and expected


def test_copyright_groups_on_tricky_lines() -> None:
    lines = [
        "int a;",
        "/* Written by Alice <alice@example.org>",
        " * and Bob, 2004",
        " *",
        " * Copyright 2001-2003",
        " *   The Foo Project",
        " * All rights reserved.",
        " */",
        "x = 1;",
        "y = 2;",
        "z = 3;",
        "w = 4;",
        "/* (C) 1999 Carol, see http://example.org */",
        "/* Acme Widgets Inc. All Rights Reserved. */",
    ]
    assert _our_copyrights(lines) == _scancode_copyrights(lines)
    # same content elsewhere in another file: same key
    shifted = ["", "", *lines]
    assert [g.key for g in copyright_groups(shifted)] == [g.key for g in copyright_groups(lines)]


@pytest.mark.parametrize(
    "line",
    [
        " * This file has been put into the public domain.",
        " * The individual fonts are public-domain",
        " * THIS SOFTWARE AND ITS DOCUMENTATION ARE PROVIDED AS IS AND WITHOUT",
        ' * This code is provided "as is".',
        "    Developer's Certificate of Origin 1.1",
    ],
)
def test_a_licence_phrase_without_licence_words_makes_a_block(line: str) -> None:
    blocks = license_blocks(split_lines(f"/*\n{line}\n */\nint x;\n"), whole=False)
    assert [b.start for b in blocks] == [1]


@pytest.mark.parametrize("line", ["    /* leave the value as is */", "x = domain_public;"])
def test_ordinary_code_is_not_a_block(line: str) -> None:
    assert license_blocks(split_lines(f"int x;\n{line}\n"), whole=False) == []


def test_copyright_abandoned_is_a_licence_statement_not_a_bare_copyright() -> None:
    text = "/*\n *   Copyright abandoned, Michael Chastain, <mailto:mec@shout.net>.\n */\n"
    blocks = license_blocks(split_lines(text), whole=False)
    assert [b.start for b in blocks] == [1] and "abandoned" in blocks[0].text


def _c_comment(text: str) -> list[str]:
    body = "".join(f" * {line}".rstrip() + "\n" for line in text.splitlines())
    return split_lines(f"#include <stdio.h>\n\nint n;\n\n/*\n{body} */\n\nint main(void);\n")


def test_a_licence_text_in_a_comment_is_one_block() -> None:
    """Paragraphs without a listed word (the GPL's preamble) do not cut the text apart."""
    text = (ASSETS / "governed" / "COPYING").read_text()
    lines = _c_comment(text)
    blocks = license_blocks(lines, whole=False)
    assert len(blocks) == 1
    assert "int main" not in blocks[0].text and "#include" not in blocks[0].text
    assert blocks[0].text.count("\n") + 1 >= len(text.strip().splitlines()) - 2


def test_a_notice_block_starts_with_its_paragraph_and_keeps_its_copyright_lines() -> None:
    lines = [
        "/*",
        " * sched.c: the credit scheduler",
        " *",
        " * The contents of this file are subject to the terms",
        " * described below. Use them freely.",
        " * Copyright (c) 1990 The Regents of the University of California.",
        " * Redistribution and use in source and binary forms are permitted.",
        " */",
        "int x;",
    ]
    (block,) = license_blocks(lines, whole=False)
    # the paragraph's first line has no licence word; the file-name paragraph stays out
    assert block.start == 3 and "sched.c" not in block.text
    assert "Regents" in block.text


def test_copyright_lines_that_open_a_block_are_blanked_for_deduplication() -> None:
    a = ["/*", " * Copyright (C) 2004 Alice", " * You may redistribute it.", " */"]
    b = ["/*", " * Copyright (C) 2011 Bob", " * You may redistribute it.", " */"]
    (block_a,) = license_blocks(a, whole=False)
    (block_b,) = license_blocks(b, whole=False)
    assert block_a.key == block_b.key and "Alice" not in block_a.text


@pytest.mark.parametrize(
    "line",
    [
        "Datenlizenz Deutschland - Namensnennung - Version 2.0",
        "Die Nutzung unterliegt den Lizenzbedingungen.",
        "本ソフトウェアのライセンスについて",
        "Redistributions of source code must retain the above notice",
        "See https://example.org/terms.html for details",
        "licenseId: NPOSL-3.0",
        "Creative Commons Attribution-No Derivatives 2.0",
        "gnulgpl 2.1",
    ],
)
def test_licence_lines_in_other_languages_urls_and_ids(line: str) -> None:
    assert is_license_line(line)


@pytest.mark.parametrize("line", ["x = len-1;", "int x86_64;", "decode utf-8", "i++;"])
def test_code_lines_are_not_licence_lines(line: str) -> None:
    assert not is_license_line(line)


def test_a_licence_file_without_any_listed_word_is_still_one_block() -> None:
    lines = ["Jede Nutzung ist ohne Einschränkungen zulässig.", "", "Ende."]
    (block,) = license_blocks(lines, whole=True)
    assert block.start == 0 and block.text.count("\n") == 2


def test_a_copyright_word_without_a_statement_is_a_licence_line() -> None:
    lines = ["Copyright protection on this data has been secured by the Secretary."]
    assert [b.start for b in license_blocks(lines, whole=False)] == [0]


def test_a_small_document_is_one_block() -> None:
    lines = ["AFPL Ghostscript", "", "For use with the printer only."]
    assert [(b.start, b.text.count("\n")) for b in license_blocks(lines)] == [(0, 2)]


def test_the_last_paragraphs_of_a_licence_text_in_a_comment_stay_in_its_block() -> None:
    lines = [
        "/*",
        " * Redistribution and use in source and binary forms are permitted.",
        " * THIS SOFTWARE IS PROVIDED AS IS, WITHOUT WARRANTY OF ANY KIND.",
        " *",
        " * The views and conclusions contained in the software and documentation",
        " * are those of the authors.",
        " */",
    ]
    (block,) = license_blocks(lines, whole=False)
    assert block.start == 1 and "are those of the authors" in block.text


def test_a_licence_phrase_broken_over_two_lines_makes_a_block() -> None:
    lines = ["/*", " * dedication of qmail to the public", " * domain.", " */", "int x;"]
    assert [b.start for b in license_blocks(lines, whole=False)] == [1]
