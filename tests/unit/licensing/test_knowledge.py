"""The licence tables themselves: they load, every entry cites a source, they cover the ids of
the real trees, agree with ScanCode's licence DB where they should, and a broken file is
reported with every problem named."""

from __future__ import annotations

import re
from pathlib import Path

import licensedcode
import pytest

from openesx_license.errors import PolicyError
from openesx_license.licensing import CATEGORIES, LicenseKnowledge, parse_expression
from openesx_license.resources import rules_file

ASSETS = Path(__file__).parents[2] / "assets" / "licensing"

#: ScanCode licence DB category -> the categories of ours that agree with it
SCANCODE_AGREES = {
    "Permissive": {"permissive", "public-domain"},
    "Public Domain": {"public-domain", "permissive"},
    "Copyleft": {"strong-copyleft", "network-copyleft"},
    "Copyleft Limited": {"weak-copyleft"},
    "Proprietary Free": {"proprietary"},
    "Commercial": {"proprietary"},
    "Source-available": {"proprietary"},  # not free: never part of an open release
    "CLA": {"permissive"},
    "Patent License": {"permissive"},
    "Unstated License": {"permissive", "unknown"},
}
#: where we deliberately differ from ScanCode, and why
DELIBERATE = {
    # share-alike covers the whole adapted work (CC BY-SA 4.0 §3(b)): strong, not limited
    "CC-BY-SA-3.0": "strong-copyleft",
    "CC-BY-SA-4.0": "strong-copyleft",
    # EUPL-1.2 §2/§5: copyleft on Derivative Works, like the GPL (FSF lists it as copyleft)
    "EUPL-1.2": "strong-copyleft",
    # only ever next to a GPL licence, which governs; the notice adds no condition
    "LicenseRef-scancode-gpl-generic-additional-terms": "permissive",
    # 'some copyleft': its terms must be read before anything can be said
    "LicenseRef-scancode-other-copyleft": "unknown",
    # a terminating patent grant (ASF Category X): legal decides, the tool does not
    "LicenseRef-scancode-facebook-patent-rights-2": "unknown",
}


@pytest.fixture(scope="module")
def knowledge() -> LicenseKnowledge:
    return LicenseKnowledge.load()


def _scancode_categories() -> dict[str, str]:
    folder = Path(licensedcode.__file__).parent / "data" / "licenses"
    out: dict[str, str] = {}
    for path in folder.glob("*.LICENSE"):
        head = path.read_text(encoding="utf-8", errors="replace")[:3000]
        category = re.search(r"^category:\s*(.+)$", head, re.M)
        spdx = re.search(r"^spdx_license_key:\s*(\S+)", head, re.M)
        if category is None:
            continue
        out[f"licenseref-scancode-{path.stem}"] = category.group(1).strip()
        if spdx:
            out[spdx.group(1).lower()] = category.group(1).strip()
    return out


def test_every_entry_has_a_category_and_a_source(knowledge: LicenseKnowledge) -> None:
    assert len(knowledge.license_ids()) >= 85
    for license_id in knowledge.license_ids():
        entry = knowledge.entry(license_id)
        assert entry is not None and entry.category in CATEGORIES
        assert entry.source.strip(), license_id


def test_categories_agree_with_scancode(knowledge: LicenseKnowledge) -> None:
    scancode = _scancode_categories()
    disagreements = {}
    checked = 0
    for license_id in knowledge.license_ids():
        theirs = scancode.get(license_id.lower())
        if theirs is None:
            continue
        checked += 1
        ours = knowledge.category(license_id)
        if license_id in DELIBERATE:
            assert ours == DELIBERATE[license_id]
        elif ours not in SCANCODE_AGREES.get(theirs, set()):
            disagreements[license_id] = (ours, theirs)
    assert checked >= 80
    assert disagreements == {}


def test_the_ids_of_the_real_trees_are_known(knowledge: LicenseKnowledge) -> None:
    lines = (ASSETS / "tree-license-ids.txt").read_text(encoding="utf-8").splitlines()
    expressions = [line.split("#")[0].strip() for line in lines]
    ids = {k for e in expressions if e for k in parse_expression(e).license_keys()}
    assert len(ids) >= 45
    unknown = sorted(i for i in ids if not knowledge.knows(i))
    assert unknown == []


