"""The checks: a registry of rules keyed by stable id, what each check sees, and the checks.

Every module of this package is imported by the registry, so a new check is a new module
here with a ``@register``-ed class.
"""
