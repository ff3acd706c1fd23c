"""Which policy a run uses when ``--policy`` is not given, found the way linters find theirs.

The order (DESIGN.md, "Interfaces being added"), first match wins:

1. ``--policy FILE``;
2. the ``OPENESX_LICENSE_POLICY`` environment variable (a path; empty means unset);
3. ``openesx-license.toml`` at the root of the audited tree;
4. a ``[tool.openesx-license]`` table in the tree root's ``pyproject.toml`` (the same keys as
   the policy file, one level down);
5. the built-in policy (``rules/default.toml``: the whole tree open, GPL-2.0-only).

A policy that is named but unusable (missing, bad TOML, bad keys) is an error, never a silent
fall-through to the next place: a CI job whose policy file went missing must not pass on the
built-in policy. The same holds for a ``pyproject.toml`` that does not parse.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from openesx_license.config.loader import WaiverRefusal, load_policy, policy_from_data
from openesx_license.config.model import Policy
from openesx_license.errors import PolicyError
from openesx_license.model import Label

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

ENV_VAR = "OPENESX_LICENSE_POLICY"
TREE_FILE = "openesx-license.toml"
PYPROJECT = "pyproject.toml"
PYPROJECT_TABLE = "openesx-license"  # [tool.openesx-license]


class PolicyOrigin(Label):
    """Where the policy of a run was found (``findings.json`` ``policy.origin``)."""

    OPTION = "option"  # --policy
    ENVIRONMENT = "environment"  # OPENESX_LICENSE_POLICY
    TREE_FILE = "tree-file"  # openesx-license.toml at the tree root
    PYPROJECT = "pyproject"  # [tool.openesx-license] in the tree root's pyproject.toml
    BUILT_IN = "built-in"


_SAID = {
    PolicyOrigin.OPTION: "--policy",
    PolicyOrigin.ENVIRONMENT: f"from ${ENV_VAR}",
    PolicyOrigin.TREE_FILE: f"{TREE_FILE} at the tree root",
    PolicyOrigin.PYPROJECT: f"[tool.{PYPROJECT_TABLE}] of the tree root's {PYPROJECT}",
    PolicyOrigin.BUILT_IN: "the built-in policy: the whole tree open, GPL-2.0-only",
}


@dataclass(frozen=True, kw_only=True)
class PolicyChoice:
    """The policy a run will use: ``path`` (None for the built-in one) and how it was found."""

    origin: PolicyOrigin
    path: Path | None = None

    def describe(self) -> str:
        """One phrase for the run's summary: ``rules/x.toml (--policy)``."""
        if self.path is None:
            return _SAID[self.origin]
        return f"{self.path} ({_SAID[self.origin]})"


def locate_policy(
    root: Path | None,
    explicit: Path | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> PolicyChoice:
    """The first place of the discovery order that names a policy (see the module docstring).

    ``root`` is the audited tree (None: no tree, only the option and the environment count).
    A ``pyproject.toml`` without the table does not count; one that does not parse raises
    :class:`PolicyError`.
    """
    env = os.environ if environ is None else environ
    if explicit is not None:
        return PolicyChoice(origin=PolicyOrigin.OPTION, path=Path(explicit))
    named = env.get(ENV_VAR, "").strip()
    if named:
        return PolicyChoice(origin=PolicyOrigin.ENVIRONMENT, path=Path(named))
    if root is not None:
        tree_file = Path(root) / TREE_FILE
        if tree_file.is_file():
            return PolicyChoice(origin=PolicyOrigin.TREE_FILE, path=tree_file)
        pyproject = Path(root) / PYPROJECT
        if pyproject.is_file() and _pyproject_table(pyproject) is not None:
            return PolicyChoice(origin=PolicyOrigin.PYPROJECT, path=pyproject)
    return PolicyChoice(origin=PolicyOrigin.BUILT_IN)


def load_chosen(
    choice: PolicyChoice,
    *,
    rule_ids: Collection[str] = (),
    waiver_refusal: WaiverRefusal | None = None,
) -> Policy:
    """Load and validate the policy ``choice`` names (errors name the file and the table;
    ``rule_ids`` and ``waiver_refusal`` as in
    :func:`~openesx_license.config.loader.load_policy`)."""
    if choice.origin is PolicyOrigin.PYPROJECT and choice.path is not None:
        table = _pyproject_table(choice.path)
        if table is None:  # removed between locating and loading
            raise PolicyError(str(choice.path), [f"no [tool.{PYPROJECT_TABLE}] table"])
        return policy_from_data(
            table,
            source=str(choice.path),
            display=f"{choice.path} [tool.{PYPROJECT_TABLE}]",
            rule_ids=rule_ids,
            waiver_refusal=waiver_refusal,
        )
    if choice.origin is PolicyOrigin.ENVIRONMENT and choice.path is not None:
        if not choice.path.exists():
            raise PolicyError(str(choice.path), [f"policy file not found (named by ${ENV_VAR})"])
    return load_policy(choice.path, rule_ids=rule_ids, waiver_refusal=waiver_refusal)


def _pyproject_table(path: Path) -> dict[str, object] | None:
    """``[tool.openesx-license]`` of ``path``, None when the file has no such table."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(str(path), [f"cannot read: {exc}"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(
            str(path),
            [f"TOML syntax error: {exc} (read for a [tool.{PYPROJECT_TABLE}] policy table)"],
        ) from None
    tool = data.get("tool")
    table = tool.get(PYPROJECT_TABLE) if isinstance(tool, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        raise PolicyError(str(path), [f"[tool.{PYPROJECT_TABLE}]: expected a table"])
    return table