@pytest.mark.parametrize(
    ("spelling", "canonical", "category"),
    [
        ("GPL-2", "GPL-2.0-only", "strong-copyleft"),  # debian/copyright
        ("GPL-2+", "GPL-2.0-or-later", "strong-copyleft"),
        ("Expat", "MIT", "permissive"),
        ("bsd-3-clause", "BSD-3-Clause", "permissive"),
        ("XEN-MISC-PUBLIC-DOMAIN-VMAC", "LicenseRef-scancode-public-domain", "public-domain"),
        ("LicenseRef-VMware-Proprietary", "LicenseRef-VMware-Proprietary", "proprietary"),
        ("LicenseRef-scancode-intel-confidential", None, "proprietary"),
        ("MPL-2.0", "MPL-2.0", "weak-copyleft"),
        ("AGPL-3.0-or-later", "AGPL-3.0-or-later", "network-copyleft"),
        ("CC0-1.0", "CC0-1.0", "public-domain"),
    ],
)
def test_aliases_and_patterns(
    knowledge: LicenseKnowledge, spelling: str, canonical: str | None, category: str
) -> None:
    assert knowledge.knows(spelling)
    if canonical:
        assert knowledge.canonical(spelling) == canonical
    assert knowledge.category(spelling) == category


def test_unknown_ids(knowledge: LicenseKnowledge) -> None:
    assert not knowledge.knows("LicenseRef-acme-special")
    assert knowledge.category("LicenseRef-acme-special") == "unknown"
    assert knowledge.category("LicenseRef-scancode-unknown-license-reference") == "unknown"
    assert knowledge.knows("LicenseRef-scancode-unknown-license-reference")


def test_or_later_versions(knowledge: LicenseKnowledge) -> None:
    assert knowledge.versions("GPL-2.0-or-later") == ("GPL-2.0-only", "GPL-3.0-only")
    assert knowledge.versions("GPL-2.0-only") == ()


def test_graph_edge_kinds_map(knowledge: LicenseKnowledge) -> None:
    assert knowledge.edge_kind(None) == "copy"
    assert knowledge.edge_kind("include") == "include"
    assert knowledge.edge_kind("link") == "static-link"
    assert knowledge.edge_kind("import") == "dynamic-link"
    with pytest.raises(ValueError, match="unknown edge kind"):
        knowledge.edge_kind("telepathy")


def test_a_broken_table_lists_every_problem(tmp_path: Path) -> None:
    licenses = tmp_path / "licenses.toml"
    licenses.write_text(
        'schema = 1\n[license."A"]\ncategory = "sort-of-free"\nsource = "x"\n'
        '[license."B"]\ncategory = "permissive"\n'
        '[license."C"]\ncategory = "permissive"\nsource = "x"\nversions = ["Z"]\n',
        encoding="utf-8",
    )
    with pytest.raises(PolicyError) as err:
        LicenseKnowledge.load(licenses, rules_file("compatibility.toml"))
    text = str(err.value)
    assert '[license."A"]' in text and "category" in text
    assert '[license."B"]' in text and "'source' is required" in text
    assert "version 'Z'" in text


def test_a_broken_compatibility_row_is_named(tmp_path: Path) -> None:
    compat = tmp_path / "compatibility.toml"
    compat.write_text(
        '[aggregation]\nsource = "x"\n'
        '[inbound."MIT"]\n"GPL-2.0-only" = { allowed = "yes", source = "x" }\n'
        '"Apache-2.0" = { allowed = true }\n'
        '[inbound."NoSuch-1.0"]\n"*" = { allowed = true, source = "x" }\n',
        encoding="utf-8",
    )
    with pytest.raises(PolicyError) as err:
        LicenseKnowledge.load(rules_file("licenses.toml"), compat)
    text = str(err.value)
    assert str(compat) in text
    assert '[inbound."MIT"] "GPL-2.0-only": \'allowed\' must be true or false' in text
    assert '[inbound."MIT"] "Apache-2.0": \'source\' is required' in text
    assert '[inbound."NoSuch-1.0"]' in text


def test_invalid_toml_is_a_policy_error(tmp_path: Path) -> None:
    bad = tmp_path / "licenses.toml"
    bad.write_text("[license\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="not valid TOML"):
        LicenseKnowledge.load(bad, rules_file("compatibility.toml"))
