"""``hissuno-mock``: serve the mock, list its keys, reset a running one, sign a member in to it, fire a webhook event.

Every failure a user can cause (a flag or ``HISSUNO_MOCK_*`` variable of the wrong type, a bad fixture file, a
port in use, an unknown plan in ``--rate-limit``) ends in one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
import warnings
from pathlib import Path
from typing import Annotated, Any

import typer

from contract.cli_style import fail, new_app, run, version_option
from mockserver.settings import LOG_LEVELS, Settings, SettingsError, env_var

PROGRAM = "hissuno-mock"
DEFAULTS = Settings()

cli = new_app(PROGRAM, "The Hissuno mock server: the contract served with seeded data, real keys and rate limits.")


def setting(name: str, *flags: str, metavar: str | None = None, help: str) -> Any:
    """A flag of ``serve`` that also reads the setting's ``HISSUNO_MOCK_*`` variable (shown by ``--help``)."""
    return typer.Option(*flags, envvar=env_var(name), metavar=metavar, help=help)


FixturesOption = Annotated[Path | None, setting(
    "fixtures", "--fixtures", metavar="FILE", help="Fixture file. [default: the packaged fixtures/default.yaml]")]


def _settings(**values: object) -> Settings:
    """The settings the flags (or their variables) give; a value the mock cannot use is one line."""
    try:
        return Settings.build(**values)
    except SettingsError as error:
        fail(str(error))


def configure_logging(level: str) -> None:
    """Quiet by default; at ``info`` one access line per request (uvicorn's), nothing else per request."""
    logging.basicConfig(level=level.upper(), format="%(levelname)s: %(message)s")
    logging.getLogger("connexion").setLevel(logging.DEBUG if level == "debug" else logging.ERROR)
    logging.getLogger("mockserver").setLevel(level.upper())


@cli.callback()
def program(
    _version: Annotated[bool, version_option(PROGRAM)] = False,
) -> None:
    """The Hissuno mock server: the contract served with seeded data, real keys and rate limits."""


