"""Judge an answer by the contract: what it breaks of the operation its request reached, and whether an error
is the contract's envelope.

One judge for every test: the in-process client checks each response with it, the hardening tests judge raw
socket answers with it (converted to ``httpx.Response``). The operation checks are Schemathesis' own, through
:class:`conformance.judge.ResponseContract`.
"""

from __future__ import annotations

from typing import Any

import httpx

from conformance.judge import ResponseContract

# What an error body must never show: a traceback, an HTML page, the framework's name.
LEAKS = (b"Traceback", b"<html", b"<!DOCTYPE", b'File "', b"Exception", b"starlette", b"connexion")
ENVELOPE_FIELDS = {"error", "details"}


class ContractViolation(AssertionError):
    """A response broke the contract of the operation its request reached."""


def is_sentence(message: object) -> bool:
    """An error message is one sentence: a capital first, a full stop last."""
    return isinstance(message, str) and message[:1].isupper() and message.endswith(".")


def error_envelope_problems(response: httpx.Response) -> list[str]:
    """What is wrong with an error answer: it must be ``application/json`` ``{"error": "<Sentence.>"}`` (422 may
    add ``details``), leaking nothing of the server's insides. Empty when it is right."""
    problems = []
    content_type = response.headers.get("content-type", "").split(";")[0].strip()
    if content_type != "application/json":
        problems.append(f"content type {content_type!r}")
    if any(marker in response.content for marker in LEAKS):
        problems.append(f"leaks internals: {response.content[:300]!r}")
    try:
        body = response.json()
    except ValueError:
        return [*problems, f"not JSON: {response.content[:200]!r}"]
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        return [*problems, f"no error message: {body!r:.200}"]
    if not is_sentence(body["error"]):
        problems.append(f"not a sentence: {body['error']!r}")
    if set(body) - ENVELOPE_FIELDS:
        problems.append(f"unexpected fields: {sorted(body)}")
    return problems


def assert_error_envelope(response: httpx.Response) -> dict[str, Any]:
    """The error body, once :func:`error_envelope_problems` finds nothing wrong with it."""
    problems = error_envelope_problems(response)
    assert not problems, (response.status_code, problems)
    return response.json()


class ContractJudge:
    """Both documents, loaded once; judges a response by the operation its request reaches."""

    def __init__(self) -> None:
        self.contract = ResponseContract()

    def operation_for(self, method: str, path: str) -> Any:
        return self.contract.operation_for(method, path)

    def violations(self, response: httpx.Response) -> list[str]:
        """What the response breaks of its request's operation (nothing when the request reaches none)."""
        return self.contract.violations(response)

    def check(self, response: httpx.Response) -> None:
        """Raise :class:`ContractViolation` on a broken operation contract, ``AssertionError`` on an error that is
        not the envelope (routes outside the contract too: ``/__mock/``, docs, unknown paths). 405 answers are
        not an operation's to judge."""
        if response.status_code != 405:
            violations = self.violations(response)
            if violations:
                raise ContractViolation(violations[0])
        if response.status_code >= 400:
            assert_error_envelope(response)
