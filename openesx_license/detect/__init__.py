"""Detection stage: licences, copyrights and proprietary markers per file (ScanCode + our speed).

The entry point is :func:`scan_tree`; :mod:`.cache` holds the SQLite cache
(:func:`~openesx_license._util.run.default_cache_dir`).
"""

from openesx_license.detect.scan import scan_tree

__all__ = ["scan_tree"]
