"""Bad input never crashes the review: a document that parses but is not valid OpenAPI (a number where an
operation belongs, a list where a mapping belongs) ends in findings and exit 1, never a traceback."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from contract.cli import app
from contract.findings import Level
from contract.review.engine import ReviewSettings, review_document
from contract.review.model import Review
from contract.review.report import markdown
from contract.spec import spec_dir
from tests.support.yaml_edit import edit_yaml

Document = dict[str, Any]
JUNK = [None, "x", 3, [], {}, [1, "a"], {"$ref": "#/components/schemas/Nope"}, {"$ref": "#/nope"}, True]


def node_paths(node: Any, path: tuple = ()) -> list[tuple]:
    found = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in items:
        found.append((*path, key))
        found.extend(node_paths(value, (*path, key)))
    return found


def test_junk_anywhere_in_either_side_never_raises(v1_spec: Document) -> None:
    rng = random.Random(7)
    paths = node_paths(v1_spec)
    for _ in range(40):  # bounded: each review walks the whole document
        head = copy.deepcopy(v1_spec)
        *parents, last = rng.choice(paths)
        target = head
        for key in parents:
            target = target[key]
        target[last] = rng.choice(JUNK)
        for base_doc, head_doc in ((v1_spec, head), (head, v1_spec)):
            reviewed = review_document("v1", base_doc, head_doc, [], ReviewSettings())
            markdown.render(Review("base", "head", (reviewed,)))
            failed = [finding for finding in reviewed.changes if finding.level is Level.ERROR]
            assert all(finding.rule_id == "hissuno-rule-failed" for finding in failed)
            assert bool(failed) <= reviewed.failed


def test_invalid_operation_in_head_exits_1_without_traceback(spec_copy: Path) -> None:
    def break_operation(document: Document) -> None:
        document["paths"]["/v1/sessions"]["get"] = 3

    edit_yaml(spec_copy / "v1.yaml", break_operation)
    result = CliRunner().invoke(app, ["review", "--base", str(spec_dir()), "--head", str(spec_copy)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.stdout + result.stderr
    assert "lint error" in result.stdout or "could not compare" in result.stdout
