"""An audit through a Dask cluster whose every connection is TLS (a CA made for the test, a
``dask scheduler --protocol tls`` and one ``dask worker`` on 127.0.0.1), the client given its
certificates the way a user gives them, in Dask's ``DASK_DISTRIBUTED__COMM__TLS__*``
environment: the same findings and inventory as a local audit, and the scheduler's task
stream shows the work ran on the TLS worker. Select with ``-m dask``; every wait is bounded.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from openesx_license.graph.facts_cache import TASK_NAME as FACTS_TASK
from openesx_license.ipindex.fileprint import TASK_NAME as PRINTS_TASK
from openesx_license.resources import rules_file
from tests.helpers.dask_cluster import LocalCluster, dask_cluster, make_tls_files

pytest.importorskip("distributed")

pytestmark = [pytest.mark.dask, pytest.mark.scancode]

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "openesx-mini"
RUN_TIMEOUT = 600


@pytest.fixture(scope="module")
def tls_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalCluster]:
    folder = tmp_path_factory.mktemp("tls-cluster")
    tls = make_tls_files(folder / "pki")
    with dask_cluster(folder, workers=1, tls=tls) as running:
        yield running


def _audit(demo: Path, out: Path, cache: Path, *extra: str, env: dict[str, str]) -> dict:
    proc = subprocess.run(
        [
            sys.executable, "-c", "from openesx_license.cli.main import main; main()",
            "audit", str(demo), "--policy", str(rules_file("openesx.toml")),
            "--out", str(out), "--format", "json", "--fail-on", "never", "--jobs", "1",
            "--cache-dir", str(cache), *extra,
        ],
        env={**env, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
        timeout=RUN_TIMEOUT, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads((out / "findings.json").read_text())


def _clean_environ() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DASK_DISTRIBUTED__COMM__") and k != "DASK_SCHEDULER_ADDRESS"
    }


def test_audit_over_tls_equals_local(tls_cluster: LocalCluster, tmp_path: Path) -> None:
    from distributed import Client

    assert tls_cluster.address.startswith("tls://")
    assert tls_cluster.tls is not None
    demo = tmp_path / "demo"
    shutil.copytree(DEMO, demo)
    env = _clean_environ()
    local = _audit(demo, tmp_path / "local", tmp_path / "c-local", env=env)

    with Client(tls_cluster.address, timeout=30, security=tls_cluster.tls.security()) as client:
        client.get_task_stream()  # the scheduler records the task stream from now on
        started = time.time()
        remote = _audit(
            demo, tmp_path / "tls", tmp_path / "c-tls", "--executor", tls_cluster.address,
            env={**env, **tls_cluster.tls.environ()},
        )  # fmt: skip
        tasks = client.get_task_stream(start=started)
        workers = set(client.scheduler_info()["workers"])
    assert all(w.startswith("tls://") for w in workers)
    for stage in (FACTS_TASK, PRINTS_TASK):
        ran = {t["worker"] for t in tasks if str(t["key"]).startswith(stage)}
        assert ran and ran <= workers, f"no {stage} task ran on the TLS worker"

    assert local["findings"], "the demo has findings to compare"
    assert [f["fingerprint"] for f in remote["findings"]] == [
        f["fingerprint"] for f in local["findings"]
    ]
    assert remote["files"] == local["files"]


def test_tls_address_without_certificates_is_a_usage_error(
    tls_cluster: LocalCluster, tmp_path: Path
) -> None:
    """Exit 2, naming the settings to give, before anything is scanned."""
    proc = subprocess.run(
        [
            sys.executable, "-c", "from openesx_license.cli.main import main; main()",
            "audit", str(DEMO), "--policy", str(rules_file("openesx.toml")),
            "--out", str(tmp_path / "out"), "--cache-dir", str(tmp_path / "c"),
            "--executor", tls_cluster.address,
        ],
        env={**_clean_environ(), "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
        timeout=RUN_TIMEOUT, check=False,
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert "DASK_DISTRIBUTED__COMM__TLS__CA_FILE" in proc.stderr
    assert "Traceback" not in proc.stderr
