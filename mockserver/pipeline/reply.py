"""The reply step: the handler, a plain function from a :class:`Call` to a :class:`Reply`, answers, and the
reply is serialised once (a ``Prefer`` rehearsal answers instead when it asked for a status).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.types import Receive, Scope, Send

from mockserver.encoding import json_bytes
from mockserver.pipeline.authenticate import Identity
from mockserver.pipeline.prefer import Rehearsal

Header = tuple[bytes, bytes]
REPLY = "hissuno.reply"
_JSON = (b"content-type", b"application/json")


@dataclass(frozen=True, slots=True)
class Call:
    """One authenticated request, as a handler sees it."""

    identity: Identity
    params: Mapping[str, Any]
    body: Any
    path: str

    @property
    def project_id(self) -> str:
        return self.identity.project_id


Handler = Callable[[Call], "Reply"]


@dataclass(frozen=True, slots=True)
class Reply:
    """A handler's answer: status, JSON-able body (``None`` for no body) or ready JSON bytes, extra headers."""

    status: int
    body: Any = None
    headers: Mapping[str, str] | None = None
    raw: bytes | None = None

    def encoded(self, window: list[Header]) -> tuple[int, list[Header], bytes]:
        """Status, headers (the key's rate-limit ``window`` among them) and body bytes."""
        body = self.raw if self.raw is not None else b"" if self.body is None else json_bytes(self.body)
        headers = [_JSON] if body else []
        headers.append((b"content-length", str(len(body)).encode()))
        headers.extend(window)
        if self.headers:
            headers.extend((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in self.headers.items())
        return self.status, headers, body


def rehearsed_reply(rehearsal: Rehearsal, call: Call, made_up: Handler | None = None) -> Reply:
    """The answer ``Prefer`` asked for, in place of the handler's; errors go to the one error renderer.

    ``made_up``: the handler of the operation's made-up data (a list's), for a ``dynamic=true`` success."""
    if rehearsal.status is not None and rehearsal.status >= 400:
        raise rehearsal.error()
    if made_up is not None and rehearsal.made_up_success:
        return made_up(call)
    status, body, headers = rehearsal.reply_parts(call.path, call.params)
    return Reply(status, body, headers)


async def send_reply(scope: Scope, receive: Receive, send: Send) -> None:
    """An ASGI app that writes the encoded reply the pipeline left in the scope.

    An app rather than a function so that Connexion's response validation (``--validate-responses``) can
    wrap it unchanged.
    """
    status, headers, body = scope[REPLY]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
