"""How a run works, decided once: worker processes, the cache folders, the executor.

Every command resolves ``--jobs``, ``--no-cache``, ``--cache-dir``, ``--executor`` and
``--shared-cache`` into one :class:`RunOptions`, and the pipeline's steps read it instead of
each taking (and defaulting) the values again.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from openesx_license._util.executor import ExecutorSpec


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/openesx-license``, ``~/.cache/openesx-license`` by default."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "openesx-license"


def default_jobs() -> int:
    """Worker processes when ``--jobs`` is not given: the CPUs this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True, kw_only=True)
class RunOptions:
    """``jobs`` worker processes; ``cache_dir`` the cache folder, None to neither read nor
    write any cache (``--no-cache``); ``executor`` where the matching runs (local pools by
    default); ``shared_cache`` a fleet's second-level detection cache (folder or URL)."""

    jobs: int
    cache_dir: Path | None
    executor: ExecutorSpec = ExecutorSpec()
    shared_cache: str | None = None

    @classmethod
    def resolve(
        cls,
        *,
        jobs: int | None = None,
        cache_dir: Path | None = None,
        use_cache: bool = True,
        executor: ExecutorSpec | None = None,
        shared_cache: str | None = None,
    ) -> RunOptions:
        """The options of a command line: defaults filled in, ``--no-cache`` wins (over the
        shared cache too). Raises :class:`~openesx_license.errors.UsageError` for a ``tls://``
        executor without Dask's TLS settings."""
        if executor is not None:
            executor.check()
        return cls(
            jobs=jobs or default_jobs(),
            cache_dir=(cache_dir or default_cache_dir()) if use_cache else None,
            executor=executor or ExecutorSpec(),
            shared_cache=shared_cache if use_cache else None,
        )

    @property
    def use_cache(self) -> bool:
        """True unless the run was asked to neither read nor write the cache."""
        return self.cache_dir is not None
