"""Hostile requests to each vendor's generated server, over real HTTP on 127.0.0.1.

Each case here was once answered with a 500 or wrongly accepted: deeply nested JSON, lone
surrogates, bytes that are not UTF-8, numbers beyond a double, bodies of media types the
operation does not declare, malformed credentials, Idempotency-Key replays across callers,
paths and bodies. Each must be refused with a 4xx in the error shape the spec declares for
that status (an RFC 9457 problem where it declares none). An exception the server does
not expect is a 500 in the declared shape, never a traceback. The property tests then send
random bodies, media types and credentials to every server: never a 5xx.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import importlib
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from http import HTTPStatus
from types import ModuleType
from typing import Any
from urllib.parse import quote, urlsplit

import httpx
import meteroid_api
import meteroid_api.server as meteroid_server
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support import SEQUENCE_BODY, SPECS, VENDORS, serve

# A valid body for each operation, and credentials of each API's scheme. The servers
# accept any well-formed credentials, so requests reach the body checks.
VALID_BODIES: dict[str, dict[str, Any]] = {
    "bigcapital": {"customerType": "business", "displayName": "Acme"},
    "chargeover": {"company": "Acme"},
    "meteroid": {"name": "Acme"},
    "sequence": SEQUENCE_BODY,
}
CREDENTIALS = {
    "basic": "Basic " + base64.b64encode(b"ann:secret-one").decode(),
    "bearer": "Bearer bc_hardening",  # Bigcapital's x-token rule wants a bc_ prefix
}
OTHER_CALLER = "Basic " + base64.b64encode(b"bob:secret-two").decode()

DEEP_ARRAY = b"[" * 256 + b"]" * 256  # 512 bytes
DEEP_OBJECT = b'{"a":' * 256 + b"1" + b"}" * 256


@dataclass(frozen=True, repr=False)
class Api:
    """One vendor's operation as its spec declares it, served by its in-memory mock."""

    name: str
    spec: dict[str, Any]
    method: str
    path: str  # the operation's path with the spec's example id
    operation: dict[str, Any]
    scheme: str  # "basic" or "bearer"
    server: ModuleType
    models: ModuleType
    handler: Any
    url: str
    http: httpx.Client

    def __repr__(self) -> str:
        return f"Api({self.name!r})"

    @property
    def credentials(self) -> str:
        return CREDENTIALS[self.scheme]

    def send(
        self,
        content: bytes,
        content_type: str | None = "application/json",
        *,
        authorization: str | bytes | None = None,
        path: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        if authorization is None:
            authorization = self.credentials
        sent = {"Authorization": authorization, **(headers or {})}
        if content_type is not None:
            sent["Content-Type"] = content_type
        # As bytes: a header value may hold any byte an HTTP client can send.
        raw = [
            (name.encode(), value if isinstance(value, bytes) else value.encode("latin-1"))
            for name, value in sent.items()
        ]
        return self.http.request(self.method, self.url + (path or self.path), content=content, headers=raw)

    def send_json(self, body: Any, **options: Any) -> httpx.Response:
        return self.send(json.dumps(body).encode(), **options)


def _load(name: str, handler: Any, server: ModuleType, url: str, http: httpx.Client) -> Api:
    spec = yaml.safe_load((SPECS / f"{name}.yaml").read_text())
    ((path, item),) = spec["paths"].items()
    ((method, operation),) = ((m, o) for m, o in item.items() if m in ("put", "patch", "post"))
    for parameter in operation.get("parameters", []):
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", quote(str(parameter["example"]), safe=""))
    (scheme,) = spec["components"]["securitySchemes"].values()
    models = importlib.import_module(f"{name}_api.models")
    return Api(name, spec, method.upper(), path, operation, scheme["scheme"], server, models, handler, url, http)


@pytest.fixture(scope="module")
def apis() -> Iterator[dict[str, Api]]:
    with contextlib.ExitStack() as stack:
        http = stack.enter_context(httpx.Client())  # one connection pool: each request is cheap
        loaded = {}
        for name in VENDORS:
            server = importlib.import_module(f"{name}_api.server")
            handler = server.InMemoryHandler()
            url = stack.enter_context(serve(server.create_app(handler)))
            loaded[name] = _load(name, handler, server, url, http)
        yield loaded


@pytest.fixture(params=VENDORS)
def api(request: pytest.FixtureRequest, apis: dict[str, Api]) -> Api:
    return apis[request.param]


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = spec
        for step in node["$ref"].removeprefix("#/").split("/"):
            target = target[step]
        node = target
    return node


def assert_declared_error(api: Api, response: httpx.Response, status: int, reason: str = "") -> dict[str, Any]:
    """`response` has `status` and the body the spec declares for it, else an RFC 9457 problem.

    `reason`, when given, is a word the message must hold: the refusal says why.
    """
    assert response.status_code == status, response.text
    assert "Traceback" not in response.text
    responses = api.operation["responses"]
    declared = next(
        (responses[key] for key in (str(status), f"{status // 100}XX", "default") if key in responses), None
    )
    body: dict[str, Any] = response.json()
    if declared is None:
        assert response.headers["content-type"] == "application/problem+json"
        assert (body["status"], body["title"]) == (status, HTTPStatus(status).phrase)
    else:
        ((media_type, media),) = _resolve(api.spec, declared)["content"].items()
        assert response.headers["content-type"].split(";")[0] == media_type
        model = getattr(api.models, media["schema"]["$ref"].rsplit("/", 1)[1])
        model.model_validate(body)  # raises unless the body is the declared model
    if reason:
        assert reason.lower() in response.text.lower(), response.text
    return body


def assert_challenge(api: Api, response: httpx.Response) -> None:
    assert response.headers["www-authenticate"].startswith(f'{api.scheme.title()} realm="')


# --- nesting ---------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [DEEP_ARRAY, DEEP_OBJECT], ids=["array", "object"])
def test_json_nested_256_deep_is_400(api: Api, content: bytes) -> None:
    response = api.send(content)
    assert_declared_error(api, response, 400, reason="nest")


@pytest.mark.parametrize("wrapper", ["[{}]", '{{"a":{}}}'], ids=["array", "object"])
def test_the_nesting_limit_is_exact(api: Api, wrapper: str) -> None:
    def nested(depth: int) -> bytes:
        text = "1"
        for _ in range(depth):
            text = wrapper.format(text)
        return text.encode()

    limit = api.server.MAX_JSON_DEPTH
    at_limit = api.send(nested(limit))
    # Parsed and checked: accepted, or refused for what it holds, never for its depth.
    assert at_limit.status_code < 500 and "nest" not in at_limit.text, at_limit.text
    assert_declared_error(api, api.send(nested(limit + 1)), 400, reason="nest")


def test_a_megabyte_of_brackets_is_400(api: Api) -> None:
    half = 512 * 1024 - 1
    assert_declared_error(api, api.send(b"[" * half + b"]" * half), 400, reason="nest")


# --- text that is not Unicode ----------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        rb'{"\udfff": 1}',
        rb'{"\ud800x": 1}',
        rb'{"a": {"b": ["\udfff"]}}',
        rb'"\udc00"',
        rb'["\ud83d"]',  # a high surrogate that no low one follows
    ],
    ids=["key", "key-prefix", "nested-value", "top-level", "unpaired-high"],
)
def test_lone_surrogates_are_400(api: Api, content: bytes) -> None:
    assert_declared_error(api, api.send(content), 400, reason="surrogate")


