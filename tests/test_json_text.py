"""The JSON text packages hold: what orjson writes, and the integers it cannot."""

from __future__ import annotations

import json
from typing import Any

import hypothesis
from hypothesis import strategies

from generator.render import json_text

_JSON = strategies.recursive(
    strategies.none()
    | strategies.booleans()
    | strategies.integers(min_value=-(2**80), max_value=2**80)
    | strategies.text(max_size=5),
    lambda children: (
        strategies.lists(children, max_size=4)
        | strategies.dictionaries(strategies.text(max_size=3), children, max_size=4)
    ),
    max_leaves=30,
)


@hypothesis.given(_JSON, strategies.booleans())
def test_any_document_reads_back_as_it_was(document: Any, wide_integers: bool) -> None:
    # Said to hold wide integers or not, rightly or wrongly: the same text.
    text = json_text.dumps(document, wide_integers=wide_integers)
    assert json.loads(text) == document
    assert text == json.dumps(document, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def test_only_the_containers_on_the_way_to_a_big_integer_are_copied() -> None:
    untouched = {"a": [1, 2, {"b": "c"}]}
    document = {"keep": untouched, "big": [{"n": 2**64}], "small": 2**64 - 1, "low": -(2**63) - 1}
    assert json_text._big_integers_as_text(document)["keep"] is untouched
    assert json.loads(json_text.dumps(document)) == document


def test_a_big_integer_deeper_than_the_levels_tried_whole_is_found() -> None:
    document: Any = {"n": 2**70, "fine": [1, "a"]}
    for level in range(12):
        document = {"down": [document, {"sibling": level}], "big": -(2**65) if level % 5 == 0 else level}
    assert json.loads(json_text.dumps(document)) == document
