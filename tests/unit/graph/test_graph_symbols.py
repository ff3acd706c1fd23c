"""Symbol edges: definitions, uses, static functions, ambiguity, EXPORT_SYMBOL(_GPL)."""

from __future__ import annotations

from openesx_license.csource.directives import preprocess
from openesx_license.csource.symbols import extract_symbols
from tests.helpers.graph_helpers import edge_data, edges_of

LIB_C = """\
#include "lib.h"
static int helper(int a) { return a + 1; }
int lib_counter = 0;
int lib_add(int a, int b)
{
\treturn helper(a) + b;
}
void lib_gpl_only(void) { }
EXPORT_SYMBOL(lib_add);
EXPORT_SYMBOL_GPL(lib_gpl_only);
"""
LIB_H = """\
extern int lib_counter;
int lib_add(int a, int b);
void lib_gpl_only(void);
"""
USER_C = """\
#include "lib.h"
static int helper(int x) { return x; }   /* its own static helper */
int main(void)
{
\tint r = lib_add(1, 2);
\tlib_gpl_only();
\tr += lib_counter;
\tr += helper(r);
\treturn r;
}
"""


def test_calls_and_declared_globals_link_to_their_definitions(graph_of):
    g = graph_of({"lib/lib.c": LIB_C, "lib/lib.h": LIB_H, "app/user.c": USER_C})
    data = edge_data(g, "app/user.c", "lib/lib.c", "symbol")
    assert data["symbol"] == "lib_add"
    assert data["symbols"] == ("lib_add", "lib_counter")
    assert data["gpl_only"] is False
    assert data["evidence"].path == "app/user.c"
    assert data["evidence"].line == 5
    assert data["evidence"].text == "int r = lib_add(1, 2);"


def test_export_symbol_gpl_marks_the_edge_and_the_node(graph_of):
    g = graph_of({"lib/lib.c": LIB_C, "lib/lib.h": LIB_H, "app/user.c": USER_C})
    assert g.nodes["lib/lib.c"]["exports"] == {"lib_add": "plain", "lib_gpl_only": "gpl"}
    gpl_edges = [
        d
        for _, _, d in g.out_edges("app/user.c", data=True)
        if d["kind"] == "symbol" and d["gpl_only"]
    ]
    assert len(gpl_edges) == 1
    assert gpl_edges[0]["symbol"] == "lib_gpl_only"
    assert gpl_edges[0]["evidence"].line == 6


def test_static_functions_are_never_linked(graph_of):
    files = {
        "a.c": "static void only_here(void) { }\nvoid a(void) { only_here(); }\n",
        "b.c": "void b(void) { only_here(); }\n",
    }
    g = graph_of(files)
    assert ("b.c", "a.c") not in edges_of(g, "symbol")


def test_own_static_definition_shadows_a_global_elsewhere(graph_of):
    g = graph_of({"lib/lib.c": LIB_C, "lib/lib.h": LIB_H, "app/user.c": USER_C})
    symbols = {
        s for d in g.get_edge_data("app/user.c", "lib/lib.c").values() for s in d.get("symbols", ())
    }
    assert "helper" not in symbols


def test_undeclared_mention_of_a_global_variable_is_not_a_use(graph_of):
    files = {
        "glob.c": "int size = 4;\n",
        "user.c": "int f(int n) { int size = n; return size; }\n",
    }
    g = graph_of(files)
    assert ("user.c", "glob.c") not in edges_of(g, "symbol")
    assert g.graph["stats"]["symbol_uses_undeclared"] == 1


