"""The generated clients' contract, driven through all four packages with httpx.MockTransport.

Retries, Retry-After, timeouts, connection errors, typed error bodies, idempotency keys,
credentials and secrets. Sleeps are recorded instead of slept.
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import importlib
import json
import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml

from tests.support import SPECS, VENDORS

Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class Vendor:
    name: str
    credentials: dict[str, str]
    path_id: Any
    body: dict[str, Any]
    method: str
    success_status: int
    success: dict[str, Any] = field(default_factory=dict)

    @property
    def module(self) -> ModuleType:
        return importlib.import_module(f"{self.name}_api")


def _success_example(name: str) -> tuple[str, int, dict[str, Any]]:
    spec = yaml.safe_load((SPECS / f"{name}.yaml").read_text())
    ((_path, item),) = spec["paths"].items()
    ((method, operation),) = item.items()
    status, response = next((s, r) for s, r in operation["responses"].items() if s.startswith("2"))
    return method.upper(), int(status), response["content"]["application/json"]["example"]


def _vendor(name: str, credentials: dict[str, str], path_id: Any, body: dict[str, Any]) -> Vendor:
    method, status, example = _success_example(name)
    return Vendor(name, credentials, path_id, body, method, status, example)


VENDOR_CASES = {
    "bigcapital": _vendor(
        "bigcapital", {"token": "bc_secret123"}, 7, {"customerType": "business", "displayName": "Acme"}
    ),
    "chargeover": _vendor("chargeover", {"username": "api-user", "password": "secret123"}, 1234, {"company": "Acme"}),
    "meteroid": _vendor("meteroid", {"token": "secret123"}, "cus_1", {"name": "Acme"}),
    "sequence": _vendor(
        "sequence",
        {"username": "api-user", "password": "secret123"},
        "e309e948-088e-4d77-b654-cd85498f1555",
        {
            "address": {"country": "GB", "line1": "1", "postCode": "A", "town": "L"},
            "email": "a@b.co",
            "legalName": "L",
            "taxStatus": "TAXED",
        },
    ),
}


@pytest.fixture(params=VENDORS)
def vendor(request: pytest.FixtureRequest) -> Vendor:
    return VENDOR_CASES[request.param]


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[float]]:
    """Every pause the clients take, recorded instead of slept.

    `time.sleep` and `asyncio.sleep` are patched where the runtime reaches them, in their
    modules: only the test's own thread is recorded, so that a server another test left
    running on its thread (uvicorn pauses 0.1 s between ticks) keeps its pauses.
    """
    recorded: list[float] = []
    test_thread = threading.current_thread()
    real_sleep, real_async_sleep = time.sleep, asyncio.sleep

    def fake_sleep(seconds: float) -> None:
        if threading.current_thread() is test_thread:
            recorded.append(seconds)
        else:
            real_sleep(seconds)

    async def fake_async_sleep(seconds: float) -> None:
        if threading.current_thread() is test_thread:
            recorded.append(seconds)
        else:
            await real_async_sleep(seconds)

    for name in VENDORS:
        base = importlib.import_module(f"{name}_api._base_client")
        monkeypatch.setattr(base.time, "sleep", fake_sleep)
        monkeypatch.setattr(base.asyncio, "sleep", fake_async_sleep)
    yield recorded


class Server:
    """A scripted transport: answers requests from a list, and keeps what was sent."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.Response(status, json=body, headers=headers)


def _ok(vendor: Vendor) -> httpx.Response:
    return _json(vendor.success_status, vendor.success)


def call_sync(vendor: Vendor, server: Server, *, client_options: dict[str, Any] | None = None, **call: Any) -> Any:
    with vendor.module.Client(
        "https://api.test",
        **vendor.credentials,
        http_client=httpx.Client(transport=httpx.MockTransport(server)),
        **(client_options or {}),
    ) as client:
        return client.update_customer(vendor.path_id, body=call.pop("body", vendor.body), **call)


