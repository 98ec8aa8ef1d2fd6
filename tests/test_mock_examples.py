"""The mock answers from valid data: examples that do not fit are replaced, made-up values fit.

tests/fixtures/realworld/mock_examples*.yaml hold the examples published specs get wrong
(a 36-character token given as "", null for an object that is not nullable, a string
where a number goes, an `examples` entry or a schema-level example that misses) and the
shapes the mock has to make values for. Each replacement is a warning at the example;
then every operation is called over HTTP, through the generated client and with raw
httpx, and each answer must be a 2xx whose body fits the spec's own schema.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import jsonschema_rs
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.diagnostics import Diagnostic
from generator.ir.examples import NOTHING, Synthesizer, example_for
from generator.ir.regex_strings import matching_strings
from generator.ir.schema_check import SchemaChecker
from generator.load.spec_input import SpecInput
from generator.pipeline import load_spec
from generator.validate.json_schema import to_json_schema
from tests.support import FIXTURES, all_definitions, importable, mypy_strict, run_generator, serve

REALWORLD = FIXTURES / "realworld"
SPEC = REALWORLD / "mock_examples.yaml"
SPEC_30 = REALWORLD / "mock_examples_30.yaml"
ACCOUNT_ID = "acc_0001"
OWNER = {"name": "Ann", "email": "ann@example.com"}


@dataclass
class Generated:
    out: Path

    def module(self, spec: Path, name: str) -> ModuleType:
        return importlib.import_module(f"{spec.stem}_api{'.' + name if name else ''}")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    out = tmp_path_factory.mktemp("mock_examples")
    run = run_generator("generate", SPEC, SPEC_30, "--out", out, cwd=out)
    assert run.returncode == 0, run.stderr
    with importable(out / SPEC.stem, out / SPEC_30.stem):
        yield Generated(out)


# --- the schema a body must fit ----------------------------------------------------------


class Schemas:
    """The response schemas of a fixture, converted as the generated server converts them."""

    def __init__(self, spec: Path) -> None:
        self.document = yaml.safe_load(spec.read_text())
        self.openapi_30 = str(self.document["openapi"]).startswith("3.0")
        self.definitions = all_definitions(self.document["components"]["schemas"], openapi_30=self.openapi_30)

    def problems(self, path: str, method: str, status: int, body: Any) -> list[str]:
        """What is wrong with the body of an answer to `method` `path` (a URL path)."""
        template = next(t for t in self.document["paths"] if re.fullmatch(re.sub(r"\{\w+\}", "[^/]+", t), path))
        response = self.document["paths"][template][method]["responses"][str(status)]
        schema = to_json_schema(response["content"]["application/json"]["schema"], openapi_30=self.openapi_30)
        validator = jsonschema_rs.validator_for({**schema, "$defs": self.definitions}, validate_formats=True)
        return [f"{list(error.instance_path)}: {error.message}" for error in validator.iter_errors(body)]


SCHEMAS = Schemas(SPEC)
SCHEMAS_30 = Schemas(SPEC_30)


def answer(client: httpx.Client, method: str, path: str, status: int, schemas: Schemas = SCHEMAS, **kwargs: Any) -> Any:
    """Send a request; the answer must have `status` and a body that fits the spec's schema."""
    response = client.request(method, path, **kwargs)
    assert response.status_code == status, (method, path, response.text)
    if not response.content:
        return None
    body = response.json()
    assert schemas.problems(path, method.lower(), status, body) == [], (method, path, body)
    return body


# --- warnings ------------------------------------------------------------------------------


def _marked(spec: Path, marker: str) -> dict[str, int]:
    """Label -> line number of each `# <marker>: <label>` comment of a fixture."""
    found = {}
    for number, line in enumerate(spec.read_text().splitlines(), start=1):
        match = re.search(rf"# {marker}(?:: (\S+))?$", line)
        if match:
            found[match.group(1) or marker] = number
    return found


def _replacements(diagnostics: list[Diagnostic]) -> dict[str, Diagnostic]:
    return {d.location.pointer: d for d in diagnostics if d.kind in ("example-replaced", "no-valid-example")}