@cli.command()
def serve(
    host: Annotated[str, setting("host", metavar="HOST", help="Interface to listen on.")] = DEFAULTS.host,
    port: Annotated[int, setting("port", metavar="PORT", help="Port (0 picks a free one).")] = DEFAULTS.port,
    seed: Annotated[int, setting("seed", metavar="N", help="Seed for the generated data.")] = DEFAULTS.seed,
    fixtures: FixturesOption = None,
    rate_limit: Annotated[list[str] | None, setting(
        "rate_limits", "--rate-limit", metavar="PLAN=LIMIT",
        help="Override a plan's limit, e.g. free=5/10seconds (repeatable; the variable takes a comma-separated "
             "list). [default: the fixture's limits]")] = None,
    rate_limit_storage: Annotated[str, setting(
        "rate_limit_storage", metavar="URI",
        help="`limits` storage for the rate-limit windows: memory:// or redis://HOST:PORT (shared by workers "
             "and hosts).")] = DEFAULTS.rate_limit_storage,
    state: Annotated[str, setting(
        "state", metavar="URI",
        help="Data store: memory://, sqlite:///mock.db (kept across restarts; sqlite:////abs/path.db) or "
             "redis://HOST:PORT/DB.")] = DEFAULTS.state,
    workers: Annotated[int, setting(
        "workers", metavar="N",
        help="Worker processes; more than one needs a shared --state and --rate-limit-storage.")] = DEFAULTS.workers,
    validate_responses: Annotated[bool, setting(
        "validate_responses", "--validate-responses/--no-validate-responses",
        help="Check every response against the spec (slower).")] = DEFAULTS.validate_responses,
    log_level: Annotated[str, setting(
        "log_level", metavar="LEVEL",
        help=f"{', '.join(LOG_LEVELS)} (info: one line per request).")] = DEFAULTS.log_level,
    max_created: Annotated[int, setting(
        "max_created", metavar="N",
        help="Documents a project may create of each kind (sessions, customers, ...); past it, 507.")
    ] = DEFAULTS.max_created,
    processing_delay: Annotated[float, setting(
        "processing_delay", metavar="SECONDS",
        help="How long each step of background work takes: a new knowledge source is pending, then processing, "
             "then completed or failed; a closed session is reviewed.")] = DEFAULTS.processing_delay,
    cache_dir: Annotated[str | None, setting(
        "cache_dir", metavar="DIR",
        help="Where to remember that a spec document passed validation, so an unchanged one is not validated "
             "again at start-up; 'off' to validate every time. [default: ~/.cache/hissuno-contract]")] = None,
    webhook_allow: Annotated[list[str] | None, setting(
        "webhook_allow", "--webhook-allow", metavar="HOST[:PORT]",
        help="Let webhook deliveries go to HOST (a name, *.domain, an IP address or a network such as "
             "10.0.0.0/8), on PORT only if given (repeatable; the variable takes a comma-separated list). "
             "[default: loopback addresses only]")] = None,
    webhook_retry_schedule: Annotated[str | None, setting(
        "webhook_retry_schedule", metavar="SECONDS,...",
        help="Seconds before each retry of a webhook delivery answered non-2xx or timed out; its length + 1 "
             "attempts in all, e.g. 0.1,0.2,0.4,0.8 in tests. [default: 1,5,25,125]")] = None,
    webhook_timeout: Annotated[float, setting(
        "webhook_timeout", metavar="SECONDS",
        help="How long one delivery attempt may take before it counts as failed.")] = DEFAULTS.webhook_timeout,
    cors_origin: Annotated[list[str] | None, setting(
        "cors_origins", "--cors-origin", metavar="ORIGIN",
        help="Another page origin allowed to call the /__mock/ controls, e.g. http://dev.test:5173 (:* for any "
             "port); http://localhost:* and http://127.0.0.1:* always are (repeatable). [default: none]")] = None,
    allow_host: Annotated[list[str] | None, setting(
        "allowed_hosts", "--allow-host", metavar="HOST",
        help="Another Host name the /__mock/ controls answer to (*.domain for its subdomains); local names, IP "
             "addresses and --host always are (repeatable). [default: none]")] = None,
    control_token: Annotated[str | None, setting(
        "control_token", metavar="TOKEN",
        help="Require Authorization: Bearer TOKEN on the /__mock/ controls. [default: none, unguarded]")] = None,
) -> None:
    """Serve the mock (same as `make mock`). Every flag also reads its HISSUNO_MOCK_* variable; flags win."""
    settings = _settings(host=host, port=port, seed=seed, fixtures=fixtures, rate_limits=rate_limit,
                         rate_limit_storage=rate_limit_storage, state=state, workers=workers,
                         validate_responses=validate_responses, log_level=log_level, cache_dir=cache_dir,
                         webhook_allow=webhook_allow, webhook_retry_schedule=webhook_retry_schedule,
                         webhook_timeout=webhook_timeout, cors_origins=cors_origin, allowed_hosts=allow_host,
                         control_token=control_token, max_created=max_created,
                         processing_delay=processing_delay)
    check_workers(settings)
    prepare_imports()
    from connexion.exceptions import InvalidSpecification

    from mockserver.app import create_app
    from mockserver.data.fixture import FixtureError
    from mockserver.host.sockets import listening_sockets
    from mockserver.host.workers import Supervisor, reuse_port_available

    own_sockets = settings.workers > 1 and reuse_port_available()  # so that connections spread over the workers
    sockets = listening_sockets(settings.host, settings.port, fail, settings.workers if own_sockets else 1)
    actual_port = sockets[0].getsockname()[1]
    settings = dataclasses.replace(settings, port=actual_port)  # deliveries must know the port to stay away from
    try:
        app = create_app(settings)  # with several workers: checks the settings and seeds the shared store once
    except (FixtureError, SettingsError) as error:
        fail(str(error))
    except InvalidSpecification as error:
        fail(f"the OpenAPI document is not valid: {str(error).splitlines()[0]}")

    import uvicorn
    from uvicorn.supervisors import Multiprocess

    configure_logging(settings.log_level)
    options = uvicorn_options(settings.log_level)
    display_host = f"[{settings.host}]" if ":" in settings.host else settings.host
    workers = f", {settings.workers} workers" if settings.workers > 1 else ""
    typer.echo(f"Hissuno mock on http://{display_host}:{actual_port} (seed {settings.seed}{workers}, "
               f"{len(app.mock.registry)} keys: hissuno-mock keys; docs: /v1/ui/ and /api/ui/)", err=True)
    if not is_loopback(settings.host):
        guard = "guarded by --control-token" if settings.control_token else "unguarded: set --control-token"
        typer.echo(f"{PROGRAM}: warning: listening on {settings.host}: the fixture keys, the data and the /__mock/ "
                   f"controls ({guard}) are reachable from the network", err=True)
    if settings.workers == 1:
        uvicorn.Server(uvicorn.Config(ready_to_serve(app), **options)).run(sockets=sockets)
        return
    app.mock.store.close()
    os.environ.update(settings.to_env())  # each worker process rebuilds the same settings from these
    if own_sockets:
        raise typer.Exit(Supervisor(options, sockets).run())
    config = uvicorn.Config("mockserver.cli:worker_app", factory=True, workers=settings.workers, **options)
    Multiprocess(config, sockets=sockets).run()  # not Linux: the workers share one socket


