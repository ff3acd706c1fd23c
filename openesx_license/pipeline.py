"""The whole audit as a sequence of named steps: scan, map components, build the graph, run
the rules, summarise.

:func:`run_audit` is the library entry point behind ``openesx-license audit`` (and the tests
and benchmarks, which call it in-process). Each step is a small function so that a stage can
add one line here (the options table, copied code, baseline and waivers) without the others
having to read the whole module.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import networkx as nx

from openesx_license import __version__
from openesx_license._util.executor import ExecutorSpec
from openesx_license._util.git import git_output
from openesx_license._util.globs import glob_matches
from openesx_license._util.progress import ProgressSink, StageProgress
from openesx_license._util.run import RunOptions
from openesx_license.checks.boundaries import NodeComponents, edge_crosses
from openesx_license.checks.context import CheckContext
from openesx_license.checks.registry import all_checks
from openesx_license.config.components import UNMAPPED, ComponentMap, apply_components
from openesx_license.config.discovery import PolicyChoice, PolicyOrigin, load_chosen, locate_policy
from openesx_license.config.loader import load_policy
from openesx_license.config.model import Policy
from openesx_license.copies.stage import analyse_copies, check_index, index_resolver
from openesx_license.errors import UsageError
from openesx_license.gate import prepare_gate
from openesx_license.gate.decisions import concluded_licenses
from openesx_license.gate.waivers import waiver_refusal
from openesx_license.model import (
    AuditResult,
    ComponentEdge,
    ComponentSummary,
    DependencyEdge,
    FileRecord,
    Finding,
    ReleaseOption,
    ScanResult,
    Severity,
)

if TYPE_CHECKING:  # detect loads lazily (ScanCode's import takes seconds)
    from openesx_license.detect.scancode_import import ImportedScan


def read_policy(path: Path | None) -> Policy:
    """The policy at ``path`` (None: the built-in one), its waivers checked against the ids of
    the registered checks."""
    return load_policy(path, rule_ids=all_checks(), waiver_refusal=waiver_refusal)


def discover_policy(root: Path | None, explicit: Path | None) -> tuple[Policy, PolicyChoice]:
    """The policy of a run on the tree ``root``: ``explicit`` (``--policy``), else the first of
    ``$OPENESX_LICENSE_POLICY``, ``openesx-license.toml`` at the root, ``[tool.openesx-license]``
    in its ``pyproject.toml``, the built-in one; with the choice, to say which was used."""
    choice = locate_policy(root, explicit)
    return load_chosen(choice, rule_ids=all_checks(), waiver_refusal=waiver_refusal), choice


def run_audit(
    root: Path,
    policy: Policy,
    *,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    baseline: Path | None = None,
    since: str | None = None,
    ip_index: Path | None = None,
    today: dt.date | None = None,
    progress: bool | StageProgress | None = None,
    policy_origin: PolicyOrigin | None = None,
    from_scancode: Path | None = None,
    executor: ExecutorSpec | None = None,
    shared_cache: str | None = None,
) -> AuditResult:
    """Audit the tree at ``root`` against ``policy`` and return everything that was learned.

    Steps: scan (inventory + licence detection), component mapping (and declared licences),
    dependency graph, every registered rule, then summaries. ``progress`` receives each stage
    (None: a bar on a terminal, nothing otherwise; False: nothing); ``policy_origin`` says how
    the policy was found (default: built-in or given); ``from_scancode`` is a ScanCode JSON
    scan whose detections answer the files it covers; ``executor`` sends the licence and
    copyright matching, the graph facts and the copy fingerprints to a Dask cluster,
    ``shared_cache`` adds a fleet's second-level cache (see
    :func:`openesx_license.detect.scan_tree`). Raises
    :class:`~openesx_license.errors.UsageError` when ``root`` is not a folder.
    """
    root = _check_root(root)
    run = RunOptions.resolve(
        jobs=jobs,
        cache_dir=cache_dir,
        use_cache=use_cache,
        executor=executor,
        shared_cache=shared_cache,
    )
    stages = _stages(progress)
    today = today or dt.date.today()
    gate = prepare_gate(root, policy, baseline=baseline, since=since)  # fail fast, before scanning
    if ip_index is not None:
        check_index(ip_index, policy)  # a wrong index fails before minutes of scanning too
    imported = read_scancode_scan(from_scancode, root)

    components = component_map(policy)
    scan = scan_step(root, policy, run, progress=stages, imported=imported)
    files = apply_components(scan.files, components)
    if policy.decisions:  # a reviewer's concluded licence is the file's concluded licence
        files = concluded_licenses(files, policy.decisions, root)
    scan = dataclasses.replace(scan, files=tuple(files.values()))

    copies = analyse_copies(
        root, policy, files, components, ip_index=ip_index, jobs=run.jobs,
        cache_dir=run.cache_dir, executor=run.executor, progress=stages,
    )  # fmt: skip
    if copies.unchecked:  # a file the step could not fingerprint says so in its record
        files = with_errors(files, copies.unchecked)
        scan = dataclasses.replace(scan, files=tuple(files.values()))

    graph = graph_step(
        root, policy, files, components, run, extra_edges=copies.edges, progress=stages
    )
    unread = [(path, f"graph: {m}") for path, msgs in graph.graph.get("errors", {}).items()
              for m in msgs]  # fmt: skip
    if unread:  # a build file the graph could not read says so in its record
        files = with_errors(files, unread)
        scan = dataclasses.replace(scan, files=tuple(files.values()))

    ctx = CheckContext(
        policy=policy, files=files, graph=graph, components=components, copies=copies, today=today
    )
    findings = check_step(ctx, progress=stages)

    stages.stage("waivers, baseline, --since", len(findings), unit="findings")
    outcome = gate.apply(findings, today=today)
    stages.close()
    if policy_origin is None:
        is_default = policy.source == "<default>"
        policy_origin = PolicyOrigin.BUILT_IN if is_default else PolicyOrigin.OPTION

    return AuditResult(
        tool_version=__version__,
        root=str(root),
        policy_path=None if policy.source == "<default>" else policy.source,
        policy_origin=str(policy_origin),
        release_name=policy.release.name,
        release_license=policy.release.license,
        generated_at=dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        tree_hash=tree_hash(root, files),
        repository_prefix=repository_prefix(root),
        scan=scan,
        findings=tuple(sorted(outcome.findings, key=finding_order)),
        components=component_summaries(policy, files),
        component_edges=component_edges(components, graph),
        options=options_step(policy, files),
        baseline_path=str(baseline) if baseline else None,
        since=since,
        stale_baseline=outcome.stale_baseline,
        diff=outcome.diff,
        redact_proprietary=policy.reports.redact_proprietary,
        warnings=tuple(run_warnings(root, policy, scan)),
    )


def run_warnings(root: Path, policy: Policy, scan: ScanResult) -> list[str]:
    """What an audit should say besides its findings: a tree with no file to audit, and
    component globs that match no file (a typo, or a folder that moved)."""
    if not scan.files:
        left_out = f" ({len(scan.skipped)} path(s) left out by default exclusions)"
        return [f"{root}: no file to audit: nothing was checked{left_out if scan.skipped else ''}"]
    paths = [record.path for record in scan.files]
    source = "the built-in policy" if policy.source == "<default>" else policy.source
    return [
        f"{source}: [[component]] {component.name!r}: path {glob!r} matches no file of the tree"
        for component in policy.components
        for glob in component.paths
        if not any(glob_matches(glob, path) for path in paths)
    ]


def _check_root(root: Path) -> Path:
    if not root.exists():
        raise UsageError(f"{root}: no such folder")
    if not root.is_dir():
        raise UsageError(f"{root}: not a folder (audit takes the root of a source tree)")
    return root.resolve()


def _stages(progress: bool | StageProgress | None) -> StageProgress:
    """The sink of a run's stages: the caller's, else a bar on a terminal (None, True), else
    nothing."""
    if progress is None or isinstance(progress, bool):
        on_tty = progress is not False and sys.stderr.isatty()
        return StageProgress("bar" if on_tty else "off")
    return progress


def component_map(policy: Policy) -> ComponentMap:
    """The audit's one component map: the policy's globs, then the components an IP index's
    ``ipindex:<component>:<name>`` nodes name."""
    return ComponentMap(policy, resolvers=(index_resolver(policy),))


def read_scancode_scan(path: Path | None, root: Path) -> ImportedScan | None:
    """The ScanCode JSON scan of ``--from-scancode`` (None without one); a bad file is a
    :class:`~openesx_license.errors.UsageError` before anything is scanned."""
    if path is None:
        return None
    from openesx_license.detect.scancode_import import load_scancode_json

    return load_scancode_json(path, root)


def scan_step(
    root: Path,
    policy: Policy,
    run: RunOptions,
    *,
    progress: bool | ProgressSink | None = None,
    imported: ImportedScan | None = None,
) -> ScanResult:
    """Inventory and licence detection, with the policy's exclusions and markers."""
    from openesx_license.detect import scan_tree  # ScanCode loads lazily, on first use

    return scan_tree(
        root,
        exclude=policy.exclude,
        markers=policy.markers.proprietary,
        jobs=run.jobs,
        cache_dir=run.cache_dir,
        use_cache=run.use_cache,
        progress=progress,
        imported=imported,
        executor=run.executor,
        shared_cache=run.shared_cache,
    )


