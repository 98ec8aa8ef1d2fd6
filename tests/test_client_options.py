"""Per-client and per-call options of the generated clients, over real HTTP, sync and async:
`with_options`/`copy`, `default_headers` and `default_query`, and each operation's
`extra_headers`, `extra_query`, `extra_body`, `timeout` and `max_retries`."""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import logging
from types import ModuleType
from typing import Any

import httpx
import pytest
from starlette.responses import JSONResponse, Response

from tests.shop_api_support import FLAVOURS, ITEM, Received, Shop, run, run_readme_example
from tests.support import GENERATED

PER_CALL = ("extra_headers", "extra_query", "extra_body", "timeout", "max_retries")


def _operations(client_class: type) -> list[tuple[str, Any]]:
    return [
        (name, member)
        for name, member in inspect.getmembers(client_class, inspect.isfunction)
        if not name.startswith("_") and name not in ("copy", "with_options", "close", "aclose")
    ]


@pytest.mark.parametrize("name", sorted(path.name for path in GENERATED.iterdir() if path.is_dir()))
def test_every_operation_takes_the_per_call_options_keyword_only(name: str) -> None:
    package = importlib.import_module(f"{name}_api")
    for client_class in (package.Client, package.AsyncClient):
        operations = _operations(client_class)
        assert operations, client_class
        for operation_name, operation in operations:
            parameters = inspect.signature(operation).parameters
            for option in PER_CALL:
                assert parameters[option].kind is inspect.Parameter.KEYWORD_ONLY, (operation_name, option)


def _with(flavour: str, api: ModuleType, shop: Shop, use: Any, **options: Any) -> Any:
    """`use(client)` with a client made with `options`; `use` may return an awaitable."""

    async def awaited(client: Any) -> Any:
        result = use(client)
        return await result if inspect.isawaitable(result) else result

    return run(flavour, api, shop, (lambda client: use(client)) if flavour == "sync" else awaited, **options)


@FLAVOURS
def test_with_options_changes_a_copy_that_shares_the_connection_pool(
    flavour: str, shop_api: ModuleType, shop: Shop
) -> None:
    def use(client: Any) -> Any:
        copied = client.with_options(timeout=7.0, max_retries=5, default_headers={"X-Tenant": "acme"})
        assert copied is not client and type(copied) is type(client)
        assert copied._http_client is client._http_client
        assert (copied.timeout, copied.max_retries, client.timeout, client.max_retries) == (7.0, 5, 60.0, 0)
        assert copied.base_url == client.base_url

        async def both() -> None:
            await copied.get_item(1)
            if flavour == "async":
                await copied.aclose()  # the pool is the original's: it stays open
            await client.get_item(2)

        if flavour == "sync":
            copied.get_item(1)
            copied.close()
            client.get_item(2)
            return None
        return both()

    _with(flavour, shop_api, shop, use)
    assert shop.received[0].headers.get("x-tenant") == "acme"
    assert "x-tenant" not in shop.received[1].headers
    assert shop.received[1].path == "/items/2"


@FLAVOURS
def test_a_copy_takes_new_credentials_a_new_base_url_and_its_own_http_client(
    flavour: str, shop_api: ModuleType, shop: Shop
) -> None:
    def use(client: Any) -> Any:
        renamed = client.copy(token="n3w-token")
        moved = client.copy(base_url=shop.url + "/v2")
        http_client = httpx.Client() if flavour == "sync" else httpx.AsyncClient()
        own = client.copy(http_client=http_client)
        assert own._http_client is http_client
        calls = [renamed.get_item(1), moved.get_item(2), own.get_item(3), client.get_item(4)]
        if flavour == "sync":
            http_client.close()  # type: ignore[union-attr]
            return calls

        async def gather() -> list[Any]:
            results = [await call for call in calls]
            await http_client.aclose()  # type: ignore[union-attr]
            return results

        return gather()

    _with(flavour, shop_api, shop, use)
    sent = [(r.path, r.headers["authorization"]) for r in shop.received]
    assert sent == [
        ("/items/1", "Bearer n3w-token"),
        ("/v2/items/2", "Bearer t0ken"),
        ("/items/3", "Bearer t0ken"),
        ("/items/4", "Bearer t0ken"),
    ]


@FLAVOURS
def test_default_headers_and_query_go_with_every_call_under_the_calls_own(
    flavour: str, shop_api: ModuleType, shop: Shop
) -> None:
    defaults = {"default_headers": {"X-Tenant": "acme"}, "default_query": {"expand": "label", "locale": "fr"}}
    _with(flavour, shop_api, shop, lambda c: c.get_item(1), **defaults)
    _with(flavour, shop_api, shop, lambda c: c.get_item(1, expand="pet"), **defaults)
    _with(flavour, shop_api, shop, lambda c: c.get_item(1, extra_query={"locale": "de", "v": 2}), **defaults)
    assert [r.query for r in shop.received] == [
        "expand=label&locale=fr",
        "locale=fr&expand=pet",
        "expand=label&locale=de&v=2",
    ]
    assert all(r.headers["x-tenant"] == "acme" for r in shop.received)


