"""Servers the conformance suite is proven against besides our mock: each breaks the contract in one way a real
server does (the real backend's divergences, a server that fails, hangs, is slow or sets no rate limits).

Start one on a free port of 127.0.0.1 with :func:`doubles.serve.served` (in a thread) or
``python -m tests.conformance.doubles NAME --port N`` (a process, as the benchmarks do).
"""
