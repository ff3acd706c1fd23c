"""The formatter registry and write_reports: names, atomic writes, stream formats."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from openesx_license.errors import UsageError
from openesx_license.model import AuditResult
from openesx_license.reports import (
    FORMATS,
    Formatter,
    ReportFailure,
    ReportFormat,
    formatter_class,
    parse_formats,
    write_reports,
)
from openesx_license.reports import registry as registry_module


@pytest.mark.parametrize("fmt", list(ReportFormat))
def test_every_format_has_a_formatter(fmt: ReportFormat) -> None:
    assert fmt in FORMATS, f"{fmt.value} has no formatter in FORMATS"
    cls = formatter_class(fmt)
    assert issubclass(cls, Formatter)
    assert cls.format is fmt
    assert cls.description
    assert registry_module.REPORT_FILES[fmt] == cls.filename


def test_registry_has_nothing_but_formats() -> None:
    assert set(FORMATS) == set(ReportFormat)


def test_file_names_are_distinct() -> None:
    names = [formatter_class(f).filename for f in ReportFormat]
    file_names = [n for n in names if n is not None]
    assert len(file_names) == len(set(file_names))
    assert formatter_class(ReportFormat.GITHUB).filename is None


def test_unknown_format_lists_known_ones() -> None:
    with pytest.raises(UsageError) as info:
        parse_formats(["json,pdf", "xml"])
    message = str(info.value)
    assert "'pdf'" in message and "'xml'" in message
    for fmt in ReportFormat:
        assert fmt.value in message


def test_parse_formats_splits_commas_and_drops_repeats() -> None:
    assert parse_formats(["json, SARIF", "json", ""]) == [ReportFormat.JSON, ReportFormat.SARIF]


def test_unknown_format_writes_nothing(tmp_path: Path, awkward_result: AuditResult) -> None:
    out = tmp_path / "out"
    with pytest.raises(UsageError):
        write_reports(awkward_result, out, ["json", "nope"])
    assert not out.exists()


def test_write_json_creates_folder(tmp_path: Path, awkward_result: AuditResult) -> None:
    out = tmp_path / "a" / "b"
    written = write_reports(awkward_result, out, ["json"])
    assert written == [out / "findings.json"]
    assert json.loads(written[0].read_text(encoding="utf-8"))["schema_version"]
    assert sorted(p.name for p in out.iterdir()) == ["findings.json"]


class _Exploding(Formatter):
    format = ReportFormat.JSON
    filename = "findings.json"
    description = "fails half way"

    def render(self, result: AuditResult) -> str:
        raise KeyboardInterrupt  # an interrupted run


def test_interrupted_run_keeps_previous_report(
    tmp_path: Path, awkward_result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_reports(awkward_result, tmp_path, ["json"])
    before = (tmp_path / "findings.json").read_bytes()
    monkeypatch.setattr(registry_module, "formatter_class", lambda fmt: _Exploding)
    with pytest.raises(KeyboardInterrupt):
        write_reports(awkward_result, tmp_path, ["json"])
    assert (tmp_path / "findings.json").read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["findings.json"]


def test_full_disk_leaves_the_previous_set_whole_and_no_temp_file(
    tmp_path: Path, awkward_result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    write_reports(awkward_result, out, ["json", "md"])
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real_write = Path.write_bytes

    def full_disk(self: Path, data: bytes) -> int:
        if self.name == "summary.md":  # the second file of the set: the disk is full
            raise OSError(28, "No space left on device")
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", full_disk)
    with pytest.raises(UsageError, match="summary.md: cannot write the report"):
        write_reports(awkward_result, out, ["json", "md"])
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_new_set_replaces_the_whole_old_one(tmp_path: Path, awkward_result: AuditResult) -> None:
    out = tmp_path / "out"
    write_reports(awkward_result, out, ["json", "md", "sarif"])
    write_reports(awkward_result, out, ["json"])
    assert sorted(p.name for p in out.iterdir()) == ["findings.json"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (out / "findings.json").stat().st_mode & 0o044  # readable by others (umask 022)


def test_a_folder_with_other_files_keeps_them(tmp_path: Path, awkward_result: AuditResult) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    write_reports(awkward_result, tmp_path, ["json", "md"])
    write_reports(awkward_result, tmp_path, ["json"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["findings.json", "notes.txt"]


def test_unwritable_out_dir_is_usage_error(tmp_path: Path, awkward_result: AuditResult) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UsageError, match="cannot create the report folder"):
        write_reports(awkward_result, blocker / "out", ["json"])


def test_stream_format_goes_to_stream(tmp_path: Path, awkward_result: AuditResult) -> None:
    stream = io.StringIO()
    written = write_reports(awkward_result, tmp_path / "out", ["github"], stream=stream)
    assert written == []
    assert stream.getvalue().startswith("::")
    assert not (tmp_path / "out").exists()  # nothing to write there


class _Broken(Formatter):
    format = ReportFormat.SARIF
    filename = "findings.sarif"
    description = "a formatter with a bug"

    def render(self, result: AuditResult) -> str:
        raise RuntimeError("bug")


def test_failing_formatter_keeps_the_others(
    tmp_path: Path, awkward_result: AuditResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_reports(awkward_result, tmp_path, ["sarif"])  # the previous run's SARIF
    real = registry_module.formatter_class
    monkeypatch.setattr(
        registry_module,
        "formatter_class",
        lambda fmt: _Broken if ReportFormat(fmt) is ReportFormat.SARIF else real(fmt),
    )
    stream = io.StringIO()
    with pytest.raises(ReportFailure) as info:
        write_reports(awkward_result, tmp_path, ["json", "sarif", "github"], stream=stream)
    assert "sarif (RuntimeError: bug)" in str(info.value)
    assert "written: findings.json" in str(info.value)
    # this run's JSON and annotations are out; last run's SARIF is gone, not left stale
    assert sorted(p.name for p in tmp_path.iterdir()) == ["findings.json"]
    assert stream.getvalue().startswith("::error ")
