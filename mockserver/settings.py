"""One settings object for the mock: every setting's name, default, ``HISSUNO_MOCK_*`` variable and rules.

The CLI (whose flags read these variables through Typer), the app, a worker process rebuilding the settings
from its environment, and the tests all agree because they all build a :class:`Settings` here.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

ENV_PREFIX = "HISSUNO_MOCK_"
_PACKAGED_FIXTURES = Path(__file__).parent / "_data" / "fixtures"
_SOURCE_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")
MAX_PROCESSING_DELAY = 3600.0
DEFAULT_WEBHOOK_RETRY_SCHEDULE = (1.0, 5.0, 25.0, 125.0)
"""Seconds before a delivery's 2nd, 3rd, 4th and 5th attempt: exponential (x5), five attempts in about 2.6 min."""
DEFAULT_WEBHOOK_TIMEOUT = 5.0
"""Seconds one delivery attempt may take before it counts as failed (and is retried)."""
MAX_WEBHOOK_ATTEMPTS = 20
MAX_WEBHOOK_RETRY_DELAY = 86_400.0
MAX_WEBHOOK_TIMEOUT = 60.0


def env_var(name: str) -> str:
    """The environment variable of a setting: ``HISSUNO_MOCK_`` and the field's name in capitals."""
    return ENV_PREFIX + name.upper()


def fixtures_dir() -> Path:
    """The folder holding the packaged fixtures: the wheel's copy, else the source tree's."""
    return _PACKAGED_FIXTURES if _PACKAGED_FIXTURES.is_dir() else _SOURCE_FIXTURES


def default_fixtures() -> Path:
    return fixtures_dir() / "default.yaml"


class SettingsError(ValueError):
    """A setting has a value the mock cannot use; the message names the setting."""


def parse_rate_limits(value: str | Mapping[str, str] | list[str] | tuple[str, ...] | None) -> dict[str, str]:
    """``"free=5/10seconds,pro=100/minute"`` (or a list of ``PLAN=LIMIT``, each may hold several separated by
    commas) -> ``{"free": "5/10seconds", ...}``."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return {str(k).strip(): str(v).strip() for k, v in value.items()}
    items = [part for item in ([value] if isinstance(value, str) else value) for part in item.split(",")]
    limits: dict[str, str] = {}
    for item in items:
        item = item.strip()
        if not item:
            continue
        plan, sep, limit = item.partition("=")
        if not sep or not plan.strip() or not limit.strip():
            raise SettingsError(f"rate limit {item!r} is not PLAN=LIMIT (e.g. free=5/10seconds)")
        limits[plan.strip()] = limit.strip()
    return limits


def parse_list(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"a,b c"`` or ``["a", "b,c"]`` -> ``("a", "b", "c")``: a repeatable flag, or its variable."""
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else list(value)
    return tuple(dict.fromkeys(part for item in items for part in re.split(r"[\s,]+", str(item)) if part))


_ORIGIN = re.compile(r"^https?://(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:(\d{1,5}|\*))?$")
_HOST = re.compile(r"^(\*\.)?[A-Za-z0-9_.-]+$|^\[[0-9a-fA-F:.]+\]$")
_TOKEN = re.compile(r"^[\x21-\x7e]+$")


def _origins(value: Any) -> tuple[str, ...]:
    origins = parse_list(value)
    for origin in origins:
        if not _ORIGIN.match(origin):
            raise SettingsError(f"CORS origin {origin!r} is not SCHEME://HOST[:PORT] (PORT may be *), "
                                "e.g. http://dev.example.test:5173")
    return origins


def _hosts(value: Any) -> tuple[str, ...]:
    hosts = tuple(host.lower().rstrip(".") for host in parse_list(value))
    for host in hosts:
        if not _HOST.match(host):
            raise SettingsError(f"allowed host {host!r} is not a host name (*.domain for its subdomains)")
    return hosts


def _webhook_allow(value: Any) -> tuple[str, ...]:
    from mockserver.webhook_targets import AllowEntry

    entries = parse_list(value)
    for entry in entries:
        try:
            AllowEntry.parse(entry)
        except ValueError as error:
            raise SettingsError(str(error)) from None
    return entries


def _retry_schedule(value: Any) -> tuple[float, ...]:
    """``"1,5,25,125"`` (or a sequence of numbers): the seconds before each retry of a webhook delivery."""
    parts = value if isinstance(value, (tuple, list)) else str(value).split(",")
    try:
        delays = tuple(float(part) for part in parts if str(part).strip())
    except ValueError:
        delays = ()
    if not delays or len(delays) >= MAX_WEBHOOK_ATTEMPTS or any(not 0 <= d <= MAX_WEBHOOK_RETRY_DELAY for d in delays):
        raise SettingsError(f"webhook retry schedule {value!r} is not a comma-separated list of 1 to "
                            f"{MAX_WEBHOOK_ATTEMPTS - 1} delays in seconds (0 to {MAX_WEBHOOK_RETRY_DELAY:g} each), "
                            "such as 1,5,25,125")
    return delays


def _token(value: Any) -> str:
    token = str(value)
    if not _TOKEN.match(token):
        raise SettingsError("control token must be printable ASCII without spaces")
    return token


