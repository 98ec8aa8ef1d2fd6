"""The schema checker judges a value as the one schema made of the converted schema and
every component it refers to would, however it writes that schema's text."""

from __future__ import annotations

import datetime
import json
from typing import Any

import jsonschema_rs
import pytest

from generator.ir import schema_check
from generator.ir.schema_check import SchemaChecker
from generator.validate.json_schema import to_json_schema
from tests.support import all_definitions


def _components(extra: Any) -> dict[str, Any]:
    """A Pet that refers to every other component, `Extra` among them."""
    return {
        "Pet": {
            "type": "object",
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "integer", "minimum": 1},
                "name": {"type": "string", "pattern": "^[a-z]+$"},
                "tag": {"$ref": "#/components/schemas/Tag"},
                "extra": {"$ref": "#/components/schemas/Extra"},
            },
        },
        "Tag": {"type": "string", "maxLength": 3},
        "Extra": extra,
    }


EXTRAS = {
    "plain": {"type": "string"},
    "bad-pattern": {"type": "string", "pattern": "(unclosed"},
    "missing-ref": {"$ref": "#/components/schemas/Missing"},
    "date-example": {"type": "string", "example": datetime.date(2024, 1, 1)},
    "nan-bound": {"type": "number", "maximum": float("nan")},
    "own-defs": {"$defs": {"x": {"type": "string"}}, "$ref": "#/$defs/x"},
}
SCHEMAS: list[Any] = [
    {"$ref": "#/components/schemas/Pet"},
    {"type": "array", "items": {"$ref": "#/components/schemas/Pet"}, "$comment": "inline"},
    {"$defs": {"y": {"type": "integer"}}, "properties": {"pet": {"$ref": "#/components/schemas/Pet"}}},
    {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Pet"}},
]
VALUES: list[Any] = [
    {"id": 1, "name": "rex", "tag": "ab"},
    {"id": 0, "name": "Rex", "tag": "abcd", "extra": 5},
    [{"id": 1, "name": "rex"}, {"id": 2}],
    {"pet": {"id": "1"}},
    {"a": {"id": 1, "name": "rex"}},
    "abc",
    None,
]


def _expected(schema: Any, components: dict[str, Any], value: Any) -> bool | str:
    """Whether the value fits, or why the schema cannot judge it: the schema with every
    component as its `$defs`, written by json.dumps."""
    converted = to_json_schema(schema, openapi_30=False)
    try:
        text = json.dumps(
            {**converted, "$defs": all_definitions(components, openapi_30=False)}, sort_keys=True, allow_nan=False
        )
    except (TypeError, ValueError):
        return "not JSON"
    try:
        validator = jsonschema_rs.validator_for(text, validate_formats=True)
    except Exception:
        return "cannot be compiled"
    return validator.is_valid(value)


def _judged(problem: str | None) -> bool | str:
    if problem is None:
        return True
    return next((reason for reason in ("not JSON", "cannot be compiled") if reason in problem), False)


@pytest.mark.parametrize("extra", sorted(EXTRAS))
def test_each_check_is_the_whole_schemas(extra: str) -> None:
    components = _components(EXTRAS[extra])
    checker = SchemaChecker(components, openapi_30=False)
    judged = [(_judged(checker.problem(schema, value)), schema, value) for schema in SCHEMAS for value in VALUES]
    assert judged == [(_expected(schema, components, value), schema, value) for schema in SCHEMAS for value in VALUES]
    if extra == "plain":
        assert {outcome for outcome, _, _ in judged} == {True, False}


def test_what_cannot_judge_is_said() -> None:
    for extra, reason in [
        ("date-example", "not JSON"),
        ("nan-bound", "not JSON"),
        ("bad-pattern", "cannot be compiled"),
    ]:
        checker = SchemaChecker(_components(EXTRAS[extra]), openapi_30=False)
        assert reason in (checker.problem({"$ref": "#/components/schemas/Pet"}, {"id": 1, "name": "rex"}) or "")


def test_a_checker_keeps_a_bounded_number_of_validators_and_judges_the_same_after_dropping_one() -> None:
    """A compiled validator holds every component its schema reaches: a large spec's would
    fill memory if all were kept."""
    checker = SchemaChecker(_components({"type": "string"}), openapi_30=False)
    schemas = [{"type": "integer", "minimum": bound} for bound in range(schema_check._KEPT_VALIDATORS + 10)]
    first = [checker.problem(schema, 5) for schema in schemas]
    assert len(checker._validators) == schema_check._KEPT_VALIDATORS
    assert [checker.problem(schema, 5) for schema in schemas] == first  # the dropped ones made again
    assert first[5] is None and first[6] is not None and "minimum of 6" in first[6]
    checker.release()
    assert not checker._validators
    assert checker.problem({"$ref": "#/components/schemas/Pet"}, {"id": 1, "name": "rex"}) is None
