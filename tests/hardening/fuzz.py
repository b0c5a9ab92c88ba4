"""Self-fuzz: Schemathesis' CLI against ``hissuno-mock serve`` over a real socket, both documents, until a
number of requests has been sent.

Why the CLI and separate processes: Schemathesis' workers are threads, and generating requests is CPU work
for Hypothesis, so one process uses one core whatever ``--workers`` says. Each document gets its own
``schemathesis run`` process, and the two run side by side. The first round runs every phase (examples,
coverage, fuzzing, stateful) in positive and negative mode; further rounds run the fuzzing phase with new
seeds until the requested number of requests has been sent.

Every response goes through Schemathesis' checks (server errors, status code, content type, headers and
body against the spec, negative data rejected). The requests are counted twice: from Schemathesis' NDJSON
report (what it sent and checked) and from the mock's own access log (what the server answered, with the
status it wrote), so a 5xx cannot hide on either side.

    python -m tests.hardening.fuzz --requests 10000
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from contract.spec import DOCUMENTS, bundled, operations
from tests.support.servers import LiveMock, live_mock, raised_rate_limits

CHECKS = "all"
# A valid request may meet a business rule the schema cannot express (a second codebase source is 422), so
# "every schema-valid request gets a 2xx" is not a property of this API.
EXCLUDED_CHECKS = "positive_data_acceptance"
PLAN = "enterprise"
KEY_LABEL = "full"
PROJECT_PARAMETER = "projectId"
FIRST_ROUND_PHASES = "examples,coverage,fuzzing,stateful"


@dataclass
class FuzzReport:
    """What one fuzz run sent and what came back."""

    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    phases: Counter[str] = field(default_factory=Counter)
    modes: Counter[str] = field(default_factory=Counter)
    checks: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    server_statuses: Counter[int] = field(default_factory=Counter)
    rounds: int = 0
    seconds: float = 0.0

    @property
    def server_requests(self) -> int:
        return sum(self.server_statuses.values())

    @property
    def server_errors(self) -> int:
        """5xx answers seen by either side."""
        client = sum(n for status, n in self.statuses.items() if status >= 500)
        server = sum(n for status, n in self.server_statuses.items() if status >= 500)
        return max(client, server)

    @property
    def clean(self) -> bool:
        return not self.failures and not self.errors and self.server_errors == 0

    def merge(self, other: FuzzReport) -> None:
        self.requests += other.requests
        for mine, theirs in ((self.statuses, other.statuses), (self.phases, other.phases),
                             (self.modes, other.modes), (self.checks, other.checks)):
            mine.update(theirs)
        self.failures += other.failures
        self.errors += other.errors

    def summary(self) -> str:
        rate = self.requests / self.seconds if self.seconds else 0.0
        statuses = ", ".join(f"{status}: {n}" for status, n in sorted(self.statuses.items()))
        phases = ", ".join(f"{phase}: {n}" for phase, n in sorted(self.phases.items()))
        modes = ", ".join(f"{mode}: {n}" for mode, n in sorted(self.modes.items()))
        checks = ", ".join(f"{name}: {n}" for name, n in sorted(self.checks.items()))
        lines = [
            f"requests sent and checked: {self.requests} in {self.seconds:.1f} s ({rate:.0f}/s, {self.rounds} rounds)",
            f"requests answered (mock access log): {self.server_requests}",
            f"statuses: {statuses}",
            f"phases: {phases}",
            f"modes: {modes}",
            f"checks run: {sum(self.checks.values())} ({checks})",
            f"5xx: {self.server_errors}, check failures: {len(self.failures)}, errors: {len(self.errors)}",
        ]
        lines += [f"  FAILURE {text}" for text in self.failures[:20]]
        lines += [f"  ERROR {text}" for text in self.errors[:20]]
        return "\n".join(lines)


def read_ndjson(path: Path) -> FuzzReport:
    """Count the requests, statuses, checks and failures in one Schemathesis NDJSON report."""
    report = FuzzReport()
    finished = False
    for line in path.read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        name, body = next(iter(event.items()))
        if name == "ScenarioFinished":
            _read_scenario(body, report)
        elif name in ("NonFatalError", "FatalError"):
            report.errors.append(f"{name}: {json.dumps(body)[:500]}")
        elif name == "EngineFinished":
            finished = True
    if not finished:
        report.errors.append(f"{path.name}: the run did not finish")
    return report


def _read_scenario(body: dict, report: FuzzReport) -> None:
    recorder = body.get("recorder") or {}
    cases = recorder.get("cases") or {}
    for case_id, interaction in (recorder.get("interactions") or {}).items():
        report.requests += 1
        report.phases[body.get("phase", "?")] += 1
        mode = ((cases.get(case_id) or {}).get("value") or {}).get("meta", {}).get("generation", {}).get("mode")
        report.modes[str(mode or "unknown")] += 1
        response = interaction.get("response")
        if response is None:
            report.errors.append(f"{recorder.get('label')}: no response ({interaction.get('status')})")
        else:
            report.statuses[int(response["status_code"])] += 1
    for nodes in (recorder.get("checks") or {}).values():
        for node in nodes:
            report.checks[f"{node['name']}:{node['status']}"] += 1
            if node["status"] in ("failure", "error"):
                report.failures.append(f"{node['name']} on {recorder.get('label')}: "
                                       f"{json.dumps(node.get('failure_info'))[:800]}")


def write_documents(directory: Path) -> dict[str, Path]:
    """The bundled documents as JSON files (Schemathesis reads files; the YAML ones reference each other)."""
    paths = {}
    for name in DOCUMENTS:
        path = directory / f"{name}.json"
        path.write_text(json.dumps(bundled(name)), encoding="utf-8")
        paths[name] = path
    return paths


def write_config(directory: Path, project_id: str) -> Path:
    """A ``schemathesis.toml`` pinning the internal document's project to the key's project (else all 403)."""
    path = directory / "schemathesis.toml"
    path.write_text(f'[parameters]\n"path.{PROJECT_PARAMETER}" = "{project_id}"\n', encoding="utf-8")
    return path


def schemathesis_argv(config: Path, document: Path, base_url: str, key: str, report: Path, *, seed: int,
                      max_examples: int, phases: str) -> list[str]:
    executable = Path(sys.executable).with_name("schemathesis")
    return [
        str(executable) if executable.exists() else "schemathesis",
        "--config-file", str(config), "run", str(document),
        "--url", base_url,
        "--header", f"Authorization: Bearer {key}",
        "--checks", CHECKS, "--exclude-checks", EXCLUDED_CHECKS,
        "--mode", "all",
        "--phases", phases,
        "--max-examples", str(max_examples),
        "--seed", str(seed),
        "--generation-database", "none",
        "--suppress-health-check", "all",
        "--report", "ndjson", "--report-ndjson-path", str(report),
        "--no-color",
    ]


@dataclass(frozen=True)
class Slice:
    """Some operations of one document, fuzzed by one ``schemathesis run`` process."""

    document: str
    operation_ids: tuple[str, ...] = ()  # empty: every operation

    @property
    def name(self) -> str:
        return f"{self.document}-{self.operation_ids[0]}" if self.operation_ids else self.document


def whole_documents() -> list[Slice]:
    return [Slice(name) for name in DOCUMENTS]


def balanced_slices(processes: int) -> list[Slice]:
    """The operations of both documents cut into about ``processes`` slices of similar size."""
    ids = {name: [op["operationId"] for _, _, op in operations(bundled(name))] for name in DOCUMENTS}
    total = sum(len(v) for v in ids.values())
    slices = []
    for name, op_ids in ids.items():
        parts = max(1, round(processes * len(op_ids) / total))
        for index in range(parts):
            chunk = tuple(op_ids[index::parts])
            if chunk:
                slices.append(Slice(name, chunk))
    return slices


def run_round(workdir: Path, documents: dict[str, Path], config: Path, mock: LiveMock, key: str, *, seed: int,
              max_examples: int, phases: str, slices: Sequence[Slice], round_number: int) -> FuzzReport:
    """One ``schemathesis run`` per slice, side by side; their reports merged."""
    started: list[tuple[Slice, subprocess.Popen[bytes], Path, Path]] = []
    for part in slices:
        report = workdir / f"round{round_number}-{part.name}.ndjson"
        output = workdir / f"round{round_number}-{part.name}.out"
        argv = schemathesis_argv(config, documents[part.document], mock.base_url, key, report, seed=seed,
                                 max_examples=max_examples, phases=phases)
        for operation_id in part.operation_ids:
            argv += ["--include-operation-id", operation_id]
        with output.open("wb") as out:
            process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=workdir)
        started.append((part, process, report, output))
    merged = FuzzReport()
    for part, process, report, output in started:
        code = process.wait()
        if not report.exists():
            merged.errors.append(f"{part.name}: no report (exit {code}): {output.read_text()[-2000:]}")
            continue
        result = read_ndjson(report)
        if code not in (0, 1) or (code == 1 and not result.failures and not result.errors):
            result.errors.append(f"{part.name}: schemathesis exited with {code}: {output.read_text()[-2000:]}")
        merged.merge(result)
    return merged


def examples_for(remaining: int, operation_count: int, minimum: int = 5) -> int:
    """Examples per operation so that a fuzzing round sends about ``remaining`` requests.

    Schemathesis drops duplicate cases, so a round sends somewhat fewer than asked: ask for 20 % more.
    """
    return max(minimum, math.ceil(remaining * 1.2 / operation_count))


def fuzz(mock: LiveMock, *, requests: int, seed: int = 1, first_examples: int = 25, processes: int = 4,
         max_rounds: int = 20, first_phases: str = FIRST_ROUND_PHASES,
         first_slices: Sequence[Slice] | None = None) -> FuzzReport:
    """Fuzz a running mock until at least ``requests`` requests were sent (or ``max_rounds`` ran).

    The first round runs every phase on whole documents (the stateful phase follows links between
    operations); later rounds run the fuzzing phase on ``processes`` balanced slices of the operations.
    A round that finds a failure ends the run.
    """
    project_id, key = mock.keys.of_plan(PLAN, KEY_LABEL)
    operation_count = sum(1 for name in DOCUMENTS for _ in operations(bundled(name)))
    started = time.monotonic()
    total = FuzzReport()
    with tempfile.TemporaryDirectory(prefix="hissuno-fuzz-") as tmp:
        directory = Path(tmp)
        documents = write_documents(directory)
        config = write_config(directory, project_id)
        examples, phases = first_examples, first_phases
        slices = list(first_slices) if first_slices is not None else whole_documents()
        while total.rounds < max_rounds:
            part = run_round(directory, documents, config, mock, key, seed=seed + total.rounds,
                             max_examples=examples, phases=phases, slices=slices, round_number=total.rounds)
            total.merge(part)
            total.rounds += 1
            if total.requests >= requests or not total.clean or part.requests == 0:
                break
            examples = examples_for(requests - total.requests, operation_count)
            phases, slices = "fuzzing", balanced_slices(processes)
    total.seconds = time.monotonic() - started
    total.server_statuses = Counter(request.status for request in mock.logged(""))
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.hardening.fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000, help="send at least this many (default 10000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--first-examples", type=int, default=25,
                        help="examples per operation in the first (all-phase) round")
    args = parser.parse_args(argv)
    with live_mock(*raised_rate_limits(), log_level="info") as mock:
        report = fuzz(mock, requests=args.requests, seed=args.seed, first_examples=args.first_examples)
        alive = mock.alive()
    print(report.summary())
    ok = report.clean and report.requests >= args.requests and alive
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