def call_async(vendor: Vendor, server: Server, *, client_options: dict[str, Any] | None = None, **call: Any) -> Any:
    async def run() -> Any:
        transport = httpx.MockTransport(server)
        async with vendor.module.AsyncClient(
            "https://api.test",
            **vendor.credentials,
            http_client=httpx.AsyncClient(transport=transport),
            **(client_options or {}),
        ) as client:
            return await client.update_customer(vendor.path_id, body=call.pop("body", vendor.body), **call)

    return asyncio.run(run())


CALLS = pytest.mark.parametrize("call", [call_sync, call_async], ids=["sync", "async"])
# Retrying an update must not apply it twice: PATCH (Meteroid) retries only with a key.
RETRY_SAFELY = {"extra_headers": {"Idempotency-Key": "key-1"}}


# --- retries -----------------------------------------------------------------------------


@CALLS
def test_server_errors_are_retried_with_backoff_then_succeed(vendor: Vendor, call: Any, sleeps: list[float]) -> None:
    server = Server(_json(503, {}), _json(502, {}), _ok(vendor))
    result = call(vendor, server, **RETRY_SAFELY)
    assert len(server.requests) == 3
    assert isinstance(result, type(result)) and result is not None
    assert len(sleeps) == 2
    assert 0.375 <= sleeps[0] <= 0.5 and 0.75 <= sleeps[1] <= 1.0  # exponential, with jitter


@CALLS
def test_retries_stop_at_max_retries(vendor: Vendor, call: Any, sleeps: list[float]) -> None:
    server = Server(_json(500, {}))
    with pytest.raises(vendor.module.InternalServerError) as caught:
        call(vendor, server, client_options={"max_retries": 3}, **RETRY_SAFELY)
    assert len(server.requests) == 4
    assert caught.value.status_code == 500


@pytest.mark.parametrize(
    ("status", "retried"), [(408, True), (429, True), (500, True), (400, False), (404, False), (409, False)]
)
def test_which_statuses_are_retried(status: int, retried: bool, sleeps: list[float]) -> None:
    vendor = VENDOR_CASES["chargeover"]
    server = Server(_json(status, {}), _ok(vendor))
    try:
        call_sync(vendor, server)
    except vendor.module.ApiStatusError:
        assert not retried
    assert len(server.requests) == (2 if retried else 1)


@CALLS
def test_retry_after_in_seconds_and_as_a_date(vendor: Vendor, call: Any, sleeps: list[float]) -> None:
    in_three_seconds = email.utils.formatdate(time.time() + 3, usegmt=True)
    server = Server(
        _json(429, {}, {"Retry-After": "2"}), _json(503, {}, {"Retry-After": in_three_seconds}), _ok(vendor)
    )
    call(vendor, server, **RETRY_SAFELY)
    assert sleeps[0] == 2.0
    assert 1.0 <= sleeps[1] <= 3.0


def test_a_retry_after_beyond_the_cap_falls_back_to_backoff(sleeps: list[float]) -> None:
    vendor = VENDOR_CASES["sequence"]
    call_sync(vendor, Server(_json(429, {}, {"Retry-After": "3600"}), _ok(vendor)))
    assert sleeps and sleeps[0] <= 0.5


def test_patch_is_not_retried_without_an_idempotency_key(sleeps: list[float]) -> None:
    vendor = VENDOR_CASES["meteroid"]
    server = Server(_json(503, {"code": "INTERNAL_SERVER_ERROR", "message": "down"}), _ok(vendor))
    with pytest.raises(vendor.module.InternalServerError):
        call_sync(vendor, server)
    assert len(server.requests) == 1
    server = Server(_json(503, {}), _ok(vendor))
    call_sync(vendor, server, **RETRY_SAFELY)
    assert len(server.requests) == 2


@CALLS
def test_timeouts_are_retried_then_raised(vendor: Vendor, call: Any, sleeps: list[float]) -> None:
    server = Server(httpx.ReadTimeout("slow"))
    with pytest.raises(vendor.module.ApiTimeoutError):
        call(vendor, server, **RETRY_SAFELY)
    assert len(server.requests) == 3
    server = Server(httpx.ConnectTimeout("slow"), _ok(vendor))
    assert call(vendor, server, **RETRY_SAFELY) is not None


