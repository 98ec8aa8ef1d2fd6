"""Each generated client talks to its generated server over real HTTP on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import bigcapital_api
import bigcapital_api.server
import chargeover_api
import chargeover_api.server
import httpx
import meteroid_api
import meteroid_api.server
import pytest
import sequence_api
import sequence_api.server

from tests.support import SEQUENCE_BODY, SEQUENCE_ID, serve


@pytest.fixture(scope="module")
def mocks() -> Iterator[dict[str, str]]:
    """The four mock servers, each on its own port."""
    apps = {
        "bigcapital": bigcapital_api.server.create_app(bigcapital_api.server.InMemoryHandler()),
        "chargeover": chargeover_api.server.create_app(chargeover_api.server.InMemoryHandler()),
        "meteroid": meteroid_api.server.create_app(meteroid_api.server.InMemoryHandler()),
        "sequence": sequence_api.server.create_app(sequence_api.server.InMemoryHandler()),
    }
    with (
        serve(apps["bigcapital"]) as b,
        serve(apps["chargeover"]) as c,
        serve(apps["meteroid"]) as m,
        serve(apps["sequence"]) as s,
    ):
        yield {"bigcapital": b, "chargeover": c, "meteroid": m, "sequence": s}


def _recording_client(sent: list[dict[str, Any]]) -> httpx.Client:
    def record(request: httpx.Request) -> None:
        sent.append(json.loads(request.content) if request.content else {})

    return httpx.Client(event_hooks={"request": [record]})


def test_bigcapital_sync_and_async(mocks: dict[str, str]) -> None:
    body = bigcapital_api.CustomerEditRequest(customer_type=bigcapital_api.CustomerType.BUSINESS, display_name="Acme")
    with bigcapital_api.Client(mocks["bigcapital"], token="bc_secret") as client:
        customer = client.update_customer(7, body=body)
    assert isinstance(customer, bigcapital_api.Customer)
    assert customer.display_name == "Acme"

    async def call() -> bigcapital_api.Customer:
        async with bigcapital_api.AsyncClient(mocks["bigcapital"], token="bc_secret") as client:
            return await client.update_customer(
                7, body={"customerType": "individual", "displayName": "Jo", "active": False}
            )

    customer = asyncio.run(call())
    assert isinstance(customer, bigcapital_api.Customer)
    assert (customer.display_name, customer.active) == ("Jo", False)


def test_chargeover_sync_and_async(mocks: dict[str, str]) -> None:
    with chargeover_api.Client(mocks["chargeover"], username="user", password="key") as client:
        raw = client.with_raw_response.update_customer(1234, body={"company": "Acme", "no_dunning": True})
    assert raw.status_code == 202
    assert isinstance(raw.parsed, chargeover_api.UpdateCustomerResponse)
    assert raw.parsed.response.id == 1234

    async def call() -> chargeover_api.UpdateCustomerResponse:
        async with chargeover_api.AsyncClient(mocks["chargeover"], username="user", password="key") as client:
            return await client.update_customer(99, body=chargeover_api.CustomerUpdate(parent_customer_id=None))

    result = asyncio.run(call())
    assert isinstance(result, chargeover_api.UpdateCustomerResponse)
    assert result.response.id == 99


def test_meteroid_partial_update_sends_only_what_was_set(mocks: dict[str, str]) -> None:
    sent: list[dict[str, Any]] = []
    with meteroid_api.Client(mocks["meteroid"], token="secret", http_client=_recording_client(sent)) as client:
        customer = client.update_customer("cus_1", body={"phone": None})
        assert sent == [{"phone": None}]
        assert customer.phone is None
        assert customer.name == "Acme Corporation"  # untouched fields keep the stored values
        renamed = client.update_customer("cus_1", body=meteroid_api.CustomerPatchRequest(name="Renamed"))
        assert sent[-1] == {"name": "Renamed"}
        assert (renamed.name, renamed.phone) == ("Renamed", None)  # the earlier PATCH stuck

    async def call() -> meteroid_api.Customer:
        async with meteroid_api.AsyncClient(mocks["meteroid"], token="secret") as client:
            return await client.update_customer("cus_2", body={"currency": "JPY"})

    customer = asyncio.run(call())
    assert isinstance(customer, meteroid_api.Customer)
    assert customer.currency is meteroid_api.Currency.JPY


def test_sequence_sync_and_async(mocks: dict[str, str]) -> None:
    with sequence_api.Client(mocks["sequence"], username="user", password="key") as client:
        customer = client.update_customer(SEQUENCE_ID, body=SEQUENCE_BODY)
    assert isinstance(customer, sequence_api.Customer)
    assert (str(customer.id), customer.legal_name, customer.tax_status) == (
        SEQUENCE_ID,
        "John Doe",
        sequence_api.TaxStatus.TAXED,
    )

    async def call() -> sequence_api.Customer:
        async with sequence_api.AsyncClient(mocks["sequence"], username="user", password="key") as client:
            return await client.update_customer(SEQUENCE_ID, body={**SEQUENCE_BODY, "label": "VIP"})

    assert asyncio.run(call()).label == "VIP"


def test_request_models_keep_not_sent_apart_from_null() -> None:
    body = meteroid_api.CustomerPatchRequest(phone=None, alias="acme")
    assert body.model_dump(exclude_unset=True, by_alias=True) == {"phone": None, "alias": "acme"}
    body = bigcapital_api.CustomerEditRequest.model_validate(
        {"customerType": "business", "displayName": "D", "note": "n"}
    )
    assert body.model_dump(exclude_unset=True, by_alias=True) == {
        "customerType": "business",
        "displayName": "D",
        "note": "n",
    }


def test_errors_come_back_typed_in_the_api_shape(mocks: dict[str, str]) -> None:
    # Raw httpx, so the client's own validation does not stop the bad body first.
    response = httpx.patch(
        f"{mocks['meteroid']}/api/v1/customers/cus_1", json={"currency": "XXX"}, headers={"Authorization": "Bearer t"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "BAD_REQUEST"
    assert "/currency" in response.json()["message"]
    with (
        meteroid_api.Client(mocks["meteroid"], token="t") as client,
        pytest.raises(meteroid_api.AuthenticationError) as caught,
    ):
        client.update_customer("cus_1", body={}, extra_headers={"Authorization": "Basic bm9wZQ=="})
    assert caught.value.status_code == 401
    assert caught.value.body == meteroid_api.RestErrorResponse(
        code=meteroid_api.ErrorCode.UNAUTHORIZED, message="Missing or invalid bearer token."
    )