def is_loopback(host: str) -> bool:
    """Whether ``--host`` keeps the mock on this machine (a loopback address or ``localhost``)."""
    import ipaddress

    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def uvicorn_options(log_level: str) -> dict[str, Any]:
    """How uvicorn serves the mock: uvloop, the mock's own HTTP protocol, no lifespan, an access log at info."""
    from mockserver.host.protocol import MockHttpProtocol

    return {"log_level": log_level, "access_log": log_level in ("info", "debug"), "loop": "uvloop",
            "http": MockHttpProtocol, "ws": "none", "lifespan": "off", "server_header": False, "log_config": None}


def worker_app() -> Any:
    """The app of one worker process (uvicorn imports and calls this in each one it starts)."""
    prepare_imports()
    from mockserver.app import create_app

    return ready_to_serve(create_app())


def ready_to_serve(app: Any) -> Any:
    """The app as a server process runs it: start-up's heap frozen, full collections when idle (see
    :mod:`mockserver.host.heap`)."""
    from mockserver.host import heap

    heap.settle()
    return heap.IdleCollector(app)


def prepare_imports() -> None:
    """Before the app is imported: what Connexion imports but serving never uses waits for its first use
    (:mod:`mockserver.host.lazy_imports`), and Starlette's test client, once imported, does not warn."""
    from mockserver.host import lazy_imports

    warnings.filterwarnings("ignore", message=".*starlette.testclient.*")
    lazy_imports.defer()


def check_workers(settings: Any) -> None:
    """Several workers must share the data and the rate-limit windows, or each would be a mock of its own."""
    if settings.workers == 1:
        return
    from mockserver.stores.factory import is_shared

    if not is_shared(settings.state):
        fail(f"--workers {settings.workers} needs a store shared by the workers; the in-memory store "
             "(--state memory://) works with one worker only: use --state sqlite:///mock.db or redis://HOST:PORT")
    if settings.rate_limit_storage.removeprefix("async+").startswith("memory"):
        fail(f"--workers {settings.workers} needs rate-limit windows shared by the workers; use "
             "--rate-limit-storage redis://HOST:PORT (memory:// counts per worker)")


