"""CPU per request of the mock's request path, in-process, against another revision of the code in the same run.

wrk numbers from two runs on a shared machine differ by more than any change to the request path; this
calls the one-process app (``create_app``, every plan raised as in `make bench`) directly as ASGI, no
socket, and counts CPU time per request for list 1, get and create. With ``--against REV`` the same
measurement runs on that git revision's tree (exported to ``benchmarks/.work``; its ``mockserver`` comes
first on the import path, the measuring code stays this tree's), alternating with this tree round by
round; each side's median round is compared.

    .venv/bin/python -m benchmarks.request_cpu --against main [--rounds 5] [--requests 3000]
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import tarfile
import time
import warnings
from io import BytesIO
from pathlib import Path
from typing import Annotated, Any

import typer

ROOT = Path(__file__).resolve().parent.parent
ENDPOINTS = ("list 1", "get", "create")


def measure(requests: int) -> dict[str, float]:
    """µs of CPU per request for each endpoint, after a warm-up, on uvloop as the mock runs."""
    import uvloop

    from benchmarks.targets import RAISED_LIMIT, benchmark_key, create_body
    from mockserver.app import create_app
    from mockserver.data.fixture import load_fixture
    from mockserver.settings import Settings, default_fixtures

    fixture = load_fixture(default_fixtures())
    app = create_app(Settings(rate_limits=dict.fromkeys(fixture.plans, RAISED_LIMIT)))
    gc.collect()
    gc.freeze()
    key = benchmark_key(fixture).key.encode()

    async def call(method: str, path: str, query: bytes = b"", body: bytes = b"") -> tuple[int, bytes]:
        headers = [(b"host", b"bench"), (b"authorization", b"Bearer " + key)]
        if body:
            headers += [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
                 "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query,
                 "root_path": "", "headers": headers, "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
        answer: dict[str, Any] = {"body": b""}
        chunks = iter([{"type": "http.request", "body": body, "more_body": False}])

        async def receive() -> dict[str, Any]:
            return next(chunks, {"type": "http.disconnect"})

        async def send(message: dict[str, Any]) -> None:
            answer.setdefault("status", message.get("status"))
            answer["body"] += message.get("body", b"")

        await app(scope, receive, send)
        return answer["status"], answer["body"]

    async def run() -> dict[str, float]:
        status, page = await call("GET", "/v1/sessions", b"limit=1")
        assert status == 200, page
        first = json.loads(page)["data"][0]["id"]
        shapes = {"list 1": ("GET", "/v1/sessions", b"limit=1"), "get": ("GET", f"/v1/sessions/{first}"),
                  "create": ("POST", "/v1/sessions", b"", json.dumps(create_body()).encode())}
        result = {}
        for name, shape in shapes.items():
            for _ in range(requests // 10):
                status, body = await call(*shape)
                assert status in (200, 201), (name, status, body[:200])
            started = time.process_time()
            for _ in range(requests):
                await call(*shape)
            result[name] = (time.process_time() - started) / requests * 1e6
        return result

    return uvloop.run(run())


def export(revision: str, work: Path) -> Path:
    """That revision's tree, exported once (``git archive``) under the work folder."""
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", revision], capture_output=True,
                            text=True, check=True).stdout.strip()
    tree = work / f"tree-{commit}"
    if not tree.is_dir():
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True).stdout
        with tarfile.open(fileobj=BytesIO(archive)) as tar:
            tar.extractall(tree, filter="data")
    return tree


def one_round(tree: Path | None, requests: int) -> dict[str, float]:
    """One measurement in a fresh process, of this tree or of ``tree`` (first on the import path)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tree) if tree else "", str(ROOT)]))}
    completed = subprocess.run([sys.executable, "-m", "benchmarks.request_cpu", "--measure-once",
                                "--requests", str(requests)], cwd=tree or ROOT, env=env, capture_output=True,
                               text=True, check=True)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main(
    against: Annotated[str | None, typer.Option(help="A git revision to measure in the same run.")] = None,
    rounds: Annotated[int, typer.Option(help="Rounds per side, alternating; the median counts.")] = 5,
    requests: Annotated[int, typer.Option(help="Requests per endpoint and round.")] = 3000,
    measure_once: Annotated[bool, typer.Option("--measure-once", hidden=True)] = False,
) -> None:
    """Print µs of CPU per request of this tree (and of ``--against``), with the ratio."""
    warnings.simplefilter("ignore")
    if measure_once:
        print(json.dumps(measure(requests)))
        return
    from benchmarks.compare import describe_run, table
    from benchmarks.run import WORK_DIR

    sides: dict[str, Path | None] = {"this tree": None}
    if against:
        sides[against] = export(against, WORK_DIR / "revisions")
    samples: dict[str, list[dict[str, float]]] = {side: [] for side in sides}
    for _ in range(rounds):
        for side, tree in sides.items():
            samples[side].append(one_round(tree, requests))
    medians = {side: {e: statistics.median(r[e] for r in runs) for e in ENDPOINTS} for side, runs in samples.items()}
    print(describe_run("benchmarks.request_cpu"))
    headers = ["endpoint", *(f"{side} µs CPU / request" for side in sides)]
    if against:
        headers.append(f"this tree / {against}")
    rows = [[e, *(f"{medians[s][e]:.1f}" for s in sides),
             *([f"{medians['this tree'][e] / medians[against][e]:.2f}x"] if against else [])] for e in ENDPOINTS]
    print(table(headers, rows))


if __name__ == "__main__":
    typer.run(main)
