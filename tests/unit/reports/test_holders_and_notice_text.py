"""Holder spellings merged with ScanCode's normalisation; the notice a file carries."""

from __future__ import annotations

from pathlib import Path

from openesx_license.model import (
    CopyrightStatement,
    DetectionMethod,
    FileKind,
    FileRecord,
    Holder,
    LicenseDetection,
)
from openesx_license.reports.carried_text import best_carried, carried_text
from openesx_license.reports.holders import holder_key, merge_holders, merged_holders


def test_spellings_of_one_holder_merge() -> None:
    shown = merge_holders(
        [
            "Free Software Foundation, Inc.",
            "the Free Software Foundation",
            "Jean-loup Gailly, Mark Adler",
            "Jean-loup Gailly and Mark Adler",
            "Jean-loup Gailly and Mark Adler",
            "Mark Adler",
            "VMware, Inc.",
        ]
    )
    # ScanCode's canonical name for the FSF
    assert shown["Free Software Foundation, Inc."] == "Free Software Foundation"
    assert shown["the Free Software Foundation"] == "Free Software Foundation"
    # 'and' between names is the comma it stands for; the commonest spelling is shown
    assert shown["Jean-loup Gailly, Mark Adler"] == "Jean-loup Gailly and Mark Adler"
    assert shown["Mark Adler"] == "Mark Adler"  # one author alone is another holder
    assert shown["VMware, Inc."] == "VMware, Inc."
    assert holder_key("VMWARE, INC") == holder_key("VMware, Inc.")


def _rec(path: str, *holders: str, component: str = "zlib") -> FileRecord:
    found = tuple(Holder(holder=h, start_line=1, end_line=1) for h in holders)
    return FileRecord(
        path=path, size=1, sha1="0" * 40, kind=FileKind.SOURCE, component=component, holders=found
    )


def test_merged_holders_count_files_once() -> None:
    rows = merged_holders(
        [
            _rec("a.c", "Free Software Foundation, Inc."),
            _rec("b.c", "the Free Software Foundation", "Free Software Foundation, Inc."),
            _rec("c.c", "Serge Zaitsev", component="jsmn"),
        ]
    )
    fsf = rows[0]
    assert (fsf.name, fsf.files, fsf.components) == ("Free Software Foundation", 2, ("zlib",))
    assert set(fsf.spellings) == {"Free Software Foundation, Inc.", "the Free Software Foundation"}
    assert rows[1].name == "Serge Zaitsev"


MIT_BODY = (
    "Permission is hereby granted, free of charge, to any person obtaining a copy of this "
    'software and associated documentation files (the "Software"), to deal in the Software '
    "without restriction, including without limitation the rights to use, copy, modify."
)


def _licensed(tmp_path: Path, kind: FileKind = FileKind.SOURCE) -> FileRecord:
    (tmp_path / "lib.c").write_text(
        "/*\n"
        " * Copyright (c) 2010 Serge Zaitsev\n"
        " *\n"
        " * Permission is hereby granted, free of charge, to any person obtaining a copy\n"
        " * of this software ... to use, copy, modify.\n"
        " */\n"
        "int x;\n"
    )
    return FileRecord(
        path="lib.c", size=1, sha1="0" * 40, kind=kind,
        detections=(
            LicenseDetection(license_expression="MIT", method=DetectionMethod.SPDX_TAG,
                             start_line=7, end_line=7, matched_text="SPDX-License-Identifier: MIT"),
            LicenseDetection(license_expression="MIT", method=DetectionMethod.LICENSE_TEXT,
                             start_line=4, end_line=5, matched_text=MIT_BODY),
        ),
        copyrights=(CopyrightStatement(statement="Copyright (c) 2010 Serge Zaitsev",
                                       start_line=2, end_line=2),),
    )  # fmt: skip


def test_the_notice_comes_from_the_file_with_its_copyright(tmp_path: Path) -> None:
    carried = carried_text(_licensed(tmp_path), tmp_path)
    assert carried is not None and (carried.start_line, carried.end_line) == (2, 5)
    assert carried.text.splitlines() == [
        "Copyright (c) 2010 Serge Zaitsev",
        "",
        "Permission is hereby granted, free of charge, to any person obtaining a copy",
        "of this software ... to use, copy, modify.",
    ]
    gone = carried_text(_licensed(tmp_path), tmp_path / "missing")
    assert gone is not None and gone.text.startswith("Copyright (c) 2010 Serge Zaitsev\n\n")
    assert gone.text.endswith(MIT_BODY)


def test_a_reference_or_a_tag_is_no_notice(tmp_path: Path) -> None:
    rec = _licensed(tmp_path)
    short = LicenseDetection(
        license_expression="Zlib",
        method=DetectionMethod.LICENSE_TEXT,
        start_line=3,
        end_line=3,
        matched_text="For conditions of distribution and use, see zlib.h",
    )
    only_refs = FileRecord(path="lib.c", size=1, sha1="0" * 40, kind=FileKind.SOURCE,
                           detections=(rec.detections[0], short))  # fmt: skip
    assert carried_text(only_refs, tmp_path) is None
    assert best_carried([only_refs], tmp_path) is None
    assert best_carried([only_refs, rec], tmp_path) is not None