def graph_step(
    root: Path,
    policy: Policy,
    files: Mapping[str, FileRecord],
    components: ComponentMap,
    run: RunOptions,
    *,
    extra_edges: Iterable[DependencyEdge] = (),
    progress: StageProgress | None = None,
) -> nx.MultiDiGraph:
    """The file dependency graph, resolved with the policy's include dirs/compile_commands;
    ``extra_edges`` (copies, IP-index references) come from the copied-code step;
    ``progress`` gets the graph's stages."""
    from openesx_license.graph import build_graph

    compile_commands = policy.graph.compile_commands
    return build_graph(
        root,
        list(files.values()),
        include_dirs=policy.graph.include_dirs,
        compile_commands=root / compile_commands if compile_commands else None,
        component_of=components.component_of,
        extra_edges=extra_edges,
        cache_dir=run.cache_dir,
        use_cache=run.use_cache,
        jobs=run.jobs,
        executor=run.executor,
        progress=progress,
    )


def with_errors(
    files: Mapping[str, FileRecord], errors: Iterable[tuple[str, str]]
) -> dict[str, FileRecord]:
    """The records with each (path, message) added to that file's ``errors``."""
    out = dict(files)
    for path, message in errors:
        record = out.get(path)
        if record is not None and message not in record.errors:
            out[path] = dataclasses.replace(record, errors=(*record.errors, message))
    return out


