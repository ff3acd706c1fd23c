"""``sbom.cdx.json``: a CycloneDX 1.6 BOM of the open release, built with cyclonedx-python-lib.

``metadata.component`` is the release; each open or third-party component of the policy is a
top-level component (with a version, a supplier, and the purl and CPE the policy gives, so that
Dependency-Track can match it; defaults in :mod:`openesx_license.reports.sbom_identity`), and
its files are nested ``file`` components with their SHA-1, the concluded licence (``licenses``,
acknowledgement ``concluded``) and, as ``evidence``, the licence stated in the file
(acknowledgement ``declared``) and its copyright statements. Proprietary components and
unclaimed files are left out; a ``metadata.properties`` entry (``openesx:scope``) says so.
Component edges between released components become ``dependencies``.

The files are serialised one by one and put into the library's JSON, in the order the library
gives them (by path: it sorts a component's components by type, group and name, and paths are
unique): the library keeps them in a sorted set whose every comparison builds a tuple of all of a
component's fields, which took minutes for Linux's 78,000 files.

CycloneDX 1.6 allows one licence *expression* per ``licenses`` list and does not parse it:
expressions are normalised to SPDX first (``WITH`` kept, unknown ids as ``LicenseRef-``), which
is why the statement in the file goes to ``evidence`` rather than a second expression. An
exception ScanCode found outside a ``WITH`` clause is recorded as ``LicenseRef-exception-<id>``,
as in the SPDX document.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import ClassVar

from cyclonedx.model import Copyright, HashAlgorithm, HashType, Property
from cyclonedx.model.bom import Bom, BomMetaData
from cyclonedx.model.component import Component, ComponentType
from cyclonedx.model.component_evidence import ComponentEvidence
from cyclonedx.model.contact import OrganizationalEntity
from cyclonedx.model.license import LicenseAcknowledgement, LicenseExpression
from cyclonedx.model.tool import ToolRepository
from cyclonedx.output import make_outputter
from cyclonedx.schema import OutputFormat, SchemaVersion
from cyclonedx.schema.schema import SCHEMA_VERSIONS
from packageurl import PackageURL

from openesx_license.model import AuditResult, ComponentSummary, FileRecord
from openesx_license.reports.common import release_scope
from openesx_license.reports.license_data import spdx_expression
from openesx_license.reports.registry import Formatter, ReportFormat
from openesx_license.reports.sbom_identity import (
    component_supplier,
    component_version,
    release_supplier,
    release_version,
    split_supplier,
)

_NAMESPACE = uuid.UUID("6f1c1a52-3b8e-4b8a-9a55-0e5b6f0e5a11")  # serial numbers: uuid5 in here


def _licenses(expr: str | None, ack: LicenseAcknowledgement) -> list[LicenseExpression]:
    normalised = spdx_expression(expr, standalone_exceptions=False)
    return [LicenseExpression(normalised, acknowledgement=ack)] if normalised else []


def _timestamp(result: AuditResult) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(result.generated_at.replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime.now(dt.timezone.utc)


def _file_component(rec: FileRecord) -> Component:
    evidence = None
    declared = _licenses(rec.detected_license_expression, LicenseAcknowledgement.DECLARED)
    statements = list(dict.fromkeys(c.statement for c in rec.copyrights))
    if declared or statements:
        evidence = ComponentEvidence(
            licenses=declared, copyright=[Copyright(text=s) for s in statements]
        )
    properties = [Property(name="openesx:license-source", value=rec.license_source)]
    properties.extend(Property(name="openesx:holder", value=h.holder) for h in rec.holders)
    return Component(
        type=ComponentType.FILE,
        name=rec.path,
        bom_ref=f"file:{rec.path}",
        hashes=[HashType(alg=HashAlgorithm.SHA_1, content=rec.sha1)] if rec.sha1 else None,
        licenses=_licenses(rec.license_expression, LicenseAcknowledgement.CONCLUDED),
        copyright="\n".join(statements) or None,
        evidence=evidence,
        properties=properties,
    )


def _supplier(supplier: str | None) -> OrganizationalEntity | None:
    return OrganizationalEntity(name=split_supplier(supplier)[1]) if supplier else None


def _component(
    comp: ComponentSummary, result: AuditResult, scope_files: tuple[FileRecord, ...] = ()
) -> Component:
    return Component(
        type=ComponentType.LIBRARY,
        name=comp.name,
        version=component_version(comp, result),
        supplier=_supplier(component_supplier(comp, result)),
        purl=PackageURL.from_string(comp.purl) if comp.purl else None,
        cpe=comp.cpe,
        bom_ref=f"component:{comp.name}",
        licenses=_licenses(comp.declared_license, LicenseAcknowledgement.DECLARED),
        components=[_file_component(rec) for rec in scope_files],
        properties=[Property(name="openesx:class", value=comp.component_class)],
    )


def cyclonedx_bom(result: AuditResult, *, with_files: bool = True) -> Bom:
    """The CycloneDX BOM of the open release (``with_files=False``: its components without
    their files, which :func:`render_cyclonedx` adds to the JSON)."""
    scope = release_scope(result)
    release = Component(
        type=ComponentType.APPLICATION,
        name=result.release_name or "release",
        version=release_version(result),
        supplier=_supplier(release_supplier(result)),
        bom_ref="release",
        description=scope.comment(result.release_name),
        licenses=_licenses(result.release_license, LicenseAcknowledgement.DECLARED),
    )
    tool = Component(
        type=ComponentType.APPLICATION, name="openesx-license", version=result.tool_version
    )
    metadata = BomMetaData(
        tools=ToolRepository(components=[tool]),
        component=release,
        timestamp=_timestamp(result),
        properties=[
            Property(name="openesx:scope", value=scope.comment(result.release_name)),
            Property(name="openesx:release-license", value=result.release_license),
            Property(name="openesx:tree-hash", value=result.tree_hash),
        ],
    )
    components = [
        _component(comp, result, scope.files.get(comp.name, ()) if with_files else ())
        for comp in scope.components
    ]
    serial = uuid.uuid5(
        _NAMESPACE, f"{result.release_name}\0{result.tree_hash}\0{result.generated_at}"
    )
    bom = Bom(components=components, metadata=metadata, serial_number=serial)
    by_name = {c.name: c for c in components}
    bom.register_dependency(release, components)
    for edge in result.component_edges:
        source, target = by_name.get(edge.source), by_name.get(edge.target)
        if source is not None and target is not None and source is not target:
            bom.register_dependency(source, [target])
    for comp in components:  # every component appears in the dependency graph
        bom.register_dependency(comp, [])
    return bom


def render_cyclonedx(result: AuditResult) -> str:
    """The CycloneDX 1.6 JSON text (see the module docstring for how the files get in)."""
    outputter = make_outputter(
        cyclonedx_bom(result, with_files=False), OutputFormat.JSON, SchemaVersion.V1_6
    )
    document = json.loads(outputter.output_as_string())
    view = SCHEMA_VERSIONS[SchemaVersion.V1_6]
    scope = release_scope(result)
    by_ref = {c.get("bom-ref"): c for c in document.get("components", ())}
    for comp in scope.components:
        records = sorted(scope.files.get(comp.name, ()), key=lambda rec: rec.path)
        entry = by_ref.get(f"component:{comp.name}")
        if not records or entry is None:
            continue
        # the key order of a component that has files, as the library writes it
        first = _component(comp, result, (records[0],))
        order = json.loads(first.as_json(view_=view))  # type: ignore[attr-defined]
        files = [json.loads(_file_component(rec).as_json(view_=view)) for rec in records]  # type: ignore[attr-defined]
        entry.update(components=files)
        reordered = {key: entry[key] for key in order if key in entry}
        reordered.update((key, value) for key, value in entry.items() if key not in reordered)
        entry.clear()
        entry.update(reordered)
    return json.dumps(document, indent=2) + "\n"


class CycloneDxFormatter(Formatter):
    """``sbom.cdx.json``: CycloneDX 1.6 SBOM of the open release."""

    format: ClassVar[ReportFormat] = ReportFormat.CYCLONEDX
    filename: ClassVar[str | None] = "sbom.cdx.json"
    description: ClassVar[str] = "CycloneDX 1.6 JSON SBOM of the open release"

    def render(self, result: AuditResult) -> str:
        """The BOM as JSON."""
        return render_cyclonedx(result)
