"""The server runtime (`runtime/_server_base.py` and the modules beside it) as Python, on
small inputs: JSON it refuses, error bodies in declared shapes, credentials, parameters in
their styles, and the mock's store."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import pydantic
import pytest
from starlette.requests import Request

from runtime._error_shapes import PROBLEM, ErrorShape, ErrorTable, HttpError
from runtime._json_input import MAX_JSON_DEPTH, nests_too_deep, parse_json
from runtime._mock_store import MockStore
from runtime._request_problems import FieldProblem, InvalidRequest, pointer
from runtime._server_credentials import (
    ApiKeyCredentials,
    BasicCredentials,
    BearerCredentials,
    SecurityScheme,
    read_credentials,
)
from runtime._styled_parameters import ABSENT, Schemas, StyledParameter, read_styled


def _request(
    query: str = "", headers: dict[str, str] | None = None, path_params: dict[str, str] | None = None
) -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/",
            "query_string": query.encode(),
            "headers": [(name.lower().encode(), value.encode()) for name, value in (headers or {}).items()],
            "path_params": path_params or {},
        }
    )


def _problems(error: pytest.ExceptionInfo[InvalidRequest]) -> list[FieldProblem]:
    return error.value.problems


# --- JSON -------------------------------------------------------------------------------------


def test_json_as_deep_as_allowed_is_read_and_one_level_more_is_refused_before_parsing() -> None:
    assert not nests_too_deep(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH)
    assert nests_too_deep(b"[" * (MAX_JSON_DEPTH + 1) + b"]" * (MAX_JSON_DEPTH + 1))
    assert nests_too_deep(b'{"a":' * (MAX_JSON_DEPTH + 1))  # unbalanced: still refused
    assert parse_json(b"[" * MAX_JSON_DEPTH + b"]" * MAX_JSON_DEPTH) is not None
    with pytest.raises(InvalidRequest) as refused:
        parse_json(b"[" * 5000 + b"]" * 5000)
    assert "deeper than 100 levels" in _problems(refused)[0].message


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    text = json.dumps({"note": "[" * 500, "escaped": '\\"' + "{" * 500}).encode()
    assert not nests_too_deep(text)
    assert parse_json(text)["note"] == "[" * 500


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b'{"a": NaN}', "NaN is not a JSON number"),
        (b'{"a": Infinity}', "Infinity is not a JSON number"),
        (b'{"a": 1e400}', "beyond the range of a double"),
        (b'{"a": "\xff"}', "not UTF-8 (byte 7)"),
        (b'{"a": }', "is not valid JSON"),
    ],
)
def test_json_the_validators_cannot_take_is_refused(text: bytes, message: str) -> None:
    with pytest.raises(InvalidRequest) as refused:
        parse_json(text)
    assert message in _problems(refused)[0].message


def test_a_lone_surrogate_is_refused_where_it_is() -> None:
    with pytest.raises(InvalidRequest) as refused:
        parse_json(b'{"items": [{"name": "\\udfff"}]}')
    assert _problems(refused)[0].location == "/items/0/name"
    assert parse_json(b'"\\ud83d\\ude00"') == "\U0001f600"  # a pair is one character
    assert parse_json(b'\xef\xbb\xbf{"a": 1}') == {"a": 1}  # a byte order mark is ignored


def test_a_pointer_escapes_its_tokens() -> None:
    assert pointer(["a/b", "c~d", 0]) == "/a~1b/c~0d/0"


# --- error shapes -----------------------------------------------------------------------------


class Envelope(pydantic.BaseModel):
    message: str
    status: int
    errors: dict[str, str] | None = None


ENVELOPE = ErrorShape(
    model=Envelope,
    content_type="application/json",
    template={"message": "", "status": 0},
    message_field="message",
    status_field="status",
    details_field="errors",
)
OTHER = ErrorShape(model=None, content_type="application/json", template={"kind": "other"})


def test_the_declared_shape_is_chosen_by_status_then_range_then_default_then_the_api() -> None:
    table = ErrorTable(api={"404": OTHER}, operations={"get_pet": {"400": ENVELOPE, "5XX": OTHER}})
    assert table.shape_for("get_pet", 400) is ENVELOPE
    assert table.shape_for("get_pet", 503) is OTHER
    assert table.shape_for("get_pet", 404) is OTHER  # the API-wide table
    assert table.shape_for("get_pet", 401) is PROBLEM
    assert table.shape_for(None, 404) is OTHER
    assert ErrorTable(api={"default": ENVELOPE}).shape_for("any", 418) is ENVELOPE


def test_an_error_body_fills_the_declared_model() -> None:
    table = ErrorTable(api={}, operations={"get_pet": {"400": ENVELOPE}})
    response = table.response("get_pet", 400, "invalid request", [FieldProblem("/name", "too short")])
    assert response.status_code == 400 and response.media_type == "application/json"
    assert json.loads(bytes(response.body)) == {
        "message": "invalid request",
        "status": 400,
        "errors": {"/name": "too short"},
    }
    problem = json.loads(bytes(table.response("get_pet", 404, "Not Found").body))
    assert problem == {"type": "about:blank", "detail": "Not Found", "status": 404, "title": "Not Found"}


def test_a_body_that_does_not_fit_its_model_becomes_a_problem() -> None:
    broken = ErrorShape(model=Envelope, content_type="application/json", template={"message": "m"})  # no status
    response = ErrorTable(api={"400": broken}).response(None, 400, "bad")
    assert response.media_type == "application/problem+json" and json.loads(bytes(response.body))["status"] == 400


def test_validation_errors_are_a_422_only_where_the_operation_declares_it_alone() -> None:
    table = ErrorTable(api={}, operations={"a": {"422": ENVELOPE}, "b": {"400": ENVELOPE, "422": ENVELOPE}})
    assert [table.validation_status(name) for name in ("a", "b", "c")] == [422, 400, 400]


def test_an_http_error_names_its_phrase_and_where() -> None:
    error = HttpError(404, detail_location="path parameter id")
    assert error.message == "Not Found" and error.problems == [FieldProblem("path parameter id", "Not Found")]


# --- credentials ------------------------------------------------------------------------------

BASIC = SecurityScheme(kind="basic")
BEARER = SecurityScheme(
    kind="bearer",
    token_pattern="^bc_[a-z]+$",
    header="Org",
    header_when="^bc_org",
    header_when_description="an org key",
)


def _basic(text: bytes) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(text).decode()}


def test_well_formed_credentials_are_read() -> None:
    assert read_credentials(_request(headers=_basic(b"ann:pw:x")), BASIC, "Api") == BasicCredentials("ann", "pw:x")
    assert read_credentials(_request(headers={"Authorization": "Bearer bc_abc"}), BEARER, "Api") == BearerCredentials(
        "bc_abc"
    )
    key = SecurityScheme(kind="apiKey", name="key", location="query")
    assert read_credentials(_request(query="key=k1"), key, "Api") == ApiKeyCredentials("k1")
    assert read_credentials(_request(), BASIC, "Api") is None


@pytest.mark.parametrize(
    ("scheme", "headers", "status", "message"),
    [
        (BASIC, _basic(b"no-colon"), 401, "malformed Basic credentials"),
        (BASIC, _basic(b"ann:p\x01w"), 401, "malformed Basic credentials"),
        (BASIC, {"Authorization": "Basic !!!"}, 401, "malformed Basic credentials"),
        (BASIC, {"Authorization": "Bearer abc"}, 401, "expected Basic credentials"),
        (BEARER, {"Authorization": "Bearer xyz"}, 401, "malformed Bearer credentials"),
        (BEARER, {"Authorization": "Bearer bc_org"}, 400, "the Org header is required with an org key"),
    ],
)
def test_malformed_credentials_are_refused_with_a_challenge(
    scheme: SecurityScheme, headers: dict[str, str], status: int, message: str
) -> None:
    with pytest.raises(HttpError) as refused:
        read_credentials(_request(headers=headers), scheme, "Pet Store")
    assert (refused.value.status_code, refused.value.message) == (status, message)
    if status == 401:
        assert 'realm="Pet Store"' in refused.value.headers["WWW-Authenticate"]


# --- parameters in their styles ---------------------------------------------------------------

DEFINITIONS = {"Range": {"type": "object", "properties": {"min": {"type": "integer"}, "max": {"type": "integer"}}}}
FILTER = {
    "type": "object",
    "properties": {"color": {"type": "string"}, "size": {"type": "number"}, "range": {"$ref": "#/$defs/Range"}},
}
IDS = {"type": "array", "items": {"type": "integer"}}


def _read(parameter: StyledParameter, schema: Any, request: Request) -> Any:
    """The parameter's value as its schema reads it; its name in the path is `value`."""
    schemas = Schemas(DEFINITIONS)
    raw = read_styled(request, parameter, "value", schemas.shape(schema), schemas.claims(schema, {"page"}))
    return raw if raw is ABSENT else schemas.convert(raw, schema, "query parameter value")