def test_ambiguous_definitions_resolve_by_included_header_or_not_at_all(graph_of):
    files = {
        "x86/cpu.c": "void cpu_init(void) { }\n",
        "arm/cpu.c": "void cpu_init(void) { }\n",
        "x86/cpu.h": "void cpu_init(void);\n",
        "include/cpu.h": "void cpu_init(void);\n",
        "board/a.c": '#include "../x86/cpu.h"\nvoid a(void) { cpu_init(); }\n',
        "board/b.c": '#include "../include/cpu.h"\nvoid b(void) { cpu_init(); }\n',
        "board/c.c": "void c(void) { cpu_init(); }\n",
    }
    g = graph_of(files)
    symbols = edges_of(g, "symbol")
    assert ("board/a.c", "x86/cpu.c") in symbols
    assert ("board/a.c", "arm/cpu.c") not in symbols
    # b.c sees a declaration shared by both architectures: no way to tell, no edge
    assert not any(s == "board/b.c" for s, _ in symbols)
    assert g.graph["stats"]["symbol_uses_ambiguous"] == 1
    # c.c sees no declaration at all
    assert not any(s == "board/c.c" for s, _ in symbols)
    assert g.graph["stats"]["symbol_uses_undeclared"] == 1


def test_uses_inside_if0_and_comments_do_not_count(graph_of):
    files = {
        "lib.c": "void lib_fn(void) { }\n",
        "user.c": "#if 0\nvoid u(void) { lib_fn(); }\n#endif\n/* lib_fn(); */\n"
        'const char *s = "lib_fn()";\n',
    }
    g = graph_of(files)
    assert ("user.c", "lib.c") not in edges_of(g, "symbol")


def test_definitions_declarations_and_member_names():
    text = """\
int __attribute__((noinline)) attr_fn(void) { return 0; }
const struct ops dev_ops = { .open = attr_fn, };
struct point { int x; } origin, *cursor;
static const char *names[] = { "a", "b" };
typedef int handler_t(int);
extern int declared_only;
int proto(int);
struct tag;
DEFINE_THING(x)
int after_macro(void)
{
    return obj->proto + obj.declared_only;
}
"""
    symbols = extract_symbols(preprocess(text))
    found = {(d.name, d.kind, d.static) for d in symbols.definitions}
    assert found == {
        ("attr_fn", "function", False),
        ("dev_ops", "variable", False),
        ("origin", "variable", False),
        ("cursor", "variable", False),
        ("names", "variable", True),
        ("after_macro", "function", False),
    }
    assert {"declared_only", "proto"} <= set(symbols.declarations)
    used = {u.name for u in symbols.uses}
    assert "obj" in used
    assert "proto" not in used and "declared_only" not in used  # declarations, member names
    assert "point" not in used and "tag" not in used  # struct tags are not symbols


def test_a_call_needs_a_declaration_visible_through_the_includes(graph_of):
    files = {
        "include/api.h": '#include "api_impl.h"\n',
        "include/api_impl.h": "int api_fn(void);\n",
        "lib/api.c": "int api_fn(void) { return 0; }\n",
        "model/model.c": "void g_free(void *p) { }\n",  # a model of an external library
        "user.c": '#include "include/api.h"\nint u(void) { g_free(0); return api_fn(); }\n',
    }
    g = graph_of(files)
    symbols = edges_of(g, "symbol")
    assert ("user.c", "lib/api.c") in symbols  # declared two includes away
    assert ("user.c", "model/model.c") not in symbols  # g_free: no declaration in sight


def test_extern_c_blocks_are_transparent():
    text = (
        '#ifdef __cplusplus\nextern "C" {\n#endif\n'
        "const char *fdt_get_name(const void *fdt, int nodeoffset, int *lenp);\n"
        "int fdt_check(void) { return 0; }\n"
        "#ifdef __cplusplus\n}\n#endif\n"
        "int after_block;\n"
    )
    symbols = extract_symbols(preprocess(text))
    assert "fdt_get_name" in symbols.declarations
    assert {d.name for d in symbols.definitions} == {"fdt_check", "after_block"}


def test_qualifier_macros_and_knr_parameters_are_not_globals():
    text = (
        "mfn_t directmap_mfn_start __read_mostly = INVALID_MFN;\n"
        "vaddr_t directmap_virt_end __read_mostly;\n"
        "inb(port)\n  Bit16u port;\n{\n  return 0;\n}\n"
        "outb(port, val)\n  Bit16u port;\n  Bit8u val;\n{\n}\n"
        "inw(port)\n  Bit16u port;\n{\n  return 0;\n}\n"
    )
    names = {d.name for d in extract_symbols(preprocess(text)).definitions}
    assert {"directmap_mfn_start", "directmap_virt_end"} <= names
    assert "__read_mostly" not in names
    assert "port" not in names


