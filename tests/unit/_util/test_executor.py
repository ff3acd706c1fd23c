"""``--executor`` and ``DASK_SCHEDULER_ADDRESS``: parsed once, bad values named."""

from __future__ import annotations

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
