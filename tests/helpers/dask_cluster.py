"""A real Dask cluster for the tests: a ``dask scheduler`` and ``dask worker`` processes on
127.0.0.1, on free ports, every wait bounded, every process killed on the way out."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DASK = Path(sys.executable).with_name("dask")
#: the licence index alone takes about 1.1 GB per worker
WORKER_MEMORY = "3GiB"
START_TIMEOUT = 120


@dataclass
class LocalCluster:
    """The scheduler's address and the worker processes (to kill one in a test)."""

    address: str
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: Path = REPO

    def log(self) -> str:
        """Everything the cluster's processes wrote (for a failing test's message)."""
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in self.logs.glob("*.log"))


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.pop("DASK_SCHEDULER_ADDRESS", None)
    return env


def _spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen(
            [str(DASK), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=_env(),
            start_new_session=True,
        )


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        pass


def start_worker(cluster: LocalCluster, name: str) -> subprocess.Popen[bytes]:
    """One more ``dask worker`` (no nanny: a killed worker stays dead), one thread."""
    worker = _spawn(
        [
            "worker", cluster.address, "--name", name, "--host", "127.0.0.1",
            "--nthreads", "1", "--nworkers", "1", "--no-nanny",
            "--memory-limit", WORKER_MEMORY, "--no-dashboard",
        ],
        cluster.logs / f"{name}.log",
    )  # fmt: skip
    cluster.workers.append(worker)
    return worker


@contextmanager
def dask_cluster(folder: Path, workers: int = 2) -> Iterator[LocalCluster]:
    """A scheduler and ``workers`` workers on 127.0.0.1, up until the block ends."""
    from distributed import Client

    folder.mkdir(parents=True, exist_ok=True)
    info = folder / "scheduler.json"
    scheduler = _spawn(
        [
            "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
            "--scheduler-file", str(info),
        ],
        folder / "scheduler.log",
    )  # fmt: skip
    cluster = LocalCluster(address="", scheduler=scheduler, logs=folder)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not info.exists() or not info.read_text().strip():
            if scheduler.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"dask scheduler did not start:\n{cluster.log()}")
            time.sleep(0.2)
        time.sleep(0.2)  # the file is written whole, but give the writer a moment
        cluster.address = json.loads(info.read_text())["address"]
        for i in range(workers):
            start_worker(cluster, f"w{i}")
        with Client(cluster.address, timeout=30) as client:
            try:
                client.wait_for_workers(workers, timeout=START_TIMEOUT)
            except TimeoutError:
                raise RuntimeError(f"dask workers did not start:\n{cluster.log()}") from None
        yield cluster
    finally:
        for process in [*cluster.workers, scheduler]:
            _kill(process)
