"""Benchmarks (run as modules: `python -m bench.check_bench`)."""
