"""Loading: YAML 1.2 scalars, line numbers, and syntax errors with their location."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.diagnostics import SpecError
from generator.load.sources import parse_text


def test_yaml_reads_openapi_scalars_as_written() -> None:
    source = parse_text(Path("a.yaml"), "country: no\nwhen: 2024-01-01\ntime: 1:20\nstatus:\n  200: ok\nflag: true\n")
    assert source.data == {"country": "no", "when": "2024-01-01", "time": "1:20", "status": {"200": "ok"}, "flag": True}


def test_a_key_with_no_value_is_null_and_quotes_keep_the_empty_string() -> None:
    # DigitalOcean writes `priority:` for "no priority": an empty string there broke its examples.
    source = parse_text(Path("a.yaml"), "a:\nb: ''\nc: ~\n")
    assert source.data == {"a": None, "b": "", "c": None}


def test_line_of_a_pointer_is_the_line_of_its_key() -> None:
    source = parse_text(Path("a.yaml"), "a:\n  b:\n    - x\n    - y: 1\n")
    assert source.line_of("/a/b") == 2
    assert source.line_of("/a/b/1") == 4
    assert source.line_of("/a/b/1/y") == 4
    # A pointer past what exists reports the deepest line that does.
    assert source.line_of("/a/missing/deeper") == 1


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: [1, 2\nb: 3\n", 2, "invalid YAML"),
        ("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a'"),
    ],
)
def test_bad_yaml_is_a_diagnostic_with_a_line(text: str, line: int, words: str) -> None:
    with pytest.raises(SpecError) as caught:
        parse_text(Path("spec.yaml"), text)
    (diagnostic,) = caught.value.diagnostics
    assert diagnostic.location.file == "spec.yaml"
    assert diagnostic.location.line == line
    assert words in diagnostic.message


def test_bad_json_names_its_line() -> None:
    with pytest.raises(SpecError) as caught:
        parse_text(Path("spec.json"), '{\n  "a": 1,\n  }\n')
    assert caught.value.diagnostics[0].location.line == 3
    assert "invalid JSON" in caught.value.diagnostics[0].message
