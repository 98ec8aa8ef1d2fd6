"""The generated servers and in-memory mocks, driven over HTTP on 127.0.0.1.

Raw httpx sends what a client would never send (bad JSON, wrong types, missing or
malformed credentials, oversized bodies); the generated clients check that the API's own
error shapes come back typed.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import bigcapital_api
import bigcapital_api.server as bigcapital_server
import chargeover_api.server as chargeover_server
import httpx
import meteroid_api
import meteroid_api.server as meteroid_server
import pytest
import sequence_api
import sequence_api.server as sequence_server
import yaml
from fastapi import FastAPI
from fastapi.routing import APIRoute, request_response
from meteroid_api.server import MockOptions

from tests.support import SEQUENCE_BODY, SEQUENCE_ID, SPECS, serve

BASIC = {"Authorization": "Basic " + base64.b64encode(b"user:key").decode()}
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"


def _only(**accepted: str) -> Any:
    """An `authenticate` that accepts one set of credentials, as a real test setup would."""

    def authenticate(credentials: Any) -> bool:
        return all(getattr(credentials, name, None) == value for name, value in accepted.items())

    return authenticate


class FailingHandler(meteroid_server.InMemoryHandler):
    async def update_customer(self, *args: Any, **kwargs: Any) -> meteroid_api.Customer:
        raise RuntimeError("database is down: password=hunter2")


class InvalidResultHandler(sequence_server.InMemoryHandler):
    async def update_customer(self, *args: Any, **kwargs: Any) -> sequence_api.Customer:
        return sequence_api.Customer.model_construct(id="not-a-customer")


@pytest.fixture(scope="module")
def urls() -> Iterator[dict[str, str]]:
    apps = {
        "bigcapital": bigcapital_server.create_app(bigcapital_server.InMemoryHandler()),
        "chargeover": chargeover_server.create_app(
            chargeover_server.InMemoryHandler(), authenticate=_only(username="user", password="key")
        ),
        "meteroid": meteroid_server.create_app(meteroid_server.InMemoryHandler(), authenticate=_only(token="tok")),
        "sequence": sequence_server.create_app(sequence_server.InMemoryHandler(), max_body_size=4096),
        "failing": meteroid_server.create_app(FailingHandler()),
        "invalid_result": sequence_server.create_app(InvalidResultHandler()),
    }
    with (
        serve(apps["bigcapital"]) as b,
        serve(apps["chargeover"]) as c,
        serve(apps["meteroid"]) as m,
        serve(apps["sequence"]) as s,
        serve(apps["failing"]) as f,
        serve(apps["invalid_result"]) as i,
    ):
        yield {"bigcapital": b, "chargeover": c, "meteroid": m, "sequence": s, "failing": f, "invalid_result": i}


# --- credentials -----------------------------------------------------------------------------


def test_missing_basic_credentials_get_the_declared_401_and_a_challenge(urls: dict[str, str]) -> None:
    response = httpx.put(f"{urls['chargeover']}/api/v3/customer/1", json={})
    assert response.status_code == 401
    assert response.json() == {
        "code": 401,
        "status": "Error",
        "message": "Invalid or incorrect authorization [Missing (basic) authorization header.]",
        "details": {},
        "response": False,
    }
    assert response.headers["www-authenticate"].startswith('Basic realm="ChargeOver API"')


@pytest.mark.parametrize(
    "authorization",
    [
        "Basic " + base64.b64encode(b"user:wrong").decode(),
        "Basic !!!not-base64",
        "Basic " + base64.b64encode(b"nocolon").decode(),
        "Bearer tok",
    ],
)
def test_bad_basic_credentials_are_401(urls: dict[str, str], authorization: str) -> None:
    response = httpx.put(f"{urls['chargeover']}/api/v3/customer/1", json={}, headers={"Authorization": authorization})
    assert response.status_code == 401
    assert response.json()["status"] == "Error"
    assert "www-authenticate" in response.headers


def test_bad_bearer_credentials_are_401_in_the_declared_shape(urls: dict[str, str]) -> None:
    with (
        meteroid_api.Client(urls["meteroid"], token="not-tok") as client,
        pytest.raises(meteroid_api.AuthenticationError) as caught,
    ):
        client.update_customer("cus_1", body={})
    assert caught.value.body.code is meteroid_api.ErrorCode.UNAUTHORIZED
    assert caught.value.response.headers["www-authenticate"] == 'Bearer realm="Meteroid API"'


def test_bigcapital_tokens_follow_the_x_token_rule(urls: dict[str, str]) -> None:
    url = f"{urls['bigcapital']}/api/customers/1"
    body = {"customerType": "business", "displayName": "D"}
    assert httpx.put(url, json=body, headers={"Authorization": "Bearer sk_live_1"}).status_code == 401
    missing_organization = httpx.put(url, json=body, headers={"Authorization": f"Bearer {JWT}"})
    assert missing_organization.status_code == 400
    assert missing_organization.headers["content-type"] == "application/problem+json"
    assert missing_organization.json()["errors"] == [
        {"field": "header parameter organization-id", "message": "the organization-id header is required with a JWT"}
    ]
    with bigcapital_api.Client(urls["bigcapital"], token=JWT, organization_id="org-1") as client:
        assert client.update_customer(1, body=body).display_name == "D"


# --- bad requests ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"superuser_id": "12"}, "/superuser_id"),  # a string is not an integer
        ({"no_taxes": 0}, "/no_taxes"),  # 0 is not a boolean
        ({"company": None}, "/company"),  # not nullable
        ({"invoice_delivery": "fax"}, "/invoice_delivery"),  # not in the enum
        ({"tags": ["vip", 3]}, "/tags/1"),
        ({"superuser_email": "not-an-address"}, "/superuser_email"),
    ],
)
def test_invalid_bodies_get_the_declared_400_naming_the_field(
    urls: dict[str, str], body: dict[str, Any], field: str
) -> None:
    response = httpx.put(f"{urls['chargeover']}/api/v3/customer/1", json=body, headers=BASIC)
    assert response.status_code == 400
    envelope = response.json()
    assert (envelope["code"], envelope["status"], envelope["response"]) == (400, "Error", False)
    assert field in envelope["details"]
    assert field in envelope["message"]


def test_nested_fields_and_several_problems_are_all_named(urls: dict[str, str]) -> None:
    body = {**SEQUENCE_BODY, "address": {"country": "GB", "town": "London", "postCode": 7}}
    del body["legalName"]
    response = httpx.put(f"{urls['sequence']}/customers/{SEQUENCE_ID}", json=body, headers=BASIC)
    assert response.status_code == 400
    fields = {problem["field"] for problem in response.json()["errors"]}
    assert fields == {"/", "/address", "/address/postCode"}  # legalName and line1 missing, postCode a number
    assert response.json()["title"] == "Bad Request" and response.json()["status"] == 400


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b"{not json", "application/json"),
        (b"", "application/json"),
        (b'"hello"', "application/json"),  # JSON, but not an object
        (b"[1, 2]", "application/json"),
    ],
)
def test_bodies_that_are_not_the_json_object_expected_are_400(
    urls: dict[str, str], content: bytes, content_type: str
) -> None:
    response = httpx.patch(
        f"{urls['meteroid']}/api/v1/customers/cus_1",
        content=content,
        headers={"Authorization": "Bearer tok", "Content-Type": content_type},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "BAD_REQUEST"


def test_path_parameters_are_checked_against_their_schema(urls: dict[str, str]) -> None:
    for bad_id in ("0", "abc"):
        response = httpx.put(f"{urls['chargeover']}/api/v3/customer/{bad_id}", json={}, headers=BASIC)
        assert response.status_code == 400
        assert "customer_id" in response.json()["message"]
    response = httpx.put(f"{urls['sequence']}/customers/not-a-uuid", json=SEQUENCE_BODY, headers=BASIC)
    assert response.status_code == 400


def test_unknown_fields_are_ignored_as_the_schema_allows(urls: dict[str, str]) -> None:
    response = httpx.put(
        f"{urls['chargeover']}/api/v3/customer/5", json={"company": "A", "favourite_colour": "red"}, headers=BASIC
    )
    assert response.status_code == 202
    assert "favourite_colour" not in response.text


def test_oversized_bodies_are_413(urls: dict[str, str]) -> None:
    big = {**SEQUENCE_BODY, "label": "x" * 5000}
    response = httpx.put(f"{urls['sequence']}/customers/{SEQUENCE_ID}", json=big, headers=BASIC)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"label": "'
        yield b"y" * 5000
        yield b'"}'

    streamed = httpx.put(f"{urls['sequence']}/customers/{SEQUENCE_ID}", content=chunks(), headers=BASIC)
    assert streamed.status_code == 413
    # The default limit is 1 MiB.
    default = httpx.put(
        f"{urls['bigcapital']}/api/customers/1",
        content=b"{" + b" " * (1024 * 1024) + b"}",
        headers={"Authorization": "Bearer bc_1"},
    )
    assert default.status_code == 413


def test_unknown_paths_and_methods(urls: dict[str, str]) -> None:
    missing = httpx.get(f"{urls['meteroid']}/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.json() == {"code": "NOT_FOUND", "message": "Customer not found."}  # Meteroid declares its 404
    wrong_method = httpx.delete(f"{urls['chargeover']}/api/v3/customer/1", headers=BASIC)
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "PUT"
    assert wrong_method.json()["title"] == "Method Not Allowed"  # ChargeOver declares no 405: a problem


def test_a_failing_handler_is_a_500_in_the_declared_shape_without_a_trace(urls: dict[str, str]) -> None:
    response = httpx.patch(f"{urls['failing']}/api/v1/customers/cus_1", json={}, headers={"Authorization": "Bearer t"})
    assert response.status_code == 500
    assert response.json() == {"code": "INTERNAL_SERVER_ERROR", "message": "Internal server error."}
    assert "hunter2" not in response.text and "Traceback" not in response.text


def test_responses_are_validated_before_they_leave(urls: dict[str, str]) -> None:
    response = httpx.put(f"{urls['invalid_result']}/customers/{SEQUENCE_ID}", json=SEQUENCE_BODY, headers=BASIC)
    assert response.status_code == 500
    assert response.json()["status"] == 500


def _through_fastapi(app: FastAPI) -> FastAPI:
    """The app with every route served through FastAPI's resolving of its signature, as
    each was before some were called directly."""
    for route in app.routes:
        if isinstance(route, APIRoute):
            route.app = request_response(route.get_route_handler())
    return app


def _routes_called_directly(app: FastAPI) -> dict[str, bool]:
    """Whether each operation's route is called directly (every package has its own `OperationRoute`)."""
    return {route.name: route.called_directly for route in app.routes if type(route).__name__ == "OperationRoute"}


