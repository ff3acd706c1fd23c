"""Copied code and IP-index references for an audit: the pipeline's ``copied code`` step.

Two modes. With ``--ip-index`` the open files are matched against a shareable index built by
``openesx-license fingerprint`` from a proprietary tree that need not be present; its header
names and exported symbols become graph edges to ``ipindex:<component>:<name>`` nodes, so the
boundary rules report open code that still includes or calls proprietary code. Without it
(monorepo mode) the proprietary components of the policy are fingerprinted on the fly, in
memory, and the audit reports open code copied from them (their includes and calls are
already edges of the graph, resolved to the real files).

The copy matches go to the ``copied-code`` check through ``CheckContext.copies``;
copy and reference edges go into the graph as ``extra_edges``.
"""

from __future__ import annotations

import dataclasses
from array import array
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from openesx_license._util.executor import ExecutorSpec
from openesx_license._util.progress import StageProgress, counted
from openesx_license._util.run import default_jobs
from openesx_license.config.components import ComponentMap
from openesx_license.config.model import Component, ComponentClass, Policy
from openesx_license.copies.cache import CopyMatchCache, revive
from openesx_license.csource.lexer import is_c_family
from openesx_license.ipindex.boilerplate import known_boilerplate
from openesx_license.ipindex.build import write_index
from openesx_license.ipindex.cache import cached_prints
from openesx_license.ipindex.fileprint import FilePrint, print_file
from openesx_license.ipindex.match import (
    CopyMatch,
    CopySettings,
    IndexReference,
    boilerplate_hashes,
    find_copies,
    find_references,
    print_key_array,
    print_keys,
    template_keys,
)
from openesx_license.ipindex.store import FingerprintIndex, IndexParameters
from openesx_license.ipindex.vocabulary import tree_vocabulary
from openesx_license.model import DependencyEdge, EdgeKind, Evidence, FileRecord

MONOREPO = "<monorepo>"


@dataclass(frozen=True, kw_only=True)
class CopyAnalysis:
    """What the copied-code step found, and where its proprietary side came from."""

    matches: tuple[CopyMatch, ...] = ()
    references: tuple[IndexReference, ...] = ()
    index: str | None = None  # the --ip-index path, MONOREPO, or None (nothing to match)
    in_tree: bool = True  # proprietary paths are files of the audited tree
    index_components: tuple[str, ...] = ()
    edges: tuple[DependencyEdge, ...] = field(default=(), compare=False)
    #: (path, what happened) for files the step could not fingerprint (unreadable, too big,
    #: or a tokenizer failure): an open file not checked for copies, a proprietary file whose
    #: copies cannot be found
    unchecked: tuple[tuple[str, str], ...] = ()

    def target_node(self, match: CopyMatch) -> str:
        """Graph node of a copy's proprietary side: the file itself, or an ipindex node."""
        if self.in_tree:
            return match.proprietary_path
        return f"ipindex:{match.proprietary_component}:{match.proprietary_path}"


def index_resolver(policy: Policy) -> Callable[[str], Component | None]:
    """Component of an ``ipindex:<component>:<name>`` node: the policy's component of that
    name, else a proprietary component made up for it (the index says it is proprietary)."""

    def resolve(name: str) -> Component | None:
        if not name.startswith("ipindex:"):
            return None
        component = name.split(":", 2)[1]
        return policy.component(component) or Component(
            name=component, component_class=ComponentClass.PROPRIETARY, paths=()
        )

    return resolve


