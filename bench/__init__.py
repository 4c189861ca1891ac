"""Benchmarks: each builds its own data, prints figures and ratios; nothing asserts wall time."""
