"""Shared benchmark plumbing: fetch a corpus, run a command, measure wall time and peak memory.

Peak memory is the largest *sum* of the resident set sizes of the process and all its
descendants, sampled from /proc every 50 ms: ScanCode's ``-n 2`` and our ``--jobs`` both fork
workers, and the whole tree is what the machine has to hold.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
RESULTS = REPO / "bench" / "results"
BIN = Path(sys.executable).parent


@dataclass(frozen=True, kw_only=True)
class Measurement:
    """One timed command."""

    label: str
    command: list[str]
    seconds: float
    peak_rss_mb: float  # summed RSS of the process tree: counts shared pages once per process
    returncode: int
    #: summed PSS of the process tree (shared pages divided among their sharers): the memory
    #: the tree really holds; workers forked from one index server share its pages
    peak_pss_mb: float = 0.0


def fetch_corpus(name: str) -> Path:
    """Unpack a Debian source tree (xen, qemu) with the shared script; return its folder."""
    script = SHARED / "corpora" / "fetch-debian-source.sh"
    out = subprocess.run(
        ["bash", str(script), name], check=True, capture_output=True, text=True
    ).stdout
    return Path(out.strip().splitlines()[-1])


def _tree_pids(root_pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, stack = [], [root_pid]
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, []))
    return out


def _tree_pss_kb(root_pid: int) -> int:
    """Summed proportional set size of ``root_pid`` and its descendants (smaps_rollup)."""
    total = 0
    for pid in _tree_pids(root_pid):
        try:
            with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except (OSError, ValueError):
            continue
    return total


def _tree_rss_kb(root_pid: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            ppid = int(fields[1])
            rss_pages = int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        pid = int(entry)
        children.setdefault(ppid, []).append(pid)
        rss[pid] = rss_pages * (os.sysconf("SC_PAGE_SIZE") // 1024)
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def measure(
    label: str,
    command: list[str],
    *,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
    stderr_to: Path | None = None,
) -> Measurement:
    """Run ``command``, sampling the RSS (every 50 ms) and PSS (every 250 ms) of its process
    tree; return time and peak memory. ``stderr_to`` keeps the command's stderr (its
    progress lines, one per stage when stderr is not a terminal)."""
    print(f"[bench] {label}: {' '.join(command)}", file=sys.stderr, flush=True)
    peak = peak_pss = 0
    start = time.perf_counter()
    proc = subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        ticks = 0
        while not done.is_set():
            peak = max(peak, _tree_rss_kb(proc.pid))
            if ticks % 5 == 0:
                peak_pss = max(peak_pss, _tree_pss_kb(proc.pid))
            ticks += 1
            done.wait(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - start
    if stderr_to is not None:
        stderr_to.write_bytes(err)
    if proc.returncode not in (0, 1):
        sys.stderr.write(err.decode(errors="replace")[-3000:])
    result = Measurement(
        label=label,
        command=command,
        seconds=round(seconds, 2),
        peak_rss_mb=round(peak / 1024, 1),
        returncode=proc.returncode,
        peak_pss_mb=round(peak_pss / 1024, 1),
    )
    print(
        f"[bench] {label}: {result.seconds:.1f} s, peak {result.peak_rss_mb:.0f} MB RSS, "
        f"{result.peak_pss_mb:.0f} MB PSS, "
        f"exit {result.returncode}",
        file=sys.stderr,
        flush=True,
    )
    return result


def machine() -> str:
    """One line describing this machine, for the README tables."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({cpu}), {mem_gb:.0f} GiB, Python {platform.python_version()}"


def save(name: str, payload: dict[str, object]) -> Path:
    """Write a benchmark's results as JSON under bench/results/ and return the path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"machine": machine(), "date": time.strftime("%Y-%m-%d"), **payload}

    def encode(obj: object) -> object:
        return asdict(obj) if isinstance(obj, Measurement) else str(obj)

    path.write_text(json.dumps(payload, indent=2, default=encode) + "\n")
    return path
