"""The scoring halves of the differential and DEP-5 benchmarks (bench/), on small inputs."""

from __future__ import annotations

import json
from pathlib import Path

from bench.dep5 import (
    contradicts,
    debian_id,
    family,
    header_families,
    parse_dep5,
    split_ids,
    stanza_of,
)
from bench.dep5 import score as dep5_score
from bench.differential import Sample, in_c_comment, score

DEP5 = """Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: t

Files: *
Copyright: 2004 Someone
License: GPL-2

Files: lib/* include/lib.h
Copyright: 2005 Other
License: LGPL-2.1+ or BSD-3-clause

Files: lib/pd.c
License: XEN-MISC-PUBLIC-DOMAIN-FOO
 This file is in the public domain.

License: GPL-2
 On Debian systems ...
"""


def test_dep5_stanzas_last_match_wins_and_names_map_to_spdx() -> None:
    stanzas = parse_dep5(DEP5)
    assert [s.license for s in stanzas] == [
        "GPL-2",
        "LGPL-2.1+ or BSD-3-clause",
        "XEN-MISC-PUBLIC-DOMAIN-FOO",
    ]
    assert stanzas[1].ids == {"LGPL-2.1-or-later", "BSD-3-Clause"}
    assert stanza_of("lib/pd.c", stanzas) is stanzas[2]
    assert stanza_of("lib/sub/x.c", stanzas) is stanzas[1]  # "*" crosses folders
    assert stanza_of("README", stanzas) is stanzas[0]
    assert (debian_id("GPL-2+"), debian_id("Expat")) == ("GPL-2.0-or-later", "MIT")
    assert family("LicenseRef-scancode-public-domain") == "public-domain"
    assert family("GPL-1.0-or-later") == family("GPL-2.0-only") == "GPL"


def test_dep5_score_counts_family_and_exact_matches(tmp_path: Path) -> None:
    (tmp_path / "debian").mkdir()
    (tmp_path / "debian" / "copyright").write_text(DEP5)
    ours = {
        "files": [
            {"path": "a.c", "kind": "source", "license_expression": "GPL-2.0-only"},
            {
                "path": "lib/b.c",
                "kind": "source",
                "license_expression": "LGPL-2.1-or-later OR BSD-3-Clause",
            },  # fmt: skip
            {"path": "lib/pd.c", "kind": "source", "license_expression": None},
        ]
    }
    theirs = {
        "files": [
            {"path": "t/a.c", "type": "file", "detected_license_expression_spdx": None},
            {
                "path": "t/lib/b.c",
                "type": "file",
                "detected_license_expression_spdx": "LGPL-2.1-only",
            },  # fmt: skip
            {
                "path": "t/lib/pd.c",
                "type": "file",
                "detected_license_expression_spdx": "LicenseRef-scancode-public-domain",
            },  # fmt: skip
        ]
    }
    result = dep5_score(tmp_path, json.loads(json.dumps(ours)), theirs)
    all_files, specific = result["shares"]["all"], result["shares"]["specific"]
    assert all_files["files"] == 3 and specific["files"] == 2
    assert all_files["ours_exact"] == round(2 / 3, 4)
    assert specific["scancode_family"] == 0.5  # the public-domain file, not the LGPL-only one
    assert specific["scancode_exact"] == 0.5  # Debian's public domain is ScanCode's id
    assert [(m["path"], m["family"]) for m in result["ours_misses"]] == [("lib/pd.c", False)]
    assert result["tree_shares"]["all"]["files"] == 3


LGPL_HEADER = """\
/******************************************************************************
 * xc_domain.c
 *
 * API for manipulating and obtaining information on domains.
 *
 * This library is free software; you can redistribute it and/or
 * modify it under the terms of the GNU Lesser General Public
 * License as published by the Free Software Foundation;
 * version 2.1 of the License.
 */
#include "xc_private.h"
"""

DUAL_HEADER = """\
/*
 * Copyright (C) 2000 - 2008, Intel Corp.
 * All rights reserved.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * Alternatively, this software may be distributed under the terms of the
 * GNU General Public License ("GPL") version 2 as published by the Free
 * Software Foundation.
 */
"""


def test_dep5_a_header_contradicts_a_stanza_when_its_families_differ() -> None:
    stanzas = parse_dep5(DEP5)
    families, evidence = header_families(LGPL_HEADER)
    # found across comment lines, with the line it starts on
    assert families == {"LGPL"} and evidence == [(7, "GNU Lesser General Public License")]
    assert contradicts(families, stanzas[0])  # Files: * is GPL-2
    dual, _ = header_families(DUAL_HEADER)
    assert dual == {"BSD", "GPL"} and contradicts(dual, stanzas[0])
    tagged, said = header_families("# SPDX-License-Identifier: GPL-2.0-or-later\n")
    assert tagged == {"GPL"} and said == [(1, "SPDX-License-Identifier: GPL-2.0-or-later")]
    assert not contradicts(tagged, stanzas[0])  # the same family, another version: consistent
    # no licence in the header: never a contradiction
    assert not contradicts(header_families("int main(void) { return 0; }\n")[0], stanzas[0])


