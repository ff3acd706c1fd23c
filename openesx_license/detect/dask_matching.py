"""Licence and copyright matching on a Dask distributed cluster.

The client (the machine running ``audit`` or ``scan``) reads the files, splits them into
licence blocks and copyright candidate groups and deduplicates them; only the text of the
distinct blocks and groups that no cache knows goes to the cluster, in the same chunks the
local matcher pool gets (the workers need not see the tree). Each worker loads ScanCode's
licence index once for its lifetime, through :class:`LicenceIndexPlugin` (registered with
the scheduler, so a worker that joins or is restarted later loads it too). Results come back
to the client, which merges them into its detection cache; the graph, the checks and the
reports stay on the client.

A worker that dies mid-run loses only its chunks: the scheduler gives them to another worker
(Dask's ``distributed.scheduler.allowed-failures`` bounds how often), and a chunk whose
function raised is retried :data:`RETRIES` times. A chunk is a pure function of its text, so
a retried or recomputed chunk gives the same result.

This module imports ``distributed``; :mod:`.scan` imports it only for a Dask executor.
"""

from __future__ import annotations

import gc
from concurrent.futures import Executor
from typing import Any

from distributed import Client
from distributed.diagnostics.plugin import WorkerPlugin

from openesx_license.detect import engine
from openesx_license.errors import UsageError

#: how often a chunk whose function raised is tried again
RETRIES = 3
PLUGIN_NAME = "openesx-license-index"


class LicenceIndexPlugin(WorkerPlugin):
    """Loads ScanCode's licence index into a Dask worker once, when the worker starts (or
    when the plugin is registered with a running worker)."""

    idempotent = True  # registering it again does not reload the index

    def setup(self, worker: Any) -> None:
        """Load the index (about 1.1 GB, 10-20 s) and keep the collector off its pages."""
        engine.load_index()
        gc.freeze()


def worker_engine() -> str:
    """The engine a worker runs (compared with the client's before any work is sent)."""
    return engine.engine_label()


def matcher_executor(client: Client) -> Executor:
    """A :class:`concurrent.futures.Executor` whose tasks run on ``client``'s cluster, each
    retried :data:`RETRIES` times; the workers get :class:`LicenceIndexPlugin` first.

    Raises :class:`UsageError` when the cluster has no worker or a worker runs another
    engine (another ScanCode or detection version would put other results in the cache).
    """
    address = client.scheduler_info().get("address", "the Dask scheduler")
    if not client.scheduler_info(n_workers=-1).get("workers"):
        try:
            client.wait_for_workers(1, timeout=60)
        except TimeoutError:
            raise UsageError(f"--executor {address}: the Dask cluster has no worker") from None
    client.register_plugin(LicenceIndexPlugin(), name=PLUGIN_NAME)
    mine = engine.engine_label()
    others = {w: e for w, e in client.run(worker_engine).items() if e != mine}
    if others:
        listed = "; ".join(f"{w} runs {e}" for w, e in sorted(others.items()))
        raise UsageError(
            f"--executor {address}: workers run another detection engine than this client "
            f"({mine}): {listed}"
        )
    return client.get_executor(retries=RETRIES, pure=False)
