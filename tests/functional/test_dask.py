"""Audits through a real Dask cluster (a ``dask scheduler`` and two ``dask worker`` processes
on 127.0.0.1) agree with the local run: the demo, a generated 2,000-file tree, a worker
killed mid-run (in the licence matching, the copy fingerprints and the graph facts), and a
shared cache written by one client and read by another. The scheduler's task stream shows
that the graph facts and the copy fingerprints really ran on the workers.

Select with ``-m dask``; every wait is bounded and the cluster is killed at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from openesx_license._util.executor import close_clients, dask_client, parse_executor
from openesx_license.config.loader import load_policy
from openesx_license.detect.cache import CACHE_FILE
from openesx_license.graph.facts_cache import TASK_NAME as FACTS_TASK
from openesx_license.ipindex.build import build_index
from openesx_license.ipindex.fileprint import TASK_NAME as PRINTS_TASK
from openesx_license.ipindex.store import IndexParameters
from openesx_license.model import AuditResult
from openesx_license.pipeline import run_audit
from openesx_license.resources import rules_file
from tests.helpers.dask_cluster import LocalCluster, dask_cluster, start_worker
from tests.helpers.generated_tree import generate_tree

pytest.importorskip("distributed")

pytestmark = [pytest.mark.dask, pytest.mark.scancode]

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "examples" / "openesx-mini"
RUN_TIMEOUT = 900


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> LocalCluster:
    with dask_cluster(tmp_path_factory.mktemp("cluster")) as running:
        try:
            # the scheduler records the task stream from the first time it is asked for it
            dask_client(parse_executor(running.address)).get_task_stream()
            yield running
        finally:
            close_clients()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("gen") / "tree"
    policy = generate_tree(root, files=2000)
    return root, policy


@pytest.fixture(scope="module")
def generated_local_run(
    generated: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[AuditResult, Path]:
    root, policy = generated
    cache = tmp_path_factory.mktemp("local-cache")
    return run_audit(root, load_policy(policy), jobs=2, cache_dir=cache), cache


@pytest.fixture(scope="module")
def generated_local(generated_local_run: tuple[AuditResult, Path]) -> AuditResult:
    return generated_local_run[0]


def ran_on_workers(client: object, started: float, prefix: str) -> set[str]:
    """The workers that ran tasks whose key starts with ``prefix`` since ``started``,
    according to the scheduler's task stream."""
    tasks = client.get_task_stream(start=started)  # type: ignore[attr-defined]
    return {t["worker"] for t in tasks if str(t["key"]).startswith(prefix)}


def same_audit(a: AuditResult, b: AuditResult) -> None:
    """Findings and inventory identical (timings and timestamps aside)."""
    assert a.findings == b.findings
    assert a.scan.files == b.scan.files
    assert a.options == b.options
    assert a.component_edges == b.component_edges


