"""Matching open files against an index: copies survive renaming and reformatting, boilerplate
does not count, header and symbol references are found with the proprietary tree absent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from openesx_license.ipindex import match
from openesx_license.ipindex.boilerplate import known_boilerplate, load_snippets
from openesx_license.ipindex.build import c_family_files, write_index
from openesx_license.ipindex.fileprint import FilePrint, distinct_trigrams, print_files, print_text
from openesx_license.ipindex.match import CopySettings, find_copies, find_references
from openesx_license.ipindex.store import FingerprintIndex, IndexParameters, Posting

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "ipindex"
PARAMS = IndexParameters(k=25, window=8)
SETTINGS = CopySettings(min_lines=10, min_tokens=50, boilerplate_threshold=5)


def _index(tree: Path) -> FingerprintIndex:
    index, _ = write_index(
        tree, c_family_files(tree), lambda p: p.split("/")[0], PARAMS, None, jobs=1
    )
    return index


def test_renamed_and_reformatted_copy_is_found_with_both_locations(
    proprietary_tree: Path, open_tree: Path
) -> None:
    index = _index(proprietary_tree)
    prints = list(print_files(open_tree, c_family_files(open_tree), 25, 8, full=True))
    matches = find_copies(index, prints, SETTINGS)
    assert len(matches) == 1
    m = matches[0]
    assert (m.path, m.proprietary_path, m.proprietary_component) == (
        "vmkernel/integrity.c",
        "vmotion/transfer.c",
        "vmotion",
    )
    # the copied function spans lines 5-20 of the open file and 8-23 of the proprietary one
    assert 5 <= m.start_line <= 7 and 18 <= m.end_line <= 20
    assert 8 <= m.proprietary_start_line <= 10 and 21 <= m.proprietary_end_line <= 23
    assert m.tokens >= SETTINGS.min_tokens and m.similarity > 0.9


def test_every_kgram_lookup_measures_a_copy_at_least_as_whole_as_winnowed_lookup(
    proprietary_tree: Path, open_tree: Path
) -> None:
    index = _index(proprietary_tree)
    paths = c_family_files(open_tree)
    winnowed = find_copies(index, list(print_files(open_tree, paths, 25, 8)), SETTINGS)
    whole = find_copies(index, list(print_files(open_tree, paths, 25, 8, full=True)), SETTINGS)
    assert len(winnowed) == len(whole) == 1
    assert whole[0].tokens >= winnowed[0].tokens
    assert whole[0].start_line <= winnowed[0].start_line
    assert whole[0].end_line >= winnowed[0].end_line


def test_unrelated_code_and_small_overlaps_are_not_copies(proprietary_tree: Path) -> None:
    index = _index(proprietary_tree)
    unrelated = print_text(
        "x.c",
        "int add(int a, int b) { return a + b; }\n"
        "void loop(int *v, int n) { int i; for (i = 0; i < n; i++) v[i] = 0; }\n",
        25,
        8,
    )
    # the first three lines of the copied function alone: too small to be a finding
    small = print_text(
        "y.c",
        "int f(const unsigned char *p, unsigned int m)\n{\n unsigned int q = 1, r = 0, j;\n"
        " for (j = 0; j < m; j++) {\n q = (q + p[j]) % 65521;\n }\n}\n",
        25,
        8,
    )
    assert find_copies(index, [unrelated, small], SETTINGS) == []


def test_code_shared_by_many_open_files_is_boilerplate(
    proprietary_tree: Path, open_tree: Path
) -> None:
    index = _index(proprietary_tree)
    text = (open_tree / "vmkernel" / "integrity.c").read_text()
    prints = [print_text(f"copy{i}.c", text, 25, 8) for i in range(5)]
    assert find_copies(index, prints, SETTINGS) == []  # in 5 files: the tree's own boilerplate
    assert len(find_copies(index, prints[:4], SETTINGS)) == 4  # in 4: each one a copy
    # the same fingerprints named in the known-boilerplate list do not count either
    listed = {h for fp in prints for h in fp.hashes}
    assert find_copies(index, prints[:1], SETTINGS, boilerplate=listed) == []


def test_code_the_proprietary_tree_repeats_is_still_found(
    proprietary_tree: Path, open_tree: Path, tmp_path: Path
) -> None:
    # generated tests and vendored copies repeat in the proprietary tree; copying one of them
    # is still copying proprietary code (only the open tree's repeats are boilerplate)
    source = (proprietary_tree / "vmotion" / "transfer.c").read_text()
    tree = tmp_path / "repetitive"
    (tree / "tests").mkdir(parents=True)
    for i in range(60):
        (tree / "tests" / f"case{i:02}.c").write_text(source)
    index, _ = write_index(tree, c_family_files(tree), lambda p: "tests", PARAMS, None)
    prints = list(print_files(open_tree, c_family_files(open_tree), 25, 8, full=True))
    matches = find_copies(index, prints, SETTINGS)
    assert [(m.path, m.other_sources) for m in matches] == [("vmkernel/integrity.c", 59)]


def test_known_boilerplate_list_covers_its_shapes_renamed() -> None:
    snippets = load_snippets()
    assert {s.name for s in snippets} >= {"qemu-qom-type-registration", "linux-file-operations"}
    known = known_boilerplate(25)
    qom = next(s for s in snippets if s.name == "qemu-qom-type-registration")
    renamed = qom.code.replace("foo", "acme_dev").replace("FOO", "ACME").replace("Bar", "Baz")
    fp = print_text("acme.c", renamed, 25, 8)
    other = qom.code.replace("foo", "zed_ctl").replace("FOO", "ZED").replace("Bar", "Qux")
    # what the list does not cover are the k-grams of the device's own names (a list of
    # them is evidence only when copied with them): another device shares none of those
    spelled = set(fp.hashes) - known
    assert len(fp) > len(spelled) and spelled.isdisjoint(print_text("z.c", other, 25, 8).hashes)


def test_table_like_code_yields_no_fingerprints_but_its_own_names() -> None:
    table = "".join(f"#define REG_{i} 0x{i:04x}\n" for i in range(60))
    fields = "struct r {\n" + "".join(f"\tuint32_t f{i};\n" for i in range(60)) + "};\n"
    # a register map: its shape is no evidence, its own register names are (a map with other
    # names shares no fingerprint with it)
    regs = print_text("t.h", table, 25, 8)
    others = print_text("u.h", table.replace("REG_", "CTL_"), 25, 8)
    assert len(regs) and set(regs.hashes).isdisjoint(others.hashes)
    fp = print_text("f.h", fields, 25, 8)
    # only k-grams that reach the 'struct r {' head or the '};' tail are not periodic
    assert all(p < 3 or p + 25 > fp.tokens - 2 for p in fp.positions)


def test_declaration_lists_are_shapes_but_tables_of_particular_values_are_evidence() -> None:
    # bit-field structures and field-by-field assignments: every project has the shape
    bits = "typedef struct {\n" + "".join(
        f"    unsigned long f{i}:{i % 3 + 1};\n" for i in range(30)
    )
    assigns = "".join(f"    d->info[i].f{i} = {i % 2};\n" for i in range(30))
    assert len(print_text("b.h", bits + "} bits_t;\n", 25, 8)) == 0
    fp = print_text("a.c", "void f(void)\n{\n" + assigns + "}\n", 25, 8)
    assert all(p < 8 or p + 25 > fp.tokens - 2 for p in fp.positions)  # head and tail only
    # a table of test vectors (or of messages) is the same shape, but its values are not
    vectors = "".join(
        f"    {{ 0x{i * 0x9E3779B97F4A7C15 % 2**64:016x}ULL, }},\n" for i in range(30)
    )
    messages = "".join(
        f'    puts("option -{chr(97 + i)}: step {i} of the setup");\n' for i in range(20)
    )
    small = "".join(f"    {{ 0x{i:02x}, }},\n" for i in range(30))
    assert len(print_text("v.c", "t v[] = {\n" + vectors + "};\n", 25, 8)) >= 5
    assert len(print_text("m.c", "void u(void)\n{\n" + messages + "}\n", 25, 8)) >= 5
    assert len(print_text("s.c", "t s[] = {\n" + small + "};\n", 25, 8)) == 0


def test_distinct_trigrams_rolls_like_counting_each_kgram() -> None:
    tokens = list("abcabcabdabcaaaabbbcdcdcdcdab")
    for k in (3, 5, 9):
        expected = [
            len({tuple(tokens[p + i : p + i + 3]) for i in range(k - 2)})
            for p in range(len(tokens) - k + 1)
        ]
        assert distinct_trigrams(tokens, k) == expected


def test_header_and_symbol_references_with_the_proprietary_tree_absent(
    proprietary_tree: Path, open_tree: Path
) -> None:
    index = _index(proprietary_tree)
    paths = c_family_files(open_tree)
    prints = list(print_files(open_tree, paths, 25, 8, uses=True))
    defined = {d.name for fp in prints for d in fp.definitions}
    refs = find_references(index, prints, paths, defined=defined)
    got = {(r.path, r.line, r.kind, r.name, r.node, r.gpl_only) for r in refs}
    assert got == {
        (
            "vmkernel/migrate.c",
            4,
            "include",
            "vmotion/vmotion_api.h",
            "ipindex:vmotion:vmotion/include/vmotion_api.h",
            False,
        ),
        (
            "vmkernel/migrate.c",
            8,
            "symbol",
            "vmotion_start_transfer",
            "ipindex:vmotion:vmotion_start_transfer",
            True,
        ),
    }


def test_names_the_open_tree_defines_or_headers_it_has_are_not_references(
    proprietary_tree: Path,
) -> None:
    index = _index(proprietary_tree)
    fp = print_text(
        "a.c",
        '#include "vmotion_api.h"\nint vmotion_start_transfer(int w, unsigned long long b)\n'
        "{ return w; }\nint g(void) { return vmotion_start_transfer(1, 2); }\n",
        25,
        8,
        uses=True,
    )
    defined = {d.name for d in fp.definitions}
    assert find_references(index, [fp], ["a.c", "include/vmotion_api.h"], defined=defined) == []


def _one_file_index(tmp_path: Path, path: str, code: str) -> FingerprintIndex:
    """An index of one proprietary file (component vmotion) holding ``code``."""
    source = tmp_path / "proprietary" / path
    source.parent.mkdir(parents=True)
    source.write_text(code)
    index, _ = write_index(tmp_path / "proprietary", [path], lambda p: "vmotion", PARAMS, None)
    return index


_PROBE = """
static int probe_chip(struct chip *c)
{
    if (c->id != 0x43803280)
        return warn_about(c, "probe: unexpected chip id %08x", c->id);
    return 0;
}
"""


def test_a_short_copy_keeping_its_literal_values_is_a_copy_the_same_shape_is_not(
    tmp_path: Path,
) -> None:
    # under min_tokens, a run whose k-grams also agree on their particular values (renaming
    # and reformatting keep literals) is a copy; the same shape with other values is not
    index = _one_file_index(tmp_path, "vmotion/chip.c", _PROBE)
    renamed = """int other(void) { return 7; }