@FLAVOURS
def test_set_default_headers_replace_those_default_headers_add_to(
    flavour: str, shop_api: ModuleType, shop: Shop
) -> None:
    def use(client: Any) -> Any:
        added = client.with_options(default_headers={"X-Extra": "1"})
        replaced = client.with_options(set_default_headers={"X-Only": "1"})
        assert added.default_headers["X-Tenant"] == "acme" and added.default_headers["X-Extra"] == "1"
        assert "X-Tenant" not in replaced.default_headers and replaced.default_headers["X-Only"] == "1"
        with pytest.raises(ValueError, match="not both"):
            client.with_options(default_headers={"A": "1"}, set_default_headers={"B": "2"})
        return replaced.get_item(1)

    _with(flavour, shop_api, shop, use, default_headers={"X-Tenant": "acme"})
    assert "x-tenant" not in shop.received[-1].headers and shop.received[-1].headers["x-only"] == "1"


@FLAVOURS
def test_extra_headers_win_over_every_other_header(flavour: str, shop_api: ModuleType, shop: Shop) -> None:
    headers = {"X-Tenant": "beta", "User-Agent": "mine/1"}
    _with(flavour, shop_api, shop, lambda c: c.get_item(1, extra_headers=headers), default_headers={"X-Tenant": "a"})
    assert shop.received[-1].headers["x-tenant"] == "beta"
    assert shop.received[-1].headers["user-agent"] == "mine/1"


@FLAVOURS
def test_extra_body_merges_into_a_json_body_and_a_form(flavour: str, shop_api: ModuleType, shop: Shop) -> None:
    extra = {"colour": "red", "name": "lamp (new)"}
    _with(flavour, shop_api, shop, lambda c: c.create_item(body={"name": "lamp", "status": "active"}, extra_body=extra))
    assert json.loads(shop.received[-1].body) == {"name": "lamp (new)", "status": "active", "colour": "red"}
    assert shop.received[-1].headers["content-type"] == "application/json"

    shop.answers({"filename": "f", "content_type": "x", "size": 1})
    _with(flavour, shop_api, shop, lambda c: c.upload_file(body={"file": b"x"}, extra_body={"folder": "reports"}))
    assert shop.received[-1].form["folder"] == "reports"
    assert shop.received[-1].form["file"][1] == b"x"


@FLAVOURS
def test_extra_body_alone_is_sent_as_a_json_object(flavour: str, shop_api: ModuleType, shop: Shop) -> None:
    shop.answers([ITEM])
    _with(flavour, shop_api, shop, lambda c: c.list_items(extra_body={"filter": {"status": "active"}}))
    assert json.loads(shop.received[-1].body) == {"filter": {"status": "active"}}
    assert shop.received[-1].headers["content-type"] == "application/json"


@FLAVOURS
def test_extra_body_cannot_go_with_a_raw_body(flavour: str, shop_api: ModuleType, shop: Shop) -> None:
    with pytest.raises(TypeError, match="extra_body needs a body of fields"):
        _with(flavour, shop_api, shop, lambda c: c.put_file_content("a", body=b"x", extra_body={"k": 1}))
    assert shop.received == []


@FLAVOURS
def test_a_calls_timeout_replaces_the_clients(flavour: str, shop_api: ModuleType, shop: Shop) -> None:
    async def slow(received: Received) -> Response:
        await asyncio.sleep(1.0)
        return JSONResponse(ITEM)

    shop.answer = slow
    with pytest.raises(shop_api.ApiTimeoutError):
        _with(flavour, shop_api, shop, lambda c: c.get_item(1, timeout=0.1))
    with pytest.raises(shop_api.ApiTimeoutError):
        _with(flavour, shop_api, shop, lambda c: c.with_options(timeout=0.1).get_item(1))


@FLAVOURS
def test_a_calls_max_retries_replaces_the_clients(flavour: str, shop_api: ModuleType, shop: Shop) -> None:
    shop.answers({"message": "busy"}, status=503, headers={"Retry-After": "0"})
    with pytest.raises(shop_api.InternalServerError):
        _with(flavour, shop_api, shop, lambda c: c.get_item(1, max_retries=2))  # the client's: 0
    assert len(shop.received) == 3
    shop.received.clear()
    with pytest.raises(shop_api.InternalServerError):
        _with(flavour, shop_api, shop, lambda c: c.get_item(1, max_retries=0), max_retries=3)
    assert len(shop.received) == 1


@FLAVOURS
def test_raw_responses_of_a_copy_use_its_options(flavour: str, shop_api: ModuleType, shop: Shop) -> None:
    raw = _with(
        flavour,
        shop_api,
        shop,
        lambda c: c.with_options(default_headers={"X-Tenant": "acme"}).with_raw_response.get_item(1),
    )
    assert raw.status_code == 200 and raw.parsed.name == "lamp"
    assert shop.received[-1].headers["x-tenant"] == "acme"


@FLAVOURS
def test_a_copys_credentials_stay_out_of_the_log(
    flavour: str, shop_api: ModuleType, shop: Shop, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="shop_api"):
        _with(flavour, shop_api, shop, lambda c: c.with_options(token="s3cret-copy").get_item(1, extra_query={"q": 1}))
    assert shop.received[-1].headers["authorization"] == "Bearer s3cret-copy"
    assert "GET" in caplog.text and "s3cret-copy" not in caplog.text


def test_the_readme_example_runs(
    shop_api: ModuleType, shop: Shop, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    output = run_readme_example(shop_api, shop, "Options per client and per call", monkeypatch, capsys)
    assert "name='lamp'" in output
    sent = shop.received[-1]
    assert (sent.path, sent.query) == ("/items/0", "locale=fr")
    assert (sent.headers["x-tenant"], sent.headers["x-debug"]) == ("acme", "1")
