"""The servers a run compares and the requests each one is measured on.

Every target serves the same three /v1 operations with a valid key: list sessions, get one, create one. The
key, the plans and the create body come from the fixture and the spec (the ``seed`` example of the
``SessionCreate`` request body), never from constants here. Prism serves the spec's one-item list example,
so lists are compared at ``limit=1``; the mock and the floor are also measured at ``limit=20``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.loadgen import Request
from benchmarks.prism import prism_argv
from benchmarks.servers import ServerCommand
from contract.spec import bundled
from mockserver.data.fixture import Fixture, KeyFixture

BIN = Path(sys.executable).parent
RAISED_LIMIT = "1000000/second"
RAISED_CAP = "100000000"  # --max-created: the create runs add hundreds of thousands of sessions to one project
MOCK = "mock"
MOCK_WORKERS = "mock --workers 2"
PRISM_STATIC = "prism static"
PRISM_DYNAMIC = "prism -d"
FLOOR = "starlette floor"


@dataclass(frozen=True)
class Endpoint:
    """One measured request and the answer it must get (checked once before the load)."""

    name: str
    request: Request
    status: int
    items: int | None = None


@dataclass(frozen=True)
class Target:
    """A server under test; ``page_sizes`` are the list sizes it is measured at."""

    name: str
    command: ServerCommand
    page_sizes: Sequence[int] = (1,)
    note: str = ""
    reset_path: str | None = None
    exact_items: bool = True

    def endpoints(self, authorization: str, session_id: str) -> list[Endpoint]:
        """Reads first, the create last, so that lists are measured on the seeded data."""
        reads = [
            Endpoint(f"list {size}", Request("GET", f"/v1/sessions?limit={size}", authorization), 200,
                     size if self.exact_items else None)
            for size in self.page_sizes
        ]
        reads.append(Endpoint("get", Request("GET", f"/v1/sessions/{session_id}", authorization), 200))
        create = Endpoint("create", Request("POST", "/v1/sessions", authorization, json.dumps(create_body())), 201)
        return [*reads, create]


def create_body() -> dict[str, object]:
    """The spec's own example of a create request (``requestBodies.SessionCreate``, example ``seed``)."""
    body = bundled("v1")["components"]["requestBodies"]["SessionCreate"]["content"]["application/json"]
    return dict(body["examples"]["seed"]["value"])


def benchmark_key(fixture: Fixture) -> KeyFixture:
    """An active key that may create: the first ``full`` one (not the conformance suite's rate-limit key)."""
    return next(k for k in fixture.keys if k.status == "active" and k.permission == "full")


def raised_limits(fixture: Fixture, limit: str = RAISED_LIMIT) -> list[str]:
    """``--rate-limit PLAN=LIMIT`` for every plan of the fixture: the limiter runs on each request, rejects none.

    Per second rather than per minute: the moving window keeps one entry per request in its window, so a
    per-minute window under load holds a minute of traffic (far more than any real plan allows, and each hit
    inserts at the head of that list); a one-second window holds about what a real plan holds.
    """
    return [arg for plan in fixture.plans for arg in ("--rate-limit", f"{plan}={limit}")]


def mock_target(
    name: str,
    port: int,
    fixture: Fixture,
    *,
    cpus: Sequence[int] | None,
    extra: Sequence[str] = (),
    page_sizes: Sequence[int] = (1, 20),
    limit: str = RAISED_LIMIT,
    note: str = "",
) -> Target:
    key = benchmark_key(fixture)
    argv = [str(BIN / "hissuno-mock"), "serve", "--host", "127.0.0.1", "--port", str(port),
            "--fixtures", str(fixture.path), *raised_limits(fixture, limit), "--max-created", RAISED_CAP,
            *extra]  # fmt: skip
    command = ServerCommand(name, argv, port, "/v1/sessions?limit=1", {"Authorization": f"Bearer {key.key}"}, cpus=cpus)
    return Target(name, command, page_sizes, note=note, reset_path="/__mock/reset")


def floor_target(port: int, fixture: Fixture, *, cpus: Sequence[int] | None) -> Target:
    key = benchmark_key(fixture)
    argv = [sys.executable, "-m", "benchmarks.floor", "--port", str(port), "--fixtures", str(fixture.path)]
    command = ServerCommand(FLOOR, argv, port, "/v1/sessions?limit=1", {"Authorization": f"Bearer {key.key}"},
                            cwd=Path(__file__).resolve().parent.parent, cpus=cpus)  # fmt: skip
    return Target(FLOOR, command, (1, 20), note="same seeded data, no spec, no validation, no rate limit")


def prism_target(
    binary: Path, spec: Path, port: int, fixture: Fixture, *, dynamic: bool, cpus: Sequence[int] | None
) -> Target:
    """Prism only checks that a bearer header is there; it gets the same key as the others all the same."""
    name = PRISM_DYNAMIC if dynamic else PRISM_STATIC
    argv = prism_argv(binary, spec, port, dynamic=dynamic)
    headers = {"Authorization": f"Bearer {benchmark_key(fixture).key}"}
    command = ServerCommand(name, argv, port, "/v1/sessions?limit=1", headers, cpus=cpus)
    note = "schema-generated data (json-schema-faker)" if dynamic else "the spec's one-item example"
    return Target(name, command, (1,), note=note, exact_items=not dynamic)
