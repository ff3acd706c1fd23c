"""``audit-many``: audit every tree of a manifest with one cache and one executor.

Each tree (a folder, or a git ref checked out into a temporary detached worktree) is audited
with its own policy by :func:`openesx_license.pipeline.run_audit`, one after the other, all of
them through the same detection cache, shared cache and executor (a Dask client is connected
once and reused), so a block that ten release branches share is matched once. Each tree's
reports go to ``OUT/<name>/``; the summary matrix to ``OUT/summary.json`` and
``OUT/summary.html``. A tree that cannot be audited (its checkout fails, its folder vanished)
is an ``error`` row, and the others are still audited.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from openesx_license._util.executor import ExecutorSpec
from openesx_license._util.git import GitCheckoutError, GitMissing, checked_out
from openesx_license._util.progress import StageProgress
from openesx_license.checks.registry import all_checks
from openesx_license.config.discovery import load_chosen, locate_policy
from openesx_license.config.manifest import Manifest, ManifestTree
from openesx_license.errors import OpenesxError
from openesx_license.model import AuditResult
from openesx_license.pipeline import run_audit
from openesx_license.reports import write_reports
from openesx_license.reports.fleet_summary import (
    ERROR,
    SUMMARY_HTML,
    SUMMARY_JSON,
    TreeSummary,
    error_summary,
    render_summary_html,
    summary_to_dict,
    tree_summary,
)

Say = Callable[[str], None]
Audit = Callable[..., AuditResult]


@dataclass(frozen=True, kw_only=True)
class ManyResult:
    """What ``audit-many`` did: one summary per tree and the files of the summary."""

    trees: tuple[TreeSummary, ...]
    written: tuple[Path, ...]

    @property
    def exit_code(self) -> int:
        """0 when every tree passed its gate, 1 when one failed, 2 when one could not be
        audited (an error outranks a failed gate: that tree was not judged at all)."""
        verdicts = {t.verdict for t in self.trees}
        return 2 if ERROR in verdicts else 1 if "fail" in verdicts else 0


def audit_many(
    manifest: Manifest,
    out_dir: Path,
    formats: Sequence[str],
    *,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    executor: ExecutorSpec | None = None,
    shared_cache: str | None = None,
    say: Say | None = None,
    progress: StageProgress | bool | None = False,
) -> ManyResult:
    """Audit each tree of ``manifest``; write its reports in ``formats`` to ``out_dir/<name>``
    and the summary to ``out_dir``. ``say`` gets one line as each tree starts and ends;
    ``progress`` each tree's stages (as ``run_audit`` takes it)."""
    tell = say or (lambda _message: None)
    audit = functools.partial(
        run_audit,
        jobs=jobs,
        cache_dir=cache_dir,
        use_cache=use_cache,
        executor=executor,
        shared_cache=shared_cache,
        progress=progress,
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    summaries: list[TreeSummary] = []
    for number, tree in enumerate(manifest.trees, start=1):
        tell(f"[{number}/{len(manifest.trees)}] {tree.name}: {tree.source}")
        try:
            summaries.append(_audit_one(tree, out_dir, formats, audit))
        except (OpenesxError, GitCheckoutError, GitMissing, OSError) as exc:
            summaries.append(error_summary(tree.name, tree.source, tree.fail_on.value, str(exc)))
        tell(f"[{number}/{len(manifest.trees)}] {tree.name}: {summaries[-1].verdict}")
    trees = tuple(summaries)
    json_path, html_path = out_dir / SUMMARY_JSON, out_dir / SUMMARY_HTML
    _write(json_path, json.dumps(summary_to_dict(manifest.source, trees), indent=2) + "\n")
    _write(html_path, render_summary_html(manifest.source, trees))
    return ManyResult(trees=trees, written=(json_path, html_path))


def _audit_one(
    tree: ManifestTree, out_dir: Path, formats: Sequence[str], audit: Audit
) -> TreeSummary:
    if tree.path is not None:
        return _audit_folder(tree, tree.path, out_dir, formats, audit)
    assert tree.repo is not None and tree.ref is not None
    with checked_out(tree.repo, tree.ref) as folder:  # the reports are written before removal
        return _audit_folder(tree, folder, out_dir, formats, audit)


def _audit_folder(
    tree: ManifestTree, folder: Path, out_dir: Path, formats: Sequence[str], audit: Audit
) -> TreeSummary:
    policy, origin = tree.policy, tree.policy_origin
    if policy is None:  # a ref without a policy in the manifest: discovered in its checkout
        choice = locate_policy(folder, None, environ={})  # the manifest, not the environment
        policy, origin = load_chosen(choice, rule_ids=all_checks()), choice.origin
    result = audit(folder, policy, policy_origin=origin)
    result = dataclasses.replace(result, fail_on=tree.fail_on)
    write_reports(result, out_dir / tree.name, formats)
    return tree_summary(tree.name, tree.source, result, tree.name)


def _write(path: Path, text: str) -> None:
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8")
    temp.replace(path)
