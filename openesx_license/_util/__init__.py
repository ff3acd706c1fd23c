"""Small helpers every stage may use: caches, globs, file writes, git, SPDX parsing."""
