"""Markers are found however the text around their words is laid out."""

from __future__ import annotations

import pytest

from openesx_license.detect.markers import find_markers, marker_problem

MARKERS = ("VMware Confidential", "Proprietary and Confidential")


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("x\n/* VMware Confidential */\n", 2),
        ("/* VMware\n * Confidential */\n", 1),
        ("// VMware\n// Confidential\n", 1),
        ("#  VMware\n#\tConfidential\n", 1),
        ("vmware  -  CONFIDENTIAL", 1),
        ("VMware-Confidential", 1),
        ("/* VMware */ /* Confidential */", 1),
        ("a\nb\n Proprietary\n * and\n * Confidential\n", 3),
    ],
)
def test_found_across_layout(text: str, line: int) -> None:
    hits = find_markers(text, MARKERS, ())
    assert [h.line for h in hits] == [line]
    assert "\n" not in hits[0].text


@pytest.mark.parametrize(
    "text", ["VMwareConfidential", "VMware; Confidential", "VMware x Confidential"]
)
def test_other_words_between_do_not_match(text: str) -> None:
    assert find_markers(text, MARKERS, ()) == []


def test_one_hit_per_marker_and_line() -> None:
    hits = find_markers("VMware Confidential VMware Confidential\n", MARKERS, ())
    assert len(hits) == 1


@pytest.mark.parametrize("marker", ["", " ", "\t", "--", "*/ //"])
def test_blank_or_wordless_markers_are_refused(marker: str) -> None:
    assert marker_problem(marker)
    assert find_markers("anything -- */ at all", (marker,), ()) == []
