"""Connexion's own routes (the documents' mounts, the Swagger UI, the ``/__mock/`` controls) made to match
the whole path and nothing but it, as :mod:`mockserver.pipeline.route` does for the operations.
"""

from __future__ import annotations

import re
from typing import Any

from starlette.routing import Mount


def anchor_routes(routes: Any) -> None:
    """Recompile every route (and every mount's routes) to match the whole path: ``\\Z``, not ``$``.

    Mounts also get DOTALL: their ``{path:path}`` is ``.*``, which would stop at an encoded newline in an id.
    """
    for route in routes or ():
        pattern = getattr(route, "path_regex", None)
        if pattern is None:
            continue
        source = pattern.pattern[:-1] + r"\Z" if pattern.pattern.endswith("$") else pattern.pattern
        flags = pattern.flags | (re.DOTALL if isinstance(route, Mount) else 0)
        route.path_regex = re.compile(source, flags)
        if isinstance(route, Mount):
            anchor_routes(route.routes)
