"""Judge a raw answer by the contract: the operation its request reached (if any) and the error envelope."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from conformance.judge import ResponseContract

from .rawhttp import RawResponse

LEAKS = (b"Traceback", b"<html", b"<!DOCTYPE", b'File "', b"Exception", b"starlette", b"connexion")


class Contract:
    """Both documents, loaded once; judges a raw answer by the operation its request reaches."""

    def __init__(self) -> None:
        self.contract = ResponseContract()

    def operation_for(self, method: str, path: str) -> Any:
        return self.contract.operation_for(method, path)

    def violations(self, method: str, target: str, response: RawResponse) -> list[str]:
        """What the answer breaks of the operation ``method target`` reaches (nothing if it reaches none)."""
        answer = httpx.Response(response.status, headers=response.header_list, content=response.body,
                                request=httpx.Request(method, f"http://mock{target}"))
        answer.elapsed = timedelta(seconds=response.seconds)
        return self.contract.violations(answer)


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
