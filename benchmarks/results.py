"""What a run produced, as plain data: the report and the README are both consumers of these objects."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from benchmarks.loadgen import LoadResult

MIB = 1024 * 1024


@dataclass
class EndpointResult:
    """One endpoint of one target: the answer checked before the load, then one result per connection count."""

    endpoint: str
    response_bytes: int | None = None
    by_connections: dict[int, LoadResult] = field(default_factory=dict)
    rounds_rps: dict[int, list[float]] = field(default_factory=dict)
    error: str | None = None

    def spread(self) -> float | None:
        """The largest (max - min) / median of req/s over the rounds of one point: how noisy the machine was."""
        rounds = [v for v in self.rounds_rps.values() if len(v) > 1 and min(v) > 0]
        spreads = [(max(v) - min(v)) / statistics.median(v) for v in rounds]
        return max(spreads) if spreads else None

    def peak_rps(self) -> float | None:
        clean = [r.rps for r in self.by_connections.values() if r.clean]
        return max(clean) if clean else None


@dataclass
class TargetResult:
    name: str
    note: str = ""
    startup_s: float | None = None
    rss_after_reads: int | None = None
    rss_after_writes: int | None = None
    endpoints: dict[str, EndpointResult] = field(default_factory=dict)
    error: str | None = None

    def result(self, endpoint: str, connections: int) -> LoadResult | None:
        found = self.endpoints.get(endpoint)
        return found.by_connections.get(connections) if found else None

    def peak_rps(self, endpoint: str) -> float | None:
        found = self.endpoints.get(endpoint)
        return found.peak_rps() if found else None

    def spread(self) -> float | None:
        spreads = [s for e in self.endpoints.values() if (s := e.spread()) is not None]
        return max(spreads) if spreads else None


@dataclass
class ScaleResult:
    """The mock with a large generated fixture: start-up, and list latency by offset (1 connection)."""

    sessions: int
    per_project: int | None = None
    note: str = ""
    startup_s: float | None = None
    rss: int | None = None
    by_offset: dict[int, LoadResult] = field(default_factory=dict)
    list_after_write_ms: list[float] = field(default_factory=list)
    error: str | None = None


@dataclass
class StartupResult:
    """The mock's first start (validating the spec) and later ones (on the kept verdict)."""

    first_s: float | None = None
    later_s: list[float] = field(default_factory=list)
    idle_rss: int | None = None
    error: str | None = None

    @property
    def later_median_s(self) -> float | None:
        return statistics.median(self.later_s) if self.later_s else None


@dataclass
class CommandTiming:
    """A command run to completion (the conformance suite), its wall time and exit code."""

    name: str
    argv: list[str]
    seconds: float | None = None
    returncode: int | None = None
    tail: str = ""
    error: str | None = None


@dataclass
class LimiterCost:
    """The rate limiter's own cost per request, measured in-process, and over HTTP where possible."""

    hit_us_small_window: float | None = None
    hit_us_full_window: float | None = None
    full_window_entries: int = 0
    http: dict[str, float] = field(default_factory=dict)
    note: str = ""
    error: str | None = None


@dataclass
class Run:
    machine: dict[str, str]
    command: str
    mode: str
    connections: tuple[int, ...]
    duration_s: float
    targets: list[TargetResult] = field(default_factory=list)
    rounds: int = 1
    scale: ScaleResult | None = None
    startup: StartupResult | None = None
    conformance: list[CommandTiming] = field(default_factory=list)
    limiter: LimiterCost | None = None
    notes: list[str] = field(default_factory=list)

    def target(self, name: str) -> TargetResult | None:
        return next((t for t in self.targets if t.name == name), None)

    def as_dict(self) -> dict[str, Any]:
        def load(result: LoadResult) -> dict[str, Any]:
            return result.as_dict()

        return {
            "machine": self.machine,
            "command": self.command,
            "mode": self.mode,
            "connections": list(self.connections),
            "duration_s": self.duration_s,
            "rounds": self.rounds,
            "notes": self.notes,
            "targets": [
                {
                    "name": t.name,
                    "note": t.note,
                    "startup_s": t.startup_s,
                    "rss_after_reads_mib": _mib(t.rss_after_reads),
                    "rss_after_writes_mib": _mib(t.rss_after_writes),
                    "error": t.error,
                    "endpoints": {
                        name: {
                            "response_bytes": e.response_bytes,
                            "error": e.error,
                            "by_connections": {str(c): load(r) for c, r in e.by_connections.items()},
                            "rounds_rps": {str(c): v for c, v in e.rounds_rps.items()},
                        }
                        for name, e in t.endpoints.items()
                    },
                }
                for t in self.targets
            ],
            "scale": None
            if self.scale is None
            else {
                "sessions": self.scale.sessions,
                "per_project": self.scale.per_project,
                "note": self.scale.note,
                "startup_s": self.scale.startup_s,
                "rss_mib": _mib(self.scale.rss),
                "error": self.scale.error,
                "by_offset": {str(o): load(r) for o, r in self.scale.by_offset.items()},
                "list_after_write_ms": [round(ms, 3) for ms in self.scale.list_after_write_ms],
            },
            "startup": None if self.startup is None else {
                "first_s": self.startup.first_s,
                "later_s": self.startup.later_s,
                "idle_rss_mib": _mib(self.startup.idle_rss),
            },
            "conformance": [
                {"name": c.name, "argv": c.argv, "seconds": c.seconds, "returncode": c.returncode, "error": c.error,
                 "result": c.tail}
                for c in self.conformance
            ],
            "limiter": None if self.limiter is None else {
                "hit_us_small_window": self.limiter.hit_us_small_window,
                "hit_us_full_window": self.limiter.hit_us_full_window,
                "full_window_entries": self.limiter.full_window_entries,
                "http": self.limiter.http,
                "note": self.limiter.note,
                "error": self.limiter.error,
            },
        }  # fmt: skip


def _mib(value: int | None) -> float | None:
    return None if value is None else round(value / MIB, 1)
