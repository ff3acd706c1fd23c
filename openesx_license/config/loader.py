"""Read a TOML policy into the frozen models of :mod:`openesx_license.config.model`.

Every problem is collected, not just the first: a release engineer fixing a policy wants the
whole list at once. Each message names the table and key and says what was expected, e.g.
``[[component]] #3 'paths': must not be empty``; :class:`~openesx_license.errors.PolicyError`
prefixes the file name. Unknown keys are errors (a typo must not silently disable a rule) and
come with the nearest known key as a suggestion.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import sys
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from openesx_license._util.globs import glob_problem
from openesx_license.config.decisions import decisions_path, load_decisions
from openesx_license.config.identity import read_identity
from openesx_license.config.model import (
    BoundaryRule,
    Component,
    ComponentClass,
    CopiedCodeSettings,
    GraphSettings,
    LicensePolicy,
    Markers,
    Policy,
    Release,
    ReportSettings,
    RuleType,
    Selector,
    UnscannedSettings,
    Waiver,
)
from openesx_license.config.tomlread import TableReader
from openesx_license.detect.markers import marker_problem
from openesx_license.errors import PolicyError
from openesx_license.model import EDGE_KINDS, Severity
from openesx_license.resources import rules_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

_TOP_KEYS = (
    "schema", "release", "component", "rule", "licenses", "markers", "unscanned", "graph",
    "copied_code", "reports", "exclude", "waiver", "decisions",
)  # fmt: skip
DEFAULT_POLICY = "default.toml"


#: why a [[waiver]] of a rule is refused, given whether any [[rule]] table is waivable
WaiverRefusal = Callable[[str, bool], "str | None"]


def load_policy(
    path: Path | None,
    *,
    rule_ids: Collection[str] = (),
    waiver_refusal: WaiverRefusal | None = None,
) -> Policy:
    """Load and validate the policy at ``path`` (None: the shipped ``rules/default.toml``).

    ``rule_ids`` are the check ids a ``[[waiver]]`` may name (the caller asks the check
    registry; configuration sits below the checks and does not import them). Empty: waiver
    rule ids are not checked against a list. ``waiver_refusal`` (from the gate) says why a
    waiver of a rule that can never be waived is refused, so that it is listed with every other
    problem of the file in one run.

    Raises :class:`PolicyError` listing every problem (missing file, TOML syntax with its line,
    unknown or missing keys, wrong types, bad globs, SPDX ids, component names).
    """
    source = "<default>" if path is None else str(path)
    file = rules_file(DEFAULT_POLICY) if path is None else Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PolicyError(str(file), ["policy file not found"]) from None
    except IsADirectoryError:
        raise PolicyError(str(file), ["is a folder, expected a TOML policy file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PolicyError(str(file), [f"cannot read the policy: {exc}"]) from None
    display = str(file) if path is None else source
    policy = parse_policy(
        text, source=source, display=display, rule_ids=rule_ids, waiver_refusal=waiver_refusal
    )
    if policy.decisions_file is None:
        return policy
    # a bad decisions file is a policy error too, naming the decisions file
    written = policy.decisions_file
    decisions = load_decisions(decisions_path(file, written), display=written)
    return dataclasses.replace(policy, decisions=decisions)


def parse_policy(
    text: str,
    *,
    source: str,
    display: str | None = None,
    rule_ids: Collection[str] = (),
    waiver_refusal: WaiverRefusal | None = None,
) -> Policy:
    """Validate policy TOML ``text``; ``source`` is recorded in the model, ``display`` in errors,
    ``rule_ids`` as in :func:`load_policy`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(display or source, [f"TOML syntax error: {exc}"]) from None
    return policy_from_data(
        data, source=source, display=display, rule_ids=rule_ids, waiver_refusal=waiver_refusal
    )


def policy_from_data(
    data: dict[str, Any],
    *,
    source: str,
    display: str | None = None,
    rule_ids: Collection[str] = (),
    waiver_refusal: WaiverRefusal | None = None,
) -> Policy:
    """Validate an already parsed policy table (e.g. ``[tool.openesx-license]`` of a
    ``pyproject.toml``); arguments as in :func:`parse_policy`."""
    reader = _PolicyReader(rule_ids, waiver_refusal)
    policy = reader.read(data, source)
    if reader.problems or policy is None:
        raise PolicyError(display or source, reader.problems)
    return policy


