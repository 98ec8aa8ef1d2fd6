"""The mock's dynamic answers (`runtime/_mock_dynamic.py`): values drawn from the response
schemas, checked against them, bounded on hostile schemas, and reproducible by seed.

Every declared JSON response of the vendor specs and of the breadth fixtures is drawn for
many seeds (hypothesis picks them): each value fits the response's JSON Schema and the
generated package's pydantic model. Over real HTTP, `python -m meteroid_api.server` answers
`Prefer: dynamic=true` (and every request with `--dynamic`) with a drawn customer that the
generated client reads; `--seed` makes the same request get the same answer.
"""

from __future__ import annotations

import importlib
import json
import random
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import hypothesis
import jsonschema_rs
import meteroid_api
import pydantic
import pytest
from hypothesis import strategies

from runtime._mock_dynamic import DynamicData, NoAnswer
from tests.support import FIXTURES, GENERATED, VENDORS, importable, readme_section_example, run_generator, serve
from tests.test_mock_server import _startup_lines, mock_process

BREADTH_SPECS = sorted((FIXTURES / "breadth").glob("*.yaml"))
TOKEN = {"Authorization": "Bearer tok"}


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """Every package to draw answers of, by name: the vendors' and the breadth fixtures'."""
    out = tmp_path_factory.mktemp("dynamic")
    run = run_generator("generate", *BREADTH_SPECS, "--out", out, cwd=out)
    assert run.returncode == 0, run.stderr
    folders = {spec.stem: out / spec.stem for spec in BREADTH_SPECS}
    folders |= {name: GENERATED / name for name in VENDORS}
    with importable(*(out / spec.stem for spec in BREADTH_SPECS)):
        yield folders


def _responses(folder: Path, name: str) -> tuple[dict[str, Any], list[tuple[str, Any]]]:
    """The package's definitions and each declared JSON response schema, named."""
    document = json.loads((folder / f"{name}_api" / "request_schemas.json").read_text(encoding="utf-8"))
    found = [
        (f"{operation} {status}", response["schema"])
        for operation, declared in document["operations"].items()
        for status, response in declared["responses"].items()
        if response["schema"] is not None
    ]
    return document["$defs"], found


def _model_check(name: str, schema: Any) -> Any:
    """The pydantic model a `$ref` response is answered in, None for an inline schema."""
    reference = schema.get("$ref", "") if isinstance(schema, dict) else ""
    if not reference.startswith("#/$defs/"):
        return None
    models = importlib.import_module(f"{name}_api.models")
    return pydantic.TypeAdapter(getattr(models, reference.removeprefix("#/$defs/")))


@pytest.mark.parametrize("name", [*VENDORS, *(spec.stem for spec in BREADTH_SPECS)])
def test_every_drawn_answer_fits_its_schema_and_its_model(packages: dict[str, Path], name: str) -> None:
    definitions, responses = _responses(packages[name], name)
    assert responses, name
    data = DynamicData(definitions)
    checks = []
    for label, schema in responses:
        document = (
            {**schema, "$defs": {**definitions, **schema.get("$defs", {})}} if isinstance(schema, dict) else schema
        )
        checks.append((label, schema, jsonschema_rs.validator_for(document, validate_formats=True)))
    models = {label: _model_check(name, schema) for label, schema, _ in checks}

    @hypothesis.settings(max_examples=40, deadline=None, derandomize=True, database=None)
    @hypothesis.given(seed=strategies.integers(min_value=0, max_value=2**64))
    def draws_fit(seed: int) -> None:
        for label, schema, validator in checks:
            value = data.draw(schema, random.Random(seed))  # NoAnswer fails the test: none may be given up
            assert validator.is_valid(value), (label, value)
            model = models[label]
            if model is not None:
                model.validate_python(value)

    draws_fit()


def test_draws_vary_without_a_seed_and_repeat_with_one() -> None:
    definitions, responses = _responses(GENERATED / "meteroid", "meteroid")
    schema = dict(responses)["update_customer 200"]
    data = DynamicData(definitions)
    assert len({json.dumps(data.draw(schema, random.Random())) for _ in range(10)}) > 1
    assert data.draw(schema, random.Random(3)) == data.draw(schema, random.Random(3))
    assert data.draw(schema, random.Random(3)) != data.draw(schema, random.Random(4))


