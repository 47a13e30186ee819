"""Benchmarks (run by ``make bench``, never by the test suite): each writes ``bench/results/``."""