# Requests that take every way through a route: an answer, refusals of the credentials,
# the body and the method, a Prefer header of the mock's, and a failing handler.
_EXCHANGES: list[tuple[str, dict[str, str], bytes | None]] = [
    ("PATCH", {"Authorization": "Bearer tok"}, b'{"name": "Acme", "currency": "EUR"}'),
    ("PATCH", {"Authorization": "Bearer tok"}, b'{"name": 5}'),
    ("PATCH", {"Authorization": "Bearer tok"}, b'{"name": '),
    ("PATCH", {"Authorization": "Bearer tok", "Content-Type": "text/plain"}, b"{}"),
    ("PATCH", {"Authorization": "Bearer tok"}, None),
    ("PATCH", {}, b"{}"),
    ("PATCH", {"Authorization": "Bearer other"}, b"{}"),
    ("PATCH", {"Authorization": "Basic dXNlcjprZXk="}, b"{}"),
    ("GET", {"Authorization": "Bearer tok"}, None),
    ("PATCH", {"Authorization": "Bearer tok", "Prefer": "code=404"}, b"{}"),
    ("PATCH", {"Authorization": "Bearer tok", "Prefer": "code=418"}, b"{}"),
    ("PATCH", {"Authorization": "Bearer tok", "Prefer": "dynamic=true"}, b'{"name": "Acme"}'),
]