@CALLS
def test_connection_errors_are_retried_then_raised(vendor: Vendor, call: Any, sleeps: list[float]) -> None:
    server = Server(httpx.ConnectError("refused"))
    with pytest.raises(vendor.module.ApiConnectionError) as caught:
        call(vendor, server, client_options={"max_retries": 1}, **RETRY_SAFELY)
    assert not isinstance(caught.value, vendor.module.ApiTimeoutError)
    assert len(server.requests) == 2


def test_per_call_timeout_reaches_the_request() -> None:
    vendor = VENDOR_CASES["bigcapital"]
    server = Server(_ok(vendor))
    call_sync(vendor, server, timeout=1.5)
    call_sync(vendor, server, client_options={"timeout": 9.0})
    first, second = (request.extensions["timeout"] for request in server.requests)
    assert first["read"] == 1.5
    assert second["read"] == 9.0


def test_a_timeout_set_on_the_client_later_reaches_the_next_request() -> None:
    vendor = VENDOR_CASES["bigcapital"]
    server = Server(_ok(vendor))
    with vendor.module.Client(
        "https://api.test", **vendor.credentials, http_client=httpx.Client(transport=httpx.MockTransport(server))
    ) as client:
        client.update_customer(vendor.path_id, body=vendor.body)
        client.timeout = httpx.Timeout(4.0, connect=2.0)
        client.update_customer(vendor.path_id, body=vendor.body)
        client.update_customer(vendor.path_id, body=vendor.body, timeout=0.5)
        client.update_customer(vendor.path_id, body=vendor.body)
    timeouts = [
        (request.extensions["timeout"]["connect"], request.extensions["timeout"]["read"]) for request in server.requests
    ]
    assert timeouts == [(60.0, 60.0), (2.0, 4.0), (0.5, 0.5), (2.0, 4.0)]


# --- errors ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, "BadRequestError"),
        (401, "AuthenticationError"),
        (403, "PermissionDeniedError"),
        (404, "NotFoundError"),
        (409, "ConflictError"),
        (422, "UnprocessableEntityError"),
        (418, "ApiStatusError"),
        (503, "InternalServerError"),
    ],
)
def test_each_status_raises_its_error_class(vendor: Vendor, status: int, error: str, sleeps: list[float]) -> None:
    with pytest.raises(vendor.module.ApiStatusError) as caught:
        call_sync(vendor, Server(_json(status, {"message": "no"})), client_options={"max_retries": 0})
    assert type(caught.value).__name__ == error
    assert caught.value.status_code == status
    assert isinstance(caught.value.response, httpx.Response)


def test_error_bodies_are_parsed_into_the_declared_models() -> None:
    chargeover = VENDOR_CASES["chargeover"]
    envelope = {
        "code": 400,
        "status": "Error",
        "message": "Missing or invalid parameter.",
        "details": {},
        "response": False,
    }
    with pytest.raises(chargeover.module.BadRequestError) as caught:
        call_sync(chargeover, Server(_json(400, envelope)))
    assert caught.value.body == chargeover.module.ErrorEnvelope.model_validate(envelope)
    assert "Missing or invalid parameter." in str(caught.value)

    meteroid = VENDOR_CASES["meteroid"]
    with pytest.raises(meteroid.module.NotFoundError) as not_found:
        call_sync(meteroid, Server(_json(404, {"code": "NOT_FOUND", "message": "Customer not found."})))
    assert not_found.value.body.code is meteroid.module.ErrorCode.NOT_FOUND


def test_error_bodies_that_do_not_fit_stay_json_or_text() -> None:
    meteroid = VENDOR_CASES["meteroid"]
    with pytest.raises(meteroid.module.BadRequestError) as caught:
        call_sync(meteroid, Server(_json(400, {"unexpected": True})))
    assert caught.value.body == {"unexpected": True}
    with pytest.raises(meteroid.module.BadRequestError) as caught:
        call_sync(meteroid, Server(httpx.Response(400, text="<html>bad gateway</html>")))
    assert caught.value.body == "<html>bad gateway</html>"


