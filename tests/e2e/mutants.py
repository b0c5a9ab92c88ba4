"""Mocks with a bug only a dashboard in a browser meets, for the E2E test to be caught failing on."""

from __future__ import annotations

import re

from tests.support.mutants import Answer, Mutant, Scope

CLOSE = re.compile(r"^(?P<session>/api/projects/[^/]+/sessions/[^/]+)/close$")


class CookieWithoutCredentialsCors(Mutant):
    """The API's answers lack ``Access-Control-Allow-Credentials``: curl and httpx see nothing wrong, a browser
    hides every answer to a ``credentials: "include"`` fetch from the page (the sign-in control is untouched)."""

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        answer.set_header("access-control-allow-credentials", None)
        return answer


class CloseFiresNothing(Mutant):
    """Closing a session answers it closed but changes and fires nothing (the request becomes a read)."""

    def request(self, scope: Scope) -> Scope:
        match = CLOSE.match(scope["path"])
        if scope["method"] != "POST" or not match:
            return scope
        path = match["session"]
        return {**scope, "method": "GET", "path": path, "raw_path": path.encode(), "closing": True}

    async def answer(self, scope: Scope, answer: Answer) -> Answer:
        if scope.get("closing") and answer.status == 200:
            answer.set_json({**answer.json, "status": "closed"})
        return answer
