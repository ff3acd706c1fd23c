"""Imported by the licence-matching fork server only: loads ScanCode's index, then freezes it.

:func:`gc.freeze` moves every object loaded so far out of the collector's reach, so a
collection in a forked worker does not write to (and so copy) the shared pages of the index.
"""

import gc

from openesx_license.detect import engine

engine.load_index()
gc.freeze()
