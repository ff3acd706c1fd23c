"""The JSON the HTML report embeds for its script: findings with evidence, inventory, holders.

Tables that can hold 20,000 rows (QEMU) are not written as 20,000 DOM rows: they travel as
compact JSON (strings deduplicated into lookup lists, rows as arrays) inside a
``<script type="application/json">`` and the page's script renders one page of rows at a time.
:func:`embed_json` makes the JSON safe inside HTML: ``<``, ``>`` and ``&`` become ``\\u003c``...
so a path such as ``</script><script>alert(1)</script>`` stays data.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from markupsafe import Markup

from openesx_license.model import AuditResult, FileRecord, Finding
from openesx_license.reports.holders import merge_holders, merged_holders
from openesx_license.reports.html_copies import side_by_side
from openesx_license.reports.html_source import SourceExcerpts

#: longest evidence text or matched licence text kept in the page (the JSON report has it all)
MAX_TEXT_CHARS = 2000
NO_LICENSE = "(no licence found)"


class StringTable:
    """Deduplicates strings into a list; rows refer to them by index (-1 for None)."""

    def __init__(self) -> None:
        self.values: list[str] = []
        self._index: dict[str, int] = {}

    def ref(self, value: str | None) -> int:
        """Index of ``value`` in :attr:`values` (added on first use); -1 for None."""
        if value is None:
            return -1
        found = self._index.get(value)
        if found is None:
            found = self._index[value] = len(self.values)
            self.values.append(value)
        return found


def embed_json(data: Any) -> Markup:
    """JSON text that can sit between ``<script type="application/json">`` tags unharmed."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    for raw, safe in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e")):
        text = text.replace(raw, safe)
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _cap(text: str | None) -> str | None:
    if text is None or len(text) <= MAX_TEXT_CHARS:
        return text
    return text[:MAX_TEXT_CHARS] + f" … [{len(text) - MAX_TEXT_CHARS:,} more characters]"


def _detections(rec: FileRecord) -> dict[str, Any]:
    return {
        "lic": rec.license_expression,
        "src": rec.license_source,
        "det": [
            {
                "e": d.license_expression,
                "m": d.method.value,
                "a": d.start_line,
                "b": d.end_line,
                "sc": d.score,
                "r": d.matched_rule,
                "t": _cap(d.matched_text),
                "g": d.governing_file,
                "v": d.valid,
                "n": d.message,
            }
            for d in rec.detections
        ],
    }


def findings_payload(
    findings: Sequence[Finding],
    files: Mapping[str, FileRecord],
    root: Path,
    rules: Mapping[str, Mapping[str, str]],
    *,
    excerpt_limit: int = 20_000,
    hidden: Collection[str] = (),
) -> dict[str, Any]:
    """Findings, their code excerpts, the licence detections of their files, rule guidance.

    ``hidden`` files (``--redact-proprietary``) give no excerpt: their location and a hash.
    """
    excerpts = SourceExcerpts(root, limit=excerpt_limit, hidden=hidden)
    rows: list[dict[str, Any]] = []
    for f in findings:
        evidence = [
            [ev.path, ev.line, _cap(ev.text), ev.kind, excerpts.index_of(ev.path, ev.line)]
            for ev in f.evidence
        ]
        row: dict[str, Any] = {
            "r": f.rule,
            "s": f.severity.value,
            "p": f.path,
            "l": f.line,
            "c": f.component,
            "m": f.message,
            "st": f.status.value,
            "e": evidence,
        }
        if not any(ev.path == f.path and ev.line == f.line for ev in f.evidence):
            row["x"] = excerpts.index_of(f.path, f.line)
        extras = (("sn", f.status_note), ("t", f.target), ("fp", f.fingerprint))
        row.update({key: value for key, value in extras if value})
        if data := f.report_data():
            row["d"] = data_in_words(data)
        if f.introduced is not None:
            row["in"] = 1 if f.introduced else 0
        if f.rule == "copied-code":
            pair = side_by_side(f, excerpts)
            if pair is not None:
                row["cp"] = pair
        rows.append(row)
    # files without any detection are left out: the page reads their concluded licence from
    # the inventory rows (at 10,000 unknown-license findings this saves most of a megabyte)
    detections = {
        p: _detections(files[p])
        for p in sorted({f.path for f in findings})
        if p in files and files[p].detections
    }
    return {
        "findings": rows,
        "excerpts": [e.to_json() for e in excerpts.excerpts],
        "excerptsOmitted": excerpts.omitted,
        "treeMissing": excerpts.tree_missing,
        "files": detections,
        "rules": rules,
    }


