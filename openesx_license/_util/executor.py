"""Where a run's units of work execute: local process pools (the default) or a Dask cluster.

``--executor local`` (or nothing) keeps the process pools of the machine; ``--executor
tcp://HOST:PORT`` (or ``tls://HOST:PORT``, or the scheduler address in the environment's
``DASK_SCHEDULER_ADDRESS`` when ``--executor`` is not given) sends the licence and copyright
matching to the Dask distributed scheduler at that address. TLS settings are Dask's own: a
``tls://`` address connects with the certificates of Dask's configuration
(``distributed.comm.tls.*`` in ``~/.config/dask/*.yaml`` or the ``DASK_DISTRIBUTED__COMM__TLS__*``
environment variables), see docs/scale.md.

The client is connected once per process and address and reused (``audit-many`` audits many
trees through one connection); :func:`close_clients` closes them. ``distributed`` is an
optional dependency (the ``dask`` extra): it is imported only when a Dask executor is asked for.
"""

from __future__ import annotations

import atexit
import os
from dataclasses import dataclass
from typing import Any

from openesx_license.errors import UsageError

LOCAL = "local"
ENV_ADDRESS = "DASK_SCHEDULER_ADDRESS"
_SCHEMES = ("tcp://", "tls://")
#: seconds to wait for the scheduler when connecting
CONNECT_TIMEOUT = 30
_CLIENTS: dict[str, Any] = {}


@dataclass(frozen=True, kw_only=True)
class ExecutorSpec:
    """``address`` None: local process pools; else the Dask scheduler's ``tcp://`` or
    ``tls://`` address."""

    address: str | None = None

    @property
    def is_local(self) -> bool:
        """True for the local process pools."""
        return self.address is None

    def __str__(self) -> str:
        return self.address or LOCAL


def parse_executor(value: str | None, *, environ: dict[str, str] | None = None) -> ExecutorSpec:
    """The executor of ``--executor VALUE``; with None, ``DASK_SCHEDULER_ADDRESS`` when it is
    set, else local. Raises :class:`UsageError` for anything but ``local``, ``tcp://HOST:PORT``
    or ``tls://HOST:PORT``."""
    env = os.environ if environ is None else environ
    source = "--executor"
    if value is None:
        value = env.get(ENV_ADDRESS) or LOCAL
        source = ENV_ADDRESS if value != LOCAL else source
    value = value.strip()
    if value == LOCAL:
        return ExecutorSpec()
    if value.startswith(_SCHEMES):
        host_port = value.split("://", 1)[1]
        host, _, port = host_port.rpartition(":")
        if host and port.isdigit() and 0 < int(port) < 65536:
            return ExecutorSpec(address=value)
    raise UsageError(
        f"{source}: expected 'local', 'tcp://HOST:PORT' or 'tls://HOST:PORT', got {value!r}"
    )


def dask_client(spec: ExecutorSpec) -> Any:
    """The ``distributed.Client`` connected to ``spec``'s scheduler (connected on first use,
    then reused). Raises :class:`UsageError` when ``distributed`` is not installed or the
    scheduler cannot be reached."""
    assert spec.address is not None
    client = _CLIENTS.get(spec.address)
    if client is not None and client.status == "running":
        return client
    try:
        from distributed import Client
    except ImportError:
        raise UsageError(
            f"--executor {spec.address}: Dask is not installed "
            "(pip install 'openesx-license[dask]')"
        ) from None
    try:
        client = Client(spec.address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise UsageError(
            f"--executor {spec.address}: cannot reach the Dask scheduler: {exc}"
        ) from None
    _CLIENTS[spec.address] = client
    return client


def close_clients() -> None:
    """Close every Dask client this process opened (also run at exit)."""
    while _CLIENTS:
        _, client = _CLIENTS.popitem()
        try:
            client.close(timeout=10)
        except Exception:  # noqa: BLE001, S110 - closing is best effort at the end of a run
            pass


atexit.register(close_clients)
