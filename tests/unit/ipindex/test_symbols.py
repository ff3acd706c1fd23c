"""Definitions, exports and uses found by the top-level symbol parser."""

from __future__ import annotations

from openesx_license.ipindex.symbols import definitions, used_names
from openesx_license.ipindex.tokens import tokenize

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
    found = {(d.name, d.kind, d.static) for d in definitions(tokenize(SOURCE))}
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
    exported = {d.name for d in definitions(tokenize(SOURCE)) if d.exported}
    assert exported == {"global_a", "global_b", "foo_var", "names", "exported_fn", "inside_c"}


def test_definition_lines() -> None:
    lines = {(d.name, d.kind): d.line for d in definitions(tokenize(SOURCE))}
    assert lines[("exported_fn", "function")] == 11
    assert lines[("exported_fn", "export-gpl")] == 18


def test_used_names_skip_members_and_keywords() -> None:
    used = used_names(tokenize(SOURCE))
    assert used["helper2"] == 14 and used["not_here"] == 6
    assert "if" not in used and "return" not in used
    assert "a" in used  # the member declaration 'int a;' names it; 'f->a' alone would not
    assert "b" in used
    only_member = used_names(tokenize("x = s->field + t.other;"))
    assert set(only_member) == {"x", "s", "t"}