def _exchange(url: str, method: str, headers: dict[str, str], body: bytes | None) -> tuple[int, str, str, str]:
    if body is not None:
        headers = {"Content-Type": "application/json", **headers}
    answer = httpx.request(method, f"{url}/api/v1/customers/cus_1", headers=headers, content=body)
    return (
        answer.status_code,
        answer.headers.get("content-type", ""),
        answer.headers.get("www-authenticate", ""),
        answer.text,
    )


@pytest.mark.parametrize(
    ("handler", "mock"),
    [
        (meteroid_server.InMemoryHandler, None),
        (meteroid_server.InMemoryHandler, MockOptions(seed=7)),
        (FailingHandler, None),
    ],
    ids=["server", "mock", "failing"],
)
def test_a_route_called_directly_answers_as_through_fastapi(handler: type[Any], mock: MockOptions | None) -> None:
    def app() -> FastAPI:
        return meteroid_server.create_app(handler(), authenticate=_only(token="tok"), mock=mock)

    direct = app()
    assert _routes_called_directly(direct) == {"update_customer": True}
    with serve(direct) as ours, serve(_through_fastapi(app())) as fastapis:
        for method, headers, body in _EXCHANGES:
            assert _exchange(ours, method, headers, body) == _exchange(fastapis, method, headers, body)
        if mock is not None:
            assert _journal(ours) == _journal(fastapis)


