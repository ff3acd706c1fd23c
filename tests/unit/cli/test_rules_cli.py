"""``rules`` and ``explain``: the registry for people; an unknown rule is exit 2."""

from __future__ import annotations

import pytest

from openesx_license.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out = capsys.readouterr()
    return int(info.value.code or 0), out.out, out.err


def test_rules_lists_ids_severity_waivable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    rows = {line.split()[0]: line.split()[1:3] for line in out.splitlines()[1:]}
    assert rows["proprietary-code"] == ["error", "no"]
    assert rows["unmapped-file"] == ["warning", "yes"]
    assert rows["boundary-crossing"] == ["error", "policy"]


def test_explain_prints_guidance(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", "gpl-only-symbol")
    assert code == 0
    assert out.startswith("gpl-only-symbol: Non-GPL code uses an EXPORT_SYMBOL_GPL symbol")
    assert "How to fix:" in out and "EXPORT_SYMBOL" in out


def test_explain_unknown_rule_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "explain", "boundary-crosing")
    assert code == 2
    assert "unknown rule 'boundary-crosing'; known rules: " in err and "boundary-crossing" in err


@pytest.mark.parametrize(
    ("rule", "says"),
    [
        ("copied-code", "decide FINGERPRINT --kind not-a-copy"),
        ("proprietary-code", "--kind concluded-license"),
        ("boundary-crossing", "waivable = true"),
        ("gpl-only-symbol", "Only by fixing it"),
        ("unknown-license", "[[waiver]]"),
    ],
)
def test_explain_says_how_each_rule_is_settled(
    capsys: pytest.CaptureFixture[str], rule: str, says: str
) -> None:
    code, out, _ = run(capsys, "explain", rule)
    settle = out.split("How to settle:\n", 1)[1]
    assert code == 0 and says in " ".join(settle.split())