def test_a_success_body_that_does_not_match_raises_a_validation_error() -> None:
    vendor = VENDOR_CASES["sequence"]
    with pytest.raises(vendor.module.ApiResponseValidationError) as caught:
        call_sync(vendor, Server(_json(200, {"id": "not the customer"})))
    assert caught.value.status_code == 200


# --- requests ----------------------------------------------------------------------------


@CALLS
def test_the_request_carries_method_path_auth_and_body(vendor: Vendor, call: Any) -> None:
    server = Server(_ok(vendor))
    call(vendor, server, extra_headers={"X-Trace": "t-1"}, client_options={"default_headers": {"X-Team": "billing"}})
    (request,) = server.requests
    assert request.method == vendor.method
    assert str(vendor.path_id) in request.url.path
    assert json.loads(request.content) == vendor.body
    assert request.headers["content-type"] == "application/json"
    assert (request.headers["x-trace"], request.headers["x-team"]) == ("t-1", "billing")
    if "token" in vendor.credentials:
        assert request.headers["authorization"] == f"Bearer {vendor.credentials['token']}"
    else:
        pair = f"{vendor.credentials['username']}:{vendor.credentials['password']}".encode()
        assert request.headers["authorization"] == "Basic " + base64.b64encode(pair).decode()


def test_partial_update_sends_exactly_the_fields_set() -> None:
    vendor = VENDOR_CASES["meteroid"]
    server = Server(_ok(vendor))
    call_sync(vendor, server, body={"phone": None})
    call_sync(vendor, server, body=vendor.module.CustomerPatchRequest(alias=None, name="N"))
    assert [json.loads(r.content) for r in server.requests] == [{"phone": None}, {"alias": None, "name": "N"}]


def test_a_mapping_body_is_validated_before_sending() -> None:
    vendor = VENDOR_CASES["meteroid"]
    server = Server(_ok(vendor))
    with pytest.raises(TypeError, match="no field 'phnoe'"):
        call_sync(vendor, server, body={"phnoe": None})
    with pytest.raises(ValueError, match="currency"):
        call_sync(vendor, server, body={"currency": "XXX"})
    assert server.requests == []


def test_sequence_sends_a_fresh_idempotency_key_per_call_and_keeps_it_across_retries(sleeps: list[float]) -> None:
    vendor = VENDOR_CASES["sequence"]
    server = Server(_json(503, {}), _ok(vendor))
    call_sync(vendor, server)
    call_sync(vendor, Server(_ok(vendor)))
    first, retry = (r.headers["idempotency-key"] for r in server.requests)
    assert first == retry
    assert uuid.UUID(first).version == 4
    other = Server(_ok(vendor))
    call_async(vendor, other)
    assert other.requests[0].headers["idempotency-key"] != first
    given = Server(_ok(vendor))
    call_sync(vendor, given, idempotency_key="order-42")
    assert given.requests[0].headers["idempotency-key"] == "order-42"


def test_base_url_comes_from_the_spec_and_its_variables() -> None:
    import bigcapital_api
    import chargeover_api
    import meteroid_api

    assert (
        str(chargeover_api.Client(username="u", password="p", site="acme").base_url) == "https://acme.chargeover.com/"
    )
    assert str(meteroid_api.Client(token="t").base_url) == "https://api.meteroid.com/"
    assert (
        str(bigcapital_api.Client(token="bc_1", host="books.example:8443", scheme="http").base_url)
        == "http://books.example:8443/"
    )
    with pytest.raises(ValueError, match="scheme must be one of 'https', 'http'"):
        bigcapital_api.Client(token="bc_1", scheme="ftp")  # type: ignore[arg-type]


