"""The Events API fixture (`tests/fixtures/specs/events.yaml`) generated once per session,
for the tests of streamed responses and server-sent events."""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tests.support import FIXTURES, run_generator


@pytest.fixture(scope="session")
def events_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The generated package's directory, importable as `events_api` for the session."""
    out = tmp_path_factory.mktemp("events")
    run = run_generator("generate", FIXTURES / "specs" / "events.yaml", "--out", out, "--name", "events")
    assert run.returncode == 0, run.stderr
    folder = Path(out) / "events"
    sys.path.insert(0, str(folder))
    try:
        yield folder
    finally:
        sys.path.remove(str(folder))


@pytest.fixture(scope="session")
def events_api(events_package: Path) -> ModuleType:
    return importlib.import_module("events_api")


def call(flavour: str, api: ModuleType, url: str, operation: Callable[[Any], Any], **options: Any) -> Any:
    """`operation(client)` with a fresh Client, or AsyncClient (awaited), of the API at `url`."""
    options = {"token": "t0ken", "max_retries": 0, **options}
    if flavour == "sync":
        with api.Client(url, **options) as client:
            return operation(client)

    async def in_loop() -> Any:
        async with api.AsyncClient(url, **options) as client:
            return await operation(client)

    return asyncio.run(in_loop())