static int vm_probe(struct part *p) {
\tif (p->id != 0x43803280) return complain(p,
\t\t"probe: unexpected chip id %08x", p->id);
\treturn 0;
}
"""
    other_values = renamed.replace("0x43803280", "0x1234567").replace("probe: unexpected", "bad")
    settings = CopySettings()  # the defaults: 40 tokens, or 25 with the same values
    copy = print_text("open/part.c", renamed, 25, 8, full=True)
    shape = print_text("open/shape.c", other_values, 25, 8, full=True)
    assert copy.tokens - 9 < settings.min_tokens  # the copied function is under 40 tokens
    found = find_copies(index, [copy], settings)
    assert [(m.proprietary_path, m.start_line) for m in found] == [("vmotion/chip.c", 3)]
    assert found[0].value_matches >= 1 and found[0].tokens < settings.min_tokens
    assert find_copies(index, [shape], settings) == []
    without_values = CopySettings(min_tokens_with_values=settings.min_tokens)
    assert find_copies(index, [copy], without_values) == []


_QUEUE = """
static void requeue_pending(struct vmotion_queue *queue, struct vmotion_page *page)
{
    list_del(&page->pending_link);
    list_add_tail(&page->pending_link, &queue->retry_list);
}
"""


def test_a_short_copy_keeping_its_names_is_a_copy_the_renamed_one_needs_min_tokens(
    tmp_path: Path,
) -> None:
    # a verbatim or reformatted copy keeps its names: under min_tokens, a run whose k-grams
    # agree on them is a copy; renamed, the same code is only a shape of that size (renaming
    # is no evidence against a copy, but no evidence for one either)
    index = _one_file_index(tmp_path, "vmotion/queue.c", _QUEUE)
    kept = "int other(void) { return 7; }\n" + _QUEUE.replace("    ", "\t").replace(
        "page)\n{", "page) {"
    )
    renamed = kept
    for name, new in (
        ("requeue_pending", "rq"),
        ("vmotion_queue", "q_t"),
        ("queue", "qq"),
        ("vmotion_page", "pg_t"),
        ("page", "pg"),
        ("pending_link", "lnk"),
        ("retry_list", "again"),
    ):
        renamed = renamed.replace(name, new)  # fmt: skip
    settings = CopySettings()  # 40 tokens, or 25 with the same names
    copy = print_text("open/kept.c", kept, 25, 8, full=True)
    assert copy.tokens - 9 < settings.min_tokens  # the copied function is under 40 tokens
    (found,) = find_copies(index, [copy], settings)
    assert (found.proprietary_path, found.start_line) == ("vmotion/queue.c", 3)
    assert found.name_matches >= 1 and not found.value_matches
    assert found.tokens < settings.min_tokens
    shape = print_text("open/renamed.c", renamed, 25, 8, full=True)
    assert find_copies(index, [shape], settings) == []
    (as_shape,) = find_copies(index, [shape], CopySettings(min_tokens=found.tokens))
    assert as_shape.name_matches == 0 and as_shape.tokens == found.tokens
    without_names = CopySettings(min_tokens_with_names=settings.min_tokens)
    assert find_copies(index, [copy], without_names) == []
    # as the audit matches: the winnowed print first, every k-gram only for a file whose hits
    # could grow into a copy (here: one that agreeing names allow)
    refined: list[str] = []

    def refine(fp: FilePrint) -> FilePrint:
        refined.append(fp.path)
        return print_text(fp.path, kept, 25, 8, full=True)

    winnowed = print_text("open/kept.c", kept, 25, 8)
    assert find_copies(index, [winnowed], settings, refine=refine) == [found]
    assert refined == ["open/kept.c"]


_ENGINE = """
static int setup_engine(struct engine *e, int mode)
{
    if (mode == 3)
        return configure(e, 0x43803280, "engine: unsupported mode %d", mode);
    e->timeout = 54454;
    e->retries = 77;
    return start(e, e->timeout, "engine started after reset");
}
"""


def test_the_same_shape_with_other_literal_values_needs_a_bigger_run(tmp_path: Path) -> None:
    # 50 tokens match by shape: enough for a run without literals, but where every k-gram
    # carrying values has other ones (other constants, other messages), it takes
    # min_tokens_with_other_values; the copy keeping its values is found
    index = _one_file_index(tmp_path, "vmotion/engine.c", _ENGINE)
    renamed = "int x(void) { return 7; }\n" + _ENGINE.replace("setup_engine", "motor_setup")
    other = renamed.replace("0x43803280", "0x5566778").replace("54454", "1000")
    other = other.replace("77", "5").replace("unsupported mode", "bad").replace("after reset", "")
    for name, new in (
        ("configure", "program_chip"),
        ("timeout", "deadline"),
        ("retries", "attempts"),
        ("start", "launch"),
        ("engine", "motor"),
    ):
        other = other.replace(name, new)  # other names too: a shape, not a copy  # fmt: skip
    copy = print_text("open/copy.c", renamed, 25, 8, full=True)
    shape = print_text("open/shape.c", other, 25, 8, full=True)
    # a policy that lets shape alone count from 40 tokens: 60 still when the values all differ
    settings = CopySettings(min_tokens=40)
    (found,) = find_copies(index, [copy], settings)
    assert found.value_matches and not found.value_conflicts
    assert settings.min_tokens <= found.tokens < settings.min_tokens_with_other_values
    assert find_copies(index, [shape], settings) == []
    lenient = CopySettings(min_tokens=40, min_tokens_with_other_values=settings.min_tokens)
    (same_shape,) = find_copies(index, [shape], lenient)
    assert same_shape.value_conflicts and not same_shape.value_matches
    assert same_shape.tokens == found.tokens


def test_the_proprietary_region_is_where_the_copy_is_not_where_its_start_repeats(
    proprietary_tree: Path, open_tree: Path, tmp_path: Path
) -> None:
    # the first lines of the copied function also stand alone near the top of the proprietary
    # file: the match must point at the function, not stretch from the top
    source = (proprietary_tree / "vmotion" / "transfer.c").read_text()
    head = source[source.index("int vmotion_checksum_block") : source.index("\t\tif (sum_b")]
    filler = "".join(f"int filler_{i}(int v) {{ return v * {i + 3} - {i}; }}\n" for i in range(40))
    tree = tmp_path / "p" / "vmotion"
    tree.mkdir(parents=True)
    (tree / "t.c").write_text(head + "\t}\n}\n" + filler + source)
    index, _ = write_index(tree.parent, ["vmotion/t.c"], lambda p: "vmotion", PARAMS, None)
    prints = list(print_files(open_tree, c_family_files(open_tree), 25, 8, full=True))
    (m,) = find_copies(index, prints, SETTINGS)
    function = (head + "\t}\n}\n" + filler).count("\n") + source[: source.index(head)].count("\n")
    assert m.proprietary_start_line > function - 2
    assert m.proprietary_end_line - m.proprietary_start_line < 20


def test_code_from_two_places_side_by_side_is_two_copies_each_with_its_own_region(
    proprietary_tree: Path, tmp_path: Path
) -> None:
    # two proprietary functions far apart, pasted next to each other in the other order: two
    # runs along two diagonals, not one region spanning the proprietary file
    source = (proprietary_tree / "vmotion" / "transfer.c").read_text()
    first = source[source.index("int vmotion_checksum_block") : source.index("int vmotion_start")]
    second = source[source.index("int vmotion_start") : source.index("EXPORT_SYMBOL_GPL")]
    filler = "".join(f"int filler_{i}(int v) {{ return v * {i + 3} - {i}; }}\n" for i in range(40))
    tree = tmp_path / "p" / "vmotion"
    tree.mkdir(parents=True)
    (tree / "t.c").write_text(first + filler + second)
    index, _ = write_index(tree.parent, ["vmotion/t.c"], lambda p: "vmotion", PARAMS, None)
    pasted = print_text("open/x.c", second + first, 25, 8, full=True)
    matches = find_copies(index, [pasted], SETTINGS)
    assert len(matches) == 2
    later, earlier = sorted(matches, key=lambda m: -m.proprietary_start_line)
    assert later.start_line < earlier.start_line  # the second function comes first now
    assert all(m.proprietary_end_line - m.proprietary_start_line < 20 for m in matches)


def test_splitting_a_long_group_of_jumping_hits_aligns_each_hit_a_bounded_number_of_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 2,000 hits near each other in the open file, each pointing to a place of its own in the
    # proprietary file: every hit is off every other's diagonal. Aligning the rest again after
    # taking out one hit at a time would be quadratic; the budget keeps it linear, and no hit
    # is lost.
    n = 2000
    hits = [
        match._Hit(i * 5, i, i, 0, 0, [Posting(file_id=1, pos=i * 10**6, start_line=i, end_line=i)])
        for i in range(n)
    ]
    aligned = []
    real = match._align

    def counting(run: list[match._Hit], *args: Any, **kwargs: Any) -> list[Posting | None]:
        aligned.append(len(run))
        return real(run, *args, **kwargs)

    monkeypatch.setattr(match, "_align", counting)
    pieces = match._diagonals(hits, 33)
    assert sum(aligned) <= (match._REALIGN_BUDGET + 1) * n
    assert [h.pos for run, _ in pieces for h in run] == [h.pos for h in hits]
    assert all(len(run) == 1 for run, _ in pieces)


def test_a_hit_off_the_diagonal_does_not_break_a_copy_of_a_repeated_shape() -> None:
    # a copy of a stretch the proprietary file repeats (a list of similar calls): most hits
    # have an occurrence every period, one k-gram per period only once, at the head of the
    # list further up. Anchored there (the fewest occurrences), the run broke into pieces; it
    # is left out instead, and the copy is one run on one diagonal.
    period, hits = 30, []
    for i in range(12):
        pos = 500 + i * 8
        if i % 4 == 3:  # the k-gram whose shape the proprietary file has once, at its start
            postings = [Posting(file_id=1, pos=10, start_line=1, end_line=1)]
        else:
            postings = [
                Posting(file_id=1, pos=100 + r * period + (pos - 500), start_line=r, end_line=r)
                for r in range(8)
            ]
        hits.append(match._Hit(pos, i, i, 0, 0, postings))
    pieces = match._diagonals(hits, 33)
    main = max(pieces, key=lambda piece: len(piece[0]))
    assert len(main[0]) == 9  # every hit but the three off the diagonal
    offsets = {p.pos - h.pos for h, p in zip(*main, strict=True)}
    assert len(offsets) == 1


@settings(max_examples=150, deadline=None)
@given(k=st.integers(1, 30), tokens=st.lists(st.sampled_from("abcdI;N"), max_size=80))
def test_distinct_trigrams_counted_at_once_equal_counting_each_kgram(
    k: int, tokens: list[str]
) -> None:
    expected = [
        len({tuple(tokens[p + i : p + i + 3]) for i in range(k - 2)}) if k >= 3 else k
        for p in range(len(tokens) - k + 1)
    ]
    assert distinct_trigrams(tokens, k) == expected


def test_print_keys_as_an_array_equal_the_set() -> None:
    from openesx_license.ipindex.match import print_key_array, print_keys

    printed = [print_text(p.name, p.read_text(), 12, 4) for p in sorted(ASSETS.glob("**/*.c"))]
    assert sum(len(fp) for fp in printed) > 100
    assert any(fp.names.count(0) < len(fp) for fp in printed)
    assert any(fp.values.count(0) < len(fp) for fp in printed)
    for fp in printed:
        assert print_key_array(fp).tolist() == sorted(print_keys(fp))
    assert print_key_array(FilePrint(path="empty.c")).tolist() == []