@pytest.mark.parametrize(
    ("parameter", "schema", "request_", "value"),
    [
        (
            StyledParameter("query", "filter", Any, "deepObject"),
            FILTER,
            _request("filter[color]=red&filter[range][min]=1"),
            {"color": "red", "range": {"min": 1}},
        ),
        (
            StyledParameter("query", "filter", Any, "form", explode=False),
            FILTER,
            _request("filter=color,red,size,2.5"),
            {"color": "red", "size": 2.5},
        ),
        (
            StyledParameter("query", "filter", Any),
            FILTER,
            _request("color=red&size=2&page=3"),
            {"color": "red", "size": 2},
        ),
        (StyledParameter("query", "ids", Any, "pipeDelimited", explode=False), IDS, _request("ids=1|2|3"), [1, 2, 3]),
        (StyledParameter("query", "ids", Any, "spaceDelimited", explode=False), IDS, _request("ids=1%202"), [1, 2]),
        (
            StyledParameter("path", "ids", Any, "matrix", explode=True),
            IDS,
            _request(path_params={"value": ";ids=1;ids=2"}),
            [1, 2],
        ),
        (
            StyledParameter("path", "ids", Any, "label", explode=True),
            IDS,
            _request(path_params={"value": ".1.2"}),
            [1, 2],
        ),
        (
            StyledParameter("header", "X-Ids", Any, "simple", explode=False),
            IDS,
            _request(headers={"X-Ids": "1, 2"}),
            [1, 2],
        ),
        (StyledParameter("query", "ids", Any, "form", explode=False), IDS, _request(), ABSENT),
    ],
)
def test_a_parameter_is_read_as_its_style_writes_it(
    parameter: StyledParameter, schema: Any, request_: Request, value: Any
) -> None:
    assert _read(parameter, schema, request_) == value


