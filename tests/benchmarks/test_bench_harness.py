"""The benchmark harness reads wrk correctly, judges goals correctly and produces every table.

No timing is asserted: the numbers belong to `make bench`. What is asserted is the harness's arithmetic on
recorded wrk output and on made-up results, that the floor serves the mock's data, and the shape of a real
(tiny) run against the mock.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from benchmarks.__main__ import END_MARKER, START_MARKER, update_readme
from benchmarks.floor import create_floor_app
from benchmarks.goals import judge
from benchmarks.loadgen import LoadGeneratorError, LoadResult, parse_wrk_output, wrk_command
from benchmarks.report import markdown
from benchmarks.results import EndpointResult, Run, StartupResult, TargetResult
from benchmarks.run import BenchConfig, run_benchmarks
from benchmarks.scale import offsets_for
from benchmarks.targets import MOCK, MOCK_WORKERS, PRISM_STATIC, benchmark_key, create_body
from mockserver.app import create_app
from mockserver.data.fixture import load_fixture
from mockserver.settings import Settings, default_fixtures

DATA = Path(__file__).parent / "data"


def test_parse_recorded_clean_run() -> None:
    result = parse_wrk_output((DATA / "wrk_post_201.txt").read_text())
    assert result.requests == 361
    assert result.duration_s == pytest.approx(1.000797)
    assert result.rps == pytest.approx(360.71, abs=0.01)
    assert (result.p50_ms, result.p90_ms, result.p99_ms, result.max_ms) == (9.179, 25.033, 122.795, 156.152)
    assert result.clean


def test_parse_recorded_run_of_401s_is_not_clean() -> None:
    result = parse_wrk_output((DATA / "wrk_get_401.txt").read_text())
    assert result.requests == 274
    assert result.bad_status == 274
    assert not result.clean


def test_output_without_the_result_line_is_an_error() -> None:
    text = (DATA / "wrk_post_201.txt").read_text()
    without = "\n".join(line for line in text.splitlines() if not line.startswith("BENCH_RESULT"))
    with pytest.raises(LoadGeneratorError):
        parse_wrk_output(without)


def test_wrk_threads_never_exceed_connections() -> None:
    argv = wrk_command("wrk", "http://127.0.0.1:1/v1/sessions", connections=1, duration_s=0.2, threads=4)
    assert "--threads=1" in argv and "--connections=1" in argv and "--duration=1s" in argv
    assert any(arg.startswith("--script=") and arg.endswith("request.lua") for arg in argv)


def _load(rps: float, p99_ms: float = 5.0, status_errors: int = 0) -> LoadResult:
    errors = {"connect": 0, "read": 0, "write": 0, "status": status_errors, "timeout": 0}
    return LoadResult(int(rps * 10), 10.0, errors, 1.0, 2.0, p99_ms, 20.0, 1.5)


def _target(name: str, rps: float, p99_ms: float = 5.0, startup: float = 0.5, rss_mib: float = 50) -> TargetResult:
    target = TargetResult(name, startup_s=startup, rss_after_reads=int(rss_mib * 1024 * 1024))
    for endpoint in ("list 1", "get", "create"):
        target.endpoints[endpoint] = EndpointResult(endpoint, 600, {16: _load(rps, p99_ms), 64: _load(rps * 0.9)})
    return target


def _run(*targets: TargetResult) -> Run:
    return Run({"cpus": "2"}, "python -m benchmarks", "test", (16, 64), 10.0, list(targets))


def test_goals_pass_when_every_number_is_within_them() -> None:
    verdicts = judge(_run(_target(MOCK, 5000), _target(MOCK_WORKERS, 8000), _target(PRISM_STATIC, 2000)))
    assert [v.state for v in verdicts] == ["pass"] * 5


def test_goals_miss_says_by_how_much() -> None:
    slow = _target(MOCK, 3000, p99_ms=25.0, startup=1.6, rss_mib=120)
    verdicts = judge(_run(slow, _target(MOCK_WORKERS, 6000), _target(PRISM_STATIC, 2000)))
    assert [v.state for v in verdicts] == ["miss"] * 5
    assert "25% short" in verdicts[0].detail
    assert "2.5x" in verdicts[2].detail


def test_start_up_is_judged_on_later_starts_and_shows_the_first() -> None:
    run = _run(_target(MOCK, 5000, startup=2.0), _target(PRISM_STATIC, 2000))
    assert judge(run)[3].state == "miss"  # without the start-up section: the load target's start
    run.startup = StartupResult(first_s=1.4, later_s=[0.8, 0.7, 0.9], idle_rss=60 * 1024 * 1024)
    verdict = judge(run)[3]
    assert verdict.state == "pass" and verdict.measured.startswith("0.80 s") and "1.40 s" in verdict.measured
    run.startup.later_s = [1.2, 1.3, 1.1]
    assert judge(run)[3].state == "miss" and judge(run)[3].detail == "0.20 s over"
    assert "#### Mock start-up to the first 200 (seconds)" in markdown(run)


def test_a_run_with_errors_does_not_count_as_throughput() -> None:
    broken = _target(MOCK, 9000)
    for endpoint in broken.endpoints.values():
        endpoint.by_connections = {c: _load(9000, status_errors=5) for c in endpoint.by_connections}
    verdict = judge(_run(broken, _target(PRISM_STATIC, 2000)))[0]
    assert verdict.state == "n/a"


def test_markdown_has_every_table_and_the_machine() -> None:
    text = markdown(_run(_target(MOCK, 5000), _target(PRISM_STATIC, 2000)))
    for title in ("Machine and command", "list 1 — requests", "get — requests", "create — requests",
                  "Ratios of req/s", "Start-up", "Goals (issue 8)"):  # fmt: skip
        assert f"#### {title}" in text
    assert "| list 1 | peak | 2.50x |" in text


def test_update_readme_replaces_only_the_results(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nintro\n\n{START_MARKER}\nold\n{END_MARKER}\n\nafter\n")
    update_readme(readme, "| new |\n")
    text = readme.read_text()
    assert "old" not in text and "| new |" in text
    assert text.startswith("# Title\n\nintro\n") and text.endswith(f"{END_MARKER}\n\nafter\n")


def test_scale_offsets_are_first_middle_and_last_page() -> None:
    assert offsets_for(100_000) == [0, 50_000, 99_980]
    assert offsets_for(10) == [0, 5]


def test_the_scale_dataset_is_one_project(tmp_path: Path) -> None:
    """100,000 sessions in the listed project, the other projects as in the default fixture."""
    from benchmarks.scale import write_scaled_fixture

    default = load_fixture(default_fixtures())
    scaled = load_fixture(write_scaled_fixture(tmp_path, 100_000))
    assert [p.id for p in scaled.projects] == [p.id for p in default.projects]
    assert scaled.projects[0].counts.sessions == 100_000
    assert benchmark_key(scaled).project_id == scaled.projects[0].id
    assert scaled.projects[1:] == default.projects[1:]


def test_floor_serves_the_mocks_data() -> None:
    """Same first page and same session detail: the floor is a fair baseline, not a different dataset."""
    fixture = load_fixture(default_fixtures())
    headers = {"Authorization": f"Bearer {benchmark_key(fixture).key}"}

    async def pages() -> tuple[list[dict[str, object]], ...]:
        bodies = []
        for app in (create_app(Settings.from_env({})), create_floor_app()):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                listed = (await client.get("/v1/sessions", params={"limit": 20}, headers=headers)).json()
                detail = (await client.get(f"/v1/sessions/{listed['data'][0]['id']}", headers=headers)).json()
                created = await client.post("/v1/sessions", json=create_body(), headers=headers)
                assert created.status_code == 201
                bodies.append((listed, detail))
        return tuple(bodies)

    (mock_list, mock_detail), (floor_list, floor_detail) = asyncio.run(pages())
    assert floor_list == mock_list
    assert floor_detail["messages"] == mock_detail["messages"]
    assert {k: v for k, v in floor_detail.items() if k != "linked_issues"} == {
        k: v for k, v in mock_detail.items() if k != "linked_issues"
    }


@pytest.mark.slow
def test_quick_run_against_the_mock_has_the_expected_shape(tmp_path: Path) -> None:
    config = BenchConfig("test", (1,), 1.0, 0.0, (MOCK,), 300, (), None, rounds=2, work_dir=tmp_path)
    run = run_benchmarks(config, progress=lambda _: None)
    (mock,) = run.targets
    assert mock.name == MOCK and mock.error is None
    assert list(mock.endpoints) == ["list 1", "list 20", "get", "create"]
    for endpoint in mock.endpoints.values():
        assert endpoint.error is None
        assert endpoint.response_bytes and endpoint.response_bytes > 0
        assert endpoint.by_connections[1].clean, endpoint.by_connections[1].errors
    assert mock.startup_s is not None and mock.startup_s > 0
    assert mock.rss_after_reads and mock.rss_after_writes
    assert run.startup is not None and run.startup.error is None
    assert run.startup.first_s and len(run.startup.later_s) == 3 and run.startup.idle_rss
    assert len(list((tmp_path / "startup-cache" / "valid-openapi").iterdir())) == 2
    assert run.scale is not None and run.scale.error is None
    assert list(run.scale.by_offset) == offsets_for(300 - _archived_in_first_project(tmp_path))
    assert len(run.scale.list_after_write_ms) == 20 and all(ms > 0 for ms in run.scale.list_after_write_ms)
    assert "#### Goals (issue 8)" in markdown(run)


def _archived_in_first_project(work_dir: Path) -> int:
    """The list hides archived sessions, so the scale test's offsets follow the visible total."""
    from benchmarks.scale import write_scaled_fixture
    from mockserver.data.seed import build_dataset

    fixture = load_fixture(write_scaled_fixture(work_dir, 300))
    sessions = build_dataset(fixture, 42)[fixture.projects[0].id]["sessions"]
    return sum(1 for s in sessions if s["is_archived"])
