"""Request validation for one operation, prepared once: parameters, then content type, then body.

Connexion's URI parsing and content-type rules are inherited; every failing field is reported (its own
validators stop at the first), and a body that fails its schema is a 422, as the contract says.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from connexion.middleware.request_validation import RequestValidationOperation
from connexion.operations import AbstractOperation
from connexion.utils import split_content_type
from starlette.types import Receive, Scope

from mockserver.pipeline.validate.body import JSONBody, read_body
from mockserver.pipeline.validate.parameters import ParameterValidator, PreparedURIParser
from mockserver.pipeline.validate.schemas import ValidatorCache


class OperationValidator(RequestValidationOperation):
    """Request validation for one operation, built when the app is: parameters, then content type, then body.

    An operation without a request body never looks at the content type, as Connexion's would not either.
    """

    def __init__(self, operation: AbstractOperation, cache: ValidatorCache) -> None:
        super().__init__(None, operation=operation)  # type: ignore[arg-type]
        uri_parser = PreparedURIParser(operation.parameters, operation.body_definition())
        self.parameters = ParameterValidator(operation.parameters, uri_parser, cache=cache)
        self.has_body = bool(operation.consumes) and bool(operation.request_body)
        self._cache = cache
        self._bodies: dict[str, JSONBody | None] = {}
        self._accepted: set[str] = set()

    def params(self, scope: Scope, path_params: Mapping[str, str]) -> dict[str, Any]:
        return self.parameters.validate(scope, path_params)

    def extract_content_type(self, headers: list[tuple[bytes, bytes]]) -> tuple[str, str]:  # type: ignore[override]
        """Connexion's rule (the declared media type when none is sent; UTF-8 by default) without its scan,
        which builds ``typing`` unions on every call. ASGI header names are lower-case bytes."""
        content_type = next((value.decode("latin-1") for name, value in headers if name == b"content-type"), None)
        mime_type, encoding = split_content_type(content_type)
        if mime_type is None:
            mime_type = self._operation.consumes[0] if self._operation.consumes else "application/octet-stream"
        return mime_type, encoding or "utf-8"

    def validate_mime_type(self, mime_type: str) -> None:
        """Connexion's check, remembered per accepted media type (it matches patterns on every call)."""
        if mime_type in self._accepted:
            return
        super().validate_mime_type(mime_type)
        if len(self._accepted) < 32:
            self._accepted.add(mime_type)

    async def body(self, scope: Scope, receive: Receive) -> Any:
        """The parsed, validated body (``None`` without one); 400 for a wrong content type or bad JSON."""
        if not self.has_body:
            return None
        mime_type, _ = self.extract_content_type(scope["headers"])
        self.validate_mime_type(mime_type)
        validator = self._json_body(mime_type)
        raw = await read_body(receive)
        return validator.parse(raw) if validator is not None else None

    def _json_body(self, mime_type: str) -> JSONBody | None:
        if mime_type not in self._bodies:
            schema = self._operation.body_schema(mime_type)
            json_like = mime_type.lower().endswith("json")
            self._bodies[mime_type] = JSONBody(schema, bool(self._operation.request_body.get("required")),
                                               self._cache) if schema and json_like else None
        return self._bodies[mime_type]
