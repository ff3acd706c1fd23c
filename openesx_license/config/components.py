"""Which component owns a path, and the licence a component declares for its files.

A path may match globs of several components (``drivers/**`` and ``drivers/net/vmxnet/**``);
the most specific glob wins (see :mod:`openesx_license._util.globs` for the order: longest
literal prefix, then fewest wildcards, then most literal characters; on a full tie the
component declared first in the policy).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping

from openesx_license._util.globs import compile_glob, specificity
from openesx_license.config.model import Component, ComponentClass, Policy
from openesx_license.model import FileRecord, LicenseSource

#: The ``component_class`` of files no component claims (ComponentSummary, graph nodes).
UNMAPPED = "unmapped"


class ComponentMap:
    """Maps tree paths to the policy's components; answers are cached per path."""

    def __init__(
        self, policy: Policy, resolvers: Iterable[Callable[[str], Component | None]] = ()
    ) -> None:
        """``resolvers`` are consulted, in order, for names no glob claims (e.g. the
        ``ipindex:<component>:<name>`` nodes of an IP index)."""
        self.policy = policy
        ranked = [
            (specificity(glob).key(), -order, glob, component)
            for order, component in enumerate(policy.components)
            for glob in component.paths
        ]
        # most specific first, so the first match is the winner
        ranked.sort(key=lambda item: (item[0], item[1]), reverse=True)
        self._globs = [(compile_glob(glob), glob, comp) for _, _, glob, comp in ranked]
        self._cache: dict[str, tuple[Component, str] | None] = {}
        self._extra = tuple(resolvers)

    def _lookup(self, path: str) -> tuple[Component, str] | None:
        if path in self._cache:
            return self._cache[path]
        found: tuple[Component, str] | None = None
        for regex, glob, component in self._globs:
            if regex.match(path):
                found = (component, glob)
                break
        if found is None:
            for resolver in self._extra:
                resolved = resolver(path)
                if resolved is not None:
                    found = (resolved, "<resolver>")
                    break
        self._cache[path] = found
        return found

    def component_for(self, path: str) -> Component | None:
        """The component that claims ``path`` (most specific glob), or None."""
        found = self._lookup(path)
        return found[0] if found else None

    def matching_glob(self, path: str) -> str | None:
        """The glob that decided ``path``'s component (for evidence), or None."""
        found = self._lookup(path)
        return found[1] if found else None

    def component_of(self, path: str) -> tuple[str, str] | None:
        """``(name, class)`` of the component of ``path``, or None (the graph's callback)."""
        component = self.component_for(path)
        if component is None:
            return None
        return component.name, component.component_class.value

    def class_of(self, path: str) -> ComponentClass | None:
        """The class of ``path``'s component, or None when unmapped."""
        component = self.component_for(path)
        return component.component_class if component else None


def apply_components(
    records: Iterable[FileRecord], components: ComponentMap
) -> dict[str, FileRecord]:
    """Records by path with ``component`` set and the declared licence applied.

    A file that states no licence of its own takes its component's declared licence, recorded
    with ``license_source='declared'``, when nothing closer governs it: no licence at all
    ('none'), or only a COPYING/LICENSE file *outside* the component (an ancestor folder's,
    such as the root COPYING over a proprietary component's Makefile). A licence file inside
    the component, and what the file itself says, are never overridden (a disagreement is for
    the licence checks to report). docs/scan-json.md gives the whole order.
    """
    out: dict[str, FileRecord] = {}
    for record in records:
        component = components.component_for(record.path)
        changes: dict[str, object] = {"component": component.name if component else None}
        if (
            component is not None
            and component.license
            and _open_to_declared(record, component, components)
        ):
            changes["license_expression"] = component.license
            changes["license_source"] = LicenseSource.DECLARED
            changes["detections"] = tuple(
                dataclasses.replace(
                    d,
                    message=f"{d.message}; outside component {component.name!r}, whose "
                    "declared licence comes first",
                )
                if d.governing_file
                else d
                for d in record.detections
            )
        out[record.path] = dataclasses.replace(record, **changes)  # type: ignore[arg-type]
    return out


def _open_to_declared(record: FileRecord, component: object, components: ComponentMap) -> bool:
    """No licence, or one only from a licence file that lies outside the file's component."""
    if record.license_source == LicenseSource.NONE:
        return not record.license_expression
    if record.license_source != LicenseSource.LICENSE_FILE:
        return False
    governing = [d.governing_file for d in record.detections if d.governing_file]
    return bool(governing) and components.component_for(governing[-1]) is not component


def files_by_component(files: Mapping[str, FileRecord]) -> dict[str | None, list[FileRecord]]:
    """Group records by component name (None for unmapped files), paths sorted."""
    groups: dict[str | None, list[FileRecord]] = {}
    for path in sorted(files):
        groups.setdefault(files[path].component, []).append(files[path])
    return groups
