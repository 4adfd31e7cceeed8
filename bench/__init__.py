"""Benchmarks: figures for how the helpdesk behaves at scale (run with `make bench`)."""
