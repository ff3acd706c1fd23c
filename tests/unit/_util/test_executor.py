"""``--executor`` and ``DASK_SCHEDULER_ADDRESS``: parsed once, bad values named."""

from __future__ import annotations

from pathlib import Path

import pytest

from openesx_license._util.executor import ENV_ADDRESS, ExecutorSpec, parse_executor
from openesx_license.errors import UsageError


def test_local_is_the_default() -> None:
    assert parse_executor(None, environ={}) == ExecutorSpec()
    assert parse_executor("local", environ={ENV_ADDRESS: "tcp://h:1"}).is_local


@pytest.mark.parametrize("address", ["tcp://127.0.0.1:8786", "tls://sched.example:443"])
def test_scheduler_addresses(address: str) -> None:
    spec = parse_executor(address, environ={})
    assert spec.address == address and not spec.is_local and str(spec) == address


def test_environment_when_no_option() -> None:
    spec = parse_executor(None, environ={ENV_ADDRESS: "tcp://10.0.0.5:8786"})
    assert spec.address == "tcp://10.0.0.5:8786"


@pytest.mark.parametrize("value", ["dask", "tcp://host", "tcp://host:port", "http://h:80", ""])
def test_bad_values_are_named(value: str) -> None:
    with pytest.raises(UsageError, match="--executor: expected 'local'"):
        parse_executor(value, environ={})


def test_bad_environment_is_named() -> None:
    with pytest.raises(UsageError, match=ENV_ADDRESS):
        parse_executor(None, environ={ENV_ADDRESS: "nowhere"})


def test_tls_without_settings_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed")
    import dask

    with dask.config.set(
        {"distributed.comm.tls.ca-file": None, "distributed.comm.tls.client.cert": None}
    ):
        with pytest.raises(UsageError, match="DASK_DISTRIBUTED__COMM__TLS__CA_FILE"):
            parse_executor("tls://127.0.0.1:8786", environ={}).check()


def test_tls_with_a_missing_file_is_named(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    import dask

    ca = tmp_path / "ca.pem"
    ca.write_text("not checked here\n")
    gone = tmp_path / "client.pem"
    with dask.config.set(
        {"distributed.comm.tls.ca-file": str(ca), "distributed.comm.tls.client.cert": str(gone)}
    ):
        with pytest.raises(UsageError, match=f"client certificate {gone} does not exist"):
            parse_executor("tls://127.0.0.1:8786", environ={}).check()


def test_tcp_needs_no_tls_settings() -> None:
    parse_executor("tcp://127.0.0.1:8786", environ={}).check()
    ExecutorSpec().check()
