"""Old home of :mod:`contract.spec`, kept while ``mockserver``, its tests, ``tests/hardening``, ``benchmarks`` and
``tests/smoke`` still import it."""

# TEMPORARY shim for the mockserver merge; removed by the lead.
from contract.spec import (
    DOCUMENTS,
    HTTP_METHODS,
    SHARED_FILE,
    bundle,
    bundled,
    document_path,
    load_bundled,
    operations,
    read_yaml,
    resolve,
    spec_dir,
)

__all__ = [
    "DOCUMENTS",
    "HTTP_METHODS",
    "SHARED_FILE",
    "bundle",
    "bundled",
    "document_path",
    "load_bundled",
    "operations",
    "read_yaml",
    "resolve",
    "spec_dir",
]
