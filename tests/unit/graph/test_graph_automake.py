"""Link edges from automake Makefile.am files (tests/assets/buildgraph/automake and small trees)."""

from __future__ import annotations

from openesx_license.graph.automake import parse_automake
from openesx_license.graph.facts import extract_facts, facts_from_json, facts_to_json, reader_for
from tests.helpers.graph_helpers import edge_data, edges_of


def test_an_open_program_linking_a_proprietary_libtool_library(asset_graph):
    g = asset_graph("automake")
    edge = edge_data(g, "open/Makefile.am", "secret/lib/x_impl.c", "link")
    assert edge["library"] == "libx"
    assert (edge["evidence"].line, edge["evidence"].text) == (7, "LDADD += ../secret/lib/libx.la")
    assert edge["evidence"].path == "open/Makefile.am"


def test_a_proprietary_source_compiled_into_an_open_program(asset_graph):
    g = asset_graph("automake")
    edge = edge_data(g, "open/Makefile.am", "secret/x.c", "link")
    assert edge["artefact"] == "tool"
    assert edge["evidence"].line == 5
    assert edge["evidence"].text == "tool_SOURCES += $(top_srcdir)/secret/x.c"


def test_dash_l_resolves_to_the_folder_that_builds_the_library(asset_graph):
    g = asset_graph("automake")
    edge = edge_data(g, "open/Makefile.am", "secret/fast/fast.c", "link")
    assert edge["library"] == "libsecretfast" and edge["artefact"] == "probe"
    assert edge["evidence"].line == 15
    # -lm (from the included local.mk) is not built by the tree: no edge, no guess
    assert not [v for _, v, k in g.out_edges("open/local.mk", data="kind") if k == "link"]


def test_sources_subdirs_includes_and_both_branches_of_a_conditional(asset_graph):
    g = asset_graph("automake")
    links = edges_of(g, "link")
    for name in ("main.c", "util.c", "probe.c"):  # probe.c: automake's default source
        assert ("open/Makefile.am", f"open/{name}") in links
    assert edge_data(g, "open/Makefile.am", "open/extra.c", "link")["condition"] == "WITH_EXTRA"
    noextra = edge_data(g, "open/Makefile.am", "open/noextra.c", "link")
    assert noextra["condition"] == "!WITH_EXTRA" and noextra["evidence"].line == 12
    for sub in ("lib", "secret/lib", "secret/fast", "open"):
        assert edge_data(g, "Makefile.am", f"{sub}/Makefile.am", "link")["subdir"] == sub
    assert ("Makefile.am", "common.am") in links
    assert ("open/Makefile.am", "open/local.mk") in links
    # the open library linked through LDADD: its sources, continuation lines read, each
    # edge naming the physical line of its file
    assert edge_data(g, "open/Makefile.am", "lib/helper.c", "link")["library"] == "libopen"
    helper = edge_data(g, "lib/Makefile.am", "lib/helper.h", "link")["evidence"]
    assert (helper.line, helper.text) == (4, "helper.h")
    assert edge_data(g, "lib/Makefile.am", "lib/open.c", "link")["evidence"].line == 2
    assert g.graph["errors"] == {}


def test_fragments_with_reldir_read_as_part_of_the_including_makefile_am(graph_of):
    files = {
        "Makefile.am": "bin_PROGRAMS =\ninclude src/local.am\nshared = secret/a.c\n",
        "src/local.am": "bin_PROGRAMS += %D%/prog\n%C%_prog_SOURCES = %D%/prog.c $(shared)\n",
        "src/prog.c": "",
        "secret/a.c": "",
    }
    g = graph_of(files)
    assert ("Makefile.am", "src/local.am") in edges_of(g, "link")
    prog = edge_data(g, "src/local.am", "src/prog.c", "link")
    assert prog["artefact"] == "src/prog" and prog["evidence"].line == 2
    # $(shared) is set in Makefile.am: the edge names the line that names the file
    shared = edge_data(g, "Makefile.am", "secret/a.c", "link")
    assert shared["artefact"] == "src/prog" and shared["evidence"].line == 3


def test_a_variable_reference_gives_the_line_that_names_the_file(graph_of):
    g = graph_of(
        {
            "app/Makefile.am": "common = ../secret/a.c\nbin_PROGRAMS = app\n"
            "app_SOURCES = main.c $(common)\n",
            "app/main.c": "",
            "secret/a.c": "",
        }
    )
    edge = edge_data(g, "app/Makefile.am", "secret/a.c", "link")
    assert edge["evidence"].line == 1 and edge["artefact"] == "app"


