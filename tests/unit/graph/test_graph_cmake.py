"""Link edges and include folders from CMake files (tests/assets/buildgraph/cmake and small
trees)."""

from __future__ import annotations

from openesx_license.graph.cmake import parse_cmake
from openesx_license.graph.facts import extract_facts, facts_from_json, facts_to_json, reader_for
from tests.helpers.graph_helpers import edge_data, edges_of


def test_target_link_libraries_to_a_target_of_another_folder(asset_graph):
    g = asset_graph("cmake")
    edge = edge_data(g, "app/CMakeLists.txt", "secret/engine.c", "link")
    assert edge["library"] == "engine"  # through the ALIAS Secret::engine
    assert edge["evidence"].line == 7
    assert edge["evidence"].text == "target_link_libraries(app PRIVATE Secret::engine m)"


def test_sources_subdirectories_and_included_files(asset_graph):
    g = asset_graph("cmake")
    main = edge_data(g, "app/CMakeLists.txt", "app/main.c", "link")
    assert main["artefact"] == "app" and main["evidence"].line == 2
    # ${DEMO_COMMON} is set in an included .cmake file with ${PROJECT_SOURCE_DIR}
    log = edge_data(g, "app/CMakeLists.txt", "common/log.c", "link")
    assert log["evidence"].line == 3 and log["evidence"].text == "${DEMO_COMMON}"
    extra = edge_data(g, "app/CMakeLists.txt", "app/extra.c", "link")
    assert extra["evidence"].line == 6  # target_sources with ${CMAKE_CURRENT_SOURCE_DIR}
    assert edge_data(g, "CMakeLists.txt", "secret/CMakeLists.txt", "link")["subdir"] == "secret"
    assert edge_data(g, "CMakeLists.txt", "cmake/sources.cmake", "link")["evidence"].line == 3
    links = edges_of(g, "link")
    assert ("secret/CMakeLists.txt", "secret/engine.c") in links
    assert not any(t.endswith("fake.c") for _, t in links)  # inside a bracket comment


def test_target_include_directories_feed_include_resolution(asset_graph):
    g = asset_graph("cmake")
    # two engine.h in the tree: only the PUBLIC include folder of the linked target decides
    include = edge_data(g, "app/main.c", "secret/include/engine.h", "include")
    assert include["resolved_by"] == "cmake"
    assert edge_data(g, "secret/engine.c", "secret/include/engine.h", "include")


def test_a_malformed_cmake_file_is_skipped_with_a_message(asset_graph):
    g = asset_graph("cmake")
    assert g.graph["errors"] == {
        "broken/CMakeLists.txt": ["cannot read CMake: line 1: unterminated string"]
    }
    assert g.out_degree("broken/CMakeLists.txt") == 0
    assert g.graph["stats"]["edges"]["link"] >= 7  # the rest is read all the same


def test_directory_include_directories_apply_to_subdirectories(graph_of):
    g = graph_of(
        {
            "CMakeLists.txt": "include_directories(api)\nadd_subdirectory(src)\n",
            "src/CMakeLists.txt": "add_executable(tool tool.c)\n",
            "src/tool.c": "#include <api.h>\n",
            "api/api.h": "",
        }
    )
    assert edge_data(g, "src/tool.c", "api/api.h", "include")["resolved_by"] == "cmake"


def test_variables_lists_and_unknown_words(graph_of):
    g = graph_of(
        {
            "CMakeLists.txt": "project(Demo)\nset(SRCS a.c)\nlist(APPEND SRCS b.c)\n"
            'SET(MORE "${Demo_SOURCE_DIR}/c.c;d.c")\n'
            "Add_Library(demo SHARED ${SRCS} ${MORE} ${UNKNOWN}/e.c $<$<CONFIG:Debug>:f.c>)\n",
            "a.c": "",
            "b.c": "",
            "c.c": "",
            "d.c": "",
            "e.c": "",
            "f.c": "",
        }
    )
    targets = {t for s, t in edges_of(g, "link") if s == "CMakeLists.txt"}
    assert targets == {"a.c", "b.c", "c.c", "d.c", "f.c"}
    # a file named through a variable: the evidence is the line that named it
    assert edge_data(g, "CMakeLists.txt", "b.c", "link")["evidence"].line == 3
    assert edge_data(g, "CMakeLists.txt", "c.c", "link")["evidence"].line == 4
    assert edge_data(g, "CMakeLists.txt", "f.c", "link")["condition"] == "$<CONFIG:Debug>"


