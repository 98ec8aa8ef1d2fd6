"""An error, and a raw response, carry the id the server gave the request, over real HTTP."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator

import meteroid_api
import meteroid_api.server
import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

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
