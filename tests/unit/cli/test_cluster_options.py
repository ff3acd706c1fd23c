"""``--executor`` and ``--shared-cache`` on the commands that scan: bad values are exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from openesx_license.cli.main import main


@pytest.mark.parametrize("command", ["scan", "audit"])
def test_bad_executor_is_a_usage_error(
    command: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("DASK_SCHEDULER_ADDRESS", raising=False)
    with pytest.raises(SystemExit) as caught:
        main([command, str(tmp_path), "--executor", "dask://nowhere"])
    assert caught.value.code == 2
    assert "--executor: expected 'local', 'tcp://HOST:PORT'" in capsys.readouterr().err


def test_bad_environment_address_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DASK_SCHEDULER_ADDRESS", "somewhere")
    with pytest.raises(SystemExit) as caught:
        main(["scan", str(tmp_path)])
    assert caught.value.code == 2
    assert "DASK_SCHEDULER_ADDRESS: expected" in capsys.readouterr().err


def test_shared_cache_url_without_its_protocol_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.c").write_text("int x;\n")
    with pytest.raises(SystemExit) as caught:
        main(["scan", str(tmp_path), "--cache-dir", str(tmp_path / "c"),
              "--shared-cache", "nosuchprotocol://bucket/x"])  # fmt: skip
    assert caught.value.code == 2
    assert "--shared-cache nosuchprotocol://bucket/x" in capsys.readouterr().err
