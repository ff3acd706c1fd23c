"""Worker processes that never outlive the audit that started them.

A ScanCode worker holds a licence index of about 1 GB. When the main process is killed
(SIGKILL, the OOM killer, a CI job cancelled), a plain ``ProcessPoolExecutor`` worker waits on
its pipe forever. Every pool of the tool is made by :func:`worker_pool`, whose workers ask the
kernel for SIGKILL when their parent dies (Linux ``prctl(PR_SET_PDEATHSIG)``) and check at
start that the audit is still there (it may have died before the request). A worker whose
parent is not the audit (the licence matchers, children of the fork server that shares
ScanCode's index), or where ``prctl`` is missing, also runs a thread that watches the audit's
process and exits with it: the fork server lives as long as its children hold the pipe it
watches, so neither would ever see its parent die. When the matchers are gone, the fork
server and the resource tracker see end-of-file and exit too.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing.context import BaseContext

#: the most worker processes a run starts, whatever --jobs asks (each may hold ~1 GB)
MAX_JOBS = 64
_PR_SET_PDEATHSIG = 1
_WATCH_SECONDS = 0.5


def jobs_limit() -> int:
    """The largest ``--jobs`` accepted: four per CPU, at most :data:`MAX_JOBS`."""
    return min(MAX_JOBS, 4 * (os.cpu_count() or 1))


def _die_with(main: int) -> None:
    """Pool initializer: exit when the audit's process ``main`` is gone (see the module
    docstring). The worker's parent is ``main`` itself, or a fork server that exits with it."""
    armed = False
    libc = _libc()
    if libc is not None and hasattr(libc, "prctl"):
        armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
    if not _running(main):
        os._exit(1)  # the audit died before the death signal was armed
    if not armed or os.getppid() != main:
        # a fork server's child: the server outlives the audit as long as its children hold
        # the pipe it watches (the standard library hands them its write end), so the death
        # signal would never come; watch the audit itself
        threading.Thread(target=_watch, args=(main,), daemon=True).start()


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _watch(main: int) -> None:
    while _running(main):
        time.sleep(_WATCH_SECONDS)
    os._exit(1)


def worker_pool(
    max_workers: int,
    *,
    mp_context: BaseContext | None = None,
    max_tasks_per_child: int | None = None,
) -> ProcessPoolExecutor:
    """A process pool whose workers exit when this process dies (``mp_context``: e.g. the
    licence matchers' fork server, see :mod:`openesx_license.detect.index_server`); with
    ``max_tasks_per_child`` (not with the ``fork`` context) a worker is replaced after that
    many tasks."""
    return ProcessPoolExecutor(
        max_workers=max_workers,
        mp_context=mp_context,
        initializer=_die_with,
        initargs=(os.getpid(),),
        max_tasks_per_child=max_tasks_per_child,
    )


def release_free_memory() -> None:
    """Ask the C library to give the free pages of its heap back to the system
    (``malloc_trim``): after a process drops a large part of what it holds, its resident
    memory shrinks instead of staying at its peak. Nothing happens without glibc."""
    libc = _libc()
    trim = getattr(libc, "malloc_trim", None) if libc is not None else None
    if trim is not None:
        trim(0)


def _libc() -> ctypes.CDLL | None:
    """The C library this process runs with (its own symbols: no search, no subprocess)."""
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
