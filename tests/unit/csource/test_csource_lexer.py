"""The lexer: the normalised stream (what survives renaming and reformatting), comments and
#include names as both the graph and the index read them."""

from __future__ import annotations

from openesx_license.csource.directives import preprocess
from openesx_license.csource.lexer import (
    Include,
    include_target,
    is_c_family,
    strip_comments,
    tokenize,
)

ORIGINAL = """\
/* Copyright header: comments never reach the fingerprints */
#include "vmotion/api.h"
#include <linux/types.h>
#define LIMIT 0x40

static int count_bits(unsigned long value, const char *label)
{
	int n = 0; // trailing comment
	while (value) {
		n += value & 1;
		value >>= 1;
	}
	printf("%s: %d\\n", label, n);
	return n;
}
"""

RENAMED_AND_REFORMATTED = """\
#define   MAXIMUM   64
static int
popcount(unsigned long v,
         const char *tag) {
    /* a new comment */
    int total = 0;
    while (v)
    {
        total += v & 1; v >>= 1;
    }
    printf("other text %d", tag, total);
    return total;
}
"""


def test_identifiers_numbers_and_literals_are_abstracted() -> None:
    stream = tokenize("x = foo(42, \"text\", 'c', 1.5e3);")
    assert stream.norm == ["I", "=", "I", "(", "N", ",", "S", ",", "S", ",", "N", ")", ";"]


def test_keywords_and_operators_are_kept() -> None:
    stream = tokenize("if (a->b >>= 2) return sizeof(struct s);")
    assert stream.norm == [
        "if", "(", "I", "->", "I", ">>=", "N", ")", "return", "sizeof", "(", "struct", "I",
        ")", ";",
    ]  # fmt: skip


def test_comments_and_whitespace_are_dropped_and_lines_kept() -> None:
    stream = tokenize("a /* one\ntwo */ b // three\n\n  c")
    assert stream.norm == ["I", "I", "I"]
    assert stream.lines == [1, 2, 4]


def test_literal_text_is_not_kept_even_raw() -> None:
    stream = tokenize('s = "the secret"; t = "the secret"; u = "another";')
    assert "the secret" not in "".join(stream.raw)
    # only a digest, which tells equal literals from different ones
    keys = [r for r, n in zip(stream.raw, stream.norm, strict=True) if n == "S"]
    assert keys[0] == keys[1] != keys[2] and keys[0].startswith("S#")
    # a message (16 characters or more) is keyed apart: on its own it tells code apart
    (long,) = [r for r in tokenize('m = "no such register here";').raw if r.startswith("S")]
    assert long.startswith("SL#")


def test_comment_markers_inside_strings_are_not_comments() -> None:
    stream = tokenize('a = "/* not a comment"; b = 1; // real\nc')
    assert stream.norm == ["I", "=", "S", ";", "I", "=", "N", ";", "I"]


def test_includes_are_recorded_and_left_out_of_the_stream() -> None:
    stream = tokenize(ORIGINAL)
    assert stream.includes == [
        Include(name="vmotion/api.h", line=2, system=False),
        Include(name="linux/types.h", line=3, system=True),
    ]
    assert "include" not in stream.norm and "#include" not in stream.norm


def test_directives_become_one_token_and_are_flagged() -> None:
    stream = tokenize("#define A(x) \\\n  ((x) + 1)\nint y;")
    assert stream.norm[0] == "#define"
    assert stream.in_directive[: stream.norm.index("int")] == [True] * stream.norm.index("int")
    assert stream.in_directive[stream.norm.index("int") :] == [False, False, False]
    assert stream.lines[stream.norm.index("int")] == 3


def test_renaming_and_reformatting_leave_the_stream_alone() -> None:
    original = tokenize(ORIGINAL).norm
    changed = tokenize(RENAMED_AND_REFORMATTED).norm
    assert original == changed


def test_unterminated_comment_and_string_do_not_fail() -> None:
    assert tokenize('x = "open\ny; /* never closed').norm[:2] == ["I", "="]


def test_c_family_by_name() -> None:
    assert is_c_family("a/b.c") and is_c_family("x.H") and is_c_family("t.c.inc")
    assert not is_c_family("setup.py") and not is_c_family("Makefile")


def test_binary_junk_never_breaks_the_tokenizer() -> None:
    # the byte the tokenizer uses for a hidden literal may be in the file itself
    tail = bytes(b for b in range(256) if b not in b"\"'").decode("latin-1")  # no quotes
    junk = 'int x = 1; \x01 char *s = "a\x01b"; \x01\x01 "c"\n' + tail
    stream = tokenize(junk)
    assert stream.norm[:5] == ["int", "I", "=", "N", ";"]
    assert stream.norm.count("S") == 2


def test_include_target_reads_quoted_and_angled_names_only() -> None:
    assert include_target(' "vm/api.h" // why') == ("vm/api.h", False)
    assert include_target("<linux/types.h>") == ("linux/types.h", True)
    assert include_target("CONFIG_HEADER") is None  # computed: nothing to resolve
    assert include_target('" "') is None


INCLUDES = """\
#include /* c */ "a.h"
  # include <b.h> // trailing
#include_next <c.h>
#if 0
#include "dead.h"
#endif
#import "d.h"
"""


def test_the_graph_and_the_index_read_the_same_includes() -> None:
    live = [(i.name, i.line, i.angle) for i in preprocess(INCLUDES).includes]
    assert live == [("a.h", 1, False), ("b.h", 2, True), ("c.h", 3, True), ("d.h", 7, False)]
    indexed = [(i.name, i.line, i.system) for i in tokenize(INCLUDES).includes]
    assert indexed == live[:3] + [("dead.h", 5, False)] + live[3:]  # the index keeps #if 0


def test_strip_comments_keeps_strings_and_line_numbers() -> None:
    text = 'char *s = "/* not a comment */"; // gone\n/* two\nlines */ int x;\n'
    assert strip_comments(text) == 'char *s = "/* not a comment */";  \n\n int x;\n'
