"""Hardening: the mock over a real socket under a self-fuzz, hostile input, concurrency and loss.

A package so that ``python -m tests.hardening.fuzz`` runs from the repository root; its modules import each
other relatively, which works both there and under pytest.
"""