def test_hidden_and_stub_copies_lose_to_the_real_definition(graph_of):
    files = {
        "drivers/console.c": "void printk(const char *f) { }\n",
        ".pc/patch/drivers/console.c": "void printk(const char *f) { }\n",
        "stubs/console.c": "void printk(const char *f) { }\n",
        "include/console.h": "void printk(const char *f);\n",
        "common/user.c": '#include "../include/console.h"\nvoid u(void) { printk("x"); }\n',
    }
    g = graph_of(files)
    assert {t for s, t in edges_of(g, "symbol") if s == "common/user.c"} == {"drivers/console.c"}


def test_cpp_namespaces_are_transparent():
    text = "namespace vmk {\nint vmk_api(int x) { return x; }\n}\nint after(void) { return 0; }\n"
    names = {d.name for d in extract_symbols(preprocess(text)).definitions}
    assert names == {"vmk_api", "after"}


def test_parenthesised_function_names_are_definitions():
    text = (
        "uint64_t (dup_const)(unsigned vece, uint64_t c)\n{\n    return c;\n}\n"
        "uint64_t (dup_proto)(unsigned vece);\n"
    )
    symbols = extract_symbols(preprocess(text))
    assert [(d.name, d.kind) for d in symbols.definitions] == [("dup_const", "function")]
    assert "dup_proto" in symbols.declarations and "uint64_t" not in symbols.declarations


def test_documentation_inc_files_are_not_c(graph_of):
    files = {"docs/drivers.rst.inc": "size\n  The size (in bytes).\n", "tcg/x.inc": "int x;\n"}
    g = graph_of(files)
    assert g.graph["stats"]["facts_files"] == 1


def test_vendored_copies_link_to_the_nearest_definition(graph_of):
    libc = "void *memcpy(void *d, const void *s, unsigned long n) { return d; }\n"
    header = "void *memcpy(void *d, const void *s, unsigned long n);\n"
    files = {
        "roms/slof/lib/libc/memcpy.c": libc,
        "roms/slof/include/string.h": header,
        "roms/openbios/libc/string.c": libc,
        "roms/openbios/include/string.h": header,
        "roms/slof/board/boot.c": '#include "../include/string.h"\nvoid b(void) { memcpy(0,0,0); }',
        "hw/other.c": '#include "../roms/slof/include/string.h"\nvoid o(void) { memcpy(0,0,0); }',
    }
    g = graph_of(files)
    symbols = edges_of(g, "symbol")
    assert ("roms/slof/board/boot.c", "roms/slof/lib/libc/memcpy.c") in symbols
    # hw/ shares no folder with either copy, but it sees the declaration of roms/slof/
    assert ("hw/other.c", "roms/slof/lib/libc/memcpy.c") in symbols


def _walk(edges: dict[str, list[str]], start: str) -> set[str]:
    """The plain walk ``reachable`` replaces: ``start`` and everything it reaches."""
    seen, stack = {start}, list(edges.get(start, ()))
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(edges.get(node, ()))
    return seen


def test_reachable_matches_a_plain_walk_on_graphs_with_cycles():
    import random

    from openesx_license.graph.symbol_edges import reachable

    rng = random.Random(20)
    for _ in range(200):
        nodes = [f"h{i}.h" for i in range(rng.randint(1, 30))]
        edges = {
            n: [rng.choice(nodes) for _ in range(rng.randint(0, 4))]
            for n in nodes
            if rng.random() < 0.8
        }
        closed = reachable(edges)
        for start in rng.sample(nodes, len(nodes)):  # any order: what is remembered is final
            assert closed(start) == _walk(edges, start), (edges, start)
    cycle = {"a.h": ["b.h"], "b.h": ["a.h", "c.h"], "c.h": []}
    closed = reachable(cycle)
    assert closed("c.h") == {"c.h"} and closed("a.h") == closed("b.h") == {"a.h", "b.h", "c.h"}
    assert closed("a.h") is closed("b.h")  # one set per include cycle
