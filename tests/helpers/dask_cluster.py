"""A real Dask cluster for the tests: a ``dask scheduler`` and ``dask worker`` processes on
127.0.0.1, on free ports, every wait bounded, every process killed on the way out; with
``tls``, every connection is TLS with certificates of a CA made for the test
(:func:`make_tls_files`)."""

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
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DASK = Path(sys.executable).with_name("dask")
#: the licence index alone takes about 1.1 GB per worker
WORKER_MEMORY = "3GiB"
START_TIMEOUT = 120


@dataclass(frozen=True, kw_only=True)
class TlsFiles:
    """A CA certificate, and a certificate and key it signed (for 127.0.0.1), as PEM files."""

    ca: Path
    cert: Path
    key: Path

    def args(self) -> list[str]:
        """The ``dask scheduler``/``dask worker`` options that use them."""
        return ["--tls-ca-file", str(self.ca), "--tls-cert", str(self.cert),
                "--tls-key", str(self.key)]  # fmt: skip

    def environ(self) -> dict[str, str]:
        """Dask's configuration, as environment variables, for a client that uses them."""
        prefix = "DASK_DISTRIBUTED__COMM__"
        return {
            f"{prefix}TLS__CA_FILE": str(self.ca),
            f"{prefix}TLS__CLIENT__CERT": str(self.cert),
            f"{prefix}TLS__CLIENT__KEY": str(self.key),
            f"{prefix}REQUIRE_ENCRYPTION": "True",
        }

    def security(self) -> Any:
        """A ``distributed.security.Security`` that uses them (for the test's own client)."""
        from distributed.security import Security

        return Security(
            tls_ca_file=str(self.ca), tls_client_cert=str(self.cert),
            tls_client_key=str(self.key), require_encryption=True,
        )  # fmt: skip


def make_tls_files(folder: Path) -> TlsFiles:
    """A self-signed CA and a certificate for 127.0.0.1 signed by it (``cryptography``,
    which ``distributed`` itself uses), valid for a day."""
    import datetime as dt
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "openesx-license test CA")])
    ca = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                          content_commitment=False, key_encipherment=False,
                          data_encipherment=False, key_agreement=False,
                          encipher_only=False, decipher_only=False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5)).not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH,
                                   ExtendedKeyUsageOID.CLIENT_AUTH]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    files = TlsFiles(ca=folder / "ca.pem", cert=folder / "cert.pem", key=folder / "key.pem")
    files.ca.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files.cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files.key.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    files.key.chmod(0o600)
    return files


@dataclass
class LocalCluster:
    """The scheduler's address and the worker processes (to kill one in a test)."""

    address: str
    scheduler: subprocess.Popen[bytes]
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: Path = REPO
    tls: TlsFiles | None = None

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
            *(cluster.tls.args() if cluster.tls else []),
        ],
        cluster.logs / f"{name}.log",
    )  # fmt: skip
    cluster.workers.append(worker)
    return worker


@contextmanager
def dask_cluster(
    folder: Path, workers: int = 2, tls: TlsFiles | None = None
) -> Iterator[LocalCluster]:
    """A scheduler and ``workers`` workers on 127.0.0.1, up until the block ends; every
    connection TLS with ``tls``'s certificates when given."""
    from distributed import Client

    folder.mkdir(parents=True, exist_ok=True)
    info = folder / "scheduler.json"
    scheduler = _spawn(
        [
            "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
            "--scheduler-file", str(info),
            *(["--protocol", "tls", *tls.args()] if tls else []),
        ],
        folder / "scheduler.log",
    )  # fmt: skip
    cluster = LocalCluster(address="", scheduler=scheduler, logs=folder, tls=tls)
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
        security = tls.security() if tls else None
        with Client(cluster.address, timeout=30, security=security) as client:
            try:
                client.wait_for_workers(workers, timeout=START_TIMEOUT)
            except TimeoutError:
                raise RuntimeError(f"dask workers did not start:\n{cluster.log()}") from None
        yield cluster
    finally:
        for process in [*cluster.workers, scheduler]:
            _kill(process)
