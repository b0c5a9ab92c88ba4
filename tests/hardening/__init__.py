"""Hardening: the mock over a real socket under a self-fuzz, hostile input, concurrency and loss.

``python -m tests.hardening.fuzz`` runs the full self-fuzz from the repository root.
"""
