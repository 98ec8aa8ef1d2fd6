"""How long the generated mock takes to refuse hostile bodies, next to a valid request.

Meteroid's PATCH, in-process through httpx.ASGITransport as in `server_throughput`: a valid
body (answered 200) and JSON nested 256 deep in 512 bytes (answered 400 before it is
parsed) take turns request by request, so any drift of the machine reaches both alike.
Then, on their own, a megabyte of nested brackets: the most the depth check ever reads.
Each figure is the median of its requests.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from typing import Any

import httpx

from tests.support import GENERATED

REQUESTS = 300
MEGABYTE_REQUESTS = 40
WARM_UP = 20
HALF_A_MEGABYTE = 512 * 1024 - 1
VALID = "valid body (200)"
DEEP = "256 deep, 512 B (400)"
MEGABYTE = "1 MiB of brackets (400)"
BODIES = {
    VALID: (json.dumps({"name": "Acme", "phone": None, "currency": "EUR"}).encode(), 200),
    DEEP: (b"[" * 256 + b"]" * 256, 400),
    MEGABYTE: (b"[" * HALF_A_MEGABYTE + b"]" * HALF_A_MEGABYTE, 400),
}


async def _median_microseconds(app: Any) -> dict[str, float]:
    headers = {"Authorization": "Bearer tok", "Content-Type": "application/json"}
    samples: dict[str, list[float]] = {name: [] for name in BODIES}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:

        async def send(name: str, index: int) -> None:
            content, status = BODIES[name]
            started = time.perf_counter()
            response = await client.patch(f"/api/v1/customers/cus_{index % 50}", content=content, headers=headers)
            elapsed = time.perf_counter() - started
            if response.status_code != status:
                raise RuntimeError(f"{name}: answered {response.status_code}: {response.text[:200]}")
            if index >= WARM_UP:
                samples[name].append(elapsed * 1e6)

        for index in range(WARM_UP + REQUESTS):
            await send(VALID, index)
            await send(DEEP, index)
        for index in range(WARM_UP + MEGABYTE_REQUESTS):
            await send(MEGABYTE, index)
    return {name: statistics.median(values) for name, values in samples.items()}


def run() -> dict[str, float]:
    sys.path.insert(0, str(GENERATED / "meteroid"))
    import meteroid_api.server as server

    return asyncio.run(_median_microseconds(server.create_app(server.InMemoryHandler())))


def report() -> None:
    times = run()
    valid = times[VALID]
    print(f"hostile bodies (Meteroid PATCH, in-process ASGI; medians of {REQUESTS} and {MEGABYTE_REQUESTS} requests)")
    print(f"  {'body':<26}{'µs/request':>12}{'× valid':>10}")
    for name, micros in times.items():
        print(f"  {name:<26}{micros:>12.1f}{micros / valid:>10.2f}")


if __name__ == "__main__":
    report()
