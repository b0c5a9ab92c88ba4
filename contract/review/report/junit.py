"""JUnit XML, as oasdiff writes it for GitLab and other CI test reports: a test suite per document, a test case
per group of findings (failed when it counts toward the review's failure, skipped when waived), one for the
version verdict, and a suite for the waiver file and one for conformance when there is something to say.
"""

from __future__ import annotations

from collections.abc import Callable
from xml.etree import ElementTree

from contract.review.model import DocumentReview, Review
from contract.review.report import counts, grouped

Locator = Callable[[str, str], tuple[str, int | None]]


def _case(suite: ElementTree.Element, name: str, classname: str) -> ElementTree.Element:
    return ElementTree.SubElement(suite, "testcase", name=name, classname=classname, time="0")


def _document_suite(root: ElementTree.Element, review: Review, document: DocumentReview, locate: Locator) -> None:
    suite = ElementTree.SubElement(root, "testsuite", name=f"contract review: {document.name}")
    failures = skipped = 0
    for group in grouped([*document.lint, *document.changes]):
        file, line = locate(document.name, group.pointer)
        case = _case(suite, f"{group.rule_id} at {group.pointer or '/'}", f"{document.name}.{group.level.value}")
        if counts(review, document, group):
            failures += 1
            failure = ElementTree.SubElement(case, "failure", message=group.message, type=group.rule_id)
            seen = f" (in {', '.join(group.operations)})" if group.operations else ""
            failure.text = f"{file}:{line or '?'}: {group.message}{seen}"
    reasons = {(item.finding.rule_id, item.finding.pointer): item.waiver.reason for item in document.waived}
    for group in grouped(item.finding for item in document.waived):
        skipped += 1
        case = _case(suite, f"{group.rule_id} at {group.pointer or '/'}", f"{document.name}.waived")
        ElementTree.SubElement(case, "skipped", message=f"waived: {reasons[(group.rule_id, group.pointer)]}")
    version = _case(suite, "version bump", f"{document.name}.semver")
    if document.semver and not document.verdict.ok:
        failures += 1
        ElementTree.SubElement(version, "failure", message=document.verdict.reason, type="version")
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(failures))
    suite.set("skipped", str(skipped))
    suite.set("errors", "0")


def _waiver_suite(root: ElementTree.Element, review: Review) -> None:
    suite = ElementTree.SubElement(root, "testsuite", name="contract review: waivers")
    for note in review.notes:
        case = _case(suite, f"{note.rule_id}: {note.pointer}", "waivers")
        if review.fail_on == "warning":
            ElementTree.SubElement(case, "failure", message=note.message, type=note.rule_id)
        else:
            ElementTree.SubElement(case, "system-out").text = note.message
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(len(suite) if review.fail_on == "warning" else 0))


def _conformance_suite(root: ElementTree.Element, review: Review) -> None:
    assert review.conformance is not None
    suite = ElementTree.SubElement(root, "testsuite", name="contract review: conformance")
    for failure in review.conformance.failures:
        case = _case(suite, f"{failure.operation} {failure.check}", "conformance")
        ElementTree.SubElement(case, "failure", message=failure.message, type=failure.check)
    if not review.conformance.failures:
        _case(suite, f"{review.conformance.passed} checks passed", "conformance")
    suite.set("tests", str(len(suite)))
    suite.set("failures", str(len(review.conformance.failures)))


def render(review: Review, locate: Locator | None = None) -> str:
    """The whole review as one ``<testsuites>`` document."""
    locate = locate or (lambda document, pointer: (f"openapi/{document}.yaml", None))
    root = ElementTree.Element("testsuites", name="hissuno-contract review")
    for document in review.documents:
        _document_suite(root, review, document, locate)
    if review.notes:
        _waiver_suite(root, review)
    if review.conformance is not None:
        _conformance_suite(root, review)
    root.set("tests", str(sum(int(suite.get("tests", "0")) for suite in root)))
    root.set("failures", str(sum(int(suite.get("failures", "0")) for suite in root)))
    ElementTree.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(root, encoding="unicode") + "\n"
