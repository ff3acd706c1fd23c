"""Imported by the licence-matching fork server only: loads ScanCode's index, then freezes it.

Loading leaves garbage behind (the unpickled parts :mod:`.index_memory` replaces): it is
collected and the C library asked to give the free pages back (``malloc_trim``), so that
neither the server nor its workers carry them. :func:`gc.freeze` then moves every object
loaded so far out of the collector's reach, so a collection in a forked worker does not
write to (and so copy) the shared pages of the index.
"""

import gc

from openesx_license._util.procs import release_free_memory
from openesx_license.detect import engine

engine.load_index()
gc.collect()
release_free_memory()
gc.freeze()
