"""The validating proxy (`runtime/_mock_proxy.py`), over real HTTP: `python -m
meteroid_api.server --proxy URL` in front of a small API that answers off the spec.

The upstream answers by the name it is sent: a wrong type, a missing required field, an
undeclared status, or a valid customer. The generated client drives the proxy; what it
gets is the upstream's answer unchanged, and `GET /__mock/violations` lists each mismatch
with its pointer, what the spec expects and what came. `--proxy-strict` refuses an invalid
request before it is forwarded; an upstream that cannot be reached is a 502.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import meteroid_api
import meteroid_api.server as meteroid_server
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.support import GENERATED, readme_section_example, serve
from tests.test_mock_server import METEROID_CUSTOMER, _free_port, _startup_lines, mock_process

TOKEN = "tok_secret_7c1f"
VALID = {
    "id": "cus_1",
    "name": "Ann",
    "currency": "EUR",
    "custom_taxes": [],
    "invoicing_emails": [],
    "invoicing_entity_id": "ive_1",
}
OFF_SPEC: dict[str, tuple[int, dict[str, Any]]] = {
    "wrong-type": (200, {**VALID, "id": 7}),
    "missing": (200, {key: value for key, value in VALID.items() if key != "name"}),
    "teapot": (418, {"brewing": True}),
}


class Upstream:
    """The API behind the proxy: it keeps what it received and answers by the name sent."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.app = Starlette(routes=[Route("/api/v1/customers/{id}", self.patch, methods=["PATCH"])])

    async def patch(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.received.append(
            {
                "authorization": request.headers.get("authorization"),
                "path": request.scope["raw_path"],
                "prefer": request.headers.get("prefer"),
                "query": request.url.query,
                "body": body,
            }
        )
        status, answer = OFF_SPEC.get(str(body.get("name")), (200, {**VALID, "name": body.get("name")}))
        return JSONResponse(answer, status_code=status, headers={"X-Upstream": "yes"})


@pytest.fixture
def upstream() -> Iterator[tuple[Upstream, str]]:
    api = Upstream()
    with serve(api.app) as url:
        yield api, url


def _violations(url: str) -> list[dict[str, Any]]:
    answer = httpx.get(f"{url}/__mock/violations")
    answer.raise_for_status()
    violations: list[dict[str, Any]] = answer.json()["violations"]
    return violations


def test_the_proxy_returns_the_upstream_answers_and_lists_each_violation(upstream: tuple[Upstream, str]) -> None:
    api, upstream_url = upstream
    with mock_process("meteroid_api", "--proxy", upstream_url) as (url, process):
        with meteroid_api.Client(base_url=url, token=TOKEN, max_retries=0) as client:
            assert client.update_customer("cus_1", body={"name": "Ann"}).name == "Ann"
            assert _violations(url) == []
            with pytest.raises(meteroid_api.ApiResponseValidationError) as wrong_type:
                client.update_customer("cus_1", body={"name": "wrong-type"})
            with pytest.raises(meteroid_api.ApiResponseValidationError):
                client.update_customer("cus_1", body={"name": "missing"})
            with pytest.raises(meteroid_api.ApiStatusError) as teapot:
                client.update_customer("cus_1", body={"name": "teapot"})
        # An invalid request goes on to the API all the same, and is listed.
        invalid = httpx.patch(
            f"{url}/api/v1/customers/cus%201?trace=1",
            json={"name": 5},
            headers={"Authorization": f"Bearer {TOKEN}", "Prefer": "code=abc"},  # the API's to read
        )
        violations = _violations(url)
        assert httpx.post(f"{url}/__mock/reset").status_code == 204
        assert _violations(url) == []
    # The answers are the upstream's, unchanged.
    assert wrong_type.value.response.json()["id"] == 7
    assert wrong_type.value.response.headers["x-upstream"] == "yes"
    assert teapot.value.response.status_code == 418
    assert invalid.status_code == 200 and invalid.json()["name"] == 5
    # So was every request, credentials and query included.
    assert [entry["body"]["name"] for entry in api.received] == ["Ann", "wrong-type", "missing", "teapot", 5]
    assert {entry["authorization"] for entry in api.received} == {f"Bearer {TOKEN}"}
    assert api.received[-1]["query"] == "trace=1"
    assert api.received[-1]["path"] == b"/api/v1/customers/cus%201"  # as sent, its encoding untouched
    assert api.received[-1]["prefer"] == "code=abc"
    found = [(v["direction"], v["pointer"], v["expected"], v["got"]) for v in violations]
    assert found == [
        ("response", "/id", 'type: "string"', 7),
        ("response", "/name", "a required property", "absent"),
        ("response", "", "a declared status (200, 400, 401, 404, 429, 500)", 418),
        ("request", "/name", 'type: "string"', 5),
        ("response", "/name", 'type: "string"', 5),
    ]
    assert all(v["operation"] == "update_customer" and v["method"] == "PATCH" for v in violations)
    assert violations[-1]["path"] == "/api/v1/customers/cus 1"
    logged = _startup_lines(process)
    assert (
        'spec violation in the response of PATCH /api/v1/customers/cus_1 at /id: expected type: "string", got 7'
        in logged
    )
    assert TOKEN not in logged and TOKEN not in str(violations)


def test_strict_mode_refuses_an_invalid_request_in_the_api_shape_and_forwards_valid_ones(
    upstream: tuple[Upstream, str],
) -> None:
    api, upstream_url = upstream
    with mock_process("meteroid_api", "--proxy", upstream_url, "--proxy-strict") as (url, _):
        refused = httpx.patch(f"{url}{METEROID_CUSTOMER}", json={"name": 5}, headers={"Authorization": "Bearer t"})
        with meteroid_api.Client(base_url=url, token=TOKEN) as client:
            assert client.update_customer("cus_1", body={"name": "Ann"}).name == "Ann"
        violations = _violations(url)
    assert refused.status_code == 400
    assert refused.json() == {"code": "BAD_REQUEST", "message": 'invalid request: /name: 5 is not of type "string"'}
    assert [entry["body"] for entry in api.received] == [{"name": "Ann"}]  # the invalid one never left
    assert [(v["direction"], v["pointer"], v["got"]) for v in violations] == [("request", "/name", 5)]


def test_missing_credentials_are_the_apis_to_judge_even_in_strict_mode(upstream: tuple[Upstream, str]) -> None:
    api, upstream_url = upstream
    with mock_process("meteroid_api", "--proxy", upstream_url, "--proxy-strict") as (url, _):
        answer = httpx.patch(f"{url}{METEROID_CUSTOMER}", json={"name": "Ann"})
        undeclared = httpx.get(f"{url}/api/v1/invoices")
        violations = _violations(url)
    assert answer.status_code == 200
    assert api.received[0]["authorization"] is None
    assert undeclared.status_code == 404  # refused, in strict mode: the spec has no such path
    assert [(v["method"], v["path"], v["expected"]) for v in violations] == [
        ("GET", "/api/v1/invoices", "a path and method the spec declares")
    ]


def test_an_upstream_that_cannot_be_reached_is_a_502() -> None:
    closed = f"http://127.0.0.1:{_free_port()}"
    with mock_process("meteroid_api", "--proxy", closed) as (url, _):
        client = meteroid_api.Client(base_url=url, token=TOKEN, max_retries=0)
        with client, pytest.raises(meteroid_api.ApiStatusError) as failed:
            client.update_customer("cus_1", body={"name": "Ann"})
    assert failed.value.response.status_code == 502
    assert "could not be reached" in failed.value.response.text


def test_create_app_proxies_with_mock_options(upstream: tuple[Upstream, str]) -> None:
    api, upstream_url = upstream
    options = meteroid_server.MockOptions(proxy=upstream_url)
    with serve(meteroid_server.create_app(meteroid_server.InMemoryHandler(), mock=options)) as url:
        client = meteroid_api.Client(base_url=url, token=TOKEN, max_retries=0)
        with client, pytest.raises(meteroid_api.ApiResponseValidationError):
            client.update_customer("cus_1", body={"name": "wrong-type"})
        assert [v["pointer"] for v in _violations(url)] == ["/id"]
    assert len(api.received) == 1


def test_proxy_options_are_checked() -> None:
    with pytest.raises(ValueError, match="http:// or https://"):
        meteroid_server.MockOptions(proxy="ftp://example.com")
    with pytest.raises(ValueError, match="needs a proxy URL"):
        meteroid_server.MockOptions(proxy_strict=True)


def test_the_readme_example_lists_the_violations(
    upstream: tuple[Upstream, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _, upstream_url = upstream
    example = readme_section_example(GENERATED / "meteroid" / "README.md", "Validating proxy")
    with mock_process("meteroid_api", "--proxy", upstream_url) as (url, _):
        client = meteroid_api.Client(base_url=url, token=TOKEN, max_retries=0)
        with client, pytest.raises(meteroid_api.ApiResponseValidationError):
            client.update_customer("cus_1", body={"name": "wrong-type"})
        exec(compile(example.replace("http://127.0.0.1:8000", url), "README.md", "exec"), {})
    assert capsys.readouterr().out == 'response PATCH /api/v1/customers/cus_1 /id: expected type: "string" got 7\n'