def test_dep5_scores_again_without_the_files_whose_header_the_stanza_contradicts(
    tmp_path: Path,
) -> None:
    (tmp_path / "debian").mkdir()
    (tmp_path / "debian" / "copyright").write_text(DEP5)
    (tmp_path / "a.c").write_text(LGPL_HEADER)
    (tmp_path / "b.c").write_text("int b;\n")
    (tmp_path / "README").write_text("The GNU Lesser General Public License covers lib/.\n")
    ours = {
        "files": [
            {"path": "a.c", "kind": "source", "license_expression": "LGPL-2.1-only"},
            {"path": "b.c", "kind": "source", "license_expression": "GPL-2.0-only"},
            {"path": "README", "kind": "doc", "license_expression": "LGPL-2.1-only"},
        ]
    }
    theirs = {"files": []}
    result = dep5_score(tmp_path, ours, theirs)
    # a.c's own header says LGPL where Debian says GPL-2; a document's prose is no header
    assert [e["path"] for e in result["excluded"]] == ["a.c"]
    shares = result["tree_shares"]
    assert shares["all"]["files"] == 3 and shares["all"]["ours_family"] == round(1 / 3, 4)
    assert shares["all-consistent"]["files"] == 2
    assert shares["all-consistent"]["ours_family"] == 0.5


def test_dep5_a_disclaimer_beside_a_licence_is_no_licence_family() -> None:
    assert split_ids("GPL-2.0-only AND LicenseRef-scancode-warranty-disclaimer")[0] == {
        "GPL-2.0-only"
    }
    # alone, it stays (a file with nothing else is not made to look licensed)
    assert split_ids("LicenseRef-scancode-warranty-disclaimer")[0] == {
        "LicenseRef-scancode-warranty-disclaimer"
    }


def test_dep5_ids_drop_implied_ids_and_keep_exceptions_apart() -> None:
    # a generic "GPL" beside "GPL v2" is implied by it; different versions are not
    assert split_ids("GPL-1.0-or-later AND GPL-2.0-only") == ({"GPL-2.0-only"}, set())
    assert split_ids("GPL-2.0-only AND GPL-3.0-only")[0] == {"GPL-2.0-only", "GPL-3.0-only"}
    assert split_ids("GPL-1.0-or-later OR GPL-2.0-only")[0] == {
        "GPL-1.0-or-later",
        "GPL-2.0-only",
    }
    # an exception is an id (exact) but not a licence family
    assert split_ids("GPL-2.0-only WITH Linux-syscall-note") == (
        {"GPL-2.0-only"},
        {"Linux-syscall-note"},
    )


def test_differential_score_lists_where_only_scancode_is_exact() -> None:
    samples = [
        Sample(path="t/1/a.c", category="spdx-known", truth="MIT AND NCSA", source="tag"),
        Sample(path="t/2/a.c", category="spdx-known", truth="MIT", source="tag"),
    ]
    ours = {"t/1/a.c": "NCSA AND MIT", "t/2/a.c": None}
    theirs = {"t/1/a.c": "MIT AND NCSA", "t/2/a.c": "MIT"}
    result = score(samples, ours, theirs)
    cat = result["categories"]["spdx-known"]
    assert (cat["ours_exact"], cat["scancode_exact"], cat["agree"]) == (1, 2, 1)
    assert [loss["path"] for loss in result["scancode_right_ours_wrong"]] == ["t/2/a.c"]


def test_a_text_in_a_c_comment_cannot_close_it_early() -> None:
    code = in_c_comment("a */ b\nc")
    assert code.count("*/") == 1 and " * a * / b" in code and "int main" in code


def test_an_exception_joined_by_with_or_and_counts_apart_and_only_for_exceptions() -> None:
    samples = [
        Sample(path="r/1/plain.txt", category="rule-text",
               truth="GPL-2.0-or-later AND Bootloader-exception", source="rule"),
        Sample(path="r/2/plain.txt", category="rule-text", truth="GPL-2.0-only AND MIT",
               source="rule"),
        Sample(path="r/3/main.c", category="rule-text",
               truth="GPL-2.0-only WITH Classpath-exception-2.0",
               source="rule"),
    ]  # fmt: skip
    ours = {"r/1/plain.txt": "GPL-2.0-or-later WITH Bootloader-exception",
            "r/2/plain.txt": "GPL-2.0-only WITH MIT",
            "r/3/main.c": "GPL-2.0-only WITH Classpath-exception-2.0"}  # fmt: skip
    theirs = {"r/1/plain.txt": "GPL-2.0-or-later AND Bootloader-exception",
              "r/2/plain.txt": "GPL-2.0-only AND MIT",
              "r/3/main.c": "GPL-2.0-only AND Classpath-exception-2.0"}  # fmt: skip
    exceptions = frozenset({"bootloader-exception", "classpath-exception-2.0"})
    strict = score(samples, ours, theirs)["categories"]["rule-text"]
    assert (strict["ours_exact"], strict["scancode_exact"]) == (1, 2)
    result = score(samples, ours, theirs, exceptions)
    cat = result["categories"]["rule-text"]
    # MIT is no exception: WITH MIT stays wrong
    assert (cat["ours_exact"], cat["scancode_exact"], cat["agree"]) == (2, 3, 2)
    assert (cat["ours_with_as_and"], cat["scancode_with_as_and"]) == (1, 1)
    assert [x["path"] for x in result["scancode_right_ours_wrong"]] == ["r/2/plain.txt"]
    assert [x["path"] for x in result["with_as_and"]] == ["r/1/plain.txt", "r/3/main.c"]
