"""Connexion's own routes (the documents' mounts, the Swagger UI, the ``/__mock/`` controls) made to match
the whole path and nothing but it, as :mod:`mockserver.pipeline.route` does for the operations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from starlette.routing import Mount, Router


def make_strict(layer: Any) -> None:
    """Every router reachable from a middleware layer: anchored routes and no slash redirects.

    Starlette answers ``/v1/sessions/`` with a 307 whose ``Location`` is built from the ``Host`` header; a path
    that is not a route is a 404 here, like any other.
    """
    for router in _routers(layer, set()):
        router.redirect_slashes = False
        anchor_routes(router.routes)


def _routers(node: Any, seen: set[int]) -> Iterator[Router]:
    """The routers of a layer: its own ``router`` (or itself), and those of the apps its mounts hold."""
    if node is None or id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, Router):
        yield node
        for route in node.routes:
            if isinstance(route, Mount):
                yield from _routers(route.app, seen)
    else:
        yield from _routers(getattr(node, "router", None), seen)


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