def check_step(ctx: CheckContext, *, progress: StageProgress | None = None) -> tuple[Finding, ...]:
    """Run every registered rule; findings sorted by severity, path, line, rule.
    ``progress`` counts the rules as they finish."""
    rules = all_checks()
    if progress is not None:
        progress.phase("checking the rules", len(rules), unit="rules")
    findings: list[Finding] = []
    for rule in rules.values():
        findings.extend(rule().check(ctx))
        if progress is not None:
            progress.advance()
    return tuple(sorted(findings, key=finding_order))


def finding_order(finding: Finding) -> tuple[int, str, int, str, str]:
    """Sort key: worst first, then by place, then by rule and target."""
    return (
        -finding.severity.rank,
        finding.path,
        finding.line or 0,
        finding.rule,
        finding.target or "",
    )


def component_summaries(
    policy: Policy, files: Mapping[str, FileRecord]
) -> tuple[ComponentSummary, ...]:
    """One summary per policy component (in policy order), plus 'unmapped' when any file is."""
    licenses: dict[str | None, Counter[str]] = defaultdict(Counter)
    for record in files.values():
        licenses[record.component][record.license_expression or "unknown"] += 1
    out = [
        ComponentSummary(
            name=c.name,
            component_class=c.component_class.value,
            declared_license=c.license,
            files=sum(licenses[c.name].values()),
            licenses=dict(licenses[c.name].most_common()),
            version=c.identity.version,
            supplier=c.identity.supplier,
            purl=c.identity.purl,
            cpe=c.identity.cpe,
        )
        for c in policy.components
    ]
    if licenses.get(None):
        out.append(
            ComponentSummary(
                name=UNMAPPED,
                component_class=UNMAPPED,
                declared_license=None,
                files=sum(licenses[None].values()),
                licenses=dict(licenses[None].most_common()),
            )
        )
    return tuple(out)


