"""The copied-code stage: open files matched against proprietary code, its cache, its edges."""
