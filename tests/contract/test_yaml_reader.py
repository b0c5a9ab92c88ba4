"""The one YAML reader: a mapping back, or one line that names the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract.yaml_reader import YamlError, compose_yaml, parse_yaml, read_yaml


def test_a_mapping_comes_back_as_a_dict(tmp_path: Path) -> None:
    path = tmp_path / "doc.yaml"
    path.write_text("openapi: 3.0.3\npaths: {}\n")
    assert read_yaml(path) == {"openapi": "3.0.3", "paths": {}}


@pytest.mark.parametrize(
    ("text", "said"),
    [("a: [1\n", "not valid YAML"), ("- 1\n", "expected a mapping"), ("", "expected a mapping")],
)
def test_bad_text_is_one_line_naming_the_file(text: str, said: str) -> None:
    with pytest.raises(YamlError) as raised:
        parse_yaml(text, "openapi/v1.yaml")
    message = str(raised.value)
    assert message.startswith("openapi/v1.yaml: ") and said in message and "\n" not in message


def test_composed_nodes_carry_their_lines() -> None:
    node = compose_yaml("a: 1\nb:\n  c: 2\n")
    assert node is not None
    (_, _), (key_b, value_b) = node.value
    assert key_b.start_mark.line == 1 and value_b.value[0][0].start_mark.line == 2
    assert compose_yaml("a: [1\n") is None
