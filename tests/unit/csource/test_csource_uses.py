"""Uses: the names a file refers to, as the IP index reads them from the token stream."""

from __future__ import annotations

from openesx_license.csource.lexer import tokenize
from openesx_license.csource.uses import used_names

SOURCE = """\
extern int not_here;
int __attribute__((noinline)) exported_fn(struct foo *f, int y)
{
    if (f->a > MAX_X) {
        return y + helper2(f);
    }
    return foo_var;
}
"""


def test_used_names_skip_members_keywords_and_local_declarations() -> None:
    used = used_names(tokenize(SOURCE))
    assert used["helper2"] == 5 and used["not_here"] == 1
    assert "if" not in used and "return" not in used
    assert "foo_var" in used and "exported_fn" in used and "MAX_X" in used
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
