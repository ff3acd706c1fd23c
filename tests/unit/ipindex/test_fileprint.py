"""File prints: the value and name hashes beside the abstract ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from openesx_license.csource.lexer import TokenStream, tokenize
from openesx_license.ipindex.fileprint import (
    EXCLUDED,
    MIN_WEIGHT,
    name_hashes,
    name_weight,
    particular_value,
    stream_hashes,
    value_hashes,
    value_weight,
)


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
    assert particular_value("N", "54454") == "N54454"
    assert particular_value("N", "0x43803280UL") == f"N{0x43803280}"
    assert particular_value("N", "4096") is None and particular_value("N", "0xFFFF") is None
    assert particular_value("N", "2.5") == "N2.5"
    assert particular_value("I", "name") is None


def test_literals_weigh_what_they_tell_apart() -> None:
    def weights(code: str) -> list[int]:
        stream = tokenize(code)
        return [value_weight(t, r) for t, r in zip(stream.norm, stream.raw, strict=True)]

    # 0, 1 and "" nothing; the numbers everyone writes a little; particular values more; a
    # message on its own as much as two particular values
    code = 'f(0, 1, "", 32, 0x1000, 0xff, 54454, "%d", "no such register");'
    assert [w for w in weights(code) if w] == [1, 1, 1, 2, 2, 4]
    assert weights("f(x, y);") == [0] * 7


def test_value_evidence_needs_enough_weight() -> None:
    def evidence(code: str) -> set[int]:
        return set(value_hashes(tokenize(code + "\nz = 0;\n"), 12))

    assert evidence('x = f(y, 0, 1, "", 0, 1);') == {0}  # everyone's
    assert evidence("x = f(y, 32, 255, 0);") == {0}  # two small numbers agree by chance
    assert evidence('x = f(y, "%d");') == {0}  # so does one short format
    assert evidence("x = f(y, 32, 255, 0xff, 0x1000);") != {0}  # four of them rarely
    assert evidence('x = f(y, "unimplemented register");') != {0}  # a message says whose
    assert evidence("x = f(y, 0x43803280, 3, 7);") != {0}  # one particular and two small


def test_value_hashes_see_a_number_whatever_its_spelling() -> None:
    a = value_hashes(tokenize("x = f(y, 0x20, 0377, 100, 12);\n"), 8)
    b = value_hashes(tokenize("x = f(y, 32, 255, 0x64, 12u);\n"), 8)
    assert a == b and any(a)
    # "09" is no C literal (a leading 0 means octal): read as decimal, never a crash
    assert value_weight("N", "09") == 1 and particular_value("N", "0999") == "N999"


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


def test_an_enumeration_weighs_only_where_it_starts() -> None:
    # Xen's MSR numbers and FreeBSD's system call numbers: the same values in the same
    # places, by chance; a list that counts up is no evidence of whose code it is
    msrs = "".join(f"#define MSR_MCG_{i} 0x{0x181 + i:08x}\n" for i in range(10))
    calls = "".join(f"#define NR_call_{i} {385 + i}\n" for i in range(10))
    assert set(value_hashes(tokenize(msrs), 25)) == {0}
    assert set(value_hashes(tokenize(calls), 25)) == {0}
    # pairs counting up in one column and not the other: the other column still counts
    pairs = "".join(f"{{ 0x{0x40 + i:02x}, {v} }},\n" for i, v in enumerate((54454, 9731, 61127)))
    assert any(value_hashes(tokenize(pairs), 12))


def test_value_weights_of_a_kgram_depend_on_its_own_tokens_only() -> None:
    # the sliding computation equals weighing each k-gram on its own, progressions included
    import random

    from openesx_license.ipindex.fileprint import MIN_WEIGHT, progressions

    rng = random.Random(7)
    for _ in range(200):
        numbers = [rng.choice((0, 1, 2, 3, 4, 300, 301, 302, 777, rng.randrange(5000)))
                   for _ in range(rng.randrange(1, 30))]  # fmt: skip
        numbers += [numbers[-1] + d for d in range(1, rng.randrange(1, 5))]
        stream = tokenize(" ".join(f"x{n % 3} = {n} ;" for n in numbers))
        k = rng.choice((4, 8, 12))
        predicted, step = progressions(stream)
        weights = [value_weight(t, r) for t, r in zip(stream.norm, stream.raw, strict=True)]
        expected = []
        for p in range(len(stream) - k + 1):
            total = 0
            for i in range(p, p + k):
                if predicted[i] >= p:
                    continue
                gives = step[i]
                if gives is not None and gives[0] >= p and gives[1] <= p + k - 1:
                    continue
                total += weights[i]
            expected.append(total >= MIN_WEIGHT)
        assert [v != 0 for v in value_hashes(stream, k)] == expected


def test_names_weigh_what_they_tell_apart() -> None:
    # one or two characters and the C library: nothing; a short word: a little; a longer or
    # compound name is the program's own vocabulary
    trivial = ("i", "rc", "r1", "f10", "__u32", "memcpy", "printf", "uint32_t", "NULL", "EINVAL")
    assert [name_weight(n) for n in trivial] == [0] * 10
    assert [name_weight(n) for n in ("ret", "size", "opaque", "Dev", "tmp2")] == [1] * 5
    compound = ("checksum", "page_count", "PAGE_SHIFT", "vmxOn", "REG_0")
    assert [name_weight(n) for n in compound] == [2] * 5


def test_name_hashes_keep_names_through_reformatting_not_through_renaming() -> None:
    code = "if (page_count > limit)\n    flush_pages(ctx, page_count);\nz = 0;\n"
    reformatted = "if(page_count>limit)\n\tflush_pages(ctx,\n page_count); // x\nz = 0;\n"
    renamed = code.replace("page_count", "n_pages").replace("flush_pages", "drain")
    k = 8
    a = name_hashes(tokenize(code), k)
    assert a[0] != 0 and all(0 <= v < 1 << 16 for v in a)
    assert a == name_hashes(tokenize(reformatted), k)
    assert name_hashes(tokenize(renamed), k)[0] not in (0, a[0])
    # only common names (i, n, memcpy, a short word or three): no name evidence
    assert set(name_hashes(tokenize("for (i = 0; i < n; i++) memcpy(p, q, size);"), k)) == {0}


def test_name_weights_of_a_kgram_depend_on_its_own_tokens_only() -> None:
    import random

    rng = random.Random(11)
    words = ["i", "p", "ret", "size", "page_count", "flush_pages", "memcpy", "VMOTION_MAGIC"]
    for _ in range(100):
        code = " ".join(f"{rng.choice(words)} = {rng.choice(words)} ;" for _ in range(20))
        stream = tokenize(code)
        k = rng.choice((4, 8, 12))
        pairs = zip(stream.norm, stream.raw, strict=True)
        weights = [name_weight(r) if t == "I" else 0 for t, r in pairs]
        expected = [sum(weights[p : p + k]) >= MIN_WEIGHT for p in range(len(stream) - k + 1)]
        assert [h != 0 for h in name_hashes(stream, k)] == expected


def test_lists_are_hashed_with_their_names_kgram_by_kgram() -> None:
    # the named stream is hashed only around the k-grams that need it; the result is that of
    # hashing each k-gram on its own: its names spelled out when they are the program's own
    # and make it more than a repeated pattern, else excluded
    import random

    from openesx_license.ipindex.fileprint import _valued, low_information
    from openesx_license.ipindex.winnow import kgram_hashes

    rng = random.Random(5)
    regs = ["R_CONF", "R_CE_CTRL", "r", "n", "segments", "i", "x"]
    spelled = excluded = 0
    for _ in range(60):
        lines = [rng.choice((f"s->{rng.choice(regs)} = {rng.choice(regs)};", "s->a = 0;",
                             "if (x) { y = f(x, 1); }", f"case {rng.choice(regs)}: return 1;"))
                 for _ in range(rng.randrange(5, 40))]  # fmt: skip
        stream = tokenize("\n".join(lines))
        k = rng.choice((8, 12, 25))
        names = name_hashes(stream, k)
        got = stream_hashes(stream, k, names)
        valued = [_valued(t, r) for t, r in zip(stream.norm, stream.raw, strict=True)]
        named = [r if t == "I" else v for t, r, v in zip(stream.norm, stream.raw, valued,
                                                          strict=True)]  # fmt: skip
        weak = low_information(stream.norm, k)
        still = low_information(valued, k)
        for p, h in enumerate(got):
            if not (weak[p] and still[p]):
                continue
            alone = named[p : p + k]
            if names[p] and not low_information(alone, k)[0]:
                assert h == kgram_hashes(alone, k)[0]
                spelled += 1
            else:
                assert h == EXCLUDED
                excluded += 1
    assert spelled > 100 and excluded > 100  # both cases are exercised


def test_a_file_the_tokenizer_fails_on_gives_an_error_print_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # fault injection: no input is known to break the tokenizer today ("09" and 0x01 bytes
    # did once); whatever does must cost that one file, named, and not the audit
    from openesx_license.ipindex import fileprint

    (tmp_path / "good.c").write_text("int good(void) { return 0x43803280; }\n")
    (tmp_path / "bad.c").write_text("int bad(void) { return 1; }\n")
    real = fileprint.tokenize

    def tokenize(text: str) -> TokenStream:
        if "bad" in text:
            raise ValueError("invalid literal for int() with base 8: '09'")
        return real(text)

    monkeypatch.setattr(fileprint, "tokenize", tokenize)
    good, bad = fileprint.print_files(tmp_path, ["good.c", "bad.c"], 25, 8)
    assert good.error is None and good.tokens > 0
    assert (
        bad.error == "cannot fingerprint: ValueError: invalid literal for int() with base 8: '09'"
    )
    assert len(bad) == 0


def test_a_dask_chunk_gives_the_prints_a_local_read_gives(tmp_path: Path) -> None:
    """What a worker prints from the bytes it is sent equals printing the file here."""
    from openesx_license.ipindex.fileprint import print_chunk, print_file

    sources = {
        "a.c": "static int count(const int *v, int n)\n{\n\tint s = 0;\n"
        "\tfor (int i = 0; i < n; i++)\n\t\ts += v[i] * 0x5bd1e995;\n\treturn s;\n}\n",
        "b.h": "#include <stdint.h>\nuint32_t mix(uint32_t a, uint32_t b);\n",
        "u16.c": "int x = 1;\n".encode("utf-16"),
    }
    for name, text in sources.items():
        data = text if isinstance(text, bytes) else text.encode()
        (tmp_path / name).write_bytes(data)
    for uses, full in ((False, False), (True, True)):
        entries = [(name, (tmp_path / name).read_bytes()) for name in sources]
        remote = print_chunk((entries, 12, 4, uses, full))
        local = [print_file(tmp_path, name, 12, 4, uses=uses, full=full) for name in sources]
        assert remote == local
        assert remote[0].hashes and remote[1].includes
