"""Detection stage: licences, copyrights and proprietary markers per file (ScanCode + our speed)."""
