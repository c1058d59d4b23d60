"""Reliability tests: malformed files, concurrent uploads, a held database, fuzzing."""
