"""JUnit XML (``--junit FILE``): one test case per operation x check, so CI shows each as a test."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

from conformance.results import RunReport, Status


def as_xml(report: RunReport) -> ElementTree.ElementTree:
    suites = ElementTree.Element("testsuites", name="hissuno-conformance")
    suite = ElementTree.SubElement(
        suites,
        "testsuite",
        name=f"hissuno-conformance ({report.profile})",
        tests=str(len(report.results)),
        failures=str(report.failed),
        skipped=str(report.skipped),
        errors="0",
        time=f"{report.duration:.2f}",
    )
    for result in report.results:
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
        elif result.status is Status.SKIPPED:
            ElementTree.SubElement(case, "skipped", message=result.reason)
    ElementTree.indent(suites)
    return ElementTree.ElementTree(suites)


def write(report: RunReport, path: Path) -> None:
    as_xml(report).write(path, encoding="utf-8", xml_declaration=True)