def test_base_url_and_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    import sequence_api

    monkeypatch.setenv("SEQUENCE_BASE_URL", "https://eu.sandbox.test/api")
    monkeypatch.setenv("SEQUENCE_USERNAME", "env-user")
    monkeypatch.setenv("SEQUENCE_PASSWORD", "env-secret")
    server = Server(_ok(VENDOR_CASES["sequence"]))
    with sequence_api.Client(http_client=httpx.Client(transport=httpx.MockTransport(server))) as client:
        client.update_customer(VENDOR_CASES["sequence"].path_id, body=VENDOR_CASES["sequence"].body)
    (request,) = server.requests
    assert str(request.url).startswith("https://eu.sandbox.test/api/customers/")
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"env-user:env-secret").decode()


# --- credentials -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "credentials", "words"),
    [
        ("meteroid", {}, "pass token= ($METEROID_TOKEN)"),
        ("chargeover", {"username": "u"}, "pass password= or set CHARGEOVER_PASSWORD"),
        ("sequence", {"username": " u ", "password": "p"}, "malformed credential username"),
        ("chargeover", {"username": "a:b", "password": "p"}, "must not contain ':'"),
        ("bigcapital", {"token": "sk_live_123"}, "expected an API key starting with bc_, or a JWT"),
        ("bigcapital", {"token": "eyJh.eyJz.sig"}, "a JWT needs the organization-id header"),
    ],
)
def test_bad_credentials_fail_before_any_request(
    name: str, credentials: dict[str, str], words: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("METEROID_TOKEN", "CHARGEOVER_PASSWORD", "BIGCAPITAL_ORGANIZATION_ID"):
        monkeypatch.delenv(variable, raising=False)
    module = importlib.import_module(f"{name}_api")
    server = Server(httpx.Response(200))
    with pytest.raises(module.CredentialsError) as caught:
        module.Client(**credentials, http_client=httpx.Client(transport=httpx.MockTransport(server)))
    assert words in str(caught.value)
    assert server.requests == []


def test_bigcapital_jwt_sends_its_organization_and_calls_may_override_it() -> None:
    vendor = VENDOR_CASES["bigcapital"]
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    server = Server(_ok(vendor))
    with vendor.module.Client(
        "https://api.test",
        token=jwt,
        organization_id="org-1",
        http_client=httpx.Client(transport=httpx.MockTransport(server)),
    ) as client:
        client.update_customer(1, body=vendor.body)
        client.update_customer(1, body=vendor.body, organization_id="org-2")
    assert [r.headers["organization-id"] for r in server.requests] == ["org-1", "org-2"]
    # An API key needs no organization; none is sent unless given.
    plain = Server(_ok(vendor))
    call_sync(vendor, plain)
    assert "organization-id" not in plain.requests[0].headers


# --- secrets -----------------------------------------------------------------------------


def test_secrets_stay_out_of_repr_errors_and_logs(caplog: pytest.LogCaptureFixture, sleeps: list[float]) -> None:
    for vendor in VENDOR_CASES.values():
        secret = vendor.credentials.get("token") or vendor.credentials["password"]
        caplog.clear()
        with caplog.at_level(logging.DEBUG, logger=f"{vendor.name}_api"):
            client = vendor.module.Client("https://api.test", **vendor.credentials)
            assert secret not in repr(client) and secret not in repr(client.__dict__.get("_credentials"))
            with pytest.raises(vendor.module.ApiStatusError) as caught:
                call_sync(vendor, Server(_json(401, {"message": "bad"})))
        assert secret not in str(caught.value)
        assert caplog.records, "the client logs its requests"
        logged = "\n".join(record.getMessage() for record in caplog.records)
        assert secret not in logged
        assert "<redacted>" in logged


def test_raw_response_gives_status_headers_and_body() -> None:
    vendor = VENDOR_CASES["chargeover"]
    server = Server(httpx.Response(202, json=vendor.success, headers={"X-Request-Id": "r-1"}))

    async def run() -> Any:
        async with vendor.module.AsyncClient(
            "https://api.test",
            **vendor.credentials,
            http_client=httpx.AsyncClient(transport=httpx.MockTransport(server)),
        ) as client:
            return await client.with_raw_response.update_customer(1, body={})

    raw = asyncio.run(run())
    assert (raw.status_code, raw.headers["x-request-id"], json.loads(raw.content)) == (202, "r-1", vendor.success)
    assert raw.parse().response.id == 1234
