"""Graph stage: the file dependency graph (include, link, symbol, import, copy edges)."""