def analyse_copies(
    root: Path,
    policy: Policy,
    files: Mapping[str, FileRecord],
    components: ComponentMap,
    *,
    ip_index: Path | None = None,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    executor: ExecutorSpec | None = None,
    progress: StageProgress | None = None,
) -> CopyAnalysis:
    """Match the tree's open files against ``ip_index``, or against the proprietary
    components of ``policy`` (monorepo mode) when no index is given.

    ``cache_dir`` keeps the files' prints by content hash (None: no cache); the prints the
    cache lacks (open and proprietary files) are made on ``executor``'s Dask cluster when it
    is one, the index and the matching against it stay here. ``progress`` gets the stages
    (fingerprinting, matching), each counting files. Raises
    :class:`~openesx_license.errors.FingerprintIndexError` for an index that cannot be used
    or was built with other ``k``/``window`` than the policy's ``[copied_code]``.
    """
    settings = policy.copied_code
    params = IndexParameters(k=settings.k, window=settings.window)
    k, window = params.k, params.window
    workers = max(1, jobs or default_jobs())
    proprietary = {
        path
        for path in files
        if components.class_of(path) is ComponentClass.PROPRIETARY and is_c_family(path)
    }
    failed: dict[str, str] = {}

    def noting(prints: Iterable[FilePrint]) -> Iterator[FilePrint]:
        """The prints, with those that failed remembered (every run prints them again: no
        cache keeps a failed print or its matches)."""
        for fp in prints:
            if fp.error is not None:
                failed[fp.path] = fp.error
            yield fp

    def unchecked() -> tuple[tuple[str, str], ...]:
        return tuple(
            (path, ("not fingerprinted, copies of it cannot be found: " if path in proprietary
                    else "not checked for copied code: ") + error)
            for path, error in sorted(failed.items())
        )  # fmt: skip

    open_files = sorted(
        (p, files[p].sha1)
        for p in files
        if p not in proprietary and is_c_family(p) and files[p].sha1
    )
    # names the open headers declare: agreeing on them is agreeing on the open API
    vocabulary = tree_vocabulary(root, open_files, cache_dir, jobs=workers)
    if ip_index is not None:
        index = FingerprintIndex.open(ip_index)
        index.require(params)
        label, in_tree = str(ip_index), False
    elif proprietary:

        def owner(path: str) -> str | None:
            component = components.component_for(path)
            return component.name if component else None

        reported: set[str] = set()  # files a fingerprinting stage counted already

        def printer(paths: list[str]) -> Iterable[FilePrint]:
            entries = [(p, files[p].sha1) for p in paths]
            # prints read back from the cache to be matched are no second fingerprinting
            report = progress if entries and not reported.issuperset(paths) else None
            reported.update(paths)
            if report is not None:
                report.phase("copied code: fingerprinting", len(entries), unit="files")
            return counted(
                noting(
                    cached_prints(
                        root,
                        entries,
                        k,
                        window,
                        uses=False,
                        jobs=workers,
                        cache_dir=cache_dir,
                        executor=executor,
                    )
                ),
                report,
            )

        if cache_dir is not None and all(files[p].sha1 for p in proprietary):
            analysis = _monorepo_cached(
                root, policy, files, sorted(proprietary), open_files, owner, printer,
                jobs=workers, cache_dir=cache_dir, vocabulary=vocabulary, progress=progress,
            )  # fmt: skip
            return dataclasses.replace(analysis, unchecked=unchecked())
        index, _ = write_index(
            root, sorted(proprietary), owner, params, None, jobs=workers, printer=printer
        )
        label, in_tree = MONOREPO, True
    else:
        return CopyAnalysis()
    uses = not in_tree

    def refine(fp: FilePrint) -> FilePrint:
        return print_file(root, fp.path, k, window, uses=uses, full=True)

    try:
        if progress is not None:
            progress.phase("copied code: fingerprinting", len(open_files), unit="files")
        prints = list(
            counted(
                noting(
                    cached_prints(
                        root,
                        open_files,
                        k,
                        window,
                        uses=uses,
                        jobs=workers,
                        cache_dir=cache_dir,
                        executor=executor,
                    )
                ),
                progress,
            )
        )
        if cache_dir is not None and not in_tree:
            matches = _index_matches_cached(
                index, prints, open_files, settings, refine, cache_dir, vocabulary, progress
            )
        else:
            matches = find_copies(
                index,
                prints,
                settings,
                boilerplate=known_boilerplate(k),
                refine=refine,
                vocabulary=vocabulary,
                progress=_matching(progress, len(prints)),
            )
        references: list[IndexReference] = []
        if not in_tree:
            defined = {d.name for fp in prints for d in fp.definitions}
            references = find_references(index, prints, list(files), defined=defined)
        index_components = index.components
    finally:
        index.close()
    analysis = CopyAnalysis(
        matches=tuple(matches),
        references=tuple(references),
        index=label,
        in_tree=in_tree,
        index_components=index_components,
        unchecked=unchecked(),
    )
    return dataclasses.replace(analysis, edges=tuple(_edges(root, analysis)))


