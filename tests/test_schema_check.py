"""The schema checker judges a value as the one schema made of the converted schema and
every component it refers to would, however it writes that schema's text."""

from __future__ import annotations

import contextlib
import datetime
import json
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


# --- part by part: the same judgement as the whole schema's -------------------------------

_NAMES = ("A", "B", "C")
_REF = st.sampled_from([f"#/components/schemas/{name}" for name in _NAMES] + ["#/components/schemas/Gone"])
_LEAVES = st.sampled_from(
    [
        {"type": "string"},
        {"type": "integer", "minimum": 2},
        {"type": "object", "required": ["k"]},
        {"type": "array", "maxItems": 2},
        {"enum": ["x", 1, None]},
        {"const": {"$ref": "data, not a reference"}},
        {"format": "date"},
        {"properties": {"enum": {"type": "string"}}},
        {},
    ]
)


def _schemas(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Schemas with references in every place one may sit, those the checker splits at and
    those it must not (anyOf, not, unevaluatedProperties, a local pointer, ...)."""
    refs = _REF.map(lambda ref: {"$ref": ref})
    return st.recursive(
        st.one_of(leaves, refs),
        lambda inner: st.one_of(
            st.builds(
                lambda props: {"type": "object", "properties": props},
                st.dictionaries(st.sampled_from("kmn"), inner, max_size=3),
            ),
            st.builds(lambda item: {"type": "array", "items": item}, inner),
            st.builds(lambda members: {"allOf": members}, st.lists(inner, max_size=3)),
            st.builds(lambda members: {"anyOf": members}, st.lists(inner, min_size=1, max_size=2)),
            st.builds(lambda member: {"not": member}, inner),
            st.builds(lambda ref, extra: {"$ref": ref, **extra}, _REF, leaves),
            st.builds(lambda member: {"allOf": [member], "unevaluatedProperties": False}, inner),
            st.builds(
                lambda props: {"properties": props, "additionalProperties": False},
                st.dictionaries(st.sampled_from("kmn"), inner, max_size=2),
            ),
            st.builds(lambda inner_schema: {"properties": {"k": inner_schema, "m": {"$ref": "#/properties/k"}}}, inner),
            st.builds(lambda item: {"prefixItems": [item], "items": item}, inner),
            st.builds(lambda member: {"nullable": True, "allOf": [member]}, inner),
        ),
        max_leaves=8,
    )


_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-3, 5), st.sampled_from(["x", "2024-01-01", "no date"])),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from("kmn"), inner, max_size=3)),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    components=st.fixed_dictionaries({name: _schemas(_LEAVES) for name in _NAMES}),
    schema=_schemas(_LEAVES),
    values=st.lists(_VALUES, min_size=1, max_size=4),
    openapi_30=st.booleans(),
)
def test_part_by_part_judges_as_the_whole_schema(
    components: dict[str, Any], schema: Any, values: list[Any], openapi_30: bool
) -> None:
    split = SchemaChecker(components, openapi_30=openapi_30)
    whole = SchemaChecker(components, openapi_30=openapi_30)
    whole._fits_in_parts = lambda schema, value: False  # type: ignore[method-assign]
    for value in values:
        assert split.problem(schema, value) == whole.problem(schema, value), (schema, value)


@contextlib.contextmanager
def _recording_compiles() -> Iterator[list[str]]:
    """The JSON text of each schema compiled meanwhile (the shared cache emptied first)."""
    compiled: list[str] = []
    original = schema_check._compile

    def recording(text: str) -> Any:
        compiled.append(text)
        return original(text)

    schema_check._shared.cache_clear()
    schema_check._compile = recording
    try:
        yield compiled
    finally:
        schema_check._compile = original


def test_part_by_part_compiles_each_component_once() -> None:
    """Every schema reaching `Pet` through a property or an item: `Pet` is compiled alone,
    once, not into each of them; and none of them is compiled whole."""
    components = _components({"type": "string"})
    checker = SchemaChecker(components, openapi_30=False)
    wrappers = [
        {"type": "object", "properties": {f"p{index}": {"$ref": "#/components/schemas/Pet"}}} for index in range(20)
    ]
    with _recording_compiles() as compiled:
        assert all(
            checker.problem(wrapper, {f"p{index}": {"id": 1, "name": "rex"}}) is None
            for index, wrapper in enumerate(wrappers)
        )
    assert not any('"$defs"' in text for text in compiled)
    assert sum('"pattern": "^[a-z]+$"' in text for text in compiled) == 1


def test_a_schema_reaching_many_components_that_cannot_be_split_is_compiled_whole() -> None:
    """A chain of components each of which reaches the next through `anyOf` (no part of a
    value can be judged alone): past a few components compiled whole (each with all it
    reaches), the schema is compiled whole, once. However long the chain, the compiles are
    as many: never one per component with everything it reaches (the square of the chain)."""

    def whole_compiles(count: int) -> int:
        components: dict[str, Any] = {
            f"C{index}": {"anyOf": [{"$ref": f"#/components/schemas/C{index + 1}"}, {"type": "null"}]}
            for index in range(count)
        }
        components[f"C{count}"] = {"type": "string"}
        checker = SchemaChecker(components, openapi_30=False)
        schema = {"properties": {"a": {"$ref": "#/components/schemas/C0"}}}
        with _recording_compiles() as compiled:
            assert checker.problem(schema, {"a": None}) is None
            assert checker.problem(schema, {"a": 5}) is not None
        return sum('"$defs"' in text for text in compiled)

    # Each component compiled whole, once, and the schema in parts; then the schema whole, to
    # say why 5 does not fit.
    assert whole_compiles(3) == 3 + 1
    assert whole_compiles(50) == whole_compiles(200) == schema_check._MAX_WHOLE_COMPONENTS + 1


def test_components_that_each_reach_the_next_twice_are_judged_within_bounded_steps() -> None:
    """`C0: allOf [C1, C1]`, `C1: allOf [C2, C2]`, ...: checking in parts would visit the last
    component 2^16 times. Past a bound, the whole schema decides, as it would have (its
    validator takes as many steps, and that is the spec's doing: a few more components
    make it as slow as the spec asks)."""
    count = 16
    components: dict[str, Any] = {
        f"C{index}": {"allOf": [{"$ref": f"#/components/schemas/C{index + 1}"}] * 2} for index in range(count)
    }
    components[f"C{count}"] = {"type": "string"}
    checker = SchemaChecker(components, openapi_30=False)
    visits = 0
    original = checker._fits

    def counting(*arguments: Any) -> bool:
        nonlocal visits
        visits += 1
        return original(*arguments)

    checker._fits = counting  # type: ignore[method-assign]
    assert checker.problem({"$ref": "#/components/schemas/C0"}, "x") is None
    assert checker.problem({"$ref": "#/components/schemas/C0"}, 5) is not None
    assert visits <= 2 * (schema_check._MAX_PART_STEPS + 1)


@pytest.mark.parametrize("name", ["My Pet", "a%41", "caf\u00e9", "x#y", "a~1b"])
def test_a_component_whose_name_a_reference_must_escape_is_judged_whole(name: str) -> None:
    """A name a reference spells with escapes (a space, `%`, `#`, a pointer's `~`) is left
    to the whole schema, whatever it makes of it: parts never read such a reference."""
    components = {name: {"type": "string"}}
    schema = {"properties": {"a": {"$ref": f"#/components/schemas/{name}"}}}
    split = SchemaChecker(components, openapi_30=False)
    whole = SchemaChecker(components, openapi_30=False)
    whole._fits_in_parts = lambda schema, value: False  # type: ignore[method-assign]
    for value in ({"a": "x"}, {"a": 5}, {}):
        assert split.problem(schema, value) == whole.problem(schema, value)
    assert split._schema_parts[id(schema)][1] is None
