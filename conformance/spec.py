"""Old home of :mod:`contract.spec`, kept while ``mockserver``, its tests, ``tests/hardening``, ``benchmarks`` and
``tests/smoke`` still import it."""

# TEMPORARY shim for the mockserver merge; removed by the lead.
from contract.pointer import resolve
from contract.spec import (
    DOCUMENTS,
    HTTP_METHODS,
    SHARED_FILE,
    bundle,
    bundled,
    document_path,
    load_bundled,
    operations,
    spec_dir,
)
from contract.yaml_reader import read_yaml

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
