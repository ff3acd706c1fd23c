"""Definitions, exports and uses: the recogniser both the graph and the IP index read."""

from __future__ import annotations

from openesx_license.csource.definitions import definitions
from openesx_license.csource.directives import preprocess
from openesx_license.csource.lexer import tokenize
from openesx_license.csource.uses import used_names

SOURCE = """\
#define MAX_X 10
static int counter;
int global_a, *global_b = 0;
struct foo { int a; } foo_var;
struct bar { int b; };
extern int not_here;
typedef int myint;
const char *const names[] = { "a", "b" };
int proto(int x);
static void helper(void) { counter++; }
int __attribute__((noinline)) exported_fn(struct foo *f, int y)
{
    if (f->a > MAX_X) {
        return y + helper2(f);
    }
    return 0;
}
EXPORT_SYMBOL_GPL(exported_fn);
extern "C" {
int inside_c(void) { return 1; }
}
"""


def test_definitions_of_functions_globals_macros_and_exports() -> None:
    found = {(d.name, d.kind, d.static) for d in definitions(preprocess(SOURCE))}
    assert found == {
        ("MAX_X", "macro", False),
        ("counter", "variable", True),
        ("global_a", "variable", False),
        ("global_b", "variable", False),
        ("foo_var", "variable", False),
        ("names", "variable", False),
        ("helper", "function", True),
        ("exported_fn", "function", False),
        ("exported_fn", "export-gpl", False),
        ("inside_c", "function", False),
    }


def test_only_non_static_definitions_and_exports_are_exported() -> None:
    exported = {d.name for d in definitions(preprocess(SOURCE)) if d.exported}
    assert exported == {"global_a", "global_b", "foo_var", "names", "exported_fn", "inside_c"}


def test_definition_lines() -> None:
    lines = {(d.name, d.kind): d.line for d in definitions(preprocess(SOURCE))}
    assert lines[("exported_fn", "function")] == 11
    assert lines[("exported_fn", "export-gpl")] == 18


def test_used_names_skip_members_keywords_and_local_declarations() -> None:
    used = used_names(tokenize(SOURCE))
    assert used["helper2"] == 14 and used["not_here"] == 6
    assert "if" not in used and "return" not in used
    assert "foo_var" in used and "exported_fn" in used
    only_member = used_names(tokenize("x = sss->field + ttt.other;"))
    assert set(only_member) == {"sss", "ttt"}  # 'x' is too short to be evidence


def test_parameters_and_local_variables_are_the_files_own() -> None:
    text = """
    #define FOR_EACH(entry, head) for (entry = (head); entry; entry = entry->next)
    extern int vm_generation;
    int vm_start(int world, unsigned long bytes);
    static int run(struct ctx *state, size_t count)
    {
        int index = 0;
        paddr_t addr, *cursor;
        for (index = 0; index < count; index++)
            addr = vm_start(state->world, bytes_left(count));
        return vm_generation + addr;
    }
    """
    used = used_names(tokenize(text))
    assert {"vm_generation", "vm_start", "bytes_left", "run"} <= set(used)
    assert not {"index", "addr", "cursor", "state", "count", "world", "bytes"} & set(used)
    assert not {"entry", "head"} & set(used) and "FOR_EACH" in used
