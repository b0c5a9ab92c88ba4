"""Old name of :mod:`conformance.judge`, kept while ``tests/mockserver`` and ``tests/hardening`` still import it."""

# TEMPORARY shim for the mockserver merge; removed by the lead.
from conformance.judge import CONFORMANCE_CHECKS, ResponseContract

__all__ = ["CONFORMANCE_CHECKS", "ResponseContract"]
