"""File prints: the value hashes beside the abstract ones."""

from __future__ import annotations

from openesx_license.ipindex.fileprint import (
    EXCLUDED,
    particular_value,
    stream_hashes,
    value_hashes,
)
from openesx_license.ipindex.tokens import tokenize


def test_value_hashes_keep_particular_literals_through_renaming_and_reformatting() -> None:
    code = 'x = f(y, 0x43803280, "chip id %08x\\n", 2.5);\nz = 0;\n'
    renamed = 'alpha  =  g( beta,\n 0x43803280,\n "chip id %08x\\n", 2.5 ) ; // note\nq = 0;\n'
    k = 12
    a, b = value_hashes(tokenize(code), k), value_hashes(tokenize(renamed), k)
    assert a == b and a[0] != 0 and all(0 <= v < 1 << 16 for v in a)
    changed = value_hashes(tokenize(code.replace("0x43803280", "0x43803281")), k)
    assert changed[0] not in (0, a[0])
    # one particular value is not enough: the k-gram must hold two
    one = value_hashes(tokenize("x = f(y, 0x43803280, z, w);\nz = 0;\n"), k)
    assert set(one) == {0}


def test_everyones_numbers_and_the_empty_string_are_not_particular() -> None:
    # 0, 1, small counts, powers of two, masks and "" are in every program: no evidence
    plain = 'x = f(y, 0, 1, 32, 255, 0xff, 0x1000, 0xffffffff, "", 200);\n'
    assert set(value_hashes(tokenize(plain), 12)) == {0}
    assert particular_value("N", "54454") == "N54454"
    assert particular_value("N", "0x43803280UL") == f"N{0x43803280}"
    assert particular_value("N", "4096") is None and particular_value("N", "0xFFFF") is None
    assert particular_value("N", "2.5") == "N2.5"
    assert particular_value("I", "name") is None


def test_a_case_list_of_part_numbers_is_evidence_a_list_of_small_codes_is_not() -> None:
    def case_list(values: list[int]) -> str:
        cases = "".join(
            f"\tcase 0x{0x40 + i:02x}:\n\t\tid = {v};\n\t\tbreak;\n" for i, v in enumerate(values)
        )
        return f"int part(int x)\n{{\n\tint id;\n\tswitch (x) {{\n{cases}\t}}\n\treturn id;\n}}\n"

    parts = case_list([54454 - i for i in range(12)])
    codes = case_list([i % 7 + 2 for i in range(12)])
    # the k-grams inside the list (past the head, before the tail): a list of part numbers is
    # mostly evidence, the same list of small codes is a shape
    inside = range(12, len(tokenize(parts)) - 27)
    part_hashes, code_hashes = (
        stream_hashes(tokenize(parts), 25),
        stream_hashes(tokenize(codes), 25),
    )
    assert sum(part_hashes[p] != EXCLUDED for p in inside) >= 0.75 * len(inside)
    assert all(code_hashes[p] == EXCLUDED for p in inside)