def test_a_lone_surrogate_in_a_field_value_is_400_naming_the_field(apis: dict[str, Api]) -> None:
    api = apis["meteroid"]
    body = assert_declared_error(api, api.send(rb'{"name": "Acme \udfff"}'), 400, reason="surrogate")
    assert "/name" in body["message"]


def test_a_surrogate_pair_is_one_character_and_accepted(apis: dict[str, Api]) -> None:
    api = apis["meteroid"]
    response = api.send(rb'{"name": "Acme \ud83d\ude00"}')
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Acme \U0001f600"


@pytest.mark.parametrize(
    "content",
    [b'{"name": "\xff"}', b'{"\xc3": 1}', b'{"name": "\xed\xbf\xbf"}', '{"name": "Acme"}'.encode("utf-16")],
    ids=["invalid-byte", "truncated-sequence", "encoded-surrogate", "utf-16"],
)
def test_bodies_that_are_not_utf8_are_400(api: Api, content: bytes) -> None:
    assert_declared_error(api, api.send(content), 400, reason="UTF-8")


def test_a_byte_order_mark_is_ignored(apis: dict[str, Api]) -> None:
    # RFC 8259 lets a parser ignore a byte order mark; it is UTF-8 all the same.
    api = apis["meteroid"]
    assert api.send('{"name": "Acme"}'.encode("utf-8-sig")).status_code == 200


