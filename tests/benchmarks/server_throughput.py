"""The generated mock's requests per second next to a hand-written FastAPI endpoint.

Both serve Meteroid's PATCH with the same models and the same work: check the bearer
token, validate the body, merge it into a record kept in a dict, validate and serialize
the response. Both are driven in-process through httpx.ASGITransport, so the figures are
the apps' own cost, without network or server noise.
"""

# No `from __future__ import annotations`: FastAPI reads the endpoint's annotations at run time.

import asyncio
import copy
import statistics
import sys
import time
from typing import Annotated, Any

import httpx
from fastapi import FastAPI, Header, HTTPException, Response

from tests.support import GENERATED

REQUESTS = 400
ROUNDS = 7
BODY = {"name": "Acme", "phone": None, "currency": "EUR"}


def hand_written_app(models: Any, example: dict[str, Any]) -> FastAPI:
    app = FastAPI(openapi_url=None)
    records: dict[str, dict[str, Any]] = {}

    @app.patch("/api/v1/customers/{id_or_alias}")
    async def patch_customer(
        id_or_alias: str, body: models.CustomerPatchRequest, authorization: Annotated[str, Header()] = ""
    ) -> Response:
        if not authorization.startswith("Bearer ") or not authorization[7:].strip():
            raise HTTPException(401)
        record = records.get(id_or_alias) or copy.deepcopy(example)
        record.update(body.model_dump(mode="json", by_alias=True, exclude_unset=True))
        records[id_or_alias] = record
        customer = models.Customer.model_validate(record)
        return Response(customer.model_dump_json(by_alias=True, exclude_unset=True), media_type="application/json")

    return app


async def _per_request_microseconds(apps: dict[str, Any]) -> dict[str, float]:
    clients = {
        name: httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench")
        for name, app in apps.items()
    }
    headers = {"Authorization": "Bearer tok"}
    samples: dict[str, list[float]] = {name: [] for name in apps}
    for round_number in range(ROUNDS + 1):
        for name, client in clients.items():
            started = time.perf_counter()
            for index in range(REQUESTS):
                response = await client.patch(f"/api/v1/customers/cus_{index % 50}", json=BODY, headers=headers)
                if response.status_code != 200:
                    raise RuntimeError(f"{name} answered {response.status_code}: {response.text}")
            if round_number:  # the first round warms up
                samples[name].append((time.perf_counter() - started) / REQUESTS * 1e6)
    for client in clients.values():
        await client.aclose()
    return {name: statistics.median(values) for name, values in samples.items()}


def run() -> dict[str, float]:
    sys.path.insert(0, str(GENERATED / "meteroid"))
    import meteroid_api._routes.customers as customer_routes
    import meteroid_api.models as models
    import meteroid_api.server as server

    apps = {
        "generated mock": server.create_app(server.InMemoryHandler()),
        "hand-written": hand_written_app(models, customer_routes._UPDATE_CUSTOMER_EXAMPLE),
    }
    return asyncio.run(_per_request_microseconds(apps))


def report() -> None:
    times = run()
    generated, hand_written = times["generated mock"], times["hand-written"]
    print("server throughput (Meteroid PATCH, in-process ASGI; goal: mock ≥ 0.9× hand-written)")
    print(f"  {'app':<16}{'µs/request':>12}{'requests/s':>12}")
    for name, micros in times.items():
        print(f"  {name:<16}{micros:>12.1f}{1e6 / micros:>12.0f}")
    print(f"  mock / hand-written throughput: {hand_written / generated:.2f}×")


if __name__ == "__main__":
    report()
