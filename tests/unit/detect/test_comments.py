"""Finding comments and their paragraphs without a parser."""

from __future__ import annotations

from openesx_license.detect.comments import comment_spans, is_blank, paragraphs

SOURCE = """#!/bin/sh
# Copyright x
#
# licence
echo hi
/* one line */ int x;
/*
 * block
 */
#include <a.h>
#define X 1
// first
// second
int *p = (*q);
\"\"\"doc
string\"\"\"
<!-- html
comment -->
"""


def test_block_and_line_comments_are_found_and_directives_are_code() -> None:
    assert comment_spans(SOURCE.splitlines()) == [
        (0, 3),
        (5, 5),
        (6, 8),
        (11, 12),
        (14, 15),
        (16, 17),
    ]


def test_an_unclosed_comment_runs_to_the_end() -> None:
    assert comment_spans(["int a;", "/* open", " * still"]) == [(1, 2)]


def test_paragraphs_split_on_lines_without_words() -> None:
    lines = ["/*", " * a", " * b", " *", " * c", " */"]
    assert [is_blank(line) for line in lines] == [True, False, False, True, False, True]
    assert paragraphs(0, 5, lines) == [(1, 2), (4, 4)]