def _index_matches_cached(
    index: FingerprintIndex,
    prints: list[FilePrint],
    open_files: list[tuple[str, str]],
    settings: CopySettings,
    refine: Callable[[FilePrint], FilePrint],
    cache_dir: Path,
    vocabulary: Collection[str] = frozenset(),
    progress: StageProgress | None = None,
) -> list[CopyMatch]:
    """``--ip-index`` mode with the copy-match cache (:mod:`.copy_cache`): an index never
    changes once written (its random salt names the build), so with the settings and the
    open tree's boilerplate it fixes every file's matches; only files whose content, or whose
    share of the boilerplate, is new are matched. Gives the same matches as matching all."""
    k = index.params.k
    ignored = boilerplate_hashes(prints, settings.boilerplate_threshold)
    ignored.update(known_boilerplate(k))
    templates = template_keys(prints, settings.template_threshold)
    cache = CopyMatchCache(cache_dir, k=k, window=index.params.window, settings=settings)
    try:
        held = index.known(ignored | templates)
        cache.set_scope([("<ip-index>", index.identity, "")], held, ignored, templates, vocabulary)
        keys = [
            cache.key(sha1, array("q", sorted(print_keys(fp))))
            for fp, (_, sha1) in zip(prints, open_files, strict=True)
        ]
        known = cache.get_many(keys)
        todo = [fp for fp, key in zip(prints, keys, strict=True) if key not in known]
        fresh: dict[str, list[CopyMatch]] = {fp.path: [] for fp in todo}
        if todo:
            for match in find_copies(
                index, todo, settings, boilerplate=ignored, templates=templates, refine=refine,
                vocabulary=vocabulary,
                progress=_matching(progress, len(todo)),
            ):  # fmt: skip
                fresh[match.path].append(match)
            cache.put_many(  # not for a file that could not be read: next time it may be
                (key, fresh[fp.path])
                for fp, key in zip(prints, keys, strict=True)
                if fp.path in fresh and fp.error is None
            )
    finally:
        cache.close()
    return [
        m
        for fp, key in zip(prints, keys, strict=True)
        for m in (fresh[fp.path] if fp.path in fresh else revive(fp.path, known[key]))
    ]