def _as_bool(name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise SettingsError(f"{name} must be true or false, not {value!r}")


def _as_seconds(name: str, value: Any, maximum: float) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{name} must be a number of seconds, not {value!r}") from None
    if not 0 <= number <= maximum:  # also refuses nan
        raise SettingsError(f"{name} must be between 0 and {maximum:g} seconds, not {value}")
    return number


def _as_int(name: str, value: Any, minimum: int, maximum: int | None = None) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise SettingsError(f"{name} must be an integer, not {value!r}") from None
    if number < minimum or (maximum is not None and number > maximum):
        bounds = f"between {minimum} and {maximum}" if maximum is not None else f"at least {minimum}"
        raise SettingsError(f"{name} must be {bounds}, not {number}")
    return number


@dataclass(frozen=True)
class Settings:
    """What the mock serves and how; build it with :meth:`from_env`."""

    host: str = "127.0.0.1"
    port: int = 4010
    seed: int = 42
    fixtures: Path | None = None
    rate_limits: dict[str, str] = field(default_factory=dict)
    rate_limit_storage: str = "memory://"
    state: str = "memory://"
    workers: int = 1
    validate_responses: bool = False
    log_level: str = "warning"
    cache_dir: Path | None = None
    webhook_allow: tuple[str, ...] = ()
    webhook_retry_schedule: tuple[float, ...] = DEFAULT_WEBHOOK_RETRY_SCHEDULE
    webhook_timeout: float = DEFAULT_WEBHOOK_TIMEOUT
    cors_origins: tuple[str, ...] = ()
    allowed_hosts: tuple[str, ...] = ()
    control_token: str | None = None
    max_created: int = 100_000
    processing_delay: float = 2.0

    @property
    def cache_path(self) -> Path | None:
        """Where verdicts that outlive a run are kept (see :mod:`mockserver.host.documents`); ``None``: nowhere.

        ``$XDG_CACHE_HOME/hissuno-contract`` (``~/.cache/hissuno-contract``) unless ``cache_dir`` says
        otherwise; ``HISSUNO_MOCK_CACHE_DIR=off`` keeps nothing.
        """
        if self.cache_dir is not None:
            return None if str(self.cache_dir) == "off" else self.cache_dir
        root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(root) / "hissuno-contract"

    @property
    def fixtures_path(self) -> Path:
        """The fixture file actually used (the packaged default when none was given)."""
        return self.fixtures or default_fixtures()

    def to_env(self) -> dict[str, str]:
        """The ``HISSUNO_MOCK_*`` variables that rebuild these settings (worker processes read them)."""
        env: dict[str, str] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "fixtures":
                value = self.fixtures_path
            elif value is None:
                continue
            elif item.name == "rate_limits":
                value = ",".join(f"{plan}={limit}" for plan, limit in value.items())
            elif isinstance(value, tuple):
                if not value:
                    continue
                value = ",".join(str(v) for v in value)
            elif isinstance(value, bool):
                value = "true" if value else "false"
            env[env_var(item.name)] = str(value)
        return env

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """The settings ``HISSUNO_MOCK_<FIELD>`` variables describe (a worker's, or an app built without
        settings), with ``overrides`` on top (``None`` means unset)."""
        environ = os.environ if environ is None else environ
        given = {item.name: environ[env_var(item.name)] for item in fields(cls) if environ.get(env_var(item.name))}
        return cls.build(**{**given, **{name: value for name, value in overrides.items() if value is not None}})

    @classmethod
    def build(cls, **raw: Any) -> Settings:
        """Settings from values given as text (the environment) or typed (flags, code), each checked;
        a missing or ``None`` value takes its default."""
        unknown = set(raw) - {item.name for item in fields(cls)}
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        raw = {name: value for name, value in raw.items() if value is not None}
        values: dict[str, Any] = {}
        if "host" in raw:
            values["host"] = str(raw["host"])
        if "port" in raw:
            values["port"] = _as_int("port", raw["port"], 0, 65535)
        if "seed" in raw:
            values["seed"] = _as_int("seed", raw["seed"], 0)
        if "fixtures" in raw:
            values["fixtures"] = Path(raw["fixtures"]).expanduser()
        if "cache_dir" in raw:
            values["cache_dir"] = Path(raw["cache_dir"]).expanduser()
        if "rate_limits" in raw:
            values["rate_limits"] = parse_rate_limits(raw["rate_limits"])
        for name in ("rate_limit_storage", "state"):
            if name in raw:
                values[name] = str(raw[name])
        if "workers" in raw:
            values["workers"] = _as_int("workers", raw["workers"], 1, 64)
        if "max_created" in raw:
            values["max_created"] = _as_int("max_created", raw["max_created"], 0)
        if "processing_delay" in raw:
            values["processing_delay"] = _as_seconds("processing_delay", raw["processing_delay"], MAX_PROCESSING_DELAY)
        if "validate_responses" in raw:
            values["validate_responses"] = _as_bool("validate_responses", raw["validate_responses"])
        if "webhook_allow" in raw:
            values["webhook_allow"] = _webhook_allow(raw["webhook_allow"])
        if "webhook_retry_schedule" in raw:
            values["webhook_retry_schedule"] = _retry_schedule(raw["webhook_retry_schedule"])
        if "webhook_timeout" in raw:
            values["webhook_timeout"] = _as_seconds("webhook_timeout", raw["webhook_timeout"], MAX_WEBHOOK_TIMEOUT)
            if not values["webhook_timeout"]:
                raise SettingsError("webhook_timeout must be more than 0 seconds")
        if "cors_origins" in raw:
            values["cors_origins"] = _origins(raw["cors_origins"])
        if "allowed_hosts" in raw:
            values["allowed_hosts"] = _hosts(raw["allowed_hosts"])
        if "control_token" in raw and str(raw["control_token"]):
            values["control_token"] = _token(raw["control_token"])
        if "log_level" in raw:
            level = str(raw["log_level"]).lower()
            if level not in LOG_LEVELS:
                raise SettingsError(f"log level must be one of {', '.join(LOG_LEVELS)}, not {level!r}")
            values["log_level"] = level
        return cls(**values)