class _PolicyReader(TableReader):
    """Walks the policy document, collecting problems; returns None when any was found."""

    def __init__(
        self, rule_ids: Collection[str] = (), waiver_refusal: WaiverRefusal | None = None
    ) -> None:
        super().__init__(top_keys=_TOP_KEYS)
        self.rule_ids = set(rule_ids)
        self.waiver_refusal = waiver_refusal
        self.declared_names: set[str] = set()  # every [[component]] name, even of a bad table

    # -- the document ----------------------------------------------------------------------

    def read(self, data: dict[str, Any], source: str) -> Policy | None:
        self.keys(data, "top level", _TOP_KEYS)
        schema = self.typed(data, "top level", "schema", int, 1)
        if schema != 1:
            self.problem("top level 'schema'", f"unsupported schema {schema}; this tool reads 1")
        release = self.release(self.table(data, "release"))
        components = self.components(data)
        names = set(self.declared_names)
        rules = self.rules(data, names)
        licenses = self.licenses(self.table(data, "licenses"))
        markers = self.markers(self.table(data, "markers"))
        unscanned = self.unscanned(self.table(data, "unscanned"))
        graph = self.graph(self.table(data, "graph"))
        copied = self.copied_code(self.table(data, "copied_code"))
        reports = self.reports(self.table(data, "reports"))
        exclude = self.strings(data, "top level", "exclude", check=glob_problem)
        waivers = self.waivers(data, rules)
        decisions = self.typed(data, "top level", "decisions", str)
        if decisions is not None and not decisions.strip():
            self.problem("top level 'decisions'", "must name the decisions file (TOML)")
        if self.problems or release is None:
            return None
        return Policy(
            source=source,
            release=release,
            components=tuple(components),
            rules=tuple(rules),
            licenses=licenses,
            markers=markers,
            unscanned=unscanned,
            graph=graph,
            copied_code=copied,
            reports=reports,
            exclude=exclude,
            waivers=tuple(waivers),
            schema=schema,
            decisions_file=decisions,
        )

    def release(self, table: dict[str, Any]) -> Release | None:
        where = "[release]"
        if not table:
            self.problem(where, "missing required table (name and license of the release)")
            return None
        self.keys(table, where, ("name", "license", "candidates"))
        name = self.typed(table, where, "name", str, required=True)
        license_ = self.typed(table, where, "license", str, required=True)
        if license_ is not None:
            self.spdx(f"{where} 'license'", license_)
        candidates = self.strings(table, where, "candidates", check=_spdx_problem)
        if name is None or license_ is None:
            return None
        if "candidates" in table:
            return Release(name=name, license=license_, candidates=candidates)
        return Release(name=name, license=license_)

    def spdx(self, where: str, expression: str) -> None:
        problem = _spdx_problem(expression)
        if problem:
            self.problem(where, problem)

    def components(self, data: Mapping[str, Any]) -> list[Component]:
        out: list[Component] = []
        seen_names: dict[str, str] = {}
        seen_globs: dict[str, str] = {}
        for where, table in self.tables(data, "component"):
            self.keys(
                table,
                where,
                ("name", "class", "paths", "license", "version", "supplier", "purl", "cpe"),
            )
            name = self.typed(table, where, "name", str, required=True)
            klass = self.enum(table, where, "class", ComponentClass, required=True)
            paths = self.strings(
                table, where, "paths", required=True, non_empty=True, check=glob_problem
            )
            license_ = self.typed(table, where, "license", str)
            if license_ is not None:
                self.spdx(f"{where} 'license'", license_)
            if name is not None and not name.strip():
                self.problem(f"{where} 'name'", "must not be empty")
            elif name is not None and name in seen_names:
                self.problem(
                    f"{where} 'name'", f"duplicate component {name!r} (also {seen_names[name]})"
                )
            elif name is not None:
                seen_names[name] = where
                self.declared_names.add(name)
            for glob in paths:
                if glob in seen_globs:
                    self.problem(
                        f"{where} 'paths'",
                        f"glob {glob!r} is also claimed by {seen_globs[glob]}; "
                        "the same glob cannot belong to two components",
                    )
                seen_globs[glob] = f"{where} ({name})"
            identity = read_identity(self, table, where)
            if name and klass is not None and paths:
                out.append(
                    Component(
                        name=name,
                        component_class=klass,
                        paths=paths,
                        license=license_,
                        identity=identity,
                    )
                )
        return out

    def selector(
        self, table: Mapping[str, Any], where: str, key: str, names: set[str]
    ) -> Selector | None:
        value = self.typed(table, where, key, dict)
        if value is None:
            return None
        at = f"{where} '{key}'"
        self.keys(value, at, ("class", "component", "components"))
        klass = self.enum(value, at, "class", ComponentClass, required=False)
        chosen = list(self.strings(value, at, "components"))
        one = self.typed(value, at, "component", str)
        if one is not None:
            chosen.append(one)
        for name in chosen:
            if name not in names:
                self.problem(at, f"unknown component {name!r}; {_known(names)}")
        if klass is None and not chosen and "class" not in value:
            self.problem(at, "must name a 'class' or 'component(s)'")
        return Selector(component_class=klass, components=tuple(chosen))

    def rules(self, data: Mapping[str, Any], names: set[str]) -> list[BoundaryRule]:
        out: list[BoundaryRule] = []
        seen: set[str] = set()
        allowed = (
            "name", "type", "from", "to", "edges", "transitive", "severity", "waivable",
            "facades", "layers",
        )  # fmt: skip
        for where, table in self.tables(data, "rule"):
            self.keys(table, where, allowed)
            name = self.typed(table, where, "name", str, required=True)
            if name in seen:
                self.problem(f"{where} 'name'", f"duplicate rule name {name!r}")
            seen.add(name or "")
            rtype = self.enum(table, where, "type", RuleType, required=True)
            source = self.selector(table, where, "from", names)
            target = self.selector(table, where, "to", names)
            edges = self.strings(table, where, "edges", check=_edge_problem)
            severity = self.enum(table, where, "severity", Severity, required=False)
            transitive = self.typed(table, where, "transitive", bool, True)
            waivable = self.typed(table, where, "waivable", bool, False)
            facades = self.strings(table, where, "facades", check=glob_problem)
            layers = self.strings(table, where, "layers")
            if rtype is RuleType.FORBIDDEN:
                for key, sel in (("from", source), ("to", target)):
                    if sel is None and key not in table:
                        self.problem(
                            f"{where} '{key}'", "missing required key for type 'forbidden'"
                        )
            if rtype is RuleType.PROTECTED:
                if "to" not in table:
                    self.problem(f"{where} 'to'", "missing required key for type 'protected'")
                if "facades" not in table:
                    self.problem(f"{where} 'facades'", "missing required key for type 'protected'")
            if rtype is RuleType.LAYERS:
                if len(layers) < 2:
                    self.problem(f"{where} 'layers'", "type 'layers' needs at least two components")
                for layer in layers:
                    if layer not in names:
                        self.problem(
                            f"{where} 'layers'", f"unknown component {layer!r}; {_known(names)}"
                        )
            elif "layers" in table:
                self.problem(f"{where} 'layers'", "only used by type 'layers'")
            if "facades" in table and rtype is not RuleType.PROTECTED:
                self.problem(f"{where} 'facades'", "only used by type 'protected'")
            if name is None or rtype is None:
                continue
            out.append(
                BoundaryRule(
                    name=name,
                    type=rtype,
                    source=source or Selector(),
                    target=target or Selector(),
                    edges=edges if "edges" in table else EDGE_KINDS,
                    transitive=transitive,
                    severity=severity or Severity.ERROR,
                    waivable=waivable,
                    facades=facades,
                    layers=layers,
                )
            )
        return out

    def licenses(self, table: Mapping[str, Any]) -> LicensePolicy:
        self.keys(table, "[licenses]", ("deny", "review"))
        deny = self.strings(table, "[licenses]", "deny", check=_license_list_problem)
        review = self.strings(table, "[licenses]", "review", check=_license_list_problem)
        return LicensePolicy(deny=deny, review=review)

    def markers(self, table: Mapping[str, Any]) -> Markers:
        self.keys(table, "[markers]", ("proprietary",))
        if "proprietary" not in table:
            return Markers()
        found = self.strings(table, "[markers]", "proprietary", check=marker_problem)
        return Markers(proprietary=found)

    def unscanned(self, table: Mapping[str, Any]) -> UnscannedSettings:
        self.keys(table, "[unscanned]", ("severity",))
        severity = self.enum(table, "[unscanned]", "severity", Severity, required=False)
        return UnscannedSettings(severity=severity or Severity.ERROR)

    def graph(self, table: Mapping[str, Any]) -> GraphSettings:
        self.keys(table, "[graph]", ("include_dirs", "compile_commands"))
        dirs = self.strings(table, "[graph]", "include_dirs", check=_relative_dir_problem)
        cc = self.typed(table, "[graph]", "compile_commands", str)
        if cc is not None and _relative_dir_problem(cc):
            self.problem("[graph] 'compile_commands'", _relative_dir_problem(cc) or "")
        return GraphSettings(include_dirs=dirs, compile_commands=cc)

    def reports(self, table: Mapping[str, Any]) -> ReportSettings:
        self.keys(table, "[reports]", ("redact_proprietary",))
        redact = self.typed(table, "[reports]", "redact_proprietary", bool, False)
        return ReportSettings(redact_proprietary=bool(redact))

    def copied_code(self, table: Mapping[str, Any]) -> CopiedCodeSettings:
        names = (
            "k", "window", "min_lines", "min_tokens", "min_tokens_with_values",
            "min_tokens_with_names", "min_tokens_with_other_values", "boilerplate_threshold",
        )  # fmt: skip
        self.keys(table, "[copied_code]", names)
        values: dict[str, int] = {}
        for key in names:
            value = self.typed(table, "[copied_code]", key, int)
            if value is None:
                continue
            if value < 1:
                self.problem(f"[copied_code] '{key}'", f"must be a positive integer, got {value}")
                continue
            values[key] = value
        return CopiedCodeSettings(**values)

    def waivers(self, data: Mapping[str, Any], rules: list[BoundaryRule]) -> list[Waiver]:
        known = self.rule_ids
        out: list[Waiver] = []
        for index, (where, table) in enumerate(self.tables(data, "waiver"), start=1):
            self.keys(table, where, ("rule", "path", "edge", "reason", "owner", "expires"))
            rule = self.typed(table, where, "rule", str, required=True)
            reason = self.typed(table, where, "reason", str, required=True)
            owner = self.typed(table, where, "owner", str)
            path = self.typed(table, where, "path", str)
            edge = self.typed(table, where, "edge", str)
            expires = self.typed(table, where, "expires", (dt.date, str))
            if rule is not None and known and rule not in known:
                near = difflib.get_close_matches(rule, sorted(known), n=1)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                self.problem(f"{where} 'rule'", f"unknown rule id {rule!r}{hint}")
            elif rule is not None and self.waiver_refusal is not None:
                refusal = self.waiver_refusal(rule, any(r.waivable for r in rules))
                if refusal:
                    self.problem(f"{where} 'rule'", refusal)
            if reason is not None and not reason.strip():
                self.problem(f"{where} 'reason'", "must not be empty: say why this is accepted")
            if path is None and edge is None:
                self.problem(where, "needs 'path' (a glob) or 'edge' ('from-glob -> to-glob')")
            if path is not None and glob_problem(path):
                self.problem(f"{where} 'path'", glob_problem(path) or "")
            if edge is not None:
                ends = [e.strip() for e in edge.split("->")]
                if len(ends) != 2 or any(glob_problem(e) for e in ends):
                    self.problem(
                        f"{where} 'edge'", f"expected 'from-glob -> to-glob', got {edge!r}"
                    )
            if isinstance(expires, str):
                try:
                    expires = dt.date.fromisoformat(expires)
                except ValueError:
                    self.problem(
                        f"{where} 'expires'", f"expected a date YYYY-MM-DD, got {expires!r}"
                    )
                    expires = None
            if isinstance(expires, dt.datetime):
                expires = expires.date()
            if rule is None or reason is None:
                continue
            out.append(
                Waiver(
                    rule=rule,
                    reason=reason,
                    owner=owner,
                    path=path,
                    edge=edge,
                    expires=expires,
                    index=index,
                )  # fmt: skip
            )
        return out


