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
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.common import BIN, REPO, fetch_corpus, measure, save

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
        cold = measure("gate cold audit", audit)
        warm = measure("gate re-audit, nothing changed", audit)
        changed = _edit(repo, CHANGED_FILES)
        _git(repo, "commit", "-q", "-am", "five small edits")
        since = measure("gate re-audit --since HEAD~1 (5 files)", [*audit, "--since", "HEAD~1"])
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
            },
        )
        print(
            f"gate benchmark (QEMU 7.2, --jobs 2):\n"
            f"  cold audit          {cold.seconds:7.1f} s  {cold.peak_rss_mb:7.0f} MB\n"
            f"  re-audit, unchanged {warm.seconds:7.1f} s  {warm.peak_rss_mb:7.0f} MB\n"
            f"  --since, 5 files    {since.seconds:7.1f} s  {since.peak_rss_mb:7.0f} MB "
            f"(target < {TARGET_SECONDS:.0f} s)\n"
            f"saved to {path}"
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
