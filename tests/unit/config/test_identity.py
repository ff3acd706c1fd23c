"""[[component]] version, supplier, purl and cpe: read, normalised, every bad value named."""

from __future__ import annotations

import pytest

from openesx_license.config.identity import cpe_problem, normalise_supplier, purl_problem
from openesx_license.config.loader import parse_policy
from openesx_license.errors import PolicyError

HEAD = """schema = 1
[release]
name = "R"
license = "GPL-2.0-only"
"""


def _component(extra: str) -> str:
    return HEAD + f'[[component]]\nname = "zlib"\nclass = "third-party"\npaths = ["z/**"]\n{extra}'


def test_keys_are_read_and_the_supplier_normalised() -> None:
    policy = parse_policy(
        _component(
            'version = "1.2.11"\nsupplier = "zlib project"\n'
            'purl = "pkg:github/madler/zlib@v1.2.11"\n'
            'cpe = "cpe:2.3:a:zlib:zlib:1.2.11:*:*:*:*:*:*:*"\n'
        ),
        source="p.toml",
    )
    identity = policy.components[0].identity
    assert identity.version == "1.2.11"
    assert identity.supplier == "Organization: zlib project"
    assert identity.purl == "pkg:github/madler/zlib@v1.2.11"
    assert identity.cpe_version == "2.3"


def test_every_bad_value_is_named_with_file_table_and_key() -> None:
    text = _component('version = ""\nsupplier = "Company: X"\npurl = "zlib@1.2"\ncpe = "zlib"\n')
    text += '[[component]]\nname = "jsmn"\nclass = "third-party"\npaths = ["j/**"]\nversion = 1\n'
    with pytest.raises(PolicyError) as info:
        parse_policy(text, source="p.toml")
    problems = info.value.problems
    assert "[[component]] #1 'version': must not be empty" in problems
    assert any(
        p.startswith("[[component]] #1 'supplier': expected 'Organization: NAME'") for p in problems
    )
    assert any(
        p.startswith("[[component]] #1 'purl': invalid package URL 'zlib@1.2'") for p in problems
    )
    assert any(p.startswith("[[component]] #1 'cpe': invalid CPE 'zlib'") for p in problems)
    assert any(p.startswith("[[component]] #2 'version':") for p in problems)
    assert str(info.value).startswith("p.toml: [[component]] #1")


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("cpe:2.3:a:zlib:zlib:1.2.11:*:*:*:*:*:*:*", True),
        ("cpe:2.3:a:vendor:prod\\:uct:1.0:*:*:*:*:*:*:*", True),
        ("cpe:2.3:a:zlib:zlib:1.2.11:*:*:*", False),
        ("cpe:/a:zlib:zlib:1.2.11", True),
        ("cpe:/x:zlib", False),
    ],
)
def test_cpe_forms(value: str, ok: bool) -> None:
    assert (cpe_problem(value) is None) is ok


def test_purl_and_supplier_forms() -> None:
    assert purl_problem("pkg:pypi/click@8.1.7") is None
    assert purl_problem("pkg:/nope") is not None
    assert normalise_supplier("Person:  Serge Zaitsev ") == "Person: Serge Zaitsev"