@pytest.mark.parametrize(
    ("schema", "fits"),
    [
        ({"type": "array", "minItems": 10**9, "items": {"type": "string"}}, False),
        ({"type": "string", "minLength": 10**9}, False),
        ({"type": "string", "pattern": "^(a{100}){100}$"}, False),  # longer than any string drawn
        ({"type": "string", "pattern": "^(a{1000}){1000}$"}, False),  # no validator compiles it
        ({"type": "integer", "minimum": 10, "maximum": 1}, False),
        ({"$ref": "#/$defs/Loop"}, False),  # requires itself, for ever
        ({"$ref": "#/$defs/Tree"}, True),  # optional recursion: bounded depth
        ({"type": "integer", "multipleOf": 7, "minimum": 20, "maximum": 30}, True),
        ({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1}, True),
        ({"type": "string", "pattern": "^[A-Z]{2}-\\d{4}(-[a-f0-9]{2,3})?$", "maxLength": 12}, True),
        ({"oneOf": [{"type": "integer"}, {"type": "number", "multipleOf": 0.5}]}, True),
        ({"allOf": [{"$ref": "#/$defs/Tree"}, {"required": ["children"]}]}, True),
        ({"type": "array", "items": {"enum": [1, 2, 3]}, "minItems": 3, "uniqueItems": True}, True),
        (
            {"type": "object", "additionalProperties": {"type": "string", "format": "date-time"}, "minProperties": 2},
            True,
        ),
        (
            {
                "type": "object",
                "properties": {"ip": {"format": "ipv4"}, "at": {"format": "date"}},
                "required": ["ip", "at"],
            },
            True,
        ),
    ],
)
def test_hostile_and_tricky_schemas_are_drawn_bounded_and_fitting(schema: dict[str, Any], fits: bool) -> None:
    definitions = {
        "Loop": {"type": "object", "required": ["next"], "properties": {"next": {"$ref": "#/$defs/Loop"}}},
        "Tree": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/Tree"}}}},
    }
    data = DynamicData(definitions)
    started = time.monotonic()
    for seed in range(50):
        if fits:
            validator = jsonschema_rs.validator_for({**schema, "$defs": definitions}, validate_formats=True)
            assert validator.is_valid(data.draw(schema, random.Random(seed)))
        else:
            with pytest.raises(NoAnswer):
                data.draw(schema, random.Random(seed))
    assert time.monotonic() - started < 10


# --- over HTTP ---------------------------------------------------------------------------------


def _patch(url: str, prefer: str, name: str = "Ann") -> meteroid_api.Customer:
    with meteroid_api.Client(base_url=url, token="tok") as client:
        return client.update_customer(
            "cus_1", body={"name": name}, extra_headers={"Prefer": prefer} if prefer else None
        )


def test_prefer_dynamic_answers_a_drawn_customer_the_client_reads_the_same_by_seed() -> None:
    with mock_process("meteroid_api", "--seed", "11") as (url, _):
        first, again = _patch(url, "dynamic=true"), _patch(url, "dynamic=true")
        other_body = _patch(url, "dynamic=true", name="Bob")
        example = _patch(url, "")
    with mock_process("meteroid_api", "--seed", "11") as (url, _):
        next_run = _patch(url, "dynamic=true")
    with mock_process("meteroid_api") as (url, _):
        unseeded = [_patch(url, "dynamic=true") for _ in range(4)]
    assert first == again == next_run
    assert other_body != first
    assert example.id == "cus_7n42DGM5Tflk9n8mt7Fhc7"  # the spec's example, without the preference
    assert first.id != example.id and first.id.startswith("cus_")  # the schema's pattern
    assert len({customer.model_dump_json() for customer in unseeded}) > 1


def test_the_dynamic_flag_draws_every_answer_and_prefer_dynamic_false_opts_out() -> None:
    with mock_process("meteroid_api", "--dynamic", "--seed", "2") as (url, process):
        drawn = _patch(url, "")
        example = _patch(url, "dynamic=false")
        client = meteroid_api.Client(base_url=url, token="tok", max_retries=0)
        with client, pytest.raises(meteroid_api.BadRequestError) as refused:
            client.update_customer("cus_1", body={"name": "Ann"}, extra_headers={"Prefer": "dynamic=maybe"})
    assert drawn.id != "cus_7n42DGM5Tflk9n8mt7Fhc7"
    assert example.id == "cus_7n42DGM5Tflk9n8mt7Fhc7"
    assert "Prefer: dynamic=maybe is neither true nor false" in refused.value.response.text
    assert "answering with values drawn from the response schemas" in _startup_lines(process)


def test_the_readme_example_of_dynamic_answers_runs_against_the_mock(monkeypatch: pytest.MonkeyPatch) -> None:
    example = readme_section_example(GENERATED / "meteroid" / "README.md", "Dynamic answers")
    assert "python -m meteroid_api.server --seed 7" in example
    monkeypatch.setenv("METEROID_TOKEN", "tok")
    namespace: dict[str, Any] = {}
    with mock_process("meteroid_api", "--seed", "7") as (url, _):
        exec(compile(example.replace("http://127.0.0.1:8000", url), "README.md", "exec"), namespace)
    assert namespace["first"] == namespace["again"]
    assert namespace["first"].id != "cus_7n42DGM5Tflk9n8mt7Fhc7"  # drawn, not the spec's example


def test_an_answer_the_spec_has_no_valid_example_for_is_drawn(tmp_path: Path) -> None:
    spec = FIXTURES / "realworld" / "mock_examples.yaml"
    run = run_generator("generate", spec, "--out", tmp_path, "--name", "drawn_examples")
    assert run.returncode == 0, run.stderr
    with importable(tmp_path / "drawn_examples"):
        server = importlib.import_module("drawn_examples_api.server")
        app = server.create_app(server.InMemoryHandler(), mock=server.MockOptions(seed=5))
        with serve(app) as url, httpx.Client(base_url=url) as client:
            # `^\p{Lu}{3}$`: the generator made no value (a 501 without the mock's tools).
            answers = [client.post(path) for path in ("/shapes/unicode", "/shapes/initials", "/shapes/unicode")]
    assert [answer.status_code for answer in answers] == [201, 201, 201]
    assert all(re.fullmatch("[A-Z]{3}", answer.json()) for answer in answers)
    assert answers[0].json() == answers[2].json()  # the same request, the same answer, by the seed
