"""The mock served with a chosen rate-limit window storage, for the same-run comparisons of ``compare_*``.

Everything but the limiter's storage is the one-process ``hissuno-mock serve`` (same app, same uvicorn
options, same heap settling), so a difference in throughput or CPU per request is the storage's.

    python -m benchmarks.limiter_server --storage limits-memory --port 4011 --fixtures FILE [--redis URL]
        [--rate-limit PLAN=LIMIT ...]
"""

from __future__ import annotations

import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated

import typer

warnings.filterwarnings("ignore", message=".*starlette.testclient.*")

from benchmarks.servers import ServerCommand, free_port  # noqa: E402
from benchmarks.targets import benchmark_key  # noqa: E402
from mockserver.data.fixture import load_fixture  # noqa: E402
from mockserver.ratelimit_storage import (  # noqa: E402
    REDIS_KEY_PREFIX,
    TwoStepWindow,
    WindowMemoryStorage,
    WindowRedisStorage,
    WindowStorage,
)


def limits_memory(_: str) -> WindowStorage:
    from limits.aio.storage import MemoryStorage

    return TwoStepWindow(MemoryStorage())


def limits_redis(uri: str) -> WindowStorage:
    from limits.aio.storage import RedisStorage

    return TwoStepWindow(RedisStorage(f"async+{uri}", implementation="redispy", key_prefix=REDIS_KEY_PREFIX))


STORAGES: dict[str, Callable[[str], WindowStorage]] = {
    "mock-memory": lambda _: WindowMemoryStorage(),
    "limits-memory": limits_memory,
    "mock-redis-pipelined": lambda uri: WindowRedisStorage(f"async+{uri}", client="pipelined"),
    "mock-redis-redis-py": lambda uri: WindowRedisStorage(f"async+{uri}", client="redis-py"),
    "limits-redis": limits_redis,
}


def limiter_server_command(storage: str, fixtures: Path, redis_url: str, cpus: Sequence[int] | None,
                           rate_limits: Sequence[str] = ()) -> ServerCommand:
    """How :func:`benchmarks.servers.start` runs this module with ``storage``, ready when a list answers 200."""
    port = free_port()
    argv = [sys.executable, "-m", "benchmarks.limiter_server", "--storage", storage, "--port", str(port),
            "--fixtures", str(fixtures), "--redis", redis_url, *(f"--rate-limit={limit}" for limit in rate_limits)]
    ready = {"Authorization": f"Bearer {benchmark_key(load_fixture(fixtures)).key}"}
    return ServerCommand(storage, argv, port, "/v1/sessions?limit=1", ready,
                         cwd=Path(__file__).resolve().parent.parent, cpus=cpus)


def main(
    storage: Annotated[str, typer.Option(help=f"One of: {', '.join(STORAGES)}.")],
    port: Annotated[int, typer.Option()],
    fixtures: Annotated[Path, typer.Option()],
    redis: Annotated[str, typer.Option(help="redis://HOST:PORT/DB for the Redis storages.")] = "",
    rate_limit: Annotated[list[str] | None, typer.Option(help="PLAN=LIMIT, as hissuno-mock serve takes it.")] = None,
) -> None:
    import uvicorn

    from mockserver.app import create_app
    from mockserver.cli import fail, ready_to_serve, uvicorn_options
    from mockserver.host.sockets import listening_sockets
    from mockserver.settings import Settings

    if storage not in STORAGES:
        fail(f"--storage must be one of {', '.join(STORAGES)}")
    settings = Settings.build(port=port, fixtures=fixtures, rate_limit_storage=redis or "memory://",
                              rate_limits=rate_limit)
    app = create_app(settings, limiter_storage=STORAGES[storage](redis))
    sockets = listening_sockets(settings.host, settings.port, fail, 1)
    uvicorn.Server(uvicorn.Config(ready_to_serve(app), **uvicorn_options(settings.log_level))).run(sockets=sockets)


if __name__ == "__main__":
    typer.run(main)