def test_a_library_the_tree_does_not_define_makes_no_edge(graph_of):
    g = graph_of(
        {
            "CMakeLists.txt": "add_executable(app main.c)\n"
            "target_link_libraries(app PRIVATE ssl Threads::Threads)\n",
            "main.c": "",
        }
    )
    assert edges_of(g, "link") == {("CMakeLists.txt", "main.c")}


def test_parse_cmake_arguments():
    facts = parse_cmake(
        '# comment (\nfoo(a "b c" [=[d]=] e;f (g h)\n  # inner\n  "multi\nline")\nBAR()\n'
    )
    assert [(c.name, c.line) for c in facts.commands] == [("foo", 2), ("bar", 6)]
    assert [(a.value, a.line, a.kind) for a in facts.commands[0].args] == [
        ("a", 2, 0),
        ("b c", 2, 1),
        ("d", 2, 2),
        ("e;f", 2, 0),
        ("g", 2, 0),
        ("h", 2, 0),
        ("multi\nline", 4, 1),
    ]
    assert parse_cmake("foo(\n").errors == ("cannot read CMake: line 1: unclosed '('",)
    assert parse_cmake("foo bar\n").errors == (
        "cannot read CMake: line 1: expected '(' after 'foo'",
    )


def test_readers_and_cached_facts():
    assert reader_for("CMakeLists.txt") == "cmake"
    assert reader_for("cmake/Find.cmake") == "cmake"
    assert reader_for("src/config.h.cmake") is None  # a configure_file template
    for text in ("add_library(x a.c)\n", "add_library(x\n"):
        facts = extract_facts("cmake", text)
        assert facts_from_json(facts_to_json(facts)) == facts


def test_foreach_bodies_and_function_calls(graph_of):
    g = graph_of(
        {
            "CMakeLists.txt": "include(cmake/helpers.cmake)\nadd_subdirectory(src)\n",
            "cmake/helpers.cmake": "function(demo_tool name)\n"
            "  add_executable(${name} ${ARGN})\n"
            "  target_link_libraries(${name} core)\nendfunction()\n",
            "src/CMakeLists.txt": "add_library(core core.c)\n"
            "foreach(exe one two)\n  add_executable(${exe} ${exe}.c)\nendforeach()\n"
            "demo_tool(three three.c\n  extra.c)\n",
            "src/core.c": "",
            "src/one.c": "",
            "src/two.c": "",
            "src/three.c": "",
            "src/extra.c": "",
        }
    )
    one = edge_data(g, "src/CMakeLists.txt", "src/one.c", "link")
    assert one["artefact"] == "one" and one["evidence"].line == 3
    assert edge_data(g, "src/CMakeLists.txt", "src/two.c", "link")["artefact"] == "two"
    # the function's lines are attributed to the call, in the caller's folder
    three = edge_data(g, "src/CMakeLists.txt", "src/extra.c", "link")
    assert (three["artefact"], three["evidence"].line) == ("three", 5)
    assert three["evidence"].text == "demo_tool(three three.c"
    assert not edges_of(g, "link") & {("cmake/helpers.cmake", "src/core.c")}


def test_a_recursive_function_ends(graph_of):
    g = graph_of(
        {
            "CMakeLists.txt": "function(twice)\n  twice()\n  twice()\nendfunction()\ntwice()\n"
            "add_library(x x.c)\n",
            "x.c": "",
        }
    )
    assert edges_of(g, "link") == {("CMakeLists.txt", "x.c")}
