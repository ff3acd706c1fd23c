"""Policy validation: every failure mode is reported with the table, the key and what was
expected; all problems of one file come at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from openesx_license.checks.registry import all_checks
from openesx_license.config.loader import load_policy, parse_policy
from openesx_license.config.model import ComponentClass, RuleType
from openesx_license.errors import PolicyError
from openesx_license.model import Severity
from openesx_license.resources import rules_file

GOOD = """
schema = 1

[release]
name = "OpenESX"
license = "GPL-2.0-only"

[[component]]
name = "vmkernel"
class = "open"
license = "GPL-2.0-only"
paths = ["vmkernel/**", "include/vmkernel/**"]

[[component]]
name = "vmotion"
class = "proprietary"
paths = ["vmotion/**"]

[[rule]]
name = "open-must-not-reach-proprietary"
type = "forbidden"
from = { class = "open" }
to = { class = "proprietary" }
edges = ["include", "link"]
severity = "warning"
"""


def problems(text: str) -> list[str]:
    """The problems PolicyError reports for ``text`` (the test fails when it loads)."""
    with pytest.raises(PolicyError) as info:
        parse_policy(text, source="policy.toml", rule_ids=all_checks())
    assert str(info.value).startswith("policy.toml: ")
    return info.value.problems


def test_good_policy_loads_into_models() -> None:
    policy = parse_policy(GOOD, source="policy.toml")
    assert policy.release.license == "GPL-2.0-only"
    assert [c.name for c in policy.components] == ["vmkernel", "vmotion"]
    assert policy.components[1].component_class is ComponentClass.PROPRIETARY
    rule = policy.rules[0]
    assert rule.type is RuleType.FORBIDDEN
    assert rule.source.component_class is ComponentClass.OPEN
    assert rule.target.component_class is ComponentClass.PROPRIETARY
    assert rule.edges == ("include", "link")
    assert rule.severity is Severity.WARNING
    assert rule.transitive is True and rule.waivable is False


def test_missing_key() -> None:
    text = GOOD.replace('name = "vmotion"\n', "")
    assert problems(text) == ["[[component]] #2 'name': missing required key"]


def test_unknown_key_suggests_nearest() -> None:
    text = GOOD.replace("transitive = true\n", "").replace("edges =", "egdes =")
    (msg,) = problems(text)
    assert msg.startswith("[[rule]] #1 'egdes': unknown key (did you mean 'edges'?)")


def test_unknown_top_level_table() -> None:
    (msg,) = problems(GOOD + "\n[marker]\nproprietary = ['x']\n")
    assert msg.startswith("top level 'marker': unknown key (did you mean 'markers'?)")


def test_bad_glob() -> None:
    text = GOOD.replace('paths = ["vmotion/**"]', 'paths = ["vmotion**"]')
    assert problems(text) == [
        "[[component]] #2 'paths'[0]: glob 'vmotion**': '**' must be a whole path segment "
        "(e.g. 'dir/**/x.c')"
    ]


def test_empty_paths() -> None:
    text = GOOD.replace('paths = ["vmotion/**"]', "paths = []")
    assert problems(text) == ["[[component]] #2 'paths': must not be empty"]


def test_unknown_component_in_rule() -> None:
    text = GOOD.replace('to = { class = "proprietary" }', 'to = { component = "vmotoin" }')
    assert problems(text) == [
        "[[rule]] #1 'to': unknown component 'vmotoin'; known components: vmkernel, vmotion"
    ]


def test_bad_spdx_id() -> None:
    text = GOOD.replace('license = "GPL-2.0-only"\npaths', 'license = "GPL-2.0-onyl"\npaths')
    assert problems(text) == [
        "[[component]] #1 'license': unknown SPDX license id(s) GPL-2.0-onyl in 'GPL-2.0-onyl'"
    ]


def test_license_ref_is_allowed() -> None:
    text = GOOD.replace(
        'paths = ["vmotion/**"]',
        'license = "LicenseRef-VMware-Proprietary"\npaths = ["vmotion/**"]',
    )
    policy = parse_policy(text, source="policy.toml")
    assert policy.components[1].license == "LicenseRef-VMware-Proprietary"


def test_wrong_type() -> None:
    text = GOOD.replace('severity = "warning"', "severity = 3").replace(
        "edges = [", "transitive = 'yes'\nedges = ["
    )
    assert problems(text) == [
        "[[rule]] #1 'severity': expected string, got integer",
        "[[rule]] #1 'transitive': expected boolean, got string",
    ]


def test_every_problem_at_once() -> None:
    text = (
        GOOD.replace('class = "proprietary"', 'class = "secret"', 1)
        .replace('edges = ["include", "link"]', 'edges = ["inclde"]')
        .replace('name = "OpenESX"\n', "")
    )
    assert problems(text) == [
        "[release] 'name': missing required key",
        "[[component]] #2 'class': expected one of open, proprietary, third-party, got 'secret'",
        "[[rule]] #1 'edges'[0]: unknown edge kind 'inclde'; expected one of include, link, "
        "symbol, import, copy",
    ]


def test_duplicate_component_name() -> None:
    text = GOOD.replace('name = "vmotion"', 'name = "vmkernel"')
    assert problems(text) == [
        "[[component]] #2 'name': duplicate component 'vmkernel' (also [[component]] #1)"
    ]


def test_toml_syntax_error_names_the_line() -> None:
    (msg,) = problems(GOOD + "\n[graph\ninclude_dirs = []\n")
    line = GOOD.count("\n") + 2  # the '[graph' line
    assert msg.startswith("TOML syntax error:") and f"(at line {line}, column 7)" in msg


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as info:
        load_policy(tmp_path / "nope.toml")
    assert str(info.value) == f"{tmp_path / 'nope.toml'}: policy file not found"


def test_waiver_needs_reason_and_known_rule() -> None:
    text = GOOD + (
        "\n[[waiver]]\nrule = 'unmaped-file'\npath = 'x/**'\nreason = ' '\n"
        "\n[[waiver]]\nrule = 'unmapped-file'\npath = 'x/**'\n"
    )
    assert problems(text) == [
        "[[waiver]] #1 'rule': unknown rule id 'unmaped-file' (did you mean 'unmapped-file'?)",
        "[[waiver]] #1 'reason': must not be empty: say why this is accepted",
        "[[waiver]] #2 'reason': missing required key",
    ]


def test_waiver_loads_with_date() -> None:
    text = GOOD + (
        "\n[[waiver]]\nrule = 'unmapped-file'\npath = 'x/**'\nreason = 'vendored'\n"
        "owner = 'legal@openesx.org'\nexpires = 2027-06-30\n"
    )
    (waiver,) = parse_policy(text, source="policy.toml").waivers
    assert waiver.expires == dt.date(2027, 6, 30) and waiver.index == 1


def test_layers_and_protected_rules() -> None:
    text = GOOD + (
        "\n[[rule]]\nname = 'only-api'\ntype = 'protected'\nto = { component = 'vmotion' }\n"
        "facades = ['vmotion/api/**']\n"
        "\n[[rule]]\nname = 'stack'\ntype = 'layers'\nlayers = ['vmotion', 'vmkernel']\n"
    )
    policy = parse_policy(text, source="policy.toml")
    assert policy.rules[1].facades == ("vmotion/api/**",)
    assert policy.rules[2].layers == ("vmotion", "vmkernel")
    bad = GOOD + "\n[[rule]]\nname = 's'\ntype = 'layers'\nlayers = ['vmkernel', 'ha']\n"
    assert problems(bad) == [
        "[[rule]] #2 'layers': unknown component 'ha'; known components: vmkernel, vmotion"
    ]


def test_shipped_policies_load() -> None:
    assert load_policy(None).components[0].paths == ("**",)
    policy = load_policy(rules_file("openesx.toml"))
    assert {c.component_class for c in policy.components} == set(ComponentClass)


def test_top_level_key_inside_a_table_is_explained() -> None:
    (msg,) = problems(GOOD.replace("[release]", "[release]\nexclude = ['build/**']"))
    assert msg.startswith(
        "[release] 'exclude': unknown key (a top-level key: move it above the first [table]"
    )


def test_copied_code_sizes_load_and_must_be_positive() -> None:
    policy = parse_policy(
        GOOD + "\n[copied_code]\nmin_tokens = 60\nmin_tokens_with_values = 30\n",
        source="policy.toml",
    )
    assert (policy.copied_code.min_tokens, policy.copied_code.min_tokens_with_values) == (60, 30)
    assert parse_policy(GOOD, source="p.toml").copied_code.min_tokens_with_values == 25
    (msg,) = problems(GOOD + "\n[copied_code]\nmin_tokens_with_values = 0\n")
    assert msg.startswith("[copied_code] 'min_tokens_with_values': must be a positive integer")
    (msg,) = problems(GOOD + "\n[copied_code]\nmin_tokens_with_value = 30\n")
    assert "did you mean 'min_tokens_with_values'?" in msg
    assert parse_policy(GOOD, source="p.toml").copied_code.min_tokens_with_other_values == 60
    other = parse_policy(GOOD + "\n[copied_code]\nmin_tokens_with_other_values = 80\n", source="p")
    assert other.copied_code.min_tokens_with_other_values == 80
    assert parse_policy(GOOD, source="p.toml").copied_code.min_tokens_with_names == 25
    names = parse_policy(GOOD + "\n[copied_code]\nmin_tokens_with_names = 40\n", source="p")
    assert names.copied_code.min_tokens_with_names == 40
    (msg,) = problems(GOOD + "\n[copied_code]\nmin_tokens_with_names = 'few'\n")
    assert msg.startswith("[copied_code] 'min_tokens_with_names'")


def test_reports_table_sets_the_redaction_default() -> None:
    assert parse_policy(GOOD, source="p.toml").reports.redact_proprietary is False
    on = parse_policy(GOOD + "\n[reports]\nredact_proprietary = true\n", source="p.toml")
    assert on.reports.redact_proprietary is True
    assert problems(GOOD + "\n[reports]\nredact_proprietary = 'yes'\n") == [
        "[reports] 'redact_proprietary': expected boolean, got string"
    ]
    assert problems(GOOD + "\n[reports]\nredact_propietary = true\n") == [
        "[reports] 'redact_propietary': unknown key (did you mean 'redact_proprietary'?); "
        "known keys: redact_proprietary"
    ]


def test_unscanned_severity() -> None:
    assert parse_policy(GOOD, source="p.toml").unscanned.severity is Severity.ERROR
    policy = parse_policy(GOOD + '[unscanned]\nseverity = "warning"\n', source="p.toml")
    assert policy.unscanned.severity is Severity.WARNING
    assert problems(GOOD + '[unscanned]\nseverity = "fatal"\nlevel = 1\n') == [
        "[unscanned] 'level': unknown key; known keys: severity",
        "[unscanned] 'severity': expected one of error, warning, note, got 'fatal'",
    ]


def test_blank_and_wordless_markers_are_refused() -> None:
    found = problems(GOOD + '[markers]\nproprietary = ["ok marker", " ", "*/"]\n')
    assert len(found) == 2 and all("[markers] 'proprietary'" in p for p in found)
    assert "a marker must not be blank" in found[0] and "no letter or digit" in found[1]


def test_a_never_waivable_waiver_is_listed_with_the_other_problems() -> None:
    from openesx_license.gate.waivers import waiver_refusal

    text = GOOD.replace('license = "GPL-2.0-only"\npaths', 'license = "GPL-2.0-onyl"\npaths')
    text += '[[waiver]]\nrule = "copied-code"\npath = "x/**"\nreason = "r"\n'
    with pytest.raises(PolicyError) as info:
        parse_policy(text, source="p.toml", rule_ids=all_checks(), waiver_refusal=waiver_refusal)
    found = info.value.problems
    assert any("GPL-2.0-onyl" in p for p in found)
    assert any(
        p.startswith("[[waiver]] #1 'rule': findings of 'copied-code' can never") for p in found
    )
