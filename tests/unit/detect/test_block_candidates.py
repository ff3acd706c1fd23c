"""The whole-text pre-filter of block cutting keeps every line the exact tests would keep."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from openesx_license.detect.blocks import (
    LICENCE_PHRASES,
    LICENCE_WORDS,
    _split_phrase,
    candidate_lines,
    is_license_line,
    license_blocks,
    license_ids,
    split_lines,
)
from openesx_license.detect.prepare import read_text

ASSETS = Path(__file__).resolve().parents[2] / "assets"

#: one example of each top-level alternative of LICENCE_PHRASES, in its order
PHRASE_EXAMPLES = [
    "put into the Public - Domain",
    "PROVIDED AS-IS",
    'the code is "as is" here',
    "Developer's Certificate of Origin",
    "is Free   Software",
    "you may choose any one of",
    "a choice of one of the following",
    "the terms and conditions of service",
]


def _exact(lines: list[str]) -> list[int]:
    return [i for i, line in enumerate(lines) if is_license_line(line) or _split_phrase(lines, i)]


def _top_level_alternatives(pattern: str) -> list[str]:
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


def test_every_licence_phrase_alternative_has_an_example() -> None:
    # a new alternative needs a needle in blocks._PHRASE_NEEDLES, and an example here
    alternatives = _top_level_alternatives(LICENCE_PHRASES.pattern)
    assert len(alternatives) == len(PHRASE_EXAMPLES)
    for example in PHRASE_EXAMPLES:
        assert LICENCE_PHRASES.search(example), example


def _phrase_lines(seed: int) -> list[str]:
    """Code lines with each phrase whole, split at every space, in other cases."""
    rng = random.Random(seed)
    lines = ["int x = 1;", "/*"]
    for example in PHRASE_EXAMPLES:
        quotes = [example.replace('"', q) for q in "'`"]
        variants = [example, example.upper(), example.lower(), *quotes]
        for text in variants:
            lines.append(f" * {text}")
            words = text.split(" ")
            for cut in range(1, len(words)):
                lines += [f" * {' '.join(words[:cut])}", f" * {' '.join(words[cut:])} tail"]
                lines += [f"x {' '.join(words[:cut])}", f"// {' '.join(words[cut:])}"]
            lines.append(rng.choice(["", " *", "kfree(p);", "écrit par Jörn"]))
    return [*lines, " */"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_candidates_cover_split_and_whole_phrases(seed: int) -> None:
    lines = _phrase_lines(seed)
    assert set(_exact(lines)) <= set(candidate_lines(lines))


def test_candidates_cover_every_licence_word_and_id() -> None:
    rng = random.Random(20)
    lines = ["int x;"]
    for word in sorted(LICENCE_WORDS):
        lines += [f"foo({word.upper()}, bar);", f"x_{word}_y = 1;", "y = 2;"]
    for spdx in rng.sample(sorted(license_ids()), 300):
        lines += [f"licenseId: {spdx}.", f"({spdx.upper()})", "z = 3;"]
    lines += ["see HTTP://example.org", "www.example.com.", "foo.gov/x", "LGPLv2+", "GFDLx"]
    exact = _exact(lines)
    assert len(exact) > 800
    assert set(exact) <= set(candidate_lines(lines))


def test_a_plain_code_file_has_almost_no_candidate() -> None:
    lines = ["int main(void)", "{", "\treturn kfree(domain);", "}"] * 50
    assert candidate_lines(lines) == []


def test_non_ascii_lines_are_kept_with_the_line_before() -> None:
    lines = ["int x;", "int y;", "/* écrit */", "int z;"]
    assert list(candidate_lines(lines)) == [1, 2]


def test_candidates_cover_every_text_asset() -> None:
    checked = 0
    for path in sorted(ASSETS.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        text, _ = read_text(str(path), path.stat().st_size)
        lines = split_lines(text)
        assert set(_exact(lines)) <= set(candidate_lines(lines)), path
        checked += 1
    assert checked > 50


def test_blocks_are_cut_from_the_candidates_only() -> None:
    lines = ["/*", " * Released into the public", " * domain by its author.", " */", "int x;"]
    assert [b.start for b in license_blocks(lines, whole=False)] == [1]