@pytest.mark.parametrize("content", [b"NaN", b'{"a": Infinity}', b"[-Infinity]", b"[1e400]"])
def test_numbers_beyond_a_double_are_400(api: Api, content: bytes) -> None:
    assert_declared_error(api, api.send(content), 400)


# --- media types -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "text/plain",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/merge-patch+json",  # a +json type the operation does not declare
        "application/json; charset=latin-1",  # JSON is read as UTF-8 only
        "*/*",
        "application",
    ],
)
def test_undeclared_media_types_are_415(api: Api, content_type: str | None) -> None:
    response = api.send_json(VALID_BODIES[api.name], content_type=content_type)
    assert_declared_error(api, response, 415, reason="application/json")


@pytest.mark.parametrize(
    "content_type", ["application/json", "application/json; charset=utf-8", 'APPLICATION/Json ; Charset="UTF-8"']
)
def test_declared_media_types_with_parameters_are_read(api: Api, content_type: str) -> None:
    response = api.send_json(VALID_BODIES[api.name], content_type=content_type)
    assert response.is_success, response.text


# --- the server's own failures ---------------------------------------------------------------


def test_an_unexpected_exception_is_a_declared_500_without_a_trace(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    def authenticate(credentials: Any) -> bool:
        raise RuntimeError("directory unreachable: password=hunter2")

    app = api.server.create_app(api.server.InMemoryHandler(), authenticate=authenticate)
    uvicorn_log = logging.getLogger("uvicorn.error")  # uvicorn's loggers do not propagate
    with serve(app) as url, caplog.at_level(logging.ERROR):
        uvicorn_log.addHandler(caplog.handler)
        try:
            response = httpx.request(
                api.method, url + api.path, json=VALID_BODIES[api.name], headers={"Authorization": api.credentials}
            )
        finally:
            uvicorn_log.removeHandler(caplog.handler)
    assert_declared_error(api, response, 500)
    assert "hunter2" not in response.text
    ours = [record for record in caplog.records if record.name == f"{api.name}_api.server"]
    assert len(ours) == 1 and ours[0].exc_info is not None  # logged by the server, for its operators
    assert not [record for record in caplog.records if record.name.startswith("uvicorn")]  # no ASGI traceback


class Unavailable(meteroid_server.InMemoryHandler):
    async def update_customer(self, *args: Any, **kwargs: Any) -> meteroid_api.Customer:
        error = meteroid_api.RestErrorResponse(code=meteroid_api.ErrorCode.INTERNAL_SERVER_ERROR, message="planned")
        raise meteroid_server.HttpError(500, error)


def test_a_deliberate_500_keeps_its_declared_body(apis: dict[str, Api]) -> None:
    api = apis["meteroid"]
    with serve(meteroid_server.create_app(Unavailable())) as url:
        response = httpx.patch(url + api.path, json={}, headers={"Authorization": api.credentials})
    assert response.status_code == 500
    assert response.json() == {"code": "INTERNAL_SERVER_ERROR", "message": "planned"}


# --- malformed credentials -------------------------------------------------------------------

MALFORMED_CREDENTIALS = [
    b"Basic " + base64.b64encode(b"\xffann:secret"),  # not UTF-8 once decoded
    b"Basic " + base64.b64encode("ann:sécret".encode("latin-1")),
    b"Basic \xff\xfe",  # not ASCII
    b"Basic !!!not-base64",
    b"Basic dXNlcjprZXk",  # "user:key" without its padding
    b"Basic " + base64.b64encode(b"no-colon"),
    b"Basic " + base64.b64encode(b"ann\x00:secret"),  # a control character
    b"Basic " + base64.b64encode(b"ann:sec\nret"),
    b"Basic",
    b"Basic a b",
    b"Bearer a b c",
    b"Bearer",
    b"Bearer \xff",
    b"Bearer to,ken",
    b"Bearer =token",
    b"Bearer bc_\xe9",
    b"Digest username=ann",
    b"\xff\xfe",
    b"bc_hardening",
]


@pytest.mark.parametrize("authorization", MALFORMED_CREDENTIALS, ids=lambda value: repr(value)[2:-1])
def test_malformed_credentials_are_401_with_a_challenge(api: Api, authorization: bytes) -> None:
    response = api.send_json(VALID_BODIES[api.name], authorization=authorization)
    assert_declared_error(api, response, 401)
    assert_challenge(api, response)


@pytest.mark.parametrize("authorization", [b"Bearer ", b"Basic ", b"Bearer \t ", b"   "])
def test_empty_credentials_are_401_with_a_challenge(api: Api, authorization: bytes) -> None:
    # httpx refuses to send a header value ending in whitespace; http.client sends it as is.
    location = urlsplit(api.url)
    connection = http.client.HTTPConnection(location.hostname or "", location.port)
    try:
        body = json.dumps(VALID_BODIES[api.name]).encode()
        connection.putrequest(api.method, api.path)
        for name, value in (("Authorization", authorization), ("Content-Type", b"application/json")):
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        answer = connection.getresponse()
        response = httpx.Response(answer.status, headers=answer.getheaders(), content=answer.read())
    finally:
        connection.close()
    assert_declared_error(api, response, 401)
    assert_challenge(api, response)


# --- Idempotency-Key replays (Sequence declares the header) ----------------------------------


@pytest.fixture
def sequence(apis: dict[str, Api]) -> Api:
    return apis["sequence"]


def _customer_path(customer_id: str) -> str:
    return f"/customers/{customer_id}"


def test_a_replay_is_the_first_answer_for_the_same_request(sequence: Api) -> None:
    key = {"Idempotency-Key": "replay-same"}
    first = sequence.send_json({**SEQUENCE_BODY, "legalName": "First"}, headers=key)
    sequence.send_json({**SEQUENCE_BODY, "legalName": "Meanwhile"})  # the record changes
    again = sequence.send_json({**SEQUENCE_BODY, "legalName": "First"}, headers=key)
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()


def test_a_key_reused_with_another_body_is_422(sequence: Api) -> None:
    key = {"Idempotency-Key": "replay-body"}
    assert sequence.send_json({**SEQUENCE_BODY, "legalName": "First"}, headers=key).status_code == 200
    response = sequence.send_json({**SEQUENCE_BODY, "legalName": "Second"}, headers=key)
    assert_declared_error(sequence, response, 422, reason="Idempotency-Key")


def test_a_key_reused_by_another_caller_is_not_their_replay(sequence: Api) -> None:
    key = {"Idempotency-Key": "replay-caller"}
    mine = sequence.send_json({**SEQUENCE_BODY, "legalName": "Ann"}, headers=key)
    theirs = sequence.send_json({**SEQUENCE_BODY, "legalName": "Bob"}, headers=key, authorization=OTHER_CALLER)
    assert (mine.status_code, theirs.status_code) == (200, 200)
    assert (mine.json()["legalName"], theirs.json()["legalName"]) == ("Ann", "Bob")


def test_a_key_reused_for_another_customer_is_not_a_replay(sequence: Api) -> None:
    key = {"Idempotency-Key": "replay-path"}
    other_id = "7d0b7c2e-1f4e-4a51-9c1e-4f7a0e6b2d11"
    first = sequence.send_json(SEQUENCE_BODY, headers=key)
    other = sequence.send_json(SEQUENCE_BODY, headers=key, path=_customer_path(other_id))
    assert (first.status_code, other.status_code) == (200, 200)
    assert other.json()["id"] == other_id != first.json()["id"]


def test_replays_keep_no_credential_in_clear(sequence: Api) -> None:
    sequence.send_json(SEQUENCE_BODY, headers={"Idempotency-Key": "replay-secret"})
    kept = repr(sequence.handler.replies)
    assert "replay-secret" in kept  # the key itself is no secret
    assert "secret-one" not in kept and CREDENTIALS["basic"].split()[1] not in kept


# --- property tests: nothing any client sends is a 5xx ---------------------------------------

PROPERTIES = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,  # the same examples on every run and in CI
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Any character, with extra weight on the awkward ones: lone surrogates (which JSON can
# escape but UTF-8 cannot hold), NUL, separators, a byte-order mark, astral characters.
ODD_CHARACTERS = st.characters(exclude_categories=()) | st.sampled_from(
    ["\udfff", "\ud800", "\ud83d", "\x00", "\u2028", "\ufeff", "\U0001f600", '"', "\\"]
)
JSON_TEXT = st.text(ODD_CHARACTERS, max_size=12)
JSON_SCALARS = (
    st.none() | st.booleans() | st.integers() | st.floats() | st.sampled_from([10**400, -(2**63), 1e308]) | JSON_TEXT
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(JSON_TEXT, inner, max_size=4),
    max_leaves=24,
)


def _nest(value: Any, depth: int, containers: str) -> Any:
    """`value` inside `depth` arrays or objects, `containers` taking turns."""
    for level in range(depth):
        value = [value] if containers[level % len(containers)] == "[" else {"a": value}
    return value


# Deep nesting around a value, and values set into a valid body, so that both the checks
# before parsing and the models after it see odd input.
NESTED = st.builds(_nest, JSON_VALUES, st.integers(0, 400), st.sampled_from(["[", "{", "[{"]))


@st.composite
def json_bodies(draw: st.DrawFn, name: str) -> bytes:
    value = draw(JSON_VALUES | NESTED)
    if draw(st.booleans()):
        value = {**VALID_BODIES[name], draw(st.sampled_from([*VALID_BODIES[name], "extra"]) | JSON_TEXT): value}
    # ensure_ascii=False writes lone surrogates as raw code points, which "surrogatepass"
    # encodes into bytes that are not UTF-8.
    text = json.dumps(value, ensure_ascii=draw(st.booleans()))
    return text.encode("utf-8", "surrogatepass")


CONTENT_TYPES = st.sampled_from(
    [
        "application/json",
        "application/json; charset=utf-8",
        "application/json; charset=utf-16",
        "application/merge-patch+json",
        "application/problem+json",
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=b",
        "application/octet-stream",
    ]
) | st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=30)

# What an HTTP header value may carry: visible ASCII, bytes above 0x7f, inner spaces and tabs.
HEADER_BYTES = st.binary(max_size=60).map(
    lambda raw: bytes(b for b in raw if b == 0x09 or 0x20 <= b <= 0x7E or b >= 0x80).strip(b" \t")
)
AUTHORIZATIONS = (
    st.tuples(st.sampled_from([b"Basic ", b"Bearer ", b"basic ", b"BEARER ", b"Bearer bc_", b""]), HEADER_BYTES).map(
        lambda parts: b"".join(parts).strip(b" \t")
    )
    | st.binary(min_size=1, max_size=40).map(lambda raw: b"Basic " + base64.b64encode(raw))
    | st.binary(min_size=1, max_size=40).map(lambda raw: b"Bearer " + base64.b64encode(raw))
)


def _depth(value: Any) -> int:
    if isinstance(value, list | dict):
        items = value.values() if isinstance(value, dict) else value
        return 1 + max(map(_depth, items), default=0)
    return 0


# Strings full of what the depth check must see past: brackets, quotes and backslashes.
TRICKY_TEXT = st.text(st.sampled_from('[]{}"\\ 0'), max_size=8)
TRICKY_VALUES = st.recursive(
    st.none() | st.integers() | TRICKY_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TRICKY_TEXT, inner, max_size=3),
    max_leaves=12,
)


