"""Policy discovery: --policy > $OPENESX_LICENSE_POLICY > openesx-license.toml at the tree root
> [tool.openesx-license] in its pyproject.toml > the built-in policy."""

from __future__ import annotations

from pathlib import Path

import pytest

from openesx_license.config.discovery import (
    ENV_VAR,
    PolicyOrigin,
    load_chosen,
    locate_policy,
)
from openesx_license.errors import PolicyError

POLICY = """schema = 1
[release]
name = "{name}"
license = "GPL-2.0-only"
[[component]]
name = "all"
class = "open"
paths = ["**"]
"""


def _tree(tmp_path: Path, *, tree_file: bool = True, pyproject: bool = True) -> Path:
    root = tmp_path / "tree"
    root.mkdir()
    if tree_file:
        (root / "openesx-license.toml").write_text(POLICY.format(name="from-tree-file"))
    if pyproject:
        body = POLICY.format(name="from-pyproject").replace(
            "[release]", "[tool.openesx-license.release]"
        )
        body = body.replace("[[component]]", "[[tool.openesx-license.component]]")
        body = body.replace(
            "schema = 1\n", "[project]\nname = 'x'\n[tool.openesx-license]\nschema = 1\n"
        )
        (root / "pyproject.toml").write_text(body)
    return root


def _name(
    root: Path | None, explicit: Path | None = None, env: dict[str, str] | None = None
) -> tuple[str, str]:
    choice = locate_policy(root, explicit, environ=env or {})
    return choice.origin.value, load_chosen(choice).release.name


def test_order_of_the_places(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    given = tmp_path / "given.toml"
    given.write_text(POLICY.format(name="given"))
    env_file = tmp_path / "env.toml"
    env_file.write_text(POLICY.format(name="from-env"))
    env = {ENV_VAR: str(env_file)}
    assert _name(root, given, env) == ("option", "given")
    assert _name(root, None, env) == ("environment", "from-env")
    assert _name(root, None, {ENV_VAR: "  "}) == ("tree-file", "from-tree-file")
    (root / "openesx-license.toml").unlink()
    assert _name(root) == ("pyproject", "from-pyproject")
    (root / "pyproject.toml").write_text("[project]\nname = 'x'\n")  # no table: not a policy
    assert _name(root) == ("built-in", "release")
    assert _name(None) == ("built-in", "release")


def test_named_but_missing_is_an_error_not_a_fall_through(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    choice = locate_policy(root, None, environ={ENV_VAR: str(tmp_path / "gone.toml")})
    assert choice.origin is PolicyOrigin.ENVIRONMENT
    with pytest.raises(PolicyError, match=r"gone.toml: policy file not found \(named by \$OPENESX"):
        load_chosen(choice)


def test_pyproject_problems_name_the_file_and_table(tmp_path: Path) -> None:
    root = _tree(tmp_path, tree_file=False, pyproject=False)
    (root / "pyproject.toml").write_text(
        "[tool.openesx-license]\nschema = 1\n[tool.openesx-license.release]\nname = 'x'\n"
    )
    choice = locate_policy(root, None, environ={})
    with pytest.raises(PolicyError) as info:
        load_chosen(choice)
    assert (
        "pyproject.toml [tool.openesx-license]: [release] 'license': missing required key"
        in str(info.value)
    )
    (root / "pyproject.toml").write_text("[tool\n")
    with pytest.raises(PolicyError, match="pyproject.toml: TOML syntax error"):
        locate_policy(root, None, environ={})


def test_describe_says_where_it_came_from(tmp_path: Path) -> None:
    root = _tree(tmp_path, pyproject=False)
    choice = locate_policy(root, None, environ={})
    assert choice.describe().endswith(
        "openesx-license.toml (openesx-license.toml at the tree root)"
    )
    assert "built-in" in locate_policy(None, None, environ={}).describe()
