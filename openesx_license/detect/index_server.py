"""One ScanCode licence index in memory, shared by every worker that matches licences.

ScanCode's licence index takes about 1.1 GB once loaded. A pool whose workers each load it
costs that much per worker (2.1 GB of PSS for two). Instead the matching workers are forked
from a server process that loaded the index once (multiprocessing's ``forkserver`` with this
package's :mod:`.index_preload` preloaded, :func:`gc.freeze` called after the load), so they
share its pages copy-on-write; each worker then costs only the pages it writes to (measured
on this project's machine: 1.42 GB of PSS for the process tree with two workers, +156 MB for
a third; bench/README.md says how it was measured). The server holds the index in less
memory than ScanCode leaves it (:mod:`.index_memory`, about 170 MB less) and gives the
garbage of loading back to the system before it forks. The server is stopped once the scan
no longer needs it, so the index does not stay in memory for the graph and the checks.
"""

from __future__ import annotations

import multiprocessing
from multiprocessing.context import BaseContext

_PRELOAD = "openesx_license.detect.index_preload"


def matcher_context() -> BaseContext:
    """The process context for licence-matching workers (see the module docstring)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([_PRELOAD])
    return context


def stop_index_server() -> None:
    """Stop the fork server (and free its copy of the index) when one is running.

    The standard library keeps one fork server per process for its whole life and only its
    tests stop it (``ForkServer._stop``); without that method the server stays until exit.
    """
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    stop = getattr(server, "_stop", None)
    if server is not None and stop is not None and server._forkserver_pid is not None:
        stop()
