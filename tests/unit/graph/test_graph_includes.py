"""Include edges: resolution order, compile_commands.json, #if 0, external nodes."""

from __future__ import annotations

import json

import pytest

from openesx_license.csource.directives import preprocess
from openesx_license.errors import UsageError
from tests.helpers.graph_helpers import edge_data, edges_of

MAIN = """\
#include "local.h"
#include "sub/inner.h"
#include <api/public.h>
#include <stdio.h>
#include "missing.h"
"""


def test_quoted_include_resolves_in_the_including_folder_first(graph_of):
    g = graph_of({"drv/main.c": MAIN, "drv/local.h": "", "drv/sub/inner.h": "", "local.h": ""})
    includes = edges_of(g, "include")
    assert ("drv/main.c", "drv/local.h") in includes
    assert ("drv/main.c", "local.h") not in includes
    assert ("drv/main.c", "drv/sub/inner.h") in includes
    data = edge_data(g, "drv/main.c", "drv/local.h", "include")
    assert data["resolved_by"] == "folder"
    assert data["evidence"].path == "drv/main.c"
    assert data["evidence"].line == 1
    assert data["evidence"].text == '#include "local.h"'


def test_angle_include_uses_include_dirs_not_the_folder(graph_of):
    files = {"drv/main.c": MAIN, "include/api/public.h": "", "drv/api/public.h": ""}
    g = graph_of(files, include_dirs=["include"])
    assert ("drv/main.c", "include/api/public.h") in edges_of(g, "include")
    assert ("drv/main.c", "drv/api/public.h") not in edges_of(g, "include")
    assert edge_data(g, "drv/main.c", "include/api/public.h", "include")["resolved_by"] == (
        "include_dirs"
    )


def test_unresolved_includes_become_external_nodes(graph_of):
    g = graph_of({"drv/main.c": MAIN})
    assert g.nodes["<stdio.h>"]["external"] is True
    assert g.nodes['"missing.h"']["external"] is True
    data = edge_data(g, "drv/main.c", "<stdio.h>", "include")
    assert data["external"] is True and data["evidence"].line == 4
    assert g.nodes["drv/main.c"]["external"] is False
    assert g.graph["stats"]["unresolved_includes"] == 5


def test_compile_commands_flags_resolve_per_file(graph_of, tmp_path):
    files = {
        "build/dummy": "",
        "src/a.c": '#include "conf.h"\n#include <sys/x.h>\n#include "q.h"\n',
        "src/b.c": '#include "conf.h"\n',
        "src/b/other.c": '#include "conf.h"\n',
        "cfg1/conf.h": "",
        "cfg2/conf.h": "",
        "sysinc/sys/x.h": "",
        "quote/q.h": "",
    }
    root = tmp_path / "tree"
    db = [
        {
            "directory": str(root / "build"),
            "file": "../src/a.c",
            "arguments": ["cc", "-I../cfg1", "-isystem", "../sysinc", "-iquote../quote", "-c"],
        },
        {"directory": str(root), "file": str(root / "src/b.c"), "command": "cc -I cfg2 -c"},
    ]
    (tmp_path / "compile_commands.json").write_text(json.dumps(db))
    g = graph_of(files, compile_commands=tmp_path / "compile_commands.json")
    includes = edges_of(g, "include")
    assert ("src/a.c", "cfg1/conf.h") in includes
    assert ("src/a.c", "sysinc/sys/x.h") in includes
    assert ("src/a.c", "quote/q.h") in includes
    assert ("src/b.c", "cfg2/conf.h") in includes
    assert edge_data(g, "src/a.c", "cfg1/conf.h", "include")["resolved_by"] == "compile_commands"
    # a file without an entry borrows the flags of the nearest compiled file above it
    assert ("src/b/other.c", "cfg1/conf.h") in includes


def test_bad_compile_commands_names_the_file(graph_of, tmp_path):
    bad = tmp_path / "compile_commands.json"
    bad.write_text('[{"directory": "/x"}]')
    with pytest.raises(UsageError, match=r"compile_commands.json: entry #1: needs a 'file'"):
        graph_of({"a.c": ""}, compile_commands=bad)
    bad.write_text("{not json")
    with pytest.raises(UsageError, match="not valid JSON"):
        graph_of({"a.c": ""}, compile_commands=bad)


def test_unique_suffix_fallback_only_when_unambiguous(graph_of):
    files = {
        "a/main.c": '#include "qemu/osdep.h"\n#include "dup.h"\n',
        "include/qemu/osdep.h": "",
        "x/dup.h": "",
        "y/dup.h": "",
    }
    g = graph_of(files)
    assert edge_data(g, "a/main.c", "include/qemu/osdep.h", "include")["resolved_by"] == (
        "unique-suffix"
    )
    assert ("a/main.c", '"dup.h"') in edges_of(g, "include")


IF0 = """\
#include "always.h"
#if 0
#include "dead.h"
# ifdef X
#  include "dead_nested.h"
# else
#  include "dead_else_nested.h"
# endif
#else
#include "else_of_if0.h"
#endif
#if 1
#include "if1.h"
#elif defined(Y)
#include "dead_elif.h"
#else
#include "dead_else_of_if1.h"
#endif
#ifdef CONFIG_FOO
#include "conditional.h"
#else
#include "conditional_else.h"
#endif
/*
#include "in_comment.h"
*/
// #include "line_comment.h"
#if (0)
#include "dead_paren.h"
#endif
"""


def test_if0_blocks_and_dead_branches_are_skipped():
    names = [i.name for i in preprocess(IF0).includes]
    assert names == [
        "always.h",
        "else_of_if0.h",
        "if1.h",
        "conditional.h",
        "conditional_else.h",
    ]


def test_if0_code_makes_no_edge(graph_of):
    g = graph_of({"m.c": IF0, "dead.h": "", "always.h": "", "else_of_if0.h": ""})
    includes = edges_of(g, "include")
    assert ("m.c", "always.h") in includes
    assert ("m.c", "else_of_if0.h") in includes
    assert ("m.c", "dead.h") not in includes


def test_include_line_numbers_survive_comments_and_continuations():
    text = '/* a\n b */\n#define X \\\n  1\n#  include   "after.h"  /* c */\n'
    (inc,) = preprocess(text).includes
    assert (inc.line, inc.name, inc.angle) == (5, "after.h", False)


def test_crlf_files_keep_continuations_and_includes(graph_of):
    text = '#define LONG \\\r\n  1\r\n#include "a.h"\r\n#if 0\r\n#include "dead.h"\r\n#endif\r\n'
    g = graph_of({"m.c": text, "a.h": "", "dead.h": ""})
    assert edges_of(g, "include") == {("m.c", "a.h")}
    assert edge_data(g, "m.c", "a.h", "include")["evidence"].line == 3
