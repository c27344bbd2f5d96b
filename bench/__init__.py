"""Benchmarks: measured, not timed in tests (docs/performance.md)."""
