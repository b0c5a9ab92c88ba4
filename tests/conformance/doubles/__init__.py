"""Servers the conformance suite is proven against besides our mock: each breaks the contract in one way a real
server does (the real backend's divergences, a server that fails, hangs, is slow or sets no rate limits).

Tests serve them in a thread with ``tests.support.servers.served``; the benchmarks start them as processes
with ``python -m tests.conformance.doubles NAME --port N``.
"""
