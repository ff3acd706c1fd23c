"""Benchmark of the CI gate on QEMU 7.2 (20k files): is a re-audit after a small change fast?

Three timed runs of ``openesx-license audit`` on a copy of the QEMU tree committed to a fresh
git repository, with a fresh cache folder:

1. ``cold``: full audit, empty cache (every licence block goes through ScanCode);
2. ``warm``: the same audit again, nothing changed (everything should be a cache hit);
3. ``since``: after a commit that changes five C files, ``audit --since HEAD~1`` (the change
   set comes from git; unchanged files are cache hits; the graph is still checked whole).

Each is measured with :func:`bench.common.measure` (wall time, peak RSS of the process tree),
``--jobs 2``. Target (issue 6): ``since`` under 10 s on 2 cores. Results go to
bench/results/gate.json. ``python bench/run.py gate`` or ``python -m bench.gate``.

Environment: ``OESX_BENCH_KEEP=1`` keeps the temporary repository (its path is printed).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, REPO, Measurement, fetch_corpus, measure, save  # noqa: E402

TARGET_SECONDS = 10.0
CHANGED_FILES = 5

#: used when bench/policies/qemu.toml (the audit benchmark's policy) does not exist
FALLBACK_POLICY = """\
schema = 1
exclude = ["debian/**", "tests/data/**", "pc-bios/**", "roms/**"]

[release]
name = "QEMU"
license = "GPL-2.0-only"

[[component]]
name = "qemu"
class = "open"
license = "GPL-2.0-or-later"
paths = ["**"]

[[component]]
name = "linux-headers"
class = "third-party"
license = "GPL-2.0-only WITH Linux-syscall-note"
paths = ["linux-headers/**"]

[[component]]
name = "vendor-blobs"
class = "proprietary"
license = "LicenseRef-Vendor-Proprietary"
paths = ["vendor/**"]

[[rule]]
name = "open-must-not-reach-proprietary"
type = "forbidden"
from = { class = "open" }
to = { class = "proprietary" }
severity = "error"
waivable = false

[graph]
include_dirs = ["include", "linux-headers"]
"""


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=bench@example.org",
         "-c", "commit.gpgsign=false", *args],
        check=True, capture_output=True,
    )  # fmt: skip


def _edit(repo: Path, count: int) -> list[str]:
    """Change ``count`` C files (spread over the tree) the way a small patch would."""
    candidates = sorted(p for p in repo.glob("hw/*/*.c") if p.is_file())
    step = max(1, len(candidates) // count)
    chosen = candidates[::step][:count]
    for n, path in enumerate(chosen):
        text = path.read_text(encoding="utf-8", errors="surrogateescape")
        text += f"\n/* gate benchmark edit {n} */\nint gate_bench_edit_{n}(void);\n"
        path.write_text(text, encoding="utf-8", errors="surrogateescape")
    return [p.relative_to(repo).as_posix() for p in chosen]


def _timed(label: str, command: list[str]) -> tuple[Measurement, float]:
    """:func:`measure` plus the CPU seconds (user + system) of the command's process tree.

    CPU time does not grow when other jobs share the machine, so it is reported next to the
    wall time: on a busy machine the wall time says little about the tool.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = measure(label, command)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return result, round(cpu, 2)


def main() -> int:
    """Run the three measurements; return 1 when the --since run misses the target."""
    corpus = fetch_corpus("qemu")
    policy = REPO / "bench" / "policies" / "qemu.toml"
    work = Path(tempfile.mkdtemp(prefix="oesx-bench-gate-"))
    try:
        repo = work / "qemu"
        print(f"[bench] copying {corpus} to {repo} and committing it", file=sys.stderr)
        shutil.copytree(corpus, repo, symlinks=True)
        _git(repo, "init", "-q", "-b", "main")
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", "QEMU 7.2 as unpacked")
        if not policy.exists():
            policy = work / "qemu.toml"
            policy.write_text(FALLBACK_POLICY)
        cache, out = work / "cache", work / "out"
        audit = [str(BIN / "openesx-license"), "audit", str(repo), "--policy", str(policy),
                 "--cache-dir", str(cache), "--out", str(out), "--format", "json",
                 "--fail-on", "never", "--jobs", "2"]  # fmt: skip
        cold, cold_cpu = _timed("gate cold audit", audit)
        warm, warm_cpu = _timed("gate re-audit, nothing changed", audit)
        changed = _edit(repo, CHANGED_FILES)
        _git(repo, "commit", "-q", "-am", "five small edits")
        since, since_cpu = _timed(
            "gate re-audit --since HEAD~1 (5 files)", [*audit, "--since", "HEAD~1"]
        )
        path = save(
            "gate",
            {
                "corpus": str(corpus),
                "policy": str(policy),
                "changed_files": changed,
                "target_seconds": TARGET_SECONDS,
                "cold": cold,
                "warm": warm,
                "since": since,
                "cpu_seconds": {"cold": cold_cpu, "warm": warm_cpu, "since": since_cpu},
                "load_average_at_end": os.getloadavg()[0],
            },
        )
        rows = [
            ("cold audit", cold, cold_cpu),
            ("re-audit, unchanged", warm, warm_cpu),
            ("--since, 5 files", since, since_cpu),
        ]
        print("gate benchmark (QEMU 7.2, --jobs 2):        wall       CPU   peak RSS")
        for label, m, cpu in rows:
            print(f"  {label:<28} {m.seconds:7.1f} s {cpu:7.1f} s {m.peak_rss_mb:6.0f} MB")
        print(
            f"  target: --since under {TARGET_SECONDS:.0f} s wall on 2 idle cores; "
            f"load average at the end {os.getloadavg()[0]:.1f}\nsaved to {path}"
        )
        failed = any(m.returncode not in (0, 1) for m in (cold, warm, since))
        return 1 if failed or since.seconds >= TARGET_SECONDS else 0
    finally:
        if os.environ.get("OESX_BENCH_KEEP"):
            print(f"[bench] kept {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
