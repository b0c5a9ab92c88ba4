"""Judge a raw answer by the contract: the operation its request reached (if any) and the error envelope."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
import schemathesis
from schemathesis.specs.openapi import checks as openapi_checks

from conformance.spec import DOCUMENTS, bundled

from .rawhttp import RawResponse

CONTRACT_CHECKS = [
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]
LEAKS = (b"Traceback", b"<html", b"<!DOCTYPE", b'File "', b"Exception", b"starlette", b"connexion")


class Contract:
    """Both documents, loaded once; finds the operation a method and raw path reach."""

    def __init__(self) -> None:
        self.schemas = [schemathesis.openapi.from_dict(copy.deepcopy(bundled(name))) for name in DOCUMENTS]

    def operation_for(self, method: str, path: str) -> Any:
        for schema in self.schemas:
            operation = schema.find_operation_by_path(method, path)
            if operation is not None:
                return operation
        return None

    def violations(self, method: str, target: str, response: RawResponse) -> list[str]:
        """What the answer breaks of the operation ``method target`` reaches (nothing if it reaches none)."""
        path = urlsplit(target).path
        operation = self.operation_for(method, path)
        if operation is None:
            return []
        template = [part for part in operation.path.split("/") if part]
        actual = [part for part in path.split("/") if part]
        path_parameters = {t[1:-1]: a for t, a in zip(template, actual, strict=False) if t.startswith("{")}
        answer = httpx.Response(response.status, headers=response.header_list, content=response.body,
                                request=httpx.Request(method, f"http://mock{target}"))
        answer.elapsed = timedelta(seconds=response.seconds)
        try:
            operation.Case(path_parameters=path_parameters).validate_response(answer, checks=CONTRACT_CHECKS)
        except (Exception, BaseExceptionGroup) as error:  # Schemathesis' FailureGroup is a BaseExceptionGroup
            return [f"{method} {target[:120]} -> {response.status}: {error}"]
        return []


def error_envelope_problems(response: RawResponse) -> list[str]:
    """An error is ``application/json`` ``{"error": "<Sentence.>"}`` (422 may add ``details``), nothing else."""
    problems = []
    if response.content_type != "application/json":
        problems.append(f"content type {response.content_type!r}")
    if any(marker in response.body for marker in LEAKS):
        problems.append(f"leaks internals: {response.body[:300]!r}")
    try:
        body = response.json()
    except ValueError:
        return [*problems, f"not JSON: {response.body[:200]!r}"]
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        return [*problems, f"no error message: {body!r:.200}"]
    message = body["error"]
    if not (message[:1].isupper() and message.endswith(".")):
        problems.append(f"not a sentence: {message!r}")
    if set(body) - {"error", "details"}:
        problems.append(f"unexpected fields: {sorted(body)}")
    return problems
