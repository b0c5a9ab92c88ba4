"""The tests' harness: one way to start a mock, judge an answer, edit a YAML document and build a broken mock.

Imported as ``tests.support.<module>`` (the repository root is on ``sys.path``: pytest's ``pythonpath``, and
``python -m`` from the root for the scripts under ``tests/``).
"""