def test_each_example_that_does_not_fit_is_a_warning_at_its_line_saying_why() -> None:
    lines = _marked(SPEC, "BROKEN")
    found = _replacements(load_spec(SpecInput(SPEC, SPEC.stem)).diagnostics)
    account = "/paths/~1accounts~1{accountId}"
    expected = {
        "list-item": ("/paths/~1accounts/get/responses/200/content/application~1json/example", '"7.25" is not of type'),
        "component-example": ("/components/examples/CreatedAccount/value", '"not-an-email" is not a "email"'),
        "error": (f"{account}/get/responses/404/content/application~1json/example", "404 is not of type"),
        "replace": (f"{account}/put/responses/200/content/application~1json/example", '"" is shorter than 36'),
        "stale": (f"{account}/patch/responses/200/content/application~1json/examples/stale/value", "required"),
        "schema-example": ("/components/schemas/Report/properties/contact/example", 'is not a "email"'),
        "scalar": ("/paths/~1shapes~1code/get/responses/200/content/application~1json/example", "does not match"),
    }
    assert set(lines) == set(expected)
    unmakeable = {
        "schema": "/paths/~1shapes~1unicode/post/responses/201/content/application~1json/schema",
        "example": "/paths/~1shapes~1initials/post/responses/201/content/application~1json/example",
    }
    assert set(found) == {pointer for pointer, _ in expected.values()} | set(unmakeable.values())
    for label, (pointer, why) in expected.items():
        diagnostic = found[pointer]
        assert diagnostic.kind == "example-replaced", diagnostic
        assert (Path(diagnostic.location.file).name, diagnostic.location.line) == (SPEC.name, lines[label])
        assert why in diagnostic.message, diagnostic
    assert "with what does not fit replaced" in found[expected["replace"][0]].message
    assert "the example 'current' instead" in found[expected["stale"][0]].message
    assert "a value made from the schema" in found[expected["scalar"][0]].message
    # No string is made for a Unicode property escape: said at the example, else at the
    # schema, with why and what the mock does instead.
    for label, line in _marked(SPEC, "UNMAKEABLE").items():
        diagnostic = found[unmakeable[label]]
        assert (diagnostic.kind, diagnostic.location.line) == ("no-valid-example", line), diagnostic
        assert "does not match" in diagnostic.message and "501 Not Implemented" in diagnostic.message
    assert '"abc" does not match' in found[unmakeable["example"]].message


def test_openapi_30_examples_are_judged_with_nullable_and_boolean_bounds() -> None:
    lines = _marked(SPEC_30, "BROKEN")
    found = _replacements(load_spec(SpecInput(SPEC_30, SPEC_30.stem)).diagnostics)
    pointer = "/paths/~1profiles~1{profileId}/put/responses/200/content/application~1json/example"
    assert list(found) == [pointer]
    assert found[pointer].location.line == lines["nullable"]
    # address is null without being nullable; rating 0 is under an exclusive minimum of 0.
    assert "null is not of type" in found[pointer].message and "(and 1 more)" in found[pointer].message


def test_each_replacement_reads_as_one_line_with_file_line_and_pointer() -> None:
    printed = "\n".join(str(d) for d in _replacements(load_spec(SpecInput(SPEC, SPEC.stem)).diagnostics).values())
    for label, line in _marked(SPEC, "BROKEN").items():
        assert re.search(rf"mock_examples\.yaml:{line}: /\S+: warning: example does not fit", printed), label


def test_the_packages_type_check(generated: Generated) -> None:
    run = mypy_strict(generated.out, *(str(generated.out / s.stem / f"{s.stem}_api") for s in (SPEC, SPEC_30)))
    assert run.returncode == 0, run.stdout


def test_what_fits_is_kept_when_an_example_is_repaired(generated: Generated) -> None:
    routes = generated.module(SPEC, "_routes.accounts")  # the examples sit beside their operations
    replaced = routes._REPLACE_ACCOUNT_EXAMPLE
    assert replaced["id"] == ACCOUNT_ID and replaced["balance"] == 12.5 and replaced["nickname"] == "Savings"
    assert len(replaced["token"]) == 36 and isinstance(replaced["owner"], dict)
    listed = routes._LIST_ACCOUNTS_EXAMPLE
    assert [account["id"] for account in listed] == ["acc_0001", "acc_0002"]
    assert listed[0]["balance"] == 12.5 and isinstance(listed[1]["balance"], int | float)
    created = routes._CREATE_ACCOUNT_EXAMPLE
    assert created["owner"]["name"] == "Di" and "plan" not in created  # "gold" is no plan: left out


# --- over HTTP -----------------------------------------------------------------------------


