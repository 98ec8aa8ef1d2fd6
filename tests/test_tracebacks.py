"""A traceback leads to the operation: a failing handler, and a failing client call, pass
through a module-level function (or a client class's method) in the module of the
operation's tag, `_routes/customers.py` and `_resources/customers.py`, never through a
closure such as `create_app.<locals>.update_customer`."""

from __future__ import annotations

import asyncio
import logging
import traceback
from pathlib import Path
from typing import Any

import meteroid_api
import meteroid_api._routes.customers as customer_routes
import meteroid_api.server as meteroid_server
import pytest

from tests.support import serve


class _FailingHandler(meteroid_server.InMemoryHandler):  # type: ignore[misc]
    async def update_customer(self, *args: Any, **kwargs: Any) -> meteroid_api.Customer:
        raise RuntimeError("the database is down")


def _frames(error: BaseException) -> list[traceback.FrameSummary]:
    return list(traceback.extract_tb(error.__traceback__))


def _in_module(frames: list[traceback.FrameSummary], *parts: str) -> list[traceback.FrameSummary]:
    return [frame for frame in frames if Path(frame.filename).parts[-len(parts) :] == parts]


def test_a_failing_handler_is_logged_through_its_route_function(caplog: pytest.LogCaptureFixture) -> None:
    with (
        caplog.at_level(logging.ERROR, logger="meteroid_api.server"),
        serve(meteroid_server.create_app(_FailingHandler())) as url,
        meteroid_api.Client(url, token="secret123", max_retries=0) as client,
        pytest.raises(meteroid_api.InternalServerError),
    ):
        client.update_customer("cus_1", body={"name": "Acme"})
    logged = [record for record in caplog.records if record.exc_info and record.exc_info[1] is not None]
    assert logged, [record.getMessage() for record in caplog.records]
    error = logged[0].exc_info[1]  # type: ignore[index]
    assert isinstance(error, RuntimeError) and str(error) == "the database is down"
    routes = _in_module(_frames(error), "meteroid_api", "_routes", "customers.py")
    assert [frame.name for frame in routes] == ["update_customer"]
    # The route is a function of the module itself, importable by its name.
    route = customer_routes.update_customer
    assert route.__qualname__ == "update_customer" and route.__module__ == "meteroid_api._routes.customers"
    assert routes[0].lineno is not None and route.__code__.co_firstlineno <= routes[0].lineno


def test_a_failing_client_call_is_raised_through_its_tag_module() -> None:
    async def call_async(url: str) -> None:
        async with meteroid_api.AsyncClient(url, token="secret123", max_retries=0) as client:
            await client.update_customer("cus_1", body={"name": "Acme"})

    with serve(meteroid_server.create_app(_FailingHandler())) as url:
        with (
            meteroid_api.Client(url, token="secret123", max_retries=0) as client,
            pytest.raises(meteroid_api.InternalServerError) as sync_failure,
        ):
            client.update_customer("cus_1", body={"name": "Acme"})
        with pytest.raises(meteroid_api.InternalServerError) as async_failure:
            asyncio.run(call_async(url))
    for caught in (sync_failure, async_failure):
        frames = _frames(caught.value)
        assert [frame.name for frame in _in_module(frames, "meteroid_api", "_resources", "customers.py")] == [
            "update_customer"
        ]
        assert not _in_module(frames, "meteroid_api", "client.py")  # not a module the size of the API
    for client_class, resource in (
        (meteroid_api.Client, "CustomersResource"),
        (meteroid_api.AsyncClient, "AsyncCustomersResource"),
    ):
        method = client_class.update_customer
        assert method.__qualname__ == f"{resource}.update_customer"
        assert method.__module__ == "meteroid_api._resources.customers"
