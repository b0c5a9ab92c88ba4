"""JUnit XML (``--junit FILE``): one test case per operation x applicable check, so CI shows each as a test.

Failures carry their curl; skipped and known results are ``<skipped>`` with the reason (a known divergence
says which register entry); checks that cannot apply to an operation are left out.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from conformance.results import RunReport, Status


def as_xml(report: RunReport) -> ElementTree.ElementTree:
    applicable = [r for r in report.results if r.status is not Status.NOT_APPLICABLE]
    tally = report.tally
    suites = ElementTree.Element("testsuites", name="hissuno-conformance")
    suite = ElementTree.SubElement(
        suites,
        "testsuite",
        name=f"hissuno-conformance ({report.profile}){' interrupted' if report.interrupted else ''}",
        tests=str(len(applicable)),
        failures=str(tally.failed),
        skipped=str(tally.skipped + tally.known),
        errors="0",
        time=f"{report.duration:.2f}",
    )
    for result in applicable:
        case = ElementTree.SubElement(
            suite,
            "testcase",
            classname=f"{result.api}.{result.family}" if result.api else result.family,
            name=f"{result.check} [{result.operation}]",
        )
        if result.status is Status.FAILED:
            details = "\n\n".join(f"{p.message}\n{p.curl}".strip() for p in result.problems)
            failure = ElementTree.SubElement(case, "failure", message=result.message[:500], type=result.check)
            failure.text = details
        elif result.status in (Status.SKIPPED, Status.KNOWN):
            ElementTree.SubElement(case, "skipped", message=result.reason)
    ElementTree.indent(suites)
    return ElementTree.ElementTree(suites)


def write(report: RunReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    as_xml(report).write(path, encoding="utf-8", xml_declaration=True)
