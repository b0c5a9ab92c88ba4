"""Format checks: the mock's checker against jsonschema's ``FormatChecker`` and jsonschema-rs, per validation.

The mock must accept exactly what Schemathesis's response checks accept, and those run on jsonschema-rs with
``validate_formats=True``; so every option is scored twice on the formats the contract uses (``email``,
``uri``, ``date``, ``date-time``, ``hostname``): CPU per validation (typical valid values, as most requests
send, and a mixed corpus of the values Hypothesis generates, as a fuzzer sends) and how often its verdict
differs from jsonschema-rs's on that mixed corpus. jsonschema's own checks depend on which optional
libraries are installed (``fqdn`` for hostname, ``rfc3987`` or ``rfc3986-validator`` for uri,
``rfc3339-validator`` for date-time); the run says which were there.

    .venv/bin/python -m benchmarks.compare_formats [--rounds 7] [--examples 1500]
"""

from __future__ import annotations

import importlib.util
import warnings
from collections.abc import Callable
from importlib.metadata import version
from typing import Annotated

import jsonschema_rs
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.provisional import urls
from jsonschema import FormatChecker

from benchmarks.compare import cpu_seconds_per_call, describe_run, interleaved, ratio, table
from mockserver.pipeline.validate.formats import format_checker

warnings.filterwarnings("ignore", category=DeprecationWarning)

TYPICAL = {
    "email": ["jane@example.com", "dana.whitfield@northwind.io", "ops+alerts@orbitalfreight.com"],
    "uri": ["https://www.northwind.io/pricing?plan=pro#faq", "https://hooks.example.com/hissuno",
            "http://127.0.0.1:3000/webhooks/hissuno"],
    "date": ["2026-01-20", "2025-12-31"],
    "date-time": ["2026-01-20T12:00:00Z", "2026-01-19T08:30:15.250+02:00"],
    "hostname": ["northwind.io", "docs.orbitalfreight.com"],
}
MIXED = {
    "email": st.one_of(st.emails(), st.text(max_size=25),
                       st.from_regex(r"[a-z.\"@ ]{1,5}@[a-z.\-\[\]0-9]{1,8}", fullmatch=True)),
    "uri": st.one_of(urls(), st.text(max_size=30), st.text(max_size=20).map(lambda t: "https://" + t)),
    "date": st.one_of(st.dates().map(str), st.from_regex(r"\d{4}-\d{2}-\d{2}", fullmatch=True),
                      st.text(max_size=12)),
    "date-time": st.one_of(
        st.datetimes().map(lambda d: d.isoformat() + "Z"),
        st.from_regex(r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})", fullmatch=True),
        st.text(max_size=25)),
    "hostname": st.one_of(st.from_regex(r"[a-zA-Z0-9.\-]{1,30}", fullmatch=True), st.text(max_size=20)),
}
OPTIONAL = ("fqdn", "rfc3987", "rfc3986_validator", "rfc3339_validator")
Check = Callable[[str, str], bool]


def corpus(name: str, examples: int) -> list[str]:
    """The same values on every run (derandomized), as Schemathesis's fuzzing would send them."""
    values: list[str] = []

    @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(MIXED[name])
    def collect(value: str) -> None:
        values.append(value)

    collect()
    return values


def checks() -> dict[str, Check]:
    """Every option as ``check(value, format) -> bool``; the first one is the baseline of the ratios."""
    mock, library = format_checker(), FormatChecker()
    rust = {name: jsonschema_rs.Draft4Validator({"format": name}, validate_formats=True) for name in TYPICAL}
    return {
        "the mock's checker (mockserver/pipeline/validate/formats.py)": lambda v, f: mock.conforms(v, f),
        "jsonschema-rs, one compiled validator per format": lambda v, f: rust[f].is_valid(v),
        "jsonschema FormatChecker() with the optional libraries present": lambda v, f: library.conforms(v, f),
    }


def main(
    rounds: Annotated[int, typer.Option(help="Interleaved rounds; the median counts.")] = 7,
    examples: Annotated[int, typer.Option(help="Mixed values per format (Hypothesis).")] = 1500,
) -> None:
    """Print CPU per validation and the verdicts that differ from jsonschema-rs, per format and option."""
    options = checks()
    reference = jsonschema_rs
    mixed = {name: corpus(name, examples) for name in MIXED}
    typical = {name: values * (examples // len(values)) for name, values in TYPICAL.items()}
    rows, totals = [], {option: [0.0, 0.0, 0] for option in options}
    for name in TYPICAL:
        verdicts = [reference.Draft4Validator({"format": name}, validate_formats=True).is_valid(v) for v in mixed[name]]

        def timing(check: Check, values: list[str], name: str = name) -> Callable[[], float]:
            calls = [lambda v=v: check(v, name) for v in values]
            return lambda: cpu_seconds_per_call(calls) * 1e9

        valid_ns = interleaved({o: timing(c, typical[name]) for o, c in options.items()}, rounds)
        mixed_ns = interleaved({o: timing(c, mixed[name]) for o, c in options.items()}, rounds)
        baseline = next(iter(options))
        for option, check in options.items():
            differ = sum(check(v, name) != expected for v, expected in zip(mixed[name], verdicts, strict=True))
            totals[option][0] += valid_ns[option]
            totals[option][1] += mixed_ns[option]
            totals[option][2] += differ
            rows.append([name, option, f"{valid_ns[option]:,.0f}", ratio(valid_ns[option], valid_ns[baseline]),
                         f"{mixed_ns[option]:,.0f}", ratio(mixed_ns[option], mixed_ns[baseline]),
                         f"{differ} / {len(verdicts)}"])
    print(describe_run("benchmarks.compare_formats"))
    present = [name for name in OPTIONAL if importable(name)]
    print(f"- optional format libraries present: {', '.join(present) or 'none'}; jsonschema-rs "
          f"{version('jsonschema-rs')}\n")
    print(table(["format", "option", "ns per valid value", "CPU vs baseline", "ns per mixed value", "CPU vs baseline",
                 "verdicts unlike jsonschema-rs"], rows))
    print()
    print(table(["option (all five formats)", "ns per valid value, summed", "ns per mixed value, summed",
                 "verdicts unlike jsonschema-rs"],
                [[o, f"{t[0]:,.0f}", f"{t[1]:,.0f}", t[2]] for o, t in totals.items()]))


def importable(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


if __name__ == "__main__":
    typer.run(main)
