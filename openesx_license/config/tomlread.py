"""Typed reading of TOML tables with every problem collected, for the policy loader.

Messages name the table and key and say what was expected, e.g.
``[[component]] #3 'paths': must not be empty``; unknown keys come with the nearest known key.
"""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from openesx_license._util.globs import type_name

T = TypeVar("T")


class TableReader:
    """Reads typed values out of TOML tables, collecting every problem as it goes."""

    def __init__(self, *, top_keys: tuple[str, ...] = ()) -> None:
        self.problems: list[str] = []
        self.top_keys = top_keys  # to explain a top-level key written inside a table

    def problem(self, where: str, message: str) -> None:
        """Record one problem at ``where`` (a table and key)."""
        self.problems.append(f"{where}: {message}")

    def keys(self, table: Mapping[str, Any], where: str, allowed: tuple[str, ...]) -> None:
        """Report every key of ``table`` not in ``allowed``, with the nearest known one."""
        for key in table:
            if key not in allowed:
                near = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                if where != "top level" and key in self.top_keys:
                    hint = " (a top-level key: move it above the first [table] of the file)"
                self.problem(
                    f"{where} '{key}'", f"unknown key{hint}; known keys: {', '.join(allowed)}"
                )

    def typed(
        self,
        table: Mapping[str, Any],
        where: str,
        key: str,
        kind: type[T] | tuple[type, ...],
        default: T | None = None,
        *,
        required: bool = False,
    ) -> Any:
        """``table[key]`` when it has type ``kind``, else ``default`` (and a problem)."""
        if key not in table:
            if required:
                self.problem(f"{where} '{key}'", "missing required key")
            return default
        value = table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
        if not ok:
            want = " or ".join(type_name(k()) if k is not dt.date else "date" for k in kinds)
            self.problem(f"{where} '{key}'", f"expected {want}, got {type_name(value)}")
            return default
        return value

    def strings(
        self,
        table: Mapping[str, Any],
        where: str,
        key: str,
        *,
        required: bool = False,
        non_empty: bool = False,
        check: Callable[[str], str | None] | None = None,
    ) -> tuple[str, ...]:
        """An array of strings, each passed through ``check`` (which returns a problem)."""
        value = self.typed(table, where, key, list, required=required)
        if value is None:
            return ()
        if non_empty and not value:
            self.problem(f"{where} '{key}'", "must not be empty")
        out: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.problem(f"{where} '{key}'[{i}]", f"expected string, got {type_name(item)}")
                continue
            problem = check(item) if check else None
            if problem:
                self.problem(f"{where} '{key}'[{i}]", problem)
                continue
            out.append(item)
        return tuple(out)

    def tables(self, data: Mapping[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
        """The ``[[key]]`` array of tables, each with its label (``[[key]] #n``, from 1)."""
        value = data.get(key, [])
        if not isinstance(value, list):
            self.problem(f"'{key}'", f"expected an array of tables ([[{key}]]), got a single table")
            return []
        out = []
        for i, item in enumerate(value, start=1):
            if not isinstance(item, dict):
                self.problem(f"[[{key}]] #{i}", f"expected a table, got {type_name(item)}")
                continue
            out.append((f"[[{key}]] #{i}", item))
        return out

    def table(self, data: Mapping[str, Any], key: str) -> dict[str, Any]:
        """The ``[key]`` table ({} when absent)."""
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem(f"'{key}'", f"expected a table ([{key}]), got {type_name(value)}")
            return {}
        return value

    def enum(
        self, table: Mapping[str, Any], where: str, key: str, enum: type[Any], *, required: bool
    ) -> Any:
        """A string that must be one of ``enum``'s values; the member, or None."""
        value = self.typed(table, where, key, str, required=required)
        if value is None:
            return None
        allowed = [m.value for m in enum]
        if value not in allowed:
            self.problem(f"{where} '{key}'", f"expected one of {', '.join(allowed)}, got {value!r}")
            return None
        return enum(value)
