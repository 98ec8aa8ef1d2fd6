"""The generated clients' per-call cost next to raw httpx making the same call.

Both send the same request to the same in-process app (an httpx.MockTransport handler
that answers with the spec's example response), so the difference is what the generated
client adds: validating and encoding the body, authentication, parsing the typed model.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from typing import Any

import httpx

from tests.benchmarks.timing import per_call_microseconds
from tests.support import GENERATED

CASES: dict[str, dict[str, Any]] = {
    "chargeover": {
        "path": "/api/v3/customer/1234",
        "id": 1234,
        "method": "PUT",
        "status": 202,
        "credentials": {"username": "u", "password": "p"},
        "body": {"company": "Acme", "no_dunning": True},
    },
    "meteroid": {
        "path": "/api/v1/customers/cus_1",
        "id": "cus_1",
        "method": "PATCH",
        "status": 200,
        "credentials": {"token": "t"},
        "body": {"name": "Acme", "phone": None},
    },
}


def _example(package: str) -> Any:
    """The spec's example response of update_customer, as the package's mock answers it."""
    routes = importlib.import_module(f"{package}._routes")
    for module in pkgutil.iter_modules(routes.__path__):
        found = vars(importlib.import_module(f"{routes.__name__}.{module.name}")).get("_UPDATE_CUSTOMER_EXAMPLE")
        if found is not None:
            return found
    raise LookupError(f"{package} has no example for update_customer")


def _app(package: str, status: int) -> httpx.MockTransport:
    example = _example(package)
    content = json.dumps(example).encode()
    headers = {"content-type": "application/json"}
    return httpx.MockTransport(lambda request: httpx.Response(status, content=content, headers=headers))


def run(calls: int = 1000, rounds: int = 15) -> list[tuple[str, float, float]]:
    for name in CASES:
        sys.path.insert(0, str(GENERATED / name))
    rows = []
    for name, case in CASES.items():
        package = importlib.import_module(f"{name}_api")
        transport = _app(f"{name}_api", case["status"])
        generated = package.Client(
            "https://api.test", **case["credentials"], http_client=httpx.Client(transport=transport)
        )
        raw = httpx.Client(transport=transport, base_url="https://api.test")
        auth = {"auth": ("u", "p")} if "username" in case["credentials"] else {"headers": {"Authorization": "Bearer t"}}

        def with_generated_client(client: Any = generated, case: dict[str, Any] = case) -> object:
            return client.update_customer(case["id"], body=case["body"])

        def with_raw_httpx(
            client: httpx.Client = raw, case: dict[str, Any] = case, auth: dict[str, Any] = auth
        ) -> object:
            response = client.request(case["method"], case["path"], json=case["body"], **auth)
            response.raise_for_status()
            return response.json()

        times = per_call_microseconds(
            {"generated": with_generated_client, "raw": with_raw_httpx}, calls=calls, rounds=rounds, best=True
        )
        rows.append((name, times["generated"], times["raw"]))
    return rows


def report() -> None:
    print(
        "client per-call cost (µs, best of 15 alternating rounds of 1,000 calls; in-process app; goal: generated ≤ 1.05× raw httpx)"
    )
    print(f"  {'api':<12}{'generated':>12}{'raw httpx':>12}{'ratio':>8}")
    for name, generated, raw in run():
        print(f"  {name:<12}{generated:>12.1f}{raw:>12.1f}{generated / raw:>7.2f}×")


if __name__ == "__main__":
    report()