def _known(names: set[str]) -> str:
    return f"known components: {', '.join(sorted(names))}" if names else "no components declared"


def _spdx_problem(expression: str) -> str | None:
    """Why ``expression`` is not a valid SPDX licence expression (LicenseRef-* allowed)."""
    from openesx_license._util.spdx import spdx_problem  # the licensing is built on first use

    return spdx_problem(expression)


#: what [licenses] deny/review entries may be besides SPDX ids: 'unknown', a licence category
#: of rules/licenses.toml, or a glob over ids (matched by openesx_license.licensing)
_LICENSE_CATEGORIES = (
    "unknown", "permissive", "weak-copyleft", "strong-copyleft", "network-copyleft",
    "public-domain", "proprietary",
)  # fmt: skip
_LICENSE_GLOB = re.compile(r"[A-Za-z0-9.+:_\-]*[*?][A-Za-z0-9.+:_*?\-]*")


def _license_list_problem(value: str) -> str | None:
    if value in _LICENSE_CATEGORIES or _LICENSE_GLOB.fullmatch(value):
        return None
    return _spdx_problem(value)


def _edge_problem(value: str) -> str | None:
    if value in EDGE_KINDS:
        return None
    return f"unknown edge kind {value!r}; expected one of {', '.join(EDGE_KINDS)}"


def _relative_dir_problem(value: str) -> str | None:
    if not value.strip() or value.startswith("/") or ".." in value.split("/"):
        return f"expected a path relative to the audited root, got {value!r}"
    return None
