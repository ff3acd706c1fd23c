"""Definitions and exports: the one recogniser both the graph and the IP index read."""

from __future__ import annotations

from openesx_license.csource.directives import preprocess
from openesx_license.csource.lexer import tokenize
from openesx_license.csource.symbols import definitions, extract_symbols

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


KNR = """\
static int add(a, b)
    int a;
    register char *b;
{
    return a + *b;
}
long old_style(count) int count; { return count; }
int (*table[2])(int);
"""


def test_knr_definitions_are_functions_and_their_parameters_are_not_globals() -> None:
    found = [(d.name, d.line, d.kind, d.static) for d in definitions(preprocess(KNR))]
    assert found == [("add", 1, "function", True), ("old_style", 7, "function", False)]
    symbols = extract_symbols(preprocess(KNR))
    assert [d.name for d in symbols.definitions] == ["add", "old_style"]
    assert "add" not in symbols.declarations  # the header is not a prototype


def test_a_knr_like_header_without_a_body_stays_a_declaration() -> None:
    text = "DECLARE_LOCK(lock) int lock;\nint after;\nint tail(x);\n"
    symbols = extract_symbols(preprocess(text))
    assert [(d.name, d.kind) for d in symbols.definitions] == [("after", "variable")]
    assert {"DECLARE_LOCK", "tail"} <= set(symbols.declarations)


def test_a_prototype_with_parameter_names_is_not_a_knr_header() -> None:
    text = "int proto(a, b);\nint value;\nint body(void) { return 0; }\n"
    found = {(d.name, d.kind) for d in definitions(preprocess(text))}
    assert found == {("value", "variable"), ("body", "function")}


def test_the_letters_of_a_number_are_never_a_name() -> None:
    text = "ASM_START\n  db 0x12, 0x34\nASM_END\nint real_global;\n"
    names = {d.name for d in definitions(preprocess(text))}
    assert "real_global" in names
    assert not {"x12", "x34"} & names


def test_definitions_in_dead_code_are_not_read() -> None:
    text = "#if 0\nint gone(void) { return 0; }\n#define GONE 1\n#endif\nint kept;\n"
    assert [d.name for d in definitions(preprocess(text))] == ["kept"]


def test_the_tokenizers_hidden_text_reads_the_same_definitions() -> None:
    text = SOURCE + KNR + '/* int hidden_in_comment; */\nconst char *msg = "int fake;";\n'
    hidden = tokenize(text).hidden
    assert "hidden_in_comment" not in hidden and "fake" not in hidden
    assert definitions(preprocess(text, hidden=hidden)) == definitions(preprocess(text))
    assert "msg" in {d.name for d in definitions(preprocess(text, hidden=hidden))}
