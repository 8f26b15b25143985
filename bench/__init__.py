"""Benchmarks against raw Postgres: `python -m bench` (see bench/__main__.py)."""