@PROPERTIES
@given(value=st.builds(_nest, TRICKY_VALUES, st.integers(90, 110), st.sampled_from(["[", "{", "[{"])))
def test_the_nesting_limit_holds_whatever_the_strings_hold(apis: dict[str, Api], value: Any) -> None:
    api = apis["chargeover"]  # the check is the same code in every package
    response = api.send_json(value)
    too_deep = "nests arrays and objects deeper" in response.text
    assert too_deep == (_depth(value) > api.server.MAX_JSON_DEPTH), response.text


def _assert_no_5xx(api: Api, response: httpx.Response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert_declared_error(api, response, response.status_code)


@pytest.mark.parametrize("name", VENDORS)
@PROPERTIES
@given(data=st.data())
def test_random_json_bodies_are_never_5xx(apis: dict[str, Api], name: str, data: st.DataObject) -> None:
    api = apis[name]
    content = data.draw(json_bodies(name), label="body")
    content_type = data.draw(st.none() | CONTENT_TYPES, label="content type")
    # A few keys used again and again: replays of odd bodies, and the same key with others.
    key = data.draw(st.none() | st.sampled_from(["k1", "k2"]), label="Idempotency-Key")
    _assert_no_5xx(api, api.send(content, content_type, headers={"Idempotency-Key": key} if key else None))


@pytest.mark.parametrize("name", VENDORS)
@PROPERTIES
@given(content=st.binary(max_size=300), content_type=st.none() | CONTENT_TYPES)
def test_random_bytes_are_never_5xx(apis: dict[str, Api], name: str, content: bytes, content_type: str | None) -> None:
    api = apis[name]
    _assert_no_5xx(api, api.send(content, content_type))


@pytest.mark.parametrize("name", VENDORS)
@PROPERTIES
@given(authorization=AUTHORIZATIONS)
def test_random_credentials_are_never_5xx(apis: dict[str, Api], name: str, authorization: bytes) -> None:
    api = apis[name]
    response = api.send_json(VALID_BODIES[name], authorization=authorization)
    _assert_no_5xx(api, response)
    if response.status_code == 401:
        assert_challenge(api, response)
