"""Report formatters, keyed by format name, all rendered from one AuditResult."""
