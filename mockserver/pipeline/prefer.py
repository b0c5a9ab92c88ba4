"""The prefer step: ``Prefer`` asks the mock for a given answer, as with Prism, plus ``delay=``.

    Prefer: code=404                     the operation's 404 response, with its (first) example
    Prefer: code=404, example=not_found  that named example of the 404 response
    Prefer: example=invalid_key          the response that declares that example (2xx first)
    Prefer: dynamic=true                 the success response made up from its schema (a list: a page of rows made
                                         up once, paged and filtered as the real list is)
    Prefer: delay=1500                   the normal answer, 1.5 s late (at most 10 s)

Codes, examples and schemas come from the spec: an undeclared one is a 400 that lists what is declared, and
preferences the mock does not know (``return=minimal``) are ignored, as RFC 7240 asks. A rehearsed status is
answered where the real one would be: ``code=401`` here, ``403`` and ``429`` at admit, the rest in place of
the handler.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from contract.pointer import resolve
from contract.spec import operations
from mockserver.fake import SchemaFaker
from mockserver.outage import COOL_DOWN_S
from mockserver.pipeline.errors import ApiError, bad_request

HEADER = b"prefer"
MAX_DELAY_MS = 10_000
ANSWERED_BEFORE_AUTH = frozenset({401})
ANSWERED_AT_ACCESS = frozenset({403, 429})
_MILLISECONDS = re.compile(r"[0-9]{1,5}")  # ASCII digits only: str.isdigit() also takes '²', which int() refuses
_TOKEN = re.compile(r'[ \t]*([A-Za-z][A-Za-z0-9_-]*)[ \t]*(?:=[ \t]*("(?:[^"\\]|\\.)*"|[^ \t"]*)[ \t]*)?\Z')
"""``name`` or ``name=value`` between optional spaces and tabs (HTTP's only whitespace: not ``\xa0``)."""


@dataclass(frozen=True, slots=True)
class Preference:
    """What the client asked for (already checked for form, not yet against the operation)."""

    code: int | None = None
    example: str | None = None
    dynamic: bool = False
    delay_ms: int = 0


def parse_prefer(values: list[str]) -> Preference:
    """Every ``Prefer`` header value, comma- or semicolon-separated ``name=value`` tokens; first wins."""
    found: dict[str, str] = {}
    for value in values:
        for token in re.split(r"[,;]", value):
            if not token.strip(" \t"):
                continue
            match = _TOKEN.match(token)
            if match is None:
                raise bad_request(f"Prefer header is malformed near {_quoted(token.strip())}: use name=value pairs "
                                  "such as code=404, example=not_found, dynamic=true or delay=500.")
            name, raw = match.group(1).lower(), match.group(2) or ""
            found.setdefault(name, raw[1:-1] if raw.startswith('"') else raw)
    return Preference(
        code=_code(found["code"]) if "code" in found else None,
        example=_example(found["example"]) if "example" in found else None,
        dynamic=_flag(found["dynamic"]) if "dynamic" in found else False,
        delay_ms=_delay(found["delay"]) if "delay" in found else 0,
    )


def _quoted(text: str) -> str:
    return repr(text[:40] + ("..." if len(text) > 40 else ""))


def _code(raw: str) -> int:
    if not re.fullmatch(r"[1-5][0-9][0-9]", raw):
        raise bad_request(f"Prefer code must be an HTTP status code such as 404, not {_quoted(raw)}.")
    return int(raw)


def _example(raw: str) -> str:
    if not raw or len(raw) > 100:
        raise bad_request("Prefer example must name one of the operation's examples.")
    return raw


def _flag(raw: str) -> bool:
    if raw.lower() not in ("true", "false"):
        raise bad_request(f"Prefer dynamic must be true or false, not {_quoted(raw)}.")
    return raw.lower() == "true"


def _delay(raw: str) -> int:
    if not _MILLISECONDS.fullmatch(raw) or int(raw) > MAX_DELAY_MS:
        raise bad_request(f"Prefer delay must be a number of milliseconds from 0 to {MAX_DELAY_MS}, "
                          f"not {_quoted(raw)}.")
    return int(raw)


# --- what each operation declares ------------------------------------------------------------------------


@dataclass(frozen=True)
class DeclaredResponse:
    """One response of an operation as the spec declares it."""

    status: int
    schema: Any
    examples: dict[str, Any]
    headers: frozenset[str]

    def default_example(self) -> tuple[bool, Any]:
        """``(True, value)`` of the first named example, or ``(False, None)`` when there is none."""
        for value in self.examples.values():
            return True, value
        return False, None


@dataclass(frozen=True)
class DeclaredOperation:
    operation_id: str
    responses: dict[int, DeclaredResponse]
    faker: SchemaFaker = field(repr=False, compare=False)

    @property
    def success(self) -> int:
        return min(code for code in self.responses if 200 <= code < 300)

    def codes(self) -> str:
        return ", ".join(str(code) for code in sorted(self.responses))


def declared_operations(document: Mapping[str, Any], faker: SchemaFaker) -> dict[str, DeclaredOperation]:
    """Every operation of a bundled document by operationId, with its responses, examples and schemas."""
    declared: dict[str, DeclaredOperation] = {}
    for _, _, operation in operations(document):
        responses: dict[int, DeclaredResponse] = {}
        for code, response in operation.get("responses", {}).items():
            if not str(code).isdigit():
                continue
            response = resolve(document, response)
            media = (response.get("content") or {}).get("application/json") or {}
            examples = {name: resolve(document, example).get("value")
                        for name, example in (media.get("examples") or {}).items()}
            if not examples and "example" in media:
                examples["example"] = media["example"]
            responses[int(code)] = DeclaredResponse(int(code), media.get("schema"), examples,
                                                    frozenset(h.lower() for h in response.get("headers") or {}))
        declared[operation["operationId"]] = DeclaredOperation(operation["operationId"], responses, faker)
    return declared


# --- choosing and rendering -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Rehearsal:
    """The answer a valid ``Prefer`` chose: a declared status, maybe an example, maybe made-up data."""

    operation: DeclaredOperation
    status: int | None
    example: str | None
    dynamic: bool
    delay_ms: int

    @property
    def replaces_handler(self) -> bool:
        return self.status is not None

    @property
    def made_up_success(self) -> bool:
        """``dynamic=true`` for the success answer, no example named: made-up data in place of the handler's."""
        return self.dynamic and self.example is None and self.status == self.operation.success

    def body(self, params: Mapping[str, Any] | None = None) -> Any:
        """The rehearsed body; ``params``, the request's validated parameters, page a made-up list."""
        response = self.operation.responses[self.status]
        if self.example is not None:
            return response.examples[self.example]
        has_example, value = response.default_example()
        if response.schema is not None and ((self.dynamic and self.status < 400) or not has_example):
            return coherent_page(self.operation.faker(response.schema), params or {})
        return value

    def error(self) -> ApiError:
        """A rehearsed error as the one place that renders errors wants it."""
        body = self.body()
        if not isinstance(body, Mapping) or not isinstance(body.get("error"), str):
            body = {"error": "Rehearsed error."}
        headers = {"Retry-After": str(COOL_DOWN_S)} if self.status == 503 else None  # as a real outage's
        return ApiError(self.status, body["error"], details=body.get("details"), headers=headers)

    def reply_parts(self, path: str, params: Mapping[str, Any] | None = None) -> tuple[int, Any, dict[str, str]]:
        """Status, body and the headers the response declares besides the rate-limit ones (``Location``)."""
        body = self.body(params)
        headers: dict[str, str] = {}
        if "location" in self.operation.responses[self.status].headers:
            resource = body.get("id") if isinstance(body, Mapping) else None
            headers["Location"] = f"{path.rstrip('/')}/{resource}" if resource else path
        if self.status == 204:
            body = None
        return self.status, body, headers


def coherent_page(value: Any, params: Mapping[str, Any]) -> Any:
    """A made-up list envelope as the page ``limit`` and ``offset`` ask for of its rows, ``total`` counting them.

    The lists of the mock's resources are answered from made-up rows by their own handlers (see
    :mod:`mockserver.made_up_lists`); this is for any other list schema."""
    if isinstance(value, dict) and {"data", "total", "limit", "offset"} <= value.keys():
        limit, offset = int(params.get("limit", 50)), int(params.get("offset", 0))
        rows = value["data"]
        value.update(data=rows[offset:offset + limit], total=len(rows), limit=limit, offset=offset)
    return value


def choose(preference: Preference, operation: DeclaredOperation) -> Rehearsal:
    """Check a preference against what the operation declares; a 400 names what is available."""
    status = preference.code
    example = preference.example
    responses = operation.responses
    if status is not None and status not in responses:
        raise bad_request(f"Prefer code={status} is not declared for {operation.operation_id}; "
                          f"declared: {operation.codes()}.")
    if example is not None:
        if status is not None and example not in responses[status].examples:
            names = ", ".join(responses[status].examples) or "none"
            raise bad_request(f"Prefer example={_quoted(example)} is not declared for the {status} response of "
                              f"{operation.operation_id}; its examples: {names}.")
        if status is None:
            order = sorted(responses, key=lambda code: (not 200 <= code < 300, code))
            status = next((code for code in order if example in responses[code].examples), None)
            if status is None:
                listing = ", ".join(f"{name} ({code})" for code in order for name in responses[code].examples)
                raise bad_request(f"Prefer example={_quoted(example)} is not declared for "
                                  f"{operation.operation_id}; declared examples: {listing or 'none'}.")
    if status is None and preference.dynamic:
        status = operation.success
    return Rehearsal(operation, status, example, preference.dynamic, preference.delay_ms)


class Preferences:
    """The ``Prefer`` step, first in an operation's path: reads the header, waits ``delay``, answers ``code=401``.

    A request without the header costs one scan of its header list. A valid preference comes back as a
    :class:`Rehearsal` for the later steps; a malformed one as the 400 to raise once the checks that come
    before a 400 (401, 403, 429) have passed.
    """

    def __init__(self, documents: Mapping[str, Mapping[str, Any]]) -> None:
        self.operations: dict[str, dict[str, DeclaredOperation]] = {
            base: declared_operations(document, SchemaFaker(document)) for base, document in documents.items()
        }

    def declared(self, base: str, operation_id: str) -> DeclaredOperation | None:
        return self.operations.get(base, {}).get(operation_id)

    async def read(self, headers: list[tuple[bytes, bytes]],
                   operation: DeclaredOperation | None) -> tuple[Rehearsal | None, ApiError | None]:
        values = [value.decode("latin-1") for name, value in headers if name == HEADER]
        if not values or operation is None:
            return None, None
        try:
            rehearsal = choose(parse_prefer(values), operation)
        except ApiError as error:
            return None, error
        if rehearsal.delay_ms:
            await asyncio.sleep(rehearsal.delay_ms / 1000)
        if rehearsal.status in ANSWERED_BEFORE_AUTH:
            raise rehearsal.error()
        return rehearsal, None
