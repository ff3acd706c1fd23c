"""The manifest of ``audit-many``: the trees (folders or git refs) to audit, each with its policy.

```toml
schema = 1

[defaults]                      # optional; every key may also be given per tree
policy = "rules/openesx.toml"   # paths are relative to the manifest's folder; without one,
                                # each tree's is discovered at its root as `audit` does
repo = "."                      # the git repository of the trees given by `ref`
fail_on = "error"               # error | warning | note | never

[[tree]]
name = "main"                   # its report folder: letters, digits, '.', '_', '-'; unique
path = "src/hypervisor"         # a folder ...

[[tree]]
name = "release-1.0"
ref = "release/1.0"             # ... or a git ref of `repo` (checked out into a temporary
policy = "policies/1.0.toml"    #     worktree while it is audited)
```

Validated like the policy: every problem is named with its table number and key, all of them
at once (:class:`~openesx_license.errors.PolicyError`, exit 2), before any tree is scanned; a
tree's policy is loaded too, so a bad policy is found before hours of scanning.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openesx_license._util.git import git_output
from openesx_license.config.discovery import PolicyOrigin, load_chosen, locate_policy
from openesx_license.config.loader import load_policy
from openesx_license.config.model import Policy
from openesx_license.config.tomlread import TableReader
from openesx_license.errors import PolicyError
from openesx_license.model import FailOn

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

SCHEMA = 1
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_TOP_KEYS = ("schema", "defaults", "tree")
_DEFAULT_KEYS = ("policy", "repo", "fail_on")
_TREE_KEYS = ("name", "path", "ref", "repo", "policy", "fail_on")


@dataclass(frozen=True, kw_only=True)
class ManifestTree:
    """One tree to audit: a folder (``path``) or a git ``ref`` of ``repo``, with its policy.

    ``policy`` None: a ref whose manifest entry names none; it is discovered in the checked-out
    tree (``openesx-license.toml``, ``pyproject.toml``, else the built-in one), as ``audit``
    discovers it. ``policy_origin`` says how a folder's or the manifest's policy was found.
    """

    name: str
    path: Path | None
    repo: Path | None
    ref: str | None
    policy: Policy | None
    fail_on: FailOn
    policy_origin: PolicyOrigin = PolicyOrigin.OPTION

    @property
    def source(self) -> str:
        """Where the tree comes from, for the summary: the folder, or ``repo@ref``."""
        return str(self.path) if self.path is not None else f"{self.repo}@{self.ref}"


@dataclass(frozen=True, kw_only=True)
class Manifest:
    """The validated manifest: its file and its trees, in manifest order."""

    source: str
    trees: tuple[ManifestTree, ...]


def load_manifest(path: Path, *, rule_ids: Collection[str] = ()) -> Manifest:
    """Read and validate the manifest at ``path`` (``rule_ids`` as for ``load_policy``).

    Raises :class:`PolicyError` naming the manifest and listing every problem.
    """
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(str(path), ["manifest file not found"]) from None
    except IsADirectoryError:
        raise PolicyError(str(path), ["is a folder, expected a TOML manifest"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(str(path), [f"cannot read the manifest: {exc}"]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(str(path), [f"TOML syntax: {exc}"]) from None
    return _Reader(Path(path), rule_ids).manifest(data)


class _Reader:
    def __init__(self, path: Path, rule_ids: Collection[str]) -> None:
        self.path = path
        self.base = path.parent
        self.rule_ids = rule_ids
        self.read = TableReader(top_keys=_TOP_KEYS)
        self.policies: dict[Path | None, Policy | None] = {}

    def manifest(self, data: Mapping[str, Any]) -> Manifest:
        read = self.read
        read.keys(data, "top level", _TOP_KEYS)
        schema = read.typed(data, "top level", "schema", int, SCHEMA)
        if schema != SCHEMA:
            read.problem("top level 'schema'", f"expected {SCHEMA}, got {schema!r}")
        defaults = read.table(data, "defaults")
        read.keys(defaults, "[defaults]", _DEFAULT_KEYS)
        entries = read.tables(data, "tree")
        if "tree" not in data:
            read.problem("top level", "no [[tree]] table: nothing to audit")
        trees: list[ManifestTree] = []
        seen: dict[str, str] = {}
        for where, table in entries:
            name = table.get("name")
            if isinstance(name, str) and name in seen:
                read.problem(f"{where} 'name'", f"{name!r} is already the name of {seen[name]}")
            elif isinstance(name, str):
                seen[name] = where
            tree = self.tree(where, table, defaults)
            if tree is not None:
                trees.append(tree)
        if read.problems:
            raise PolicyError(str(self.path), read.problems)
        return Manifest(source=str(self.path), trees=tuple(trees))

    def tree(
        self, where: str, table: Mapping[str, Any], defaults: Mapping[str, Any]
    ) -> ManifestTree | None:
        read = self.read
        before = len(read.problems)
        read.keys(table, where, _TREE_KEYS)
        name = read.typed(table, where, "name", str, required=True)
        if name is not None and not _NAME.fullmatch(name):
            read.problem(
                f"{where} 'name'",
                f"{name!r} is not a folder name (letters, digits, '.', '_', '-'; at most 100)",
            )
        folder = read.typed(table, where, "path", str)
        ref = read.typed(table, where, "ref", str)
        if folder is not None and ref is not None:
            read.problem(where, "give either 'path' (a folder) or 'ref' (a git ref), not both")
        elif folder is None and ref is None and "path" not in table and "ref" not in table:
            read.problem(where, "missing 'path' (a folder) or 'ref' (a git ref of 'repo')")
        path = repo = None
        if folder is not None:
            path = self._resolve(folder)
            if not path.is_dir():
                read.problem(f"{where} 'path'", f"{path}: no such folder")
        if ref is not None:
            repo = self._repo(where, table, defaults, ref)
        fail_on = self._fail_on(where, table, defaults)
        named = "policy" in table or "policy" in defaults
        origin = PolicyOrigin.OPTION
        policy: Policy | None = None
        if named:
            policy = self._policy(where, table, defaults)
        elif path is not None and path.is_dir():  # discovered at the folder's root, now
            choice = locate_policy(path, None, environ={})
            origin = choice.origin
            try:
                policy = load_chosen(choice, rule_ids=self.rule_ids)
            except PolicyError as exc:
                read.problems.extend(f"{where} (discovered policy): {p}" for p in exc.problems)
        failed = (named or path is not None) and policy is None
        if len(read.problems) > before or name is None or fail_on is None or failed:
            return None
        return ManifestTree(
            name=name,
            path=path,
            repo=repo,
            ref=ref,
            policy=policy,
            fail_on=fail_on,
            policy_origin=origin,
        )

    def _resolve(self, value: str) -> Path:
        path = Path(value).expanduser()
        return (path if path.is_absolute() else self.base / path).resolve()

    def _setting(
        self, where: str, table: Mapping[str, Any], defaults: Mapping[str, Any], key: str
    ) -> tuple[str, Any]:
        """The tree's ``key``, else the ``[defaults]`` one, with where it was read."""
        if key in table:
            return f"{where} '{key}'", self.read.typed(table, where, key, str)
        if key in defaults:
            return f"[defaults] '{key}'", self.read.typed(defaults, "[defaults]", key, str)
        return f"{where} '{key}'", None

    def _repo(
        self, where: str, table: Mapping[str, Any], defaults: Mapping[str, Any], ref: str
    ) -> Path | None:
        label, value = self._setting(where, table, defaults, "repo")
        if value is None:
            if label.endswith("'repo'") and "repo" not in table and "repo" not in defaults:
                self.read.problem(where, "'ref' needs 'repo' (here or in [defaults])")
            return None
        repo = self._resolve(value)
        if not repo.is_dir() or git_output(repo, "rev-parse", "--git-dir") is None:
            self.read.problem(label, f"{repo}: not a git repository")
            return None
        if git_output(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}") is None:
            self.read.problem(f"{where} 'ref'", f"{ref!r} is not a commit of {repo}")
        return repo

    def _fail_on(
        self, where: str, table: Mapping[str, Any], defaults: Mapping[str, Any]
    ) -> FailOn | None:
        label, value = self._setting(where, table, defaults, "fail_on")
        if value is None:
            return FailOn.ERROR if "fail_on" not in table and "fail_on" not in defaults else None
        try:
            return FailOn(value)
        except ValueError:
            allowed = ", ".join(f.value for f in FailOn)
            self.read.problem(label, f"expected one of {allowed}, got {value!r}")
            return None

    def _policy(
        self, where: str, table: Mapping[str, Any], defaults: Mapping[str, Any]
    ) -> Policy | None:
        label, value = self._setting(where, table, defaults, "policy")
        if value is None and ("policy" in table or "policy" in defaults):
            return None  # a wrong type, already a problem
        path = None if value is None else self._resolve(value)
        if path not in self.policies:
            try:
                self.policies[path] = load_policy(path, rule_ids=self.rule_ids)
            except PolicyError as exc:
                self.policies[path] = None
                for problem in exc.problems:
                    self.read.problem(label, f"{exc.path}: {problem}")
        elif self.policies[path] is None:
            self.read.problem(label, f"{path}: the policy has problems (listed above)")
        return self.policies[path]
