"""openesx-license: audit a hypervisor source tree before its open-source release.

Pipeline stages, each a package, imports going one way (checked by import-linter):
``inventory -> detect -> ipindex -> graph -> policy -> pipeline -> reports -> cli``.
"""

__version__ = "0.1.0"