def _monorepo_cached(
    root: Path,
    policy: Policy,
    files: Mapping[str, FileRecord],
    proprietary: list[str],
    open_files: list[tuple[str, str]],
    owner: Callable[[str], str | None],
    printer: Callable[[list[str]], Iterable[FilePrint]],
    *,
    jobs: int,
    cache_dir: Path,
    vocabulary: Collection[str] = frozenset(),
    progress: StageProgress | None = None,
) -> CopyAnalysis:
    """Monorepo mode with the copy-match cache (:mod:`.copy_cache`): only open files whose
    matches are not known are matched, and the proprietary index is built only for them; the
    boilerplate is counted from each content's remembered fingerprint set, so a file whose
    matches are known is not even read from the print cache. Gives the same analysis as
    matching every open file."""
    settings = policy.copied_code
    k, window = settings.k, settings.window
    copy_settings = settings
    claimed = [(p, owner(p)) for p in proprietary]
    indexed = [(p, files[p].sha1, c) for p, c in claimed if c is not None]
    cache = CopyMatchCache(cache_dir, k=k, window=window, settings=copy_settings)
    try:
        # the proprietary files' prints are kept for their index; the open files' are not
        # (a Linux-size tree's would take gigabytes): those that can hold a copy are read
        # back from the print cache to be matched
        entries = [*((p, files[p].sha1) for p in proprietary), *open_files]
        if progress is not None:  # a warm run's only stage: every file's matches are known
            progress.stage("copied code: cache lookup", len(entries))
        sets = cache.hash_sets(sha1 for _, sha1 in entries if sha1)
        printed: dict[str, FilePrint] = {}
        missing = [(p, sha1) for p, sha1 in entries if sha1 not in sets]
        if missing:
            closed = set(proprietary)
            fresh_sets = []
            for fp, (_, sha1) in zip(printer([p for p, _ in missing]), missing, strict=True):
                hashes = array("q", print_key_array(fp).tobytes())
                sets[sha1] = hashes
                if fp.path in closed:
                    printed[fp.path] = fp
                if fp.error is None and sha1:
                    fresh_sets.append((sha1, hashes))
            cache.put_hash_sets(fresh_sets)
        ignored = cache.boilerplate(root, open_files, sets, copy_settings.boilerplate_threshold)
        ignored.update(known_boilerplate(k))
        # counted like the boilerplate: from the previous audit's count when few files changed
        templates = cache.boilerplate(root, open_files, sets, copy_settings.template_threshold)
        held = {h for p, _, _ in indexed for h in sets[files[p].sha1]}
        cache.set_scope(indexed, held, ignored, templates, vocabulary)
        keys = [cache.key(sha1, sets[sha1]) for _, sha1 in open_files]
        known = cache.get_many(keys)
        todo = [entry for entry, key in zip(open_files, keys, strict=True) if key not in known]
        fresh: dict[str, list[CopyMatch]] = {p: [] for p, _ in todo}
        # matched on their own (a file's matches do not depend on the other open files): those
        # that share a key with the proprietary files that is not boilerplate; the others
        # have no fingerprint to look up, so no copy
        reach = _keys_of(sets[files[p].sha1] for p in proprietary)
        reach = reach[~np.isin(reach, np.fromiter(ignored, dtype=np.int64, count=len(ignored)))]
        hopeful = [(p, sha1) for p, sha1 in todo if _shares(_array(sets[sha1]), reach)]
        if hopeful:
            _match(
                root, hopeful, proprietary, owner, printer, printed, copy_settings, ignored,
                templates, fresh, k=k, window=window, jobs=jobs, vocabulary=vocabulary,
                progress=progress,
            )  # fmt: skip
            cache.put_many(
                (key, fresh[p]) for (p, _), key in zip(open_files, keys, strict=True) if p in fresh
            )
    finally:
        cache.close()
    matches = [
        m
        for (p, _), key in zip(open_files, keys, strict=True)
        for m in (fresh[p] if p in fresh else revive(p, known[key]))
    ]
    analysis = CopyAnalysis(
        matches=tuple(matches),
        index=MONOREPO,
        in_tree=True,
        index_components=tuple(sorted({c for _, _, c in indexed})),
    )
    return dataclasses.replace(analysis, edges=tuple(_edges(root, analysis)))


def _array(keys: array[int]) -> npt.NDArray[np.int64]:
    return np.frombuffer(keys, dtype=np.int64) if len(keys) else np.zeros(0, dtype=np.int64)


def _keys_of(sets: Iterable[array[int]]) -> npt.NDArray[np.int64]:
    """The keys of some files (sorted key arrays) together, sorted, without repeats."""
    return np.unique(np.concatenate([np.zeros(0, dtype=np.int64), *map(_array, sets)]))


def _shares(keys: npt.NDArray[np.int64], reach: npt.NDArray[np.int64]) -> bool:
    """Whether the sorted ``keys`` share one with the sorted ``reach``."""
    if not len(keys) or not len(reach):
        return False
    at = np.searchsorted(reach, keys).clip(max=len(reach) - 1)
    return bool((reach[at] == keys).any())


