"""``sbom.spdx.json``: an SPDX 2.3 document of the open release, built with spdx-tools.

The document DESCRIBES one package, the release; it CONTAINS a package per open or
third-party component, and each of those CONTAINS its files. Packages carry a version, a
supplier and, where the policy names them, a purl and a CPE (defaults and the relationships
between components, STATIC_LINK / DEPENDS_ON from the dependency graph:
:mod:`openesx_license.reports.sbom_identity`), so that the NTIA minimum elements are met.
Proprietary components (and files no component claims) are left out, and the document
comment says so. Every file carries its SHA1, the licences found in its text
(``licenseInfoInFiles``), the concluded licence and its copyright statements; every
``LicenseRef-`` used gets an ``hasExtractedLicensingInfos`` entry, with ScanCode's text when
ScanCode knows the licence.

Expressions go through :func:`~openesx_license.reports.license_data.spdx_expression` first:
license-expression (which spdx-tools uses) keeps ``WITH`` exceptions as one symbol and accepts
any ``LicenseRef-``; ids outside the SPDX list become ``LicenseRef-`` ids, and an expression
that does not parse is recorded as NOASSERTION. The document is validated before it is written
(:func:`spdx_tools.spdx.validation.document_validator.validate_full_spdx_document`, with the
per-file relationships checked separately because the library checks those in quadratic time;
see :func:`validation_problems`), and an invalid one is never written.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from typing import ClassVar

from license_expression import LicenseExpression
from spdx_tools.common.spdx_licensing import spdx_licensing
from spdx_tools.spdx.model import (
    Actor,
    ActorType,
    Checksum,
    ChecksumAlgorithm,
    CreationInfo,
    Document,
    ExternalPackageRef,
    ExternalPackageRefCategory,
    ExtractedLicensingInfo,
    File,
    FileType,
    Package,
    PackagePurpose,
    Relationship,
    RelationshipType,
    SpdxNoAssertion,
    SpdxNone,
)
from spdx_tools.spdx.spdx_element_utils import calculate_package_verification_code
from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document
from spdx_tools.spdx.writer.json.json_writer import write_document_to_stream

from openesx_license.model import AuditResult, ComponentSummary, FileKind, FileRecord
from openesx_license.reports.common import release_scope
from openesx_license.reports.license_data import (
    exception_of_ref,
    license_keys,
    license_refs,
    license_text,
    spdx_expression,
)
from openesx_license.reports.registry import Formatter, ReportFormat
from openesx_license.reports.sbom_identity import (
    component_supplier,
    component_version,
    package_relationships,
    release_supplier,
    release_version,
    split_supplier,
)

_ID_CHARS = re.compile(r"[^A-Za-z0-9.\-]+")
_FILE_TYPES = {
    FileKind.SOURCE: FileType.SOURCE,
    FileKind.HEADER: FileType.SOURCE,
    FileKind.BUILD: FileType.SOURCE,
    FileKind.LICENSE: FileType.TEXT,
    FileKind.DOC: FileType.DOCUMENTATION,
    FileKind.BINARY: FileType.BINARY,
    FileKind.OTHER: FileType.OTHER,
}
_SOURCE_NOTE = {
    "detected": "concluded from the licence stated in the file",
    "license-file": "concluded from the governing licence file {governing}",
    "declared": "concluded from the component's declared licence in the policy",
    "reuse": "concluded from a REUSE declaration (REUSE.toml or .reuse/dep5)",
    "none": "no licence found",
}


def spdx_id(prefix: str, name: str) -> str:
    """An SPDX element id (``SPDXRef-`` + letters, digits, ``.`` and ``-`` only)."""
    return f"SPDXRef-{prefix}-" + (_ID_CHARS.sub("-", name).strip("-") or "x")


def _expression(expr: str | None) -> LicenseExpression | SpdxNoAssertion:
    normalised = spdx_expression(expr, standalone_exceptions=False)
    if normalised is None:
        return SpdxNoAssertion()
    return spdx_licensing.parse(normalised)


def _info_in_file(rec: FileRecord) -> list[LicenseExpression | SpdxNoAssertion | SpdxNone]:
    normalised = spdx_expression(rec.detected_license_expression, standalone_exceptions=False)
    if normalised is None:
        return [SpdxNone()]
    symbols = spdx_licensing.license_symbols(spdx_licensing.parse(normalised), decompose=False)
    unique = dict.fromkeys(str(s) for s in symbols)
    return [spdx_licensing.parse(s) for s in unique]


def _created(result: AuditResult) -> dt.datetime:
    try:
        created = dt.datetime.fromisoformat(result.generated_at.replace("Z", "+00:00"))
    except ValueError:
        created = dt.datetime.now(dt.timezone.utc)
    return created.astimezone(dt.timezone.utc).replace(microsecond=0, tzinfo=None)


def _file(rec: FileRecord, element_id: str) -> File:
    governing = next((d.governing_file for d in rec.detections if d.governing_file), None)
    note = _SOURCE_NOTE.get(rec.license_source, rec.license_source)
    statements = "\n".join(dict.fromkeys(c.statement for c in rec.copyrights))
    return File(
        name=f"./{rec.path}",
        spdx_id=element_id,
        checksums=[Checksum(ChecksumAlgorithm.SHA1, rec.sha1)],
        file_types=[_FILE_TYPES.get(rec.kind, FileType.OTHER)],
        license_concluded=_expression(rec.license_expression),
        license_info_in_file=_info_in_file(rec),
        license_comment=note.format(governing=governing or "(unknown)"),
        copyright_text=statements or SpdxNone(),
    )


def _extracted(refs: dict[str, list[str]]) -> list[ExtractedLicensingInfo]:
    infos = []
    for ref, paths in sorted(refs.items()):
        exception = exception_of_ref(ref)
        known = license_text(exception or ref)
        where = ", ".join(paths[:5]) + (f" and {len(paths) - 5} more" if len(paths) > 5 else "")
        standalone = (
            f" The exception {exception} was found without the licence it modifies (not in a "
            "WITH clause), which SPDX does not allow as a term of its own; it is recorded "
            "under this LicenseRef instead."
            if exception
            else ""
        )
        if known is not None and known.text:
            text, name = known.text, known.name
            comment = (
                f"Text from ScanCode Toolkit's licence data (key {known.scancode_key}).{standalone}"
            )
        else:
            name = known.name if known is not None else ref
            text = (
                f"{name}: no licence text is recorded for this identifier; "
                f"see the licence statements of {where}."
            )
            comment = (
                f"ScanCode Toolkit's licence data holds no text for this identifier.{standalone}"
            )
        infos.append(
            ExtractedLicensingInfo(
                license_id=ref,
                extracted_text=text,
                license_name=name,
                cross_references=[known.homepage_url] if known and known.homepage_url else [],
                comment=f"{comment} Found in: {where}.",
            )
        )
    return infos


def _actor(supplier: str | None) -> Actor | SpdxNoAssertion:
    if supplier is None:
        return SpdxNoAssertion()
    kind, name = split_supplier(supplier)
    return Actor(ActorType.PERSON if kind == "Person" else ActorType.ORGANIZATION, name)


def _external_refs(comp: ComponentSummary) -> list[ExternalPackageRef]:
    refs = []
    if comp.purl:
        refs.append(
            ExternalPackageRef(ExternalPackageRefCategory.PACKAGE_MANAGER, "purl", comp.purl)
        )
    if comp.cpe:
        cpe_type = "cpe23Type" if comp.cpe.startswith("cpe:2.3:") else "cpe22Type"
        refs.append(ExternalPackageRef(ExternalPackageRefCategory.SECURITY, cpe_type, comp.cpe))
    return refs


def spdx_document(result: AuditResult) -> Document:
    """The SPDX 2.3 document of the open release (not yet validated)."""
    scope = release_scope(result)
    namespace_key = _ID_CHARS.sub("-", f"{result.release_name}-{result.tree_hash}").strip("-")
    creation = CreationInfo(
        spdx_version="SPDX-2.3",
        spdx_id="SPDXRef-DOCUMENT",
        name=f"{result.release_name} open release",
        document_namespace=f"https://openesx.org/spdxdocs/{namespace_key or 'tree'}",
        creators=[Actor(ActorType.TOOL, f"openesx-license-{result.tool_version}")],
        created=_created(result),
        data_license="CC0-1.0",
        document_comment=scope.comment(result.release_name),
    )
    # "Package" in the id: NTIA checkers look for a DESCRIBES of an id that says so
    release_id = spdx_id("Package", f"release-{result.release_name or 'release'}")
    packages = [
        Package(
            spdx_id=release_id,
            name=result.release_name or "release",
            version=release_version(result),
            supplier=_actor(release_supplier(result)),
            download_location=SpdxNoAssertion(),
            files_analyzed=False,
            license_concluded=SpdxNoAssertion(),
            license_declared=_expression(result.release_license),
            copyright_text=SpdxNoAssertion(),
            primary_package_purpose=PackagePurpose.SOURCE,
            comment=f"The open release; outbound licence {result.release_license}.",
        )
    ]
    relationships = [
        Relationship("SPDXRef-DOCUMENT", RelationshipType.DESCRIBES, release_id),
    ]
    files: list[File] = []
    refs: dict[str, list[str]] = {}
    for ref in license_refs(result.release_license, standalone_exceptions=False):
        refs.setdefault(ref, []).append("the release licence")
    counter = 0
    used_ids = {release_id}
    package_ids: dict[str, str] = {}
    for comp in scope.components:
        comp_files = []
        for rec in scope.files.get(comp.name, ()):
            if not rec.sha1:
                continue  # unreadable: no checksum to record (an inventory error says why)
            counter += 1
            comp_files.append(_file(rec, f"SPDXRef-File-{counter}"))
            keys = license_keys(rec.license_expression, standalone_exceptions=False)
            keys += license_keys(rec.detected_license_expression, standalone_exceptions=False)
            for key in keys:
                if key.startswith("LicenseRef-") and rec.path not in refs.get(key, []):
                    refs.setdefault(key, []).append(rec.path)
        for ref in license_refs(comp.declared_license, standalone_exceptions=False):
            refs.setdefault(ref, []).append(f"component {comp.name}")
        package_id = spdx_id("Package", comp.name)
        while package_id in used_ids:  # two names that differ only in dropped characters
            package_id += "-1"
        used_ids.add(package_id)
        package_ids[comp.name] = package_id
        in_files = sorted(
            {str(e) for f in comp_files for e in f.license_info_in_file},
        )
        packages.append(
            Package(
                spdx_id=package_id,
                name=comp.name,
                version=component_version(comp, result),
                supplier=_actor(component_supplier(comp, result)),
                external_references=_external_refs(comp),
                download_location=SpdxNoAssertion(),
                files_analyzed=bool(comp_files),
                verification_code=(
                    calculate_package_verification_code(comp_files) if comp_files else None
                ),
                license_concluded=SpdxNoAssertion(),
                license_declared=_expression(comp.declared_license),
                license_info_from_files=[
                    SpdxNone() if e == "NONE" else spdx_licensing.parse(e) for e in in_files
                ],
                copyright_text=SpdxNoAssertion(),
                primary_package_purpose=PackagePurpose.SOURCE,
                comment=f"{comp.component_class} component of {result.release_name}",
            )
        )
        relationships.append(Relationship(release_id, RelationshipType.CONTAINS, package_id))
        relationships.extend(
            Relationship(package_id, RelationshipType.CONTAINS, f.spdx_id) for f in comp_files
        )
        files.extend(comp_files)
    relationships.extend(
        Relationship(
            package_ids[rel.source],
            RelationshipType[rel.type],
            package_ids[rel.target],
            comment=f"{', '.join(rel.kinds)} edges in the dependency graph"
            + (" (code copied from the target)" if rel.type == "OTHER" else ""),
        )
        for rel in package_relationships(result.component_edges, set(package_ids))
    )
    return Document(
        creation_info=creation,
        packages=packages,
        files=files,
        relationships=relationships,
        extracted_licensing_info=_extracted(refs),
    )


def validation_problems(document: Document) -> list[str]:
    """Everything :func:`validate_full_spdx_document` finds, in linear time.

    spdx-tools validates each relationship by listing every element id of the document again,
    which is quadratic: 20 s for 3,000 files, most of an hour for QEMU. The per-file CONTAINS
    relationships (one per file) are therefore checked here with sets, and the library
    validates the document with all its other relationships.
    """
    file_ids = {f.spdx_id for f in document.files}
    package_ids = {p.spdx_id for p in document.packages}
    per_file = [
        r
        for r in document.relationships
        if r.relationship_type is RelationshipType.CONTAINS
        and r.related_spdx_element_id in file_ids
    ]
    per_file_ids = {id(r) for r in per_file}
    rest = [r for r in document.relationships if id(r) not in per_file_ids]
    problems = [
        f"relationship {r.spdx_element_id} CONTAINS {r.related_spdx_element_id}: "
        f"{r.spdx_element_id} is not a package of the document"
        for r in per_file
        if r.spdx_element_id not in package_ids
    ]
    contained = Counter(r.related_spdx_element_id for r in per_file)
    problems.extend(
        f"file {fid} is contained by {n} packages" for fid, n in sorted(contained.items()) if n > 1
    )
    light = Document(
        creation_info=document.creation_info,
        packages=document.packages,
        files=document.files,
        snippets=document.snippets,
        annotations=document.annotations,
        relationships=rest,
        extracted_licensing_info=document.extracted_licensing_info,
    )
    problems.extend(m.validation_message for m in validate_full_spdx_document(light))
    return problems


def render_spdx(result: AuditResult) -> str:
    """The validated SPDX 2.3 JSON text (raises ValueError listing the problems if invalid)."""
    document = spdx_document(result)
    problems = validation_problems(document)
    if problems:
        raise ValueError("invalid SPDX document: " + "; ".join(problems[:20]))
    stream = io.StringIO()
    write_document_to_stream(document, stream, validate=False)
    return stream.getvalue() + "\n"


class SpdxFormatter(Formatter):
    """``sbom.spdx.json``: SPDX 2.3 SBOM of the open release."""

    format: ClassVar[ReportFormat] = ReportFormat.SPDX
    filename: ClassVar[str | None] = "sbom.spdx.json"
    description: ClassVar[str] = "SPDX 2.3 JSON SBOM of the open release (proprietary excluded)"

    def render(self, result: AuditResult) -> str:
        """The SPDX document as JSON."""
        return render_spdx(result)
