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


# --- the line of a top-level key, kept while reading without lines ------------------------


def _read_ahead_style(text: str, name: str = "a.yaml") -> list[tuple[int | None, int | None]]:
    """Each top-level key's line as a file parsed without lines finds it, and as the full
    reading with lines does."""
    lazy = parse_text(Path(name), text, lines=False)
    full = parse_text(Path(name), text)
    assert lazy.text is not None and isinstance(lazy.data, dict)
    return [(lazy.line_of(f"/{key}"), full.line_of(f"/{key}")) for key in lazy.data]


@pytest.mark.parametrize(
    "text",
    [
        "# a comment\n---\nfirst: 1\n'quoted': {a: 1}\n\"double\":\n  - x\nplain:  # c\n  nested: 2\n",
        "%YAML 1.2\n---\nblock: |\n  first: 1\n  plain: 2\nfirst: 3\nplain: 4\n",
        "{first: 1,\nsecond: {\nfirst: 2}}\n",
        'a: "one\nb: two"\nb: 3\n',
        # Line breaks of YAML's own, in a quoted string, and keys written otherwise than plain.
        'a: "x\u2028y"\nb: 1\n',
        'a: "x\ry"\nb: 1\n',
        'a: "x\nb: y"\n? b\n: 3\n',
        "!!str b: 3\n",
        '"\\x62": 3\n',
        "&r {\nx: {\nb: 1},\n  b: 2}\n",
    ],
)
def test_a_top_level_keys_line_from_the_text_is_the_line_reading_finds(text: str) -> None:
    for fast, full in _read_ahead_style(text):
        assert fast == full


def test_a_top_level_keys_line_is_found_without_reading_the_file_again() -> None:
    source = parse_text(Path("a.yaml"), "one: 1\n# two: 2\ntwo:\n  three: 3\n", lines=False)
    assert source.line_of("/two") == 3
    assert source.text is not None  # not read again
    assert source.line_of("/two/three") == 4  # deeper: read again
    assert parse_text(Path("a.yaml"), 'a: "x\nb: y"\nc: 1\n', lines=False).line_of("/b") == 1  # no such key


def test_every_top_level_key_of_digitalocean_is_found_on_its_line() -> None:
    from tests.support import CORPUS

    folder = CORPUS / "digitalocean"
    if not folder.is_dir():
        pytest.skip(f"the published specs are not in {CORPUS} (../shared/corpus)")
    checked = 0
    for path in sorted(folder.rglob("*.yml")) + sorted(folder.rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if not isinstance(parse_text(path, text, lines=False).data, dict):
            continue
        for fast, full in _read_ahead_style(text, path.name):
            assert fast == full, path
            checked += 1
    assert checked > 1_000


@pytest.mark.parametrize(
    ("name", "text", "wide"),
    [
        ("a.yaml", "n: 999999999999999999\nm: -123456789012345678\n", False),  # 18 digits
        ("a.yaml", "n: 18446744073709552000\n", True),
        ("a.yaml", "n: -1000000000000000000\n", True),  # 19 digits: maybe beyond 64 bits
        ("a.yaml", "n: '18446744073709552000'\n", False),  # a string
        ("a.json", '{"n": [1, 999999999999999999]}', False),
        ("a.json", '{"n": [1, -18446744073709552000]}', True),
    ],
)
def test_a_file_says_whether_it_writes_integers_wider_than_64_bits_may_be(name: str, text: str, wide: bool) -> None:
    assert parse_text(Path(name), text).wide_integers is wide
    assert parse_text(Path(name), text, lines=False).wide_integers is wide