def _journal(url: str) -> list[dict[str, Any]]:
    """The mock's journal, without the Host header (each server has its own port)."""
    entries: list[dict[str, Any]] = httpx.get(f"{url}/__mock/requests").json()["requests"]
    for entry in entries:
        del entry["headers"]["host"]
    return entries


def test_a_route_whose_parameters_fastapi_reads_is_not_called_directly() -> None:
    app = bigcapital_server.create_app(bigcapital_server.InMemoryHandler())
    assert _routes_called_directly(app) == {"update_customer": False}  # it reads query parameters


class ChangingHandler(meteroid_server.InMemoryHandler):
    """The mock, but its answer is changed after the mock checked it, as a test's subclass may."""

    def __init__(self, name: Any) -> None:
        super().__init__()
        self.name = name

    async def update_customer(self, *args: Any, **kwargs: Any) -> meteroid_api.Customer:
        answer = await super().update_customer(*args, **kwargs)
        answer.name = self.name  # pydantic checks no assignment
        return answer


def test_an_answer_changed_after_the_mock_checked_it_is_checked_again() -> None:
    for name, status in (("Changed", 200), (5, 500)):
        with serve(meteroid_server.create_app(ChangingHandler(name))) as url:
            answer = httpx.patch(f"{url}/api/v1/customers/cus_1", json={}, headers={"Authorization": "Bearer t"})
        assert answer.status_code == status
        assert answer.json()["name" if status == 200 else "code"] == (
            "Changed" if status == 200 else "INTERNAL_SERVER_ERROR"
        )


# --- the in-memory mock ----------------------------------------------------------------------


def test_patch_merges_the_fields_sent_and_null_clears(urls: dict[str, str]) -> None:
    with meteroid_api.Client(urls["meteroid"], token="tok") as client:
        first = client.update_customer("cus_new", body={"name": "Fresh"})
        assert first.name == "Fresh"
        assert first.alias == "acme"  # a new record starts from the spec's example
        cleared = client.update_customer("cus_new", body={"alias": None, "vat_number": "FR1"})
        assert (cleared.name, cleared.alias, cleared.vat_number) == ("Fresh", None, "FR1")
        other = client.update_customer("cus_other", body={})
        assert other.name == "Acme Corporation"  # records are kept apart by id


def test_put_replaces_the_record(urls: dict[str, str]) -> None:
    with sequence_api.Client(urls["sequence"], username="user", password="key") as client:
        labelled = client.update_customer(SEQUENCE_ID, body={**SEQUENCE_BODY, "label": "VIP", "telephone": "020"})
        assert (labelled.label, labelled.telephone) == ("VIP", "020")
        replaced = client.update_customer(SEQUENCE_ID, body={**SEQUENCE_BODY, "legalName": "Jane"})
        assert replaced.legal_name == "Jane"
        assert replaced.label is None and replaced.telephone is None  # not kept: the record was replaced
        assert str(replaced.id) == SEQUENCE_ID


def test_a_repeated_idempotency_key_replays_the_first_response(urls: dict[str, str]) -> None:
    url = f"{urls['sequence']}/customers/{SEQUENCE_ID}"
    first = httpx.put(url, json={**SEQUENCE_BODY, "legalName": "First"}, headers={**BASIC, "Idempotency-Key": "k-77"})
    httpx.put(url, json={**SEQUENCE_BODY, "legalName": "Between"}, headers=BASIC)
    again = httpx.put(url, json={**SEQUENCE_BODY, "legalName": "First"}, headers={**BASIC, "Idempotency-Key": "k-77"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    assert again.json()["legalName"] == "First"
    # The same key with another body is another request: refused, as the IETF draft says.
    other = httpx.put(url, json={**SEQUENCE_BODY, "legalName": "Second"}, headers={**BASIC, "Idempotency-Key": "k-77"})
    assert other.status_code == 422
    fresh = httpx.put(url, json={**SEQUENCE_BODY, "label": "L"}, headers={**BASIC, "Idempotency-Key": "k-78"})
    assert fresh.json()["legalName"] == "John Doe"  # the replayed update was not applied again


def test_openapi_json_is_the_spec_as_written(urls: dict[str, str]) -> None:
    for name in ("bigcapital", "chargeover", "meteroid", "sequence"):
        served = httpx.get(f"{urls[name]}/openapi.json")
        assert served.status_code == 200
        assert served.json() == yaml.safe_load((SPECS / f"{name}.yaml").read_text())


def test_the_handler_interface_is_abstract() -> None:
    with pytest.raises(TypeError, match="abstract"):
        chargeover_server.Handler()  # type: ignore[abstract]
