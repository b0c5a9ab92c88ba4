"""The route step: which operation of the contract a request is for, from its method and its raw path.

The spec's templates are matched segment by segment on the path as the client wrote it: an id holding an
encoded slash stays one segment, ``/v1/sessions%0A`` is not the collection, and ``HEAD`` is routed to ``GET``.
A path with a dot segment (``.`` or ``..``, written or percent-encoded) or a trailing slash is no operation's:
it is not normalised into one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import unquote

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Template(Generic[T]):
    """One path template and what each of its methods routes to."""

    segments: tuple[str | None, ...]  # a literal segment, or None for ``{param}``
    names: tuple[str, ...]  # the parameter names, in order
    targets: dict[str, T]  # upper-case method -> target

    def bind(self, segments: list[str]) -> dict[str, str] | None:
        """The path parameters if ``segments`` (percent-decoded) fit this template, else ``None``."""
        params: dict[str, str] = {}
        names = iter(self.names)
        for expected, actual in zip(self.segments, segments, strict=True):
            if expected is None:
                if not actual:
                    return None
                params[next(names)] = actual
            elif expected != actual:
                return None
        return params


@dataclass(frozen=True, slots=True)
class Match(Generic[T]):
    """A routed request: the target for its method (``None`` when the path exists but not for this method)."""

    target: T | None
    params: dict[str, str]
    template: Template[T]

    def allowed_methods(self) -> list[str]:
        methods = set(self.template.targets)
        if "GET" in methods:
            methods.add("HEAD")
        return sorted(methods, key=_METHOD_ORDER.index)


_METHOD_ORDER = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"]


def parse_template(path: str) -> tuple[tuple[str | None, ...], tuple[str, ...]]:
    segments: list[str | None] = []
    names: list[str] = []
    for part in path.split("/"):
        if part.startswith("{") and part.endswith("}"):
            segments.append(None)
            names.append(part[1:-1])
        else:
            segments.append(part)
    return tuple(segments), tuple(names)


class PathRouter(Generic[T]):
    """Routes ``(method, raw path)`` to a target among the templates it was given."""

    def __init__(self, routes: Iterable[tuple[str, str, T]]) -> None:
        by_path: dict[str, dict[str, T]] = {}
        for path, method, target in routes:
            by_path.setdefault(path, {})[method.upper()] = target
        self._static: dict[str, Template[T]] = {}
        self._templated: dict[int, list[Template[T]]] = {}
        for path, targets in by_path.items():
            segments, names = parse_template(path)
            template = Template(segments, names, targets)
            if names:
                self._templated.setdefault(len(segments), []).append(template)
            else:
                self._static[path] = template
        for templates in self._templated.values():  # literal segments win over parameters, as in Starlette
            templates.sort(key=lambda t: [s is None for s in t.segments])

    def match(self, method: str, raw_path: str) -> Match[T] | None:
        """The route for a raw (still percent-encoded) path; ``None`` when no template fits."""
        encoded = "%" in raw_path
        if not encoded:
            template = self._static.get(raw_path)
            if template is not None:
                return self._found(template, method, {})
        segments = raw_path.split("/")
        if encoded:
            segments = [unquote(segment) for segment in segments]
        if "." in segments or ".." in segments:
            return None
        if encoded:
            template = self._static.get("/".join(segments)) if all("/" not in s for s in segments) else None
            if template is not None:
                return self._found(template, method, {})
        for template in self._templated.get(len(segments), ()):
            params = template.bind(segments)
            if params is not None:
                return self._found(template, method, params)
        return None

    @staticmethod
    def _found(template: Template[T], method: str, params: dict[str, str]) -> Match[T]:
        targets = template.targets
        target = targets.get(method)
        if target is None and method == "HEAD":
            target = targets.get("GET")
        return Match(target, params, template)
