"""Libraries that Connexion imports at start-up but the mock needs only on a rare path, imported on first use.

Connexion imports Starlette's test client (and with it httpx, whose command line brings rich and pygments),
``requests`` (for specs that refer to remote files) and, through the Swagger UI, Jinja: about a third of the
mock's start-up, for a page a developer may never open. :func:`defer` leaves each of them a stand-in until
something uses it. Only the CLI calls it, before it imports the app; a library another module has already
imported is left alone.
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable
from typing import Any

# Modules whose names importers take at import time (``from module import Name``), with those names: each
# becomes a callable that imports the real module when called.
MODULES = {
    "starlette.testclient": ("TestClient",),  # connexion.apps.abstract, for AbstractApp.test_client()
    "starlette.templating": ("Jinja2Templates",),  # connexion.middleware.swagger_ui, built on the first docs request
    "httpx._main": ("main",),  # httpx/__init__.py: its command line (rich, pygments)
}
# Packages imported as a whole (``import requests``): loaded when a name of theirs is first looked up.
PACKAGES = (
    "requests",  # connexion.json_schema, for specs that refer to remote files
    "jinja2",  # connexion.spec, for templated specs
)


def defer() -> None:
    """Put a stand-in in the place of every library above that is not imported yet."""
    for name, callables in MODULES.items():
        if name not in sys.modules:
            sys.modules[name] = StandIn(name, callables)
    for name in PACKAGES:
        if name not in sys.modules:
            sys.modules[name] = StandIn(name, package=True)


class StandIn(types.ModuleType):
    """A module that imports the real one (in its place in ``sys.modules``) when a name of it is first used.

    ``callables`` are names that importers take at import time: each is a callable that imports the real
    module when called. Any other name loads the real module when looked up, but the ``__path__`` of a
    module that is not a ``package`` (the import system looks for it on every ``from module import name``).
    """

    def __init__(self, name: str, callables: tuple[str, ...] = (), *, package: bool = False) -> None:
        super().__init__(name, f"Stand-in for {name}, imported on first use (mockserver.host.lazy_imports).")
        self.__package = package
        for attribute in callables:
            setattr(self, attribute, _deferred(name, attribute))

    def __getattr__(self, attribute: str) -> Any:
        if attribute == "__path__" and not self.__package:
            raise AttributeError(attribute)
        real = real_module(self.__name__)
        self.__dict__.update(real.__dict__)  # later look-ups through this object find the real names at once
        return getattr(real, attribute)


def _deferred(module: str, attribute: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(real_module(module), attribute)(*args, **kwargs)

    call.__name__ = call.__qualname__ = attribute
    return call


def real_module(name: str) -> types.ModuleType:
    """The library itself, imported now if a stand-in held its place."""
    if isinstance(sys.modules.get(name), StandIn):
        del sys.modules[name]
    return importlib.import_module(name)
