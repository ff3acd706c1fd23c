"""Where a run's units of work execute: local process pools (the default) or a Dask cluster.

``--executor local`` (or nothing) keeps the process pools of the machine; ``--executor
tcp://HOST:PORT`` (or ``tls://HOST:PORT``, or the scheduler address in the environment's
``DASK_SCHEDULER_ADDRESS`` when ``--executor`` is not given) sends the per-file and
per-block units of work (licence and copyright matching, graph facts, the fingerprints for copy
matching) to the Dask distributed scheduler at that address; :func:`run_chunks` is how a
stage sends its chunks. TLS settings are Dask's own: a ``tls://`` address connects with the
certificates of Dask's configuration (``distributed.comm.tls.*`` in ``~/.config/dask/*.yaml``
or the ``DASK_DISTRIBUTED__COMM__TLS__*`` environment variables), checked before connecting,
see docs/scale.md.

The client is connected once per process and address and reused (``audit-many`` audits many
trees through one connection); :func:`close_clients` closes them. ``distributed`` is an
optional dependency (the ``dask`` extra): it is imported only when a Dask executor is asked for.
"""

from __future__ import annotations

import atexit
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from openesx_license.errors import UsageError

LOCAL = "local"
ENV_ADDRESS = "DASK_SCHEDULER_ADDRESS"
_SCHEMES = ("tcp://", "tls://")
#: seconds to wait for the scheduler when connecting
CONNECT_TIMEOUT = 30
#: seconds to wait for a first worker when the cluster has none
WORKER_TIMEOUT = 60
#: how often a chunk whose function raised is tried again (a chunk whose worker died is
#: recomputed by the scheduler, up to ``distributed.scheduler.allowed-failures`` times)
RETRIES = 3
_CLIENTS: dict[str, Any] = {}
#: (address, identity function) pairs whose workers were found to run this client's code
_CHECKED: set[tuple[str, str]] = set()
C = TypeVar("C")
R = TypeVar("R")


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

    def check(self) -> None:
        """Fail early, before any work: a ``tls://`` address needs Dask's TLS settings (a CA
        file and a client certificate, files that exist). Raises :class:`UsageError`; does not
        connect."""
        if self.address is not None and self.address.startswith("tls://"):
            try:
                _tls_security(self.address)
            except ImportError:
                pass  # dask_client says Dask is missing, when it is needed


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
    security = _tls_security(spec.address) if spec.address.startswith("tls://") else None
    try:
        client = Client(
            spec.address, timeout=CONNECT_TIMEOUT, set_as_default=False, security=security
        )
    except (OSError, TimeoutError) as exc:
        raise UsageError(
            f"--executor {spec.address}: cannot reach the Dask scheduler: {exc}"
        ) from None
    _CLIENTS[spec.address] = client
    return client


def _tls_security(address: str) -> Any:
    """Dask's ``Security`` from its configuration, for a ``tls://`` scheduler; raises
    :class:`UsageError` naming what is missing (Dask's own message is an SSL error later)."""
    from distributed.security import Security

    security: Any = Security()  # its tls_* attributes are set from the configuration
    settings = (
        ("CA file", "CA_FILE", security.tls_ca_file),
        ("client certificate", "CLIENT__CERT", security.tls_client_cert),
    )
    missing = [f"{what} (DASK_DISTRIBUTED__COMM__TLS__{env})" for what, env, v in settings if not v]
    if missing:
        raise UsageError(
            f"--executor {address}: a tls:// scheduler needs Dask's TLS settings; not set: "
            + ", ".join(missing)
            + " (or distributed.comm.tls.* in Dask's configuration; docs/scale.md)"
        )
    for what, value in (
        ("CA file", security.tls_ca_file),
        ("client certificate", security.tls_client_cert),
        ("client key", security.tls_client_key),
    ):
        if value and "\n" not in value and not Path(value).is_file():
            raise UsageError(f"--executor {address}: the TLS {what} {value} does not exist")
    return security


def ready_client(spec: ExecutorSpec) -> Any:
    """:func:`dask_client`, once the cluster has a worker (waits up to
    :data:`WORKER_TIMEOUT` seconds; raises :class:`UsageError` when none comes)."""
    client = dask_client(spec)
    if not client.scheduler_info(n_workers=-1).get("workers"):
        try:
            client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
        except TimeoutError:
            raise UsageError(f"--executor {spec.address}: the Dask cluster has no worker") from None
    return client


def run_chunks(
    spec: ExecutorSpec,
    func: Callable[[C], R],
    chunks: Sequence[C],
    *,
    name: str,
    identity: Callable[[], str] | None = None,
) -> list[R]:
    """``[func(chunk) for chunk in chunks]``, each call a task on ``spec``'s Dask cluster.

    Task keys start with ``name`` (so the scheduler's task stream says which stage ran where);
    a task whose function raised is retried :data:`RETRIES` times, one whose worker died is
    recomputed elsewhere by the scheduler. ``func`` must be a module-level function of its
    chunk alone (workers need not see the tree). ``identity``, when given, is called on every
    worker once per client and must return what it returns here (the code version that fixes
    the results): a cluster running other code is a :class:`UsageError`, since its results
    would go into this client's caches.
    """
    if not chunks:
        return []
    client = ready_client(spec)
    if identity is not None:
        tag = (str(spec.address), f"{identity.__module__}.{identity.__qualname__}")
        if tag not in _CHECKED:
            mine = identity()
            try:
                theirs = client.run(identity)
            except Exception as exc:  # noqa: BLE001 - e.g. an ImportError: older code there
                raise UsageError(
                    f"--executor {spec.address}: the workers cannot run this client's code "
                    f"({mine}): {type(exc).__name__}: {exc}"
                ) from None
            others = {w: v for w, v in theirs.items() if v != mine}
            if others:
                listed = "; ".join(f"{w} runs {v}" for w, v in sorted(others.items()))
                raise UsageError(
                    f"--executor {spec.address}: workers run other code than this client "
                    f"({mine}): {listed}"
                )
            _CHECKED.add(tag)
    run = uuid.uuid4().hex[:12]
    futures = [
        client.submit(func, chunk, key=f"{name}-{run}-{i}", retries=RETRIES, pure=False)
        for i, chunk in enumerate(chunks)
    ]
    try:
        return list(client.gather(futures))
    finally:
        for future in futures:
            future.release()


def close_clients() -> None:
    """Close every Dask client this process opened (also run at exit)."""
    while _CLIENTS:
        address, client = _CLIENTS.popitem()
        for checked in [c for c in _CHECKED if c[0] == address]:
            _CHECKED.discard(checked)
        try:
            client.close(timeout=10)
        except Exception:  # noqa: BLE001, S110 - closing is best effort at the end of a run
            pass


atexit.register(close_clients)