def component_edges(components: ComponentMap, graph: nx.MultiDiGraph) -> tuple[ComponentEdge, ...]:
    """File edges condensed to component pairs; ``crossing`` when any edge of the pair is one
    a policy [[rule]] forbids (direct edges; the findings carry the transitive paths), with the
    worst severity of the rules it crosses (a warning-level layering is not a forbidden leak)."""
    policy = components.policy
    comp = NodeComponents(components, graph)
    kinds: dict[tuple[str, str], set[str]] = defaultdict(set)
    counts: Counter[tuple[str, str]] = Counter()
    worst: dict[tuple[str, str], Severity] = {}
    for source, target, data in graph.edges(data=True):
        s, t = comp(source), comp(target)
        if s is None or t is None or s.name == t.name:
            continue
        pair = (s.name, t.name)
        kind = str(data.get("kind"))
        kinds[pair].add(kind)
        counts[pair] += 1
        if worst.get(pair) is Severity.ERROR:
            continue
        for rule in policy.rules:
            if kind in rule.edges and edge_crosses(rule, s, t, target):
                if pair not in worst or rule.severity.rank > worst[pair].rank:
                    worst[pair] = rule.severity
    return tuple(
        ComponentEdge(
            source=s,
            target=t,
            kinds=tuple(sorted(kinds[(s, t)])),
            count=counts[(s, t)],
            crossing=(s, t) in worst,
            crossing_severity=worst.get((s, t)),
        )
        for s, t in sorted(counts)
    )


def tree_hash(root: Path, files: Mapping[str, FileRecord]) -> str:
    """``git:<HEAD>`` (``+dirty`` with local changes) for a git work tree, else
    ``sha1:<hash over the sorted path and content sha1 of every inventoried file>``."""
    head = git_output(root, "rev-parse", "HEAD")
    top = git_output(root, "rev-parse", "--show-toplevel")
    if head and top and Path(top).resolve() == root.resolve():
        dirty = git_output(root, "status", "--porcelain", "--untracked-files=no")
        return f"git:{head}{'+dirty' if dirty else ''}"
    digest = hashlib.sha1(usedforsecurity=False)
    for path in sorted(files):
        digest.update(f"{path}\0{files[path].sha1}\n".encode("utf-8", "surrogateescape"))
    return f"sha1:{digest.hexdigest()}"


def repository_prefix(root: Path) -> str | None:
    """``root``'s folder inside its git work tree (``'sub/dir/'``, ``''`` at the top), None
    when ``root`` is not inside one (SARIF locates results from the repository's top)."""
    if git_output(root, "rev-parse", "--is-inside-work-tree") != "true":
        return None
    return git_output(root, "rev-parse", "--show-prefix")


def dependency_graph(
    root: Path,
    policy: Policy,
    *,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
) -> nx.MultiDiGraph:
    """Scan ``root`` and return its file dependency graph with components (``graph`` command)."""
    root = _check_root(root)
    run = RunOptions.resolve(jobs=jobs, cache_dir=cache_dir, use_cache=use_cache)
    components = component_map(policy)
    files = apply_components(scan_step(root, policy, run).files, components)
    return graph_step(root, policy, files, components, run)


def options_step(policy: Policy, files: Mapping[str, FileRecord]) -> tuple[ReleaseOption, ...]:
    """The release-licence options table (release licence first, then the candidates)."""
    from openesx_license.licensing import LicenseKnowledge, release_options

    return release_options(files, policy, LicenseKnowledge.load())


def release_options_of_tree(
    root: Path,
    policy: Policy,
    *,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    use_cache: bool = True,
    progress: bool | None = None,
) -> tuple[tuple[ReleaseOption, ...], dict[str, FileRecord]]:
    """Scan ``root`` and return its options table and the files it judged (``options``)."""
    root = _check_root(root)
    run = RunOptions.resolve(jobs=jobs, cache_dir=cache_dir, use_cache=use_cache)
    scan = scan_step(root, policy, run, progress=progress)
    files = apply_components(scan.files, component_map(policy))
    return options_step(policy, files), files
