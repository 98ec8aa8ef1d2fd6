"""Iterating a paged list: 10,000 items over 100 pages through the generated client, next
to the same loop written by hand with httpx.

Both rows ask the same in-process mock (the `paged.yaml` fixture's, 10,000 events
preloaded, `httpx.ASGITransport`) for the same pages, cursor after cursor, with
`AsyncClient`s on the same transport; the mock's own work is in both. The generated row
yields typed `Event` models; the hand-written one JSON dicts, and a third row validates
them into the same models, which is what the generated client does besides following
the cursor.
"""

from __future__ import annotations

import asyncio
import importlib
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

from tests.support import FIXTURES, importable, run_generator

ITEMS = 10_000
PAGE_SIZE = 100


async def _generated(api: Any, transport: httpx.ASGITransport) -> int:
    async with api.AsyncClient("http://mock", http_client=httpx.AsyncClient(transport=transport)) as client:
        return sum([1 async for _ in await client.list_events(limit=PAGE_SIZE)])


async def _by_hand(transport: httpx.ASGITransport, model: Any = None) -> int:
    count = 0
    async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        while True:
            response = await client.get("/events", params=params)
            response.raise_for_status()
            body = response.json()
            items = [model.model_validate(item) for item in body["data"]] if model else body["data"]
            count += len(items)
            if not items or not body.get("next_cursor"):
                return count
            params = {"limit": PAGE_SIZE, "cursor": body["next_cursor"]}


def run(rounds: int = 3) -> dict[str, float]:
    """Median seconds of each way of iterating, rounds run in alternation."""
    with tempfile.TemporaryDirectory() as out:
        generation = run_generator("generate", FIXTURES / "specs" / "paged.yaml", "--out", out, "--name", "paged_bench")
        if generation.returncode != 0:
            raise RuntimeError(generation.stderr)
        with importable(Path(out) / "paged_bench"):
            api = importlib.import_module("paged_bench_api")
            server = importlib.import_module("paged_bench_api.server")
            handler = server.InMemoryHandler()
            handler.preload({"/events": [{"name": f"event {n}"} for n in range(ITEMS)]}, server.COLLECTIONS)
            transport = httpx.ASGITransport(server.create_app(handler))
            ways: dict[str, Callable[[], Awaitable[int]]] = {
                "generated client": lambda: _generated(api, transport),
                "httpx by hand (dicts)": lambda: _by_hand(transport),
                "httpx by hand (models)": lambda: _by_hand(transport, api.Event),
            }
            samples: dict[str, list[float]] = {name: [] for name in ways}
            for _ in range(rounds):
                for name, way in ways.items():
                    started = time.perf_counter()
                    count = asyncio.run(way())
                    samples[name].append(time.perf_counter() - started)
                    if count != ITEMS:
                        raise RuntimeError(f"{name} iterated {count} items, not {ITEMS}")
            return {name: statistics.median(values) for name, values in samples.items()}


def report() -> None:
    print(f"paged list: {ITEMS:,} items over {ITEMS // PAGE_SIZE} pages from the in-process mock (median s of 3)")
    times = run()
    baseline = times["httpx by hand (dicts)"]
    for name, seconds in times.items():
        print(f"  {name:<26}{seconds:>8.3f} s{seconds / baseline:>7.2f}×")


if __name__ == "__main__":
    report()