def test_every_operation_answers_valid_data_through_the_client(generated: Generated) -> None:
    api, server, models = (generated.module(SPEC, name) for name in ("", "server", "models"))
    # `/accounts` is a collection: its list answers with its records, here the list's
    # repaired example, each record in the item schema.
    routes = importlib.import_module(f"{SPEC.stem}_api._routes.accounts")
    handler = server.InMemoryHandler()
    handler.preload({"/accounts": routes._LIST_ACCOUNTS_EXAMPLE}, server.COLLECTIONS)
    with serve(server.create_app(handler)) as url, api.Client(url) as client:
        accounts = client.list_accounts()
        assert [a.id for a in accounts] == ["acc_0001", "acc_0002"]
        assert [
            a.model_dump(mode="json", by_alias=True, exclude_unset=True) for a in accounts
        ] == routes._LIST_ACCOUNTS_EXAMPLE
        created = client.create_account(body={"owner": OWNER})
        assert created.owner.name == "Ann" and len(created.token) == 36
        with pytest.raises(api.NotFoundError) as caught:
            client.get_account("acc_9999")
        assert caught.value.body.code == "not_found"
        replaced = client.replace_account(ACCOUNT_ID, body=accounts[0])
        assert replaced == accounts[0]
        assert client.get_account(ACCOUNT_ID) == accounts[0]
        updated = client.update_account(ACCOUNT_ID, body={"nickname": "Main"})
        assert updated.nickname == "Main" and updated.id == ACCOUNT_ID
        client.delete_account(ACCOUNT_ID)
        report = client.create_report()
        assert report.kind == "monthly" and report.contact == "user@example.com" and 0 < report.score <= 1
        strings = client.list_strings()[0]
        assert strings.password and strings.fixed == "x" * 34
        numbers = client.list_numbers()[0]
        assert numbers.negative < 0 and 1 < numbers.narrow < 2 and numbers.fives % 5 == 0
        collections = client.list_collections()[0]
        assert len(set(collections.counts)) == len(collections.counts) >= 4
        assert client.list_choices()[0].nothing is None
        pets = client.list_pets()
        assert all(isinstance(pet.root, models.Cat) and pet.root.kind == "cat" for pet in pets)
        assert isinstance(client.adopt_pet().root, models.Cat)
        assert client.adopt_cat().kind == "cat"
        tree = client.list_trees()[0]
        assert tree.children == [] and tree.next is None
        assert re.fullmatch(r"[A-Z]{3}-\d{4}", client.get_code())
        assert client.get_count() % 5 == 0
        for make in (client.make_unicode, client.make_initials):
            with pytest.raises(api.ApiStatusError) as unmakeable:
                make()
            assert unmakeable.value.status_code == 501


def test_every_operation_answers_valid_data_over_raw_http(generated: Generated) -> None:
    server = generated.module(SPEC, "server")
    routes = importlib.import_module(f"{SPEC.stem}_api._routes.accounts")
    handler = server.InMemoryHandler()
    handler.preload({"/accounts": routes._LIST_ACCOUNTS_EXAMPLE}, server.COLLECTIONS)
    with serve(server.create_app(handler)) as url, httpx.Client(base_url=url) as client:
        listed = answer(client, "GET", "/accounts", 200)
        created = answer(client, "POST", "/accounts", 201, json={"owner": OWNER, "plan": "pro"})
        # `/accounts` is a collection: the record is kept under the next id in the example's form.
        assert created["id"] == "acc_0003" and answer(client, "GET", "/accounts/acc_0003", 200) == created
        answer(client, "GET", "/accounts/acc_0999", 404)
        # The stored record is echoed back as it was sent, and read back the same.
        assert answer(client, "PUT", f"/accounts/{ACCOUNT_ID}", 200, json=listed[0]) == listed[0]
        assert answer(client, "GET", f"/accounts/{ACCOUNT_ID}", 200) == listed[0]
        merged = answer(client, "PATCH", f"/accounts/{ACCOUNT_ID}", 200, json={"plan": "free"})
        assert merged["plan"] == "free" and merged["token"] == listed[0]["token"]
        answer(client, "DELETE", f"/accounts/{ACCOUNT_ID}", 204)
        # A new record starts from the (fitting) example the merge falls back to.
        fresh = answer(client, "PATCH", "/accounts/acc_0042", 200, json={"nickname": "Fresh"})
        assert fresh["id"] == "acc_0042" and fresh["nickname"] == "Fresh"
        answer(client, "POST", "/reports", 201)
        for shape in ("strings", "numbers", "collections", "choices", "pets", "trees", "code", "count"):
            answer(client, "GET", f"/shapes/{shape}", 200)
        answer(client, "POST", "/shapes/pets", 201)
        answer(client, "POST", "/shapes/cat", 201)
        for path in ("/shapes/unicode", "/shapes/initials"):
            unmakeable = client.post(path)
            assert unmakeable.status_code == 501 and "no valid example" in unmakeable.json()["detail"]