@pytest.mark.parametrize(
    ("parameter", "schema", "request_", "message"),
    [
        (
            StyledParameter("query", "filter", Any, "form", explode=False),
            FILTER,
            _request("filter=color,red,size"),
            "keys and values in turn",
        ),
        (
            StyledParameter("query", "filter", Any, "deepObject"),
            FILTER,
            _request("filter[color=red"),
            "malformed brackets",
        ),
        (
            StyledParameter("query", "filter", Any, "deepObject"),
            FILTER,
            _request("filter" + "[a]" * 17 + "=1"),
            "deeper than 16 levels",
        ),
        (StyledParameter("path", "ids", Any, "matrix"), IDS, _request(path_params={"value": "1,2"}), "expected ;ids="),
    ],
)
def test_a_malformed_parameter_is_an_invalid_request(
    parameter: StyledParameter, schema: Any, request_: Request, message: str
) -> None:
    with pytest.raises(InvalidRequest) as refused:
        _read(parameter, schema, request_)
    assert message in _problems(refused)[0].message


def test_text_becomes_the_json_values_its_schema_allows() -> None:
    schemas = Schemas({})
    assert schemas.convert("5", {"type": ["integer", "string"]}, "q") == 5
    assert schemas.convert("5", {"type": "string"}, "q") == "5"
    assert schemas.convert("true", {"type": "boolean"}, "q") is True
    assert schemas.convert(["1", "2.5"], {"type": "array", "items": {"type": "number"}}, "q") == [1, 2.5]
    assert schemas.convert('{"a": 1}', {"type": "object"}, "q") == {"a": 1}


# --- the mock's store -------------------------------------------------------------------------


class Pet(pydantic.BaseModel):
    id: int
    name: str
    tag: str | None = None


def test_the_store_replaces_merges_reads_and_deletes() -> None:
    store = MockStore()
    key = ("/pets/{id}", (1,))
    store._replace(key, Pet(id=1, name="Rex"))
    assert store._merge(key, Pet.model_construct(tag="good", _fields_set={"tag"}), {}) == {
        "id": 1,
        "name": "Rex",
        "tag": "good",
    }
    assert store._read(key)["tag"] == "good"
    answer = store._as_response(Pet, store._read(key), {"id": 0, "name": "example"}, id_path=("id",), id_value=1)
    assert answer == Pet(id=1, name="Rex", tag="good")
    store._delete(key)
    with pytest.raises(HttpError) as missing:
        store._read(key)
    assert missing.value.status_code == 404


def test_an_idempotency_key_replays_for_the_same_caller_and_body_only() -> None:
    store = MockStore()
    key = ("/pets", ())
    ann, bob = BasicCredentials("ann", "pw"), BasicCredentials("bob", "pw")
    replay = store._replay_key(ann, "POST", key, "k-1")
    store._remember(replay, Pet(id=1, name="Rex"), "first answer")
    assert store._replay(replay, Pet(id=1, name="Rex")).result == "first answer"  # type: ignore[union-attr]
    assert store._replay(store._replay_key(bob, "POST", key, "k-1"), Pet(id=1, name="Rex")) is None
    assert store._replay_key(ann, "POST", key, None) is None
    with pytest.raises(HttpError) as conflict:
        store._replay(replay, Pet(id=2, name="Other"))
    assert conflict.value.status_code == 422
    assert "pw" not in store._caller(ann) and store._caller(ann) != store._caller(bob)


def test_an_example_that_fits_nothing_is_a_501() -> None:
    with pytest.raises(HttpError) as unavailable:
        MockStore._example_answer(Pet, {"id": "not a number"})
    assert unavailable.value.status_code == 501


@pytest.mark.parametrize(
    ("item_type", "items"),
    [(Any, [{"a": 1}, "b"]), (dict[str, int], [{"a": 1}, {"b": 2}]), (list[int] | None, [[1], None])],
)
def test_an_event_stream_of_items_typed_by_no_model_is_written_out(item_type: Any, items: list[Any]) -> None:
    """A stream whose item schema is `{}` or a container is no class to check instances of."""
    from runtime._server_events import event_stream_response

    async def events() -> Any:
        for item in items:
            yield item

    async def read() -> list[Any]:
        return [chunk async for chunk in event_stream_response(events(), item_type, 200).body_iterator]

    chunks = asyncio.run(read())
    assert [json.loads(chunk.split(b"data: ")[1]) for chunk in chunks] == items
    assert [chunk.split(b"\n")[0] for chunk in chunks] == [b"id: 1", b"id: 2"]
