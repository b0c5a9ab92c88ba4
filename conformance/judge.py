"""Judge one recorded HTTP answer by the contract: status, content type, headers and body schema.

The suite's engine does this inside Schemathesis runs; tests and tools that already hold a response (an
in-process call, a raw-socket reply, a recorded exchange) need the same verdict without a run. This finds
the operation a method and path reach in either document and applies Schemathesis' own conformance checks.
"""

from __future__ import annotations

import copy
from typing import Any

import httpx
import schemathesis
from schemathesis.specs.openapi import checks as openapi_checks

from contract.spec import DOCUMENTS, bundled

CONFORMANCE_CHECKS = [
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]


class ResponseContract:
    """Both documents, loaded once (Schemathesis gets its own copy: it may annotate what it loads)."""

    def __init__(self) -> None:
        self.schemas = [schemathesis.openapi.from_dict(copy.deepcopy(bundled(name))) for name in DOCUMENTS]

    def operation_for(self, method: str, path: str) -> Any:
        """The Schemathesis operation ``method path`` reaches, or ``None`` outside the contract."""
        for schema in self.schemas:
            operation = schema.find_operation_by_path(method, path)
            if operation is not None:
                return operation
        return None

    def violations(self, response: httpx.Response) -> list[str]:
        """What the response breaks of its request's operation (nothing when the request reaches none)."""
        request = response.request
        raw_path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")  # as sent: %2F stays in its segment
        operation = self.operation_for(request.method, raw_path)
        if operation is None:
            return []
        template = [part for part in operation.path.split("/") if part]
        actual = [part for part in raw_path.split("/") if part]
        path_parameters = {t[1:-1]: a for t, a in zip(template, actual, strict=False) if t.startswith("{")}
        try:
            operation.Case(path_parameters=path_parameters).validate_response(response, checks=CONFORMANCE_CHECKS)
        except (Exception, BaseExceptionGroup) as error:  # Schemathesis' FailureGroup is a BaseExceptionGroup
            return [f"{request.method} {raw_path[:120]} -> {response.status_code}: {error}"]
        return []
