"""An error, and a raw response, carry the id the server gave the request, over real HTTP;
first from the response header the spec declares for it, where it declares one."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import meteroid_api
import meteroid_api.server
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from generator.ir.request_ids import request_id_headers
from tests.shop_api_support import FLAVOURS, ITEM, Shop, run
from tests.support import GENERATED, serve

MOCK = meteroid_api.server.create_app(meteroid_api.server.InMemoryHandler())


async def _app(scope: Scope, receive: Receive, send: Send) -> None:
    """Meteroid's mock, with a request id on each answer; `/customers/gone` is a 404."""
    request = Request(scope, receive)
    if request.url.path.endswith("/gone"):
        answer: Response = JSONResponse({"message": "no such customer"}, status_code=404)
        answer.headers["X-Request-Id"] = "req_404"
        await answer(scope, receive, send)
        return

    async def send_with_id(message: dict[str, object]) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), (b"request-id", b"req_ok")]  # type: ignore[misc]
        await send(message)  # type: ignore[arg-type]

    await MOCK(scope, receive, send_with_id)


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    with serve(_app) as address:
        yield address


def test_an_error_carries_the_request_id_sync_and_async(url: str) -> None:
    with meteroid_api.Client(url, token="secret") as client, pytest.raises(meteroid_api.NotFoundError) as found:
        client.update_customer("gone", body={"name": "x"})
    assert found.value.request_id == "req_404"

    async def call() -> None:
        async with meteroid_api.AsyncClient(url, token="secret") as client:
            await client.update_customer("gone", body={"name": "x"})

    with pytest.raises(meteroid_api.NotFoundError) as found_async:
        asyncio.run(call())
    assert found_async.value.request_id == "req_404"


def test_a_raw_response_carries_the_request_id(url: str) -> None:
    with meteroid_api.Client(url, token="secret") as client:
        raw = client.with_raw_response.update_customer("cus_1", body={"name": "Renamed"})
    assert raw.status_code == 200 and raw.request_id == "req_ok"
    assert raw.parsed.name == "Renamed"


_LOGGED_CALL = """
import httpx, meteroid_api
answer = httpx.Response(404, json={"message": "no"}, headers={"X-Request-Id": "req_9"})
transport = httpx.MockTransport(lambda request: answer)
with meteroid_api.Client("https://api.test", token="tok_secret_value", http_client=httpx.Client(transport=transport)) as client:
    try:
        client.update_customer("cus_1", body={"name": "x"})
    except meteroid_api.NotFoundError as error:
        print(error.request_id)
"""


@pytest.mark.parametrize(("switch", "logged"), [("debug", True), ("", False), ("verbose", False)])
def test_the_log_switch_turns_on_request_logging_without_code(switch: str, logged: bool) -> None:
    """`METEROID_LOG=debug` logs each request and response to stderr, the token redacted."""
    environment = {**os.environ, "METEROID_LOG": switch}
    run = subprocess.run(
        [sys.executable, "-c", _LOGGED_CALL],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        cwd=GENERATED / "meteroid",
    )
    assert run.stdout.strip() == "req_9"
    assert ("PATCH https://api.test/api/v1/customers/cus_1 -> 404" in run.stderr) is logged, run.stderr
    assert "tok_secret_value" not in run.stderr


# --- a request id header the spec declares: shop.yaml's X-Trace-Id ------------------------


@FLAVOURS
def test_the_header_the_spec_declares_comes_first(flavour: str, shop_api: ModuleType, shop: Shop) -> None:
    """An error, a response that does not fit its model, and a raw response all take the
    id from X-Trace-Id, even beside an X-Request-Id; without it, X-Request-Id still counts."""
    both = {"X-Trace-Id": "trace_1", "X-Request-Id": "req_1"}
    shop.answers({"message": "no such item"}, status=404, headers=both)
    with pytest.raises(shop_api.NotFoundError) as missing:
        run(flavour, shop_api, shop, lambda c: c.get_item(1))
    assert missing.value.request_id == "trace_1"

    shop.answers({"id": "not a number"}, headers=both)
    with pytest.raises(shop_api.ApiResponseValidationError) as invalid:
        run(flavour, shop_api, shop, lambda c: c.get_item(1))
    assert invalid.value.request_id == "trace_1"

    shop.answers(ITEM, headers=both)
    raw = run(flavour, shop_api, shop, lambda c: c.with_raw_response.get_item(1))
    assert (raw.request_id, raw.parsed.name) == ("trace_1", "lamp")

    shop.answers({"message": "no such item"}, status=404, headers={"X-Request-Id": "req_2"})
    with pytest.raises(shop_api.NotFoundError) as fallback:
        run(flavour, shop_api, shop, lambda c: c.get_item(1))
    assert fallback.value.request_id == "req_2"


def test_the_generated_client_lists_the_declared_header(shop_api: ModuleType) -> None:
    assert shop_api.client.REQUEST_ID_HEADERS == ("X-Trace-Id",)
    assert not hasattr(meteroid_api.client, "REQUEST_ID_HEADERS")  # meteroid declares none


def _document(headers: dict[str, Any]) -> dict[str, Any]:
    return {
        "paths": {"/a": {"get": {"responses": {"200": {"description": "ok", "headers": headers}}}}},
        "components": {"headers": {"Corr": {"description": "Correlates the logs", "schema": {"type": "string"}}}},
    }


@pytest.mark.parametrize(
    ("headers", "found"),
    [
        ({"X-Trace-Id": {}}, ("X-Trace-Id",)),
        ({"Trace-Id": {}, "X-Correlation-Id": {}, "trace-id": {}}, ("Trace-Id", "X-Correlation-Id")),
        ({"X-Request-Id": {}, "Request-Id": {}}, ()),  # read anyway
        ({"X-Amzn-RequestId": {"description": "The request ID, for support."}}, ("X-Amzn-RequestId",)),
        ({"X-RateLimit-Remaining": {"description": "Calls left before a request id is refused."}}, ()),
        ({"X-Correlation-Id": {"$ref": "#/components/headers/Corr"}}, ("X-Correlation-Id",)),
        ({"X-Trace-Id\r\nEvil": {}}, ()),  # not a header name
        ({"Location": {}}, ()),
    ],
)
def test_which_declared_headers_carry_a_request_id(headers: dict[str, Any], found: tuple[str, ...]) -> None:
    assert request_id_headers(_document(headers)) == found
