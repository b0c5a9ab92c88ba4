"""A run as tables: printed with rich for `make bench`, written as Markdown for benchmarks/README.md.

Both outputs come from the same :class:`Table` values, so the console and the README never disagree.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.table import Table as RichTable

from benchmarks.goals import Verdict, judge
from benchmarks.loadgen import LoadResult
from benchmarks.results import MIB, Run, TargetResult
from benchmarks.targets import FLOOR, MOCK, MOCK_WORKERS, PRISM_DYNAMIC, PRISM_STATIC

RATIOS = (
    (MOCK, PRISM_STATIC),
    (MOCK, PRISM_DYNAMIC),
    (MOCK, FLOOR),
    (MOCK_WORKERS, PRISM_STATIC),
    (MOCK_WORKERS, MOCK),
)


@dataclass(frozen=True)
class Table:
    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[str]]
    caption: str = ""


def _num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _latency(result: LoadResult | None) -> str:
    return "—" if result is None else f"{result.p50_ms:.2f} / {result.p99_ms:.1f}"


def endpoint_names(run: Run) -> list[str]:
    names: list[str] = []
    for target in run.targets:
        names.extend(n for n in target.endpoints if n not in names)
    return names


def load_tables(run: Run) -> list[Table]:
    tables = []
    for endpoint in endpoint_names(run):
        headers = ["server", "bytes"]
        for c in run.connections:
            headers += [f"req/s @{c}", f"p50 / p99 ms @{c}"]
        rows = []
        for target in run.targets:
            found = target.endpoints.get(endpoint)
            if found is None:
                continue
            row = [target.name, _num(found.response_bytes)]
            for c in run.connections:
                result = found.by_connections.get(c)
                row += [_num(result.rps if result else None), _latency(result)]
            rows.append(row)
        caption = "; ".join(f"{t.name}: {t.endpoints[endpoint].error}" for t in run.targets
                            if endpoint in t.endpoints and t.endpoints[endpoint].error)  # fmt: skip
        tables.append(Table(f"{endpoint} — requests per second and latency (ms)", headers, rows, caption))
    return tables


def _ratio_at(top: TargetResult | None, bottom: TargetResult | None, endpoint: str, connections: int | None) -> str:
    if top is None or bottom is None:
        return "—"
    if connections is None:
        a, b = top.peak_rps(endpoint), bottom.peak_rps(endpoint)
    else:
        ra, rb = top.result(endpoint, connections), bottom.result(endpoint, connections)
        a = ra.rps if ra and ra.clean else None
        b = rb.rps if rb and rb.clean else None
    return f"{a / b:.2f}x" if a and b else "—"


def ratio_table(run: Run) -> Table:
    pairs = [(a, b) for a, b in RATIOS if run.target(a) and run.target(b)]
    headers = ["endpoint", "connections", *(f"{a} / {b}" for a, b in pairs)]
    rows = []
    for endpoint in endpoint_names(run):
        for c in [*run.connections, None]:
            cells = [_ratio_at(run.target(a), run.target(b), endpoint, c) for a, b in pairs]
            if any(cell != "—" for cell in cells):
                rows.append([endpoint, "peak" if c is None else str(c), *cells])
    caption = "peak = each server at its best connection count"
    return Table("Ratios of req/s (same run, same wrk)", headers, rows, caption)


def process_table(run: Run) -> Table:
    rows = [
        [t.name, _num(t.startup_s, 2), _num(t.rss_after_reads / MIB if t.rss_after_reads else None, 1),
         _num(t.rss_after_writes / MIB if t.rss_after_writes else None, 1), t.note, t.error or ""]
        for t in run.targets
    ]  # fmt: skip
    headers = ["server", "start-up s", "RSS after reads MiB", "RSS after creates MiB", "what it serves", "error"]
    return Table("Start-up (to the first 200) and memory (VmRSS of the process tree)", headers, rows)


def startup_table(run: Run) -> Table | None:
    startup = run.startup
    if startup is None:
        return None
    rows = [["first start (empty cache folder: Connexion validates both documents)", _num(startup.first_s, 2)],
            *[[f"later start {n} (the spec's verdict kept)", _num(s, 2)] for n, s in enumerate(startup.later_s, 1)],
            ["idle RSS after a later start, MiB", _num(startup.idle_rss / MIB if startup.idle_rss else None, 1)]]
    return Table("Mock start-up to the first 200 (seconds)", ["start", "value"], rows, startup.error or "")


def goal_table(verdicts: Sequence[Verdict]) -> Table:
    rows = [[v.goal, v.measured, v.state.upper(), v.detail] for v in verdicts]
    return Table("Goals (issue 8)", ["goal", "measured", "result", "detail"], rows)


def scale_table(run: Run) -> Table | None:
    scale = run.scale
    if scale is None:
        return None
    title = (f"Fixture scale: {scale.sessions:,} sessions ({_num(scale.per_project)} in the listed project) — "
             f"start-up {_num(scale.startup_s, 1)} s, RSS {_num(scale.rss / MIB if scale.rss else None, 0)} MiB")
    rows = [[f"{offset:,}", _num(r.rps, 1), f"{r.p50_ms:.1f}", f"{r.p99_ms:.1f}"]
            for offset, r in scale.by_offset.items()]  # fmt: skip
    after = sorted(scale.list_after_write_ms)
    if after:
        rows.append([f"0, right after a create (x{len(after)})", _num(1000 / statistics.median(after), 1),
                     f"{statistics.median(after):.1f}", f"{after[-1]:.1f} (max)"])  # fmt: skip
    caption = "; ".join(text for text in (scale.note, scale.error or "") if text)
    return Table(title, ["offset (limit 20)", "req/s @1", "p50 ms", "p99 ms"], rows, caption)


def conformance_table(run: Run) -> Table | None:
    if not run.conformance:
        return None
    rows = [[c.name, _num(c.seconds, 1), "—" if c.returncode is None else str(c.returncode), c.error or c.tail]
            for c in run.conformance]  # fmt: skip
    return Table("Conformance suite: wall time per target and profile (default budgets: quick 55 s, full 285 s)",
                 ["target · profile", "seconds", "exit code", "result"], rows)  # fmt: skip


def limiter_table(run: Run) -> Table | None:
    cost = run.limiter
    if cost is None:
        return None
    rows = [
        ["in-process hit, empty window", f"{_num(cost.hit_us_small_window, 1)} µs"],
        [f"in-process hit, {cost.full_window_entries:,} entries in the window",
         f"{_num(cost.hit_us_full_window, 1)} µs"],
        *[[f"HTTP list 1, limit {label}", f"{_num(rps)} req/s"] for label, rps in cost.http.items()],
    ]  # fmt: skip
    mock = run.target(MOCK)
    peak = mock.peak_rps("list 1") if mock else None
    if peak and cost.hit_us_small_window:
        share = cost.hit_us_small_window / (1e6 / peak)
        rows.append(["limiter share of one list-1 request at the mock's peak", f"{100 * share:.0f}%"])
    caption = "; ".join(text for text in (cost.note, cost.error or "") if text)
    return Table("Rate limiter cost (moving window, memory storage)", ["measure", "value"], rows, caption)


def machine_table(run: Run) -> Table:
    rows = [[k, v] for k, v in run.machine.items()]
    rows += [["command", run.command], ["mode", run.mode],
             ["wrk duration per point", f"{run.duration_s:g} s x {run.rounds} interleaved round(s), median"]]
    return Table("Machine and command", ["", ""], rows)


def all_tables(run: Run) -> list[Table]:
    tables: list[Table | None] = [
        machine_table(run),
        *load_tables(run),
        ratio_table(run),
        process_table(run),
        startup_table(run),
        scale_table(run),
        limiter_table(run),
        conformance_table(run),
        goal_table(judge(run)),
    ]
    return [t for t in tables if t is not None and t.rows]


def print_run(run: Run, console: Console | None = None) -> None:
    console = console or Console(width=200)
    for table in all_tables(run):
        rich_table = RichTable(*table.headers, title=table.title, caption=table.caption or None, box=box.SIMPLE_HEAD,
                               title_justify="left")  # fmt: skip
        for row in table.rows:
            rich_table.add_row(*row)
        console.print(rich_table)
    for note in run.notes:
        console.print(f"note: {note}")


def markdown(run: Run) -> str:
    parts = []
    for table in all_tables(run):
        lines = [f"#### {table.title}", "", "| " + " | ".join(h or " " for h in table.headers) + " |",
                 "|" + "|".join("---" for _ in table.headers) + "|"]  # fmt: skip
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in table.rows]
        if table.caption:
            lines += ["", f"_{table.caption}_"]
        parts.append("\n".join(lines))
    parts += [f"- {note}" for note in run.notes]
    return "\n\n".join(parts) + "\n"