def test_openapi_30_mock_answers_valid_data(generated: Generated) -> None:
    server = generated.module(SPEC_30, "server")
    with serve(server.create_app(server.InMemoryHandler())) as url, httpx.Client(base_url=url) as client:
        profile = answer(client, "GET", "/profiles", 200, SCHEMAS_30)[0]
        assert profile["rating"] > 0 and profile["address"] is not None
        answer(client, "PUT", "/profiles/7", 200, SCHEMAS_30, json={**profile, "manager": None, "nickname": None})


def test_a_record_that_no_longer_fits_degrades_to_the_example(generated: Generated) -> None:
    """What the store holds is not always what the response allows (a handler's own
    record, a field of another shape): the answer falls back to the example, never a 500."""
    server = generated.module(SPEC, "server")
    handler = server.InMemoryHandler()
    handler.records[("/accounts/{accountId}", (ACCOUNT_ID,))] = {"owner": {"name": ""}, "balance": -1}
    with serve(server.create_app(handler)) as url, httpx.Client(base_url=url) as client:
        body = answer(client, "GET", f"/accounts/{ACCOUNT_ID}", 200)
        example = generated.module(SPEC, "_routes.accounts")._GET_ACCOUNT_EXAMPLE
        assert body["owner"] == example["owner"] and body["balance"] >= 0


# --- the synthesizer on its own ----------------------------------------------------------


@pytest.mark.parametrize(
    "pattern",
    [
        r"^[A-Z]{2}[0-9]{6}$",
        r"^\+?[1-9]\d{1,14}$",
        r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
        r"^#[0-9a-fA-F]{6}$",
        r"^\d{5}(-\d{4})?$",
        r"^(?<year>\d{4})-(?<month>0[1-9]|1[0-2])$",
        r"^sk_(live|test)_[A-Za-z0-9]{24}$",
        r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$",
        r"^(?=.*[a-z])(?=.*[A-Z])(?=.*\d).{8,}$",
        r"\bword\b",
    ],
)
def test_common_patterns_get_a_matching_string(pattern: str) -> None:
    validator = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    assert any(validator.is_valid(text) for text in matching_strings(pattern))


def _fits(schema: dict[str, Any], value: Any, components: dict[str, Any]) -> bool:
    converted = to_json_schema(schema, openapi_30=False)
    defs = all_definitions(components, openapi_30=False)
    return jsonschema_rs.validator_for({**converted, "$defs": defs}, validate_formats=True).is_valid(value)


# Small schemas that always have a value: the property test below asks that every one
# gets a value, and that the value fits (checked apart from the synthesizer's own checks).
_FORMATS = ["date-time", "date", "time", "email", "uuid", "uri", "hostname", "ipv4", "ipv6", "duration", "byte"]
# Patterns, with the longest minLength each can meet.
_PATTERNS = {
    r"^[A-Z]{2}$": 2,
    r"^\d{3}-\d{4}$": 8,
    r"^[a-z]+(-[a-z]+)*$": 12,
    r"^v\d+\.\d+$": 12,
    r"^(?=.*\d)[a-z\d]{6,}$": 12,
}


