"""File kinds, languages and binary sniffing."""

from __future__ import annotations

import pytest

from openesx_license.inventory.classify import kind_of, language_of, looks_binary
from openesx_license.model import FileKind


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("xen/common/sched.c", FileKind.SOURCE),
        ("xen/include/xen/sched.h", FileKind.HEADER),
        ("tools/Makefile", FileKind.BUILD),
        ("xen/Rules.mk", FileKind.BUILD),
        ("xen/arch/x86/Kconfig", FileKind.BUILD),
        ("COPYING", FileKind.LICENSE),
        ("tools/ocaml/LICENSE", FileKind.LICENSE),
        ("LICENSES/GPL-2.0", FileKind.LICENSE),
        ("debian/copyright", FileKind.LICENSE),
        ("README.md", FileKind.DOC),
        ("docs/misc/xen-command-line.pandoc", FileKind.DOC),
        ("tools/misc/xen.cfg.example", FileKind.OTHER),
    ],
)
def test_kind_from_name(path: str, kind: FileKind) -> None:
    assert kind_of(path, binary=False) is kind


def test_binary_content_wins_over_a_source_name() -> None:
    assert looks_binary(b"\x7fELF\x02\x01\x01\x00\x00\x00")
    assert kind_of("drivers/blob.c", binary=True) is FileKind.BINARY


def test_text_is_not_binary_even_with_latin1_or_utf8() -> None:
    assert not looks_binary("/* (c) Jürgen Groß */\nint x;\n".encode())
    assert not looks_binary("/* (c) J\xfcrgen */\n".encode("latin-1"))
    assert not looks_binary(b"")


@pytest.mark.parametrize(
    ("name", "head", "language"),
    [
        ("sched.c", b"", "C"),
        ("entry.S", b"", "Assembly"),
        ("xl.py", b"", "Python"),
        ("xencov_split", b"#!/usr/bin/env python3\n", "Python"),
        ("mkbuildtree", b"#!/bin/sh\n", "Shell"),
        ("Makefile", b"", "Makefile"),
        ("notes", b"hello", None),
    ],
)
def test_language(name: str, head: bytes, language: str | None) -> None:
    assert language_of(name, head) == language