#: the words a reviewer reads for the keys of findings' ``data`` (others: the key, spaced)
DATA_LABELS = {
    "open_lines": "Lines of the open file",
    "proprietary_lines": "Lines of the proprietary file",
    "proprietary_path": "Proprietary file",
    "proprietary_component": "Proprietary component",
    "similarity": "Similarity",
    "tokens": "Tokens of code that match",
    "matched_fingerprints": "Matching code fingerprints",
    "value_matches": "Literal values that match (numbers, strings)",
    "value_conflicts": "Literal values that differ",
    "name_matches": "Names that match",
    "other_sources": "Other proprietary files with the same code",
    "index": "Where the proprietary code was found",
    "hops": "Steps of the dependency path",
    "policy_rule": "Policy rule",
    "rule_type": "Kind of boundary rule",
    "target_file": "File reached on the other side",
    "waivable": "Can be waived",
    "license": "Licence",
    "release_license": "Release licence",
    "reason": "Why",
    "source": "Source of the licence rule",
    "chosen": "Licence branch chosen",
    "edge_kind": "Kind of dependency",
    "symbol": "Symbol",
    "exporter": "Exported by",
    "why": "Why it is not allowed",
}


def _in_words(key: str, value: object) -> str:
    if key.endswith("_lines") and isinstance(value, list | tuple) and len(value) == 2:
        return f"{value[0]}–{value[1]}"
    if key == "similarity" and isinstance(value, int | float):
        return f"{value * 100:.0f}%" if value <= 1 else f"{value:.0f}%"
    if key == "index" and value == "<monorepo>":
        return "in this tree itself (its proprietary components)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None:
        return "—"
    return _plain(value)


def data_in_words(data: Mapping[str, object]) -> list[list[str | None]]:
    """A finding's ``data`` as ``[label, value]`` pairs in plain words, known keys first."""
    known = [k for k in DATA_LABELS if k in data]
    rest = sorted(str(k) for k in data if k not in DATA_LABELS)
    return [
        [DATA_LABELS.get(k, k.replace("_", " ").capitalize()), _cap(_in_words(k, data[k]))]
        for k in (*known, *rest)
    ]


def _plain(value: object) -> str:
    if isinstance(value, str):
        return value
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


def inventory_payload(result: AuditResult) -> dict[str, Any]:
    """Every file as a compact row: path, component, licence, source, holders, kind, findings."""
    comps, lics, holders, sources, kinds = (StringTable() for _ in range(5))
    per_file = Counter(f.path for f in result.findings)
    shown = merge_holders(h.holder for rec in result.scan.files for h in rec.holders)
    rows = [
        [
            rec.path,
            comps.ref(rec.component),
            lics.ref(rec.license_expression),
            sources.ref(rec.license_source),
            sorted({holders.ref(shown.get(h.holder.strip(), h.holder)) for h in rec.holders}),
            kinds.ref(rec.kind.value),
            per_file.get(rec.path, 0),
        ]
        for rec in sorted(result.scan.files, key=lambda r: r.path)
    ]
    return {
        "comp": comps.values,
        "lic": lics.values,
        "hold": holders.values,
        "src": sources.values,
        "kind": kinds.values,
        "f": rows,
        "classes": {c.name: c.component_class for c in result.components},
    }


def holder_rows(
    files: Iterable[FileRecord],
) -> list[tuple[str, int, tuple[str, ...], tuple[str, ...]]]:
    """Copyright holders merged across spellings (:mod:`.holders`): (holder, number of files,
    components, other spellings), most files first."""
    return [
        (h.name, h.files, h.components, tuple(s for s in h.spellings if s != h.name))
        for h in merged_holders(files)
    ]


def license_counts(files: Iterable[FileRecord]) -> list[tuple[str, int]]:
    """Files per concluded licence expression, most files first."""
    counts = Counter(rec.license_expression or NO_LICENSE for rec in files)
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