@cli.command()
def keys(
    as_json: Annotated[bool, typer.Option("--json", envvar="HISSUNO_MOCK_KEYS_JSON",
                                          help="Print JSON instead of a table.")] = False,
    fixtures: FixturesOption = None,
) -> None:
    """List the fixture keys (the same list as GET /__mock/keys)."""
    from mockserver.data.fixture import FixtureError, load_fixture

    settings = _settings(fixtures=fixtures)
    try:
        fixture = load_fixture(settings.fixtures_path)
    except FixtureError as error:
        fail(str(error))
    listing = [key.as_dict() for key in fixture.keys]
    if as_json:
        import orjson

        sys.stdout.write(orjson.dumps(listing, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    columns = ("project_id", "plan", "permission", "status", "label", "key")
    widths = {c: max(len(c), *(len(row[c]) for row in listing)) for c in columns}
    typer.echo("  ".join(c.upper().ljust(widths[c]) for c in columns).rstrip())
    for row in listing:
        typer.echo("  ".join(row[c].ljust(widths[c]) for c in columns).rstrip())


ControlUrl = Annotated[str | None, typer.Option(
    envvar="HISSUNO_MOCK_URL", metavar="URL",
    help="Base URL of a mock. [default: http://HISSUNO_MOCK_HOST:HISSUNO_MOCK_PORT, else http://127.0.0.1:4010]")]
ControlToken = Annotated[str | None, setting(
    "control_token", metavar="TOKEN", help="The mock's --control-token, if it has one. [default: none]")]


def call_control(method: str, path: str, url: str | None, control_token: str | None, body: object) -> Any:
    """Call a running mock's control (with its token, if any); a failure is one line and exit code 2."""
    import httpx

    try:
        settings = Settings.from_env(control_token=control_token)  # the mock started with the same variables
    except SettingsError as error:
        fail(str(error))
    base = (url or f"http://{settings.host}:{settings.port}").rstrip("/")
    headers = {"Authorization": f"Bearer {settings.control_token}"} if settings.control_token else {}
    try:
        response = httpx.request(method, f"{base}{path}", json=body, headers=headers, timeout=10)
    except httpx.HTTPError as error:
        fail(f"cannot reach the mock at {base}: {error}")
    if not response.is_success:
        try:
            reason = response.json()["error"]
        except (ValueError, KeyError, TypeError):
            reason = response.text[:200]
        fail(f"{base}{path} answered {response.status_code}: {reason}")
    return response


@cli.command()
def reset(url: ControlUrl = None, control_token: ControlToken = None) -> None:
    """Put a running mock back to its seeded state (POST /__mock/reset)."""
    response = call_control("POST", "/__mock/reset", url, control_token, {})
    base = str(response.url).removesuffix("/__mock/reset")
    typer.echo(f"reset {base}: {', '.join(response.json().get('projects', []))}")


@cli.command()
def session(
    email: Annotated[str, typer.Argument(metavar="EMAIL", help="A fixture member's email (GET /__mock/members).")],
    url: ControlUrl = None,
    control_token: ControlToken = None,
    expires_in: Annotated[int | None, typer.Option(
        envvar="HISSUNO_MOCK_SESSION_EXPIRES_IN", metavar="SECONDS",
        help="How long the session lasts, 1 to 2592000 seconds. [default: 86400]")] = None,
) -> None:
    """Sign a member in to a running mock (POST /__mock/session) and print the Cookie header of the session,
    e.g. curl -H "$(hissuno-mock session owner@northwind.io)" http://127.0.0.1:4010/api/projects/proj_northwind/sessions
    """
    body: dict[str, object] = {"email": email}
    if expires_in is not None:
        body["expires_in"] = expires_in
    response = call_control("POST", "/__mock/session", url, control_token, body)
    pair = response.headers.get("set-cookie", "").split(";", 1)[0]
    if "=" not in pair:
        fail(f"{response.url} set no session cookie: is this a Hissuno mock?")
    signed_in = response.json()
    roles = ", ".join(f"{p['project_id']} ({p['role']})" for p in signed_in.get("projects", []))
    typer.echo(f"signed in {signed_in.get('signed_in')}: {roles}; until {signed_in.get('expires_at')}", err=True)
    typer.echo(f"Cookie: {pair}")


@cli.command()
def trigger(
    event: Annotated[str, typer.Argument(metavar="EVENT", help="An event type, e.g. issue.created (the contract's "
                                                             "EventType lists them).")],
    project: Annotated[str | None, typer.Option(
        "--project", envvar="HISSUNO_MOCK_TRIGGER_PROJECT", metavar="PROJECT",
        help="The project whose webhooks get it. [default: the fixture's first project]")] = None,
    url: ControlUrl = None,
    control_token: ControlToken = None,
) -> None:
    """Fire a webhook event on a running mock (POST /__mock/events), built from the project's current data, and
    print the event; GET /__mock/deliveries shows its deliveries."""
    body: dict[str, object] = {"type": event}
    if project is not None:
        body["project_id"] = project
    fired = call_control("POST", "/__mock/events", url, control_token, body).json()
    count = fired.get("deliveries", 0)
    typer.echo(f"fired {fired['event']['id']} ({event}) in {fired.get('project_id')}: {count} "
               f"{'delivery' if count == 1 else 'deliveries'} queued", err=True)
    import orjson

    sys.stdout.write(orjson.dumps(fired["event"], option=orjson.OPT_INDENT_2).decode() + "\n")


def main(argv: list[str] | None = None) -> None:
    """Run the command line; a mistake in the arguments (or their variables) is one line and exit code 2."""
    run(cli, PROGRAM, argv)


if __name__ == "__main__":
    main()