def test_demo_on_dask_equals_local(cluster: LocalCluster, tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    shutil.copytree(DEMO, demo)
    policy = load_policy(rules_file("openesx.toml"))
    local = run_audit(demo, policy, jobs=1, cache_dir=tmp_path / "local")
    client = dask_client(parse_executor(cluster.address))
    started = time.time()
    remote = run_audit(
        demo, policy, jobs=1, cache_dir=tmp_path / "dask", executor=parse_executor(cluster.address)
    )
    assert remote.scan.stats.distinct_blocks > 0
    workers = set(client.scheduler_info()["workers"])
    for stage in ("_detect_chunk", PRINTS_TASK, FACTS_TASK):
        assert workers >= ran_on_workers(client, started, stage) != set(), stage
    same_audit(local, remote)
    assert local.findings, "the demo has findings to compare"
    assert any(f.rule == "copied-code" for f in remote.findings), "copy matching compared"
    # the results came back into the client's caches: a second run sends nothing at all
    # (by key: a task that ended just before the warm run may still be in a time window)
    seen = {t["key"] for t in client.get_task_stream(start=started)}
    warm = run_audit(
        demo, policy, jobs=1, cache_dir=tmp_path / "dask", executor=parse_executor(cluster.address)
    )
    sent = [t["key"] for t in client.get_task_stream(start=started) if t["key"] not in seen]
    assert not sent, "a warm run sent work to the cluster"
    same_audit(local, warm)


def test_ip_index_mode_on_dask_equals_local(cluster: LocalCluster, tmp_path: Path) -> None:
    """``--ip-index``: the demo's open part matched against an index of its proprietary
    part (built here, the proprietary tree then left out of the audited one); the open
    files' prints are made on the workers, the index lookups here."""
    demo, proprietary = tmp_path / "open", tmp_path / "proprietary"
    shutil.copytree(DEMO, demo)
    proprietary.mkdir()
    for name in ("vmotion", "ha", "vcenter"):
        shutil.move(demo / name, proprietary / name)
    policy = load_policy(rules_file("openesx.toml"))
    index = tmp_path / "ip.db"
    build_index(proprietary, index, IndexParameters(k=policy.copied_code.k,
                                                    window=policy.copied_code.window))  # fmt: skip
    local = run_audit(demo, policy, jobs=1, cache_dir=tmp_path / "local", ip_index=index)
    client = dask_client(parse_executor(cluster.address))
    started = time.time()
    remote = run_audit(
        demo, policy, jobs=1, cache_dir=tmp_path / "dask", ip_index=index,
        executor=parse_executor(cluster.address),
    )  # fmt: skip
    assert ran_on_workers(client, started, PRINTS_TASK), "the open files were printed on Dask"
    same_audit(local, remote)
    copied = [f for f in remote.findings if f.rule == "copied-code"]
    assert [f.path for f in copied] == ["vmkernel/mem/dirty_track.c"], copied
    assert "vmotion/dirtylog.c" in str(copied[0].target) + str(copied[0].evidence)


def test_generated_tree_on_dask_equals_local(
    cluster: LocalCluster,
    generated: tuple[Path, Path],
    generated_local: AuditResult,
    tmp_path: Path,
) -> None:
    root, policy = generated
    client = dask_client(parse_executor(cluster.address))
    started = time.time()
    remote = run_audit(
        root,
        load_policy(policy),
        jobs=2,
        cache_dir=tmp_path / "dask",
        executor=parse_executor(cluster.address),
    )
    workers = set(client.scheduler_info()["workers"])
    # licence blocks and copyright groups (detection chunks), copy fingerprints, graph facts
    assert ran_on_workers(client, started, "_detect_chunk") == workers
    assert ran_on_workers(client, started, PRINTS_TASK) == workers
    assert ran_on_workers(client, started, FACTS_TASK) == workers
    assert len(remote.scan.files) == 2000
    assert remote.scan.stats.distinct_blocks >= 50
    assert any(f.rule == "boundary-crossing" for f in remote.findings)
    same_audit(generated_local, remote)


@pytest.mark.parametrize(
    ("stage", "warm_detection"),
    [("_detect_chunk", False), (PRINTS_TASK, True), (FACTS_TASK, True)],
    ids=["licence-matching", "copy-prints", "graph-facts"],
)
def test_worker_killed_mid_run(
    cluster: LocalCluster,
    generated: tuple[Path, Path],
    generated_local_run: tuple[AuditResult, Path],
    tmp_path: Path,
    stage: str,
    warm_detection: bool,
) -> None:
    """A worker killed while it holds a task of ``stage``: the audit completes, same results.
    For the later stages the detection cache is warm (copied from the local run), so the
    copy fingerprints and the graph facts are the cold work and the kill lands in them."""
    root, policy = generated
    generated_local, local_cache = generated_local_run
    cache = tmp_path / "c"
    if warm_detection:
        cache.mkdir()
        shutil.copy2(local_cache / CACHE_FILE, cache / CACHE_FILE)
    spec = parse_executor(cluster.address)
    client = dask_client(spec)
    victim = cluster.workers[-1]
    victim_address = next(a for a, pid in client.run(os.getpid).items() if pid == victim.pid)
    box: dict[str, object] = {}

    def audit() -> None:
        try:
            box["result"] = run_audit(
                root, load_policy(policy), jobs=2, cache_dir=cache, executor=spec
            )
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            box["error"] = exc

    def holds() -> list[str]:
        keys = client.processing(workers=[victim_address]).get(victim_address) or []
        return [str(k) for k in keys if str(k).startswith(stage)]

    started = time.time()
    thread = threading.Thread(target=audit, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + RUN_TIMEOUT
        while not holds():
            assert thread.is_alive(), f"the audit ended before the victim got a {stage} task"
            assert time.monotonic() < deadline, f"the victim never got a {stage} task"
            time.sleep(0.02)
        victim.send_signal(signal.SIGKILL)  # mid-run: it holds a task of the stage
        victim.wait(timeout=30)
        assert thread.is_alive(), "the audit was still running when the worker died"
        thread.join(timeout=RUN_TIMEOUT)
        assert not thread.is_alive(), "the audit did not finish after the worker died"
    finally:
        cluster.workers.remove(victim)
        start_worker(cluster, f"w-replacement-{stage}")  # later tests get two workers again
    assert "error" not in box, box.get("error")
    result = box["result"]
    assert isinstance(result, AuditResult)
    assert not [r for r in result.scan.files if r.errors]
    # the survivor finished the stage's work, the dead worker's tasks included
    survivors = set(client.scheduler_info()["workers"]) - {victim_address}
    assert ran_on_workers(client, started, stage) & survivors
    same_audit(generated_local, result)
    client.wait_for_workers(2, timeout=120)


def test_shared_cache_written_by_one_client_read_by_another(
    cluster: LocalCluster, tmp_path: Path
) -> None:
    shared = tmp_path / "shared"
    demo = tmp_path / "demo"
    shutil.copytree(DEMO, demo)
    spec = parse_executor(cluster.address)
    client = dask_client(spec)
    policy = load_policy(rules_file("openesx.toml"))
    started = time.time()
    first = run_audit(
        demo, policy, jobs=1, cache_dir=tmp_path / "a", executor=spec, shared_cache=str(shared)
    )
    assert first.scan.stats.detected == len(first.scan.files) - _binary(first)
    assert ran_on_workers(client, started, "_detect_chunk"), "the first run matched on Dask"
    entries = list(shared.rglob("*"))
    assert [p for p in entries if p.is_file() and "/files/" in p.as_posix()]
    assert not [p for p in entries if p.name.endswith(".tmp")]

    started = time.time()
    out = tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(
        [
            sys.executable, "-c", "from openesx_license.cli.main import main; main()",
            "audit", str(demo), "--policy", str(rules_file("openesx.toml")),
            "--out", str(out), "--fail-on", "never", "--jobs", "1",
            "--cache-dir", str(tmp_path / "b"), "--executor", cluster.address,
            "--shared-cache", str(shared),
        ],
        env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    # its graph facts and copy prints are not in the shared cache (only detections are)
    assert not ran_on_workers(client, started, "_detect_chunk"), "the second run matched"
    second = json.loads((out / "findings.json").read_text())
    assert sorted(f["fingerprint"] for f in second["findings"]) == sorted(
        f.fingerprint for f in first.findings
    )
    assert {f["path"]: f["license_expression"] for f in second["files"]} == {
        r.path: r.license_expression for r in first.scan.files
    }
    # the second client's local cache now holds what it read from the shared one
    assert (tmp_path / "b" / CACHE_FILE).stat().st_size > 0


def _binary(result: AuditResult) -> int:
    return sum(1 for r in result.scan.files if r.kind.value == "binary")