@st.composite
def _strings(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    kind = draw(st.sampled_from(["plain", "format", "pattern"]))
    if kind == "format":
        schema["format"] = draw(st.sampled_from(_FORMATS))
    elif kind == "pattern":
        schema["pattern"] = draw(st.sampled_from(sorted(_PATTERNS)))
        schema["minLength"] = draw(st.integers(0, _PATTERNS[schema["pattern"]]))
    else:
        low = draw(st.integers(0, 40))
        schema["minLength"] = low
        schema["maxLength"] = draw(st.integers(low, low + 5))
    return schema


@st.composite
def _numbers(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": draw(st.sampled_from(["integer", "number"]))}
    low = draw(st.integers(-1000, 1000))
    width = draw(st.integers(20, 200))
    if draw(st.booleans()):
        schema["exclusiveMinimum" if draw(st.booleans()) else "minimum"] = low
    if draw(st.booleans()):
        schema["exclusiveMaximum" if draw(st.booleans()) else "maximum"] = low + width
    if draw(st.booleans()):
        schema["multipleOf"] = draw(st.sampled_from([2, 5, 0.5, 0.25, 0.01, 3]))
    return schema


_scalars = st.one_of(
    _strings(),
    _numbers(),
    st.just({"type": "boolean"}),
    st.lists(st.text("abc", min_size=1, max_size=3), min_size=1, max_size=4, unique=True).map(lambda v: {"enum": v}),
    st.builds(lambda kind: {"type": [kind, "null"]}, st.sampled_from(["string", "integer"])),
)


def _extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    names = st.sampled_from(["a", "b", "c", "d"])

    @st.composite
    def objects(draw: st.DrawFn) -> dict[str, Any]:
        properties = draw(st.dictionaries(names, children, min_size=1, max_size=3))
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        schema["required"] = sorted(draw(st.sets(st.sampled_from(sorted(properties)))))
        if draw(st.booleans()):
            schema["additionalProperties"] = False
        if draw(st.booleans()):
            schema["minProperties"] = draw(st.integers(0, len(properties)))
        return schema

    @st.composite
    def arrays(draw: st.DrawFn) -> dict[str, Any]:
        low = draw(st.integers(0, 3))
        schema: dict[str, Any] = {"type": "array", "items": draw(children), "minItems": low}
        schema["maxItems"] = low + draw(st.integers(0, 2))
        return schema

    @st.composite
    def unique_arrays(draw: st.DrawFn) -> dict[str, Any]:
        items = draw(
            st.one_of(
                st.just({"type": "integer", "minimum": 0}),
                _strings().filter(lambda s: "format" not in s and s.get("maxLength", 1) > 0),
            )
        )
        return {"type": "array", "items": items, "minItems": draw(st.integers(2, 4)), "uniqueItems": True}

    @st.composite
    def all_of(draw: st.DrawFn) -> dict[str, Any]:
        first, second = draw(objects()), draw(objects())
        second["properties"] = {f"x{name}": value for name, value in second["properties"].items()}
        second["required"] = [f"x{name}" for name in second["required"]]
        first.pop("additionalProperties", None)
        second.pop("additionalProperties", None)
        return {"allOf": [first, second]}

    @st.composite
    def one_of(draw: st.DrawFn) -> dict[str, Any]:
        # Branches of different types, so that a value fits exactly one of them.
        first, second = draw(
            st.sampled_from([(_strings(), _numbers()), (objects(), arrays()), (_numbers(), objects())])
        )
        return {"oneOf": [draw(first), draw(second)]}

    return st.one_of(objects(), arrays(), unique_arrays(), all_of(), one_of())


_schemas = st.recursive(_scalars, _extend, max_leaves=6)

COMPONENTS: dict[str, Any] = {
    "Node": {
        "type": "object",
        "required": ["value", "children"],
        "properties": {
            "value": {"type": "integer", "minimum": 1},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
            "next": {"anyOf": [{"$ref": "#/components/schemas/Node"}, {"type": "null"}]},
        },
    },
}


@settings(
    max_examples=300, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(_schemas, st.booleans())
def test_a_value_is_made_for_every_schema_and_it_fits(schema: dict[str, Any], nested: bool) -> None:
    if nested:  # the same schema beside a recursive reference
        schema = {
            "type": "object",
            "required": ["s", "n"],
            "properties": {"s": schema, "n": {"$ref": "#/components/schemas/Node"}},
        }
    value = Synthesizer(COMPONENTS, SchemaChecker(COMPONENTS, openapi_30=False)).synthesize(schema)
    assert value is not NOTHING, schema
    assert _fits(schema, value, COMPONENTS), (schema, value)


def test_example_for_keeps_its_simple_form() -> None:
    assert example_for({"type": "string", "format": "uuid"}, {}) == "00000000-0000-4000-8000-000000000000"
    assert example_for({"type": "string", "pattern": r"^\p{Lu}$"}, {}) is None


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "string", "minLength": 2**70},
        {"type": "array", "minItems": 2**70, "items": {"type": "integer"}},
        {"type": "object", "minProperties": 10**9},
        {"type": "string", "pattern": "(?:){1000000000}x{5000}"},
        {"type": "string", "pattern": "^(?:(?:a?){100000}){100000}b$"},
    ],
)
def test_a_spec_cannot_make_the_generator_build_huge_values(schema: dict[str, Any]) -> None:
    """Specs are untrusted: sizes and repetitions beyond what an example needs get no
    value (a warning, and a 501 from the mock), not a hang or a MemoryError."""
    assert example_for(schema, {}) is None
