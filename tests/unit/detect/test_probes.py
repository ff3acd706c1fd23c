"""Exact-only probes of a file's header (issue 16's differential benchmark): licence texts and
rules that open with paragraphs without a licence word, that hold none at all, or that end
with the tag of their own text, as ScanCode reads them in the whole file."""

from __future__ import annotations

from pathlib import Path

import pytest
from licensedcode.models import licenses_data_dir, rules_data_dir

from openesx_license.detect import scan_tree
from openesx_license.detect.blocks import license_blocks, split_lines
from openesx_license.detect.comments import comment_spans
from openesx_license.detect.probes import first_comment, header_probe
from openesx_license.detect.tags import find_tags
from openesx_license.model import ScanResult

GPL_NOTICE = """
 * This program is free software; you can redistribute it and/or modify it
 * under the terms of the GNU General Public License version 2 as published
 * by the Free Software Foundation.
"""
DESCRIBED_GPL = "/*\n * xen/arch/x86/frob.c: the frobnicator\n *" + GPL_NOTICE + " */\nint x;\n"


def _scancode_text(name: str) -> str:
    """A licence (``*.LICENSE``) or rule (``*.RULE``) text as the installed ScanCode ships it."""
    folder = Path(licenses_data_dir if name.endswith(".LICENSE") else rules_data_dir)
    text = (folder / name).read_text(encoding="utf-8")
    if text.startswith("---"):
        text = text.split("---\n", 2)[2]
    return text.replace("{{", "").replace("}}", "").strip("\n") + "\n"


def _in_c(text: str) -> str:
    body = "".join(f" * {line}".rstrip() + "\n" for line in text.splitlines())
    return '#include "config.h"\n\nstatic int counter;\n\n/*\n' + body + " */\n\nint x;\n"


def _probe(text: str, *, code: bool = True):
    lines = split_lines(text)
    blank = frozenset(t.index for t in find_tags(lines))
    blocks = license_blocks(lines, blank, whole=False if code else None)
    return blocks, header_probe(lines, blocks, blank, code=code)


def test_a_header_comment_wholly_in_a_block_needs_no_probe() -> None:
    blocks, probe = _probe("/*" + GPL_NOTICE + " */\nint x;\n")
    assert len(blocks) == 1 and probe is None
    # the block blanks the copyright line that opens it; the probe keeps it (some licence
    # texts are told apart by it)
    header = "/*\n * Copyright (c) 2006 Intel Corporation.\n *" + GPL_NOTICE + " */\nint x;\n"
    blocks, probe = _probe(header)
    assert len(blocks) == 1 and "Intel" not in blocks[0].text
    assert probe is not None and "Intel" in probe.text
    # a tag opening the comment is the file's own: read by the tag path, no probe
    assert _probe("// SPDX-License-Identifier: GPL-2.0\nint x;\n")[1] is None


def test_a_description_left_out_of_the_block_is_probed_with_it() -> None:
    blocks, probe = _probe(DESCRIBED_GPL)
    assert len(blocks) == 1 and "frobnicator" not in blocks[0].text
    assert probe is not None and probe.exact and probe.start == 0
    assert "frobnicator" in probe.text and "GNU General Public License" in probe.text
    assert probe.key != blocks[0].key


def test_a_comment_without_licence_words_is_probed_only_as_the_first_comment() -> None:
    code = "/* AFPL Ghostscript */\nint x;\n/* Parity-7.0 */\n"
    blocks, probe = _probe(code)
    assert blocks == [] and probe is not None and probe.text == "/* AFPL Ghostscript */"
    assert _probe("int x;\n")[1] is None


def test_a_licence_file_with_a_tag_inside_is_probed_and_others_are_not() -> None:
    text = _scancode_text("csl-1.0.LICENSE")
    assert text.rstrip().endswith("SPDX-License-Identifier: CC-BY-4.0")
    _, probe = _probe(text, code=False)
    assert probe is not None and "SPDX-License-Identifier: CC-BY-4.0" in probe.text
    assert _probe(_scancode_text("mit.LICENSE"), code=False)[1] is None
    # a file read whole sends its copyright lines itself: nothing for a probe to add
    owned = "Copyright (c) 2010 Acme Inc.\n\n" + _scancode_text("mit.LICENSE")
    blocks, probe = _probe(owned, code=False)
    assert "Acme" in blocks[0].text and probe is None


CASES = {
    # the first paragraph ("<Font Name> is a Reserved Font Name ...") has no licence word;
    # without it the text is plain OFL-1.0
    "ofl/main.c": (_in_c(_scancode_text("ofl-1.0-rfn.LICENSE")), "OFL-1.0-RFN"),
    # "This file is part of bzip2/libbzip2 ..." opens the rule
    "bzip2/main.c": (_in_c(_scancode_text("bzip2-libbzip-2010_16.RULE")), "bzip2-1.0.6"),
    # no licence word, phrase, URL or multi-part id at all
    "afpl/main.c": (_in_c("AFPL Ghostscript"), "LicenseRef-scancode-afpl-9.0"),
    # a licence text in Japanese
    # told apart from a generic notice by its copyright lines, which blocks blank
    "loop/main.c": (_in_c(_scancode_text("loop.LICENSE")), "LOOP"),
    # a licence text in a document whose licence words cover less than half of its lines
    "llama/plain.txt": (
        _scancode_text("llama-4-license-2025.LICENSE"),
        "LicenseRef-scancode-llama-4-license-2025",
    ),
    "nysl/main.c": (
        _in_c(_scancode_text("nysl-0.9982-jp.LICENSE")),
        "LicenseRef-scancode-nysl-0.9982-jp",
    ),
    # the text's last line is the tag of its own text, which ScanCode's rule includes
    "csl/LICENSE": (_scancode_text("csl-1.0.LICENSE"), "Community-Spec-1.0"),
    "csl-in-c/main.c": (_in_c(_scancode_text("csl-1.0.LICENSE")), "Community-Spec-1.0"),
    # a probe of an ordinary header changes nothing
    "described/frob.c": (DESCRIBED_GPL, "GPL-2.0-only"),
    # our tag reader, not ScanCode's, reads the tags of a probe (a LicenseRef it does not know
    # is not 'unknown-spdx')
    "tagged/main.c": (
        "/*\n * frob.c: the frobnicator\n * SPDX-License-Identifier: LicenseRef-Acme-1.0\n"
        " */\nint x;\n",
        "LicenseRef-Acme-1.0",
    ),
}


@pytest.fixture(scope="module")
def probe_scan(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    """The cases scanned by the real engine (jobs=1, no cache)."""
    root = tmp_path_factory.mktemp("probes")
    for path, (text, _) in CASES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return scan_tree(root, jobs=1, use_cache=False, progress=False)


@pytest.mark.parametrize("path", sorted(CASES))
def test_probed_headers_read_as_scancode_reads_the_whole_file(
    probe_scan: ScanResult, path: str
) -> None:
    record = next(f for f in probe_scan.files if f.path == path)
    assert record.detected_license_expression == CASES[path][1]


@pytest.mark.parametrize("before", [0, 10, 63, 64, 200])
@pytest.mark.parametrize("length", [1, 2, 70, 300])
def test_first_comment_read_from_the_head_equals_the_whole_files(before: int, length: int) -> None:
    lines = ["int x;"] * before + ["/*"] + [" * text"] * length + [" */"] + ["int y;", "/* b */"]
    assert first_comment(lines) == comment_spans(lines)[0]
    hashed = ["x = 1"] * before + ["# text"] * length + ["y = 2", "# other"]
    assert first_comment(hashed) == comment_spans(hashed)[0]