def _match(
    root: Path,
    todo: list[tuple[str, str]],
    proprietary: list[str],
    owner: Callable[[str], str | None],
    printer: Callable[[list[str]], Iterable[FilePrint]],
    printed: Mapping[str, FilePrint],
    settings: CopySettings,
    ignored: set[int],
    templates: Collection[int],
    out: dict[str, list[CopyMatch]],
    *,
    k: int,
    window: int,
    jobs: int,
    vocabulary: Collection[str] = frozenset(),
    progress: StageProgress | None = None,
) -> None:
    """Match the ``todo`` open files against an index of the proprietary files, with the
    tree's boilerplate ``ignored`` and its ``templates``; their matches go to ``out``."""
    unprinted = [(p, s) for p, s in todo if p not in printed]
    prints = dict(printed)
    prints.update((fp.path, fp) for fp in printer([p for p, _ in unprinted]))

    def proprietary_prints(paths: list[str]) -> Iterable[FilePrint]:
        if all(p in prints for p in paths):
            return [prints[p] for p in paths]
        return printer(paths)

    index, _ = write_index(
        root, proprietary, owner, IndexParameters(k=k, window=window), None,
        jobs=jobs, printer=proprietary_prints,
    )  # fmt: skip
    try:
        found = find_copies(
            index, [prints[p] for p, _ in todo], settings, boilerplate=ignored,
            templates=templates, refine=lambda fp: print_file(root, fp.path, k, window, full=True),
            vocabulary=vocabulary,
            progress=_matching(progress, len(todo)),
        )  # fmt: skip
    finally:
        index.close()
    for match in found:
        out[match.path].append(match)


def _matching(progress: StageProgress | None, files: int) -> StageProgress | None:
    """``progress`` with its matching stage of ``files`` open files begun."""
    if progress is not None:
        progress.phase("copied code: matching", files, unit="files")
    return progress


def _edges(root: Path, analysis: CopyAnalysis) -> list[DependencyEdge]:
    lines = _SourceLines(root)
    edges = [
        DependencyEdge(
            source=m.path,
            target=analysis.target_node(m),
            kind=EdgeKind.COPY,
            evidence=Evidence(
                path=m.path,
                line=m.start_line,
                text=f"lines {m.start_line}-{m.end_line} match {m.proprietary_path} lines "
                f"{m.proprietary_start_line}-{m.proprietary_end_line} ({m.tokens} tokens, "
                f"similarity {m.similarity:.0%})",
                kind="copy",
            ),
            external=not analysis.in_tree,
        )
        for m in analysis.matches
    ]
    edges.extend(
        DependencyEdge(
            source=r.path,
            target=r.node,
            kind=EdgeKind(r.kind),
            evidence=Evidence(
                path=r.path, line=r.line, text=lines.get(r.path, r.line), kind=r.kind
            ),
            symbol=r.name if r.kind == "symbol" else None,
            gpl_only=r.gpl_only,
            external=True,
        )
        for r in analysis.references
    )
    return edges


class _SourceLines:
    """Lines of open files, read once each, for evidence text."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[str, list[str]] = {}

    def get(self, path: str, line: int) -> str:
        if path not in self._files:
            try:
                text = (self.root / path).read_bytes().decode("utf-8", errors="replace")
            except OSError:
                text = ""
            self._files[path] = text.splitlines()
        content = self._files[path]
        return content[line - 1].strip() if 0 < line <= len(content) else ""


def check_index(path: Path, policy: Policy) -> None:
    """Fail early when ``path`` is not a usable index for ``policy``'s ``[copied_code]``."""
    index = FingerprintIndex.open(path)
    try:
        index.require(IndexParameters(k=policy.copied_code.k, window=policy.copied_code.window))
    finally:
        index.close()