def test_a_library_several_folders_build_is_not_guessed(graph_of):
    g = graph_of(
        {
            "a/Makefile.am": "lib_LTLIBRARIES = libdup.la\nlibdup_la_SOURCES = a.c\n",
            "a/a.c": "",
            "b/Makefile.am": "lib_LTLIBRARIES = libdup.la\nlibdup_la_SOURCES = b.c\n",
            "b/b.c": "",
            "app/Makefile.am": "bin_PROGRAMS = app\napp_LDADD = -ldup\n"
            "other_LDADD = -L../b -ldup\n",
            "app/app.c": "",
        }
    )
    links = edges_of(g, "link")
    assert ("app/Makefile.am", "a/a.c") not in links
    assert ("app/Makefile.am", "b/b.c") in links  # -L../b picks b's libdup


def test_a_library_without_sources_has_the_default_source(graph_of):
    g = graph_of(
        {
            "lib/Makefile.am": "noinst_LTLIBRARIES = libq.la\n",
            "lib/libq.c": "",
            "app/Makefile.am": "bin_PROGRAMS = app\napp_LDADD = ../lib/libq.la\n",
            "app/app.c": "",
        }
    )
    assert edge_data(g, "lib/Makefile.am", "lib/libq.c", "link")["artefact"] == "libq.la"
    assert edge_data(g, "app/Makefile.am", "lib/libq.c", "link")["library"] == "libq"


def test_makefile_in_next_to_makefile_am_is_not_read_as_a_makefile(graph_of):
    g = graph_of(
        {
            "Makefile.am": "bin_PROGRAMS = p\np_SOURCES = p.c\n",
            "Makefile.in": "OBJS = q.o\np_OBJECTS = p.o\n",
            "p.c": "",
            "q.c": "",
        }
    )
    assert edges_of(g, "link") == {("Makefile.am", "p.c")}


def test_parse_reads_conditions_continuations_and_reports_bad_nesting():
    facts = parse_automake(
        "## automake comment\nif A\nif !B\nx_SOURCES = a.c \\\n  b.c # comment\nelse\n"
        "x_SOURCES += c.c\nendif\nendif\nendif\n"
    )
    assert [(s.line, s.value, s.condition) for s in facts.statements] == [
        (4, "a.c b.c", "A && !B"),
        (7, "c.c", "A && B"),
    ]
    assert facts.errors == ("line 10: 'endif' without 'if'",)
    assert parse_automake("if A\nx = 1\n").errors == ("'if A' without 'endif'",)


def test_readers_and_cached_facts():
    assert reader_for("src/Makefile.am") == "automake"
    assert reader_for("build/common.am") == "automake"
    assert reader_for("src/Makefile.in") == "make"
    facts = extract_facts("automake", "if X\nSUBDIRS = a\nendif\ninclude b.am\nendif\n")
    assert facts.errors and facts_from_json(facts_to_json(facts)) == facts


def test_configure_ac_lists_a_folder_no_subdirs_names(graph_of):
    files = {
        "configure.ac": (
            "AC_INIT([tool], [1.0])\n"
            "dnl AC_CONFIG_FILES([old/Makefile])\n"
            "AC_CONFIG_FILES([ \\\n"
            "\tMakefile \\\n"
            "\tsrc/Makefile \\\n"
            "\tsecret/Makefile\n"
            "\tsrc/tool.pc\n"
            "], [echo done])\n"
            "AC_OUTPUT([extra/Makefile:extra/GNUmakefile.in])\n"
        ),
        # the secret folder is built by a configure substitution, not a SUBDIRS word
        "Makefile.am": "SUBDIRS = src @SECRET_DIRS@\n",
        "src/Makefile.am": "bin_PROGRAMS = tool\n",
        "src/tool.c": "",
        "src/tool.pc.in": "",
        "secret/Makefile.am": "noinst_LTLIBRARIES = libs.la\n",
        "secret/libs.c": "",
        "extra/Makefile.am": "",
        "old/Makefile.am": "",
    }
    g = graph_of(files)
    secret = edge_data(g, "configure.ac", "secret/Makefile.am", "link")
    assert secret["configured"] == "secret/Makefile"
    assert (secret["evidence"].line, secret["evidence"].text) == (6, "secret/Makefile")
    assert edge_data(g, "configure.ac", "Makefile.am", "link")["evidence"].line == 4
    extra = edge_data(g, "configure.ac", "extra/Makefile.am", "link")
    assert extra["configured"] == "extra/Makefile" and extra["evidence"].line == 9
    links = edges_of(g, "link")
    # src is reached through SUBDIRS already; a commented-out call and non-Makefiles say nothing
    assert ("configure.ac", "src/Makefile.am") not in links
    assert ("Makefile.am", "src/Makefile.am") in links
    assert ("configure.ac", "old/Makefile.am") not in links
    assert not [t for s, t in links if s == "configure.ac" and not t.endswith("Makefile.am")]
    assert reader_for("configure.ac") == "autoconf" and reader_for("sub/configure.in") == "autoconf"
    facts = extract_facts("autoconf", files["configure.ac"])
    assert facts_from_json(facts_to_json(facts)) == facts
