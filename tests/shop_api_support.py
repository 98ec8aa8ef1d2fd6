"""The Shop API fixture (`tests/fixtures/specs/shop.yaml`) generated and served, for the
tests of the client's features beyond the spec's operations.

`Shop` is a Starlette app on a real port that keeps every request it receives and answers
with whatever the test sets (`shop.answer = ...`). `run` calls an operation through the
package's `Client` or `AsyncClient`, so that every test runs sync and async alike.
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from tests.support import FIXTURES, run_generator, serve

FLAVOURS = pytest.mark.parametrize("flavour", ["sync", "async"])
ITEM: dict[str, Any] = {"id": 1, "name": "lamp", "status": "active"}


@dataclass
class Received:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    form: dict[str, Any] = field(default_factory=dict)  # a multipart body's parts, the last of each name
    parts: list[tuple[str, Any]] = field(default_factory=list)  # every part, in order


Answer = Callable[[Received], Awaitable[Response]]


async def _item(received: Received) -> Response:
    return JSONResponse(ITEM)


@dataclass
class Shop:
    url: str = ""
    received: list[Received] = field(default_factory=list)
    answer: Answer = _item

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        body = await request.body()
        parts: list[tuple[str, Any]] = []
        if request.headers.get("content-type", "").startswith("multipart/form-data"):
            async with request.form() as form:
                for name, part in form.multi_items():
                    if isinstance(part, str):
                        parts.append((name, part))
                    else:
                        parts.append((name, (part.filename, await part.read(), part.content_type)))
        self.received.append(
            Received(
                request.method,
                request.url.path,
                scope["query_string"].decode(),
                dict(request.headers),
                body,
                dict(parts),
                parts,
            )
        )
        response = await self.answer(self.received[-1])
        await response(scope, receive, send)

    def answers(self, body: Any, status: int = 200, headers: dict[str, str] | None = None) -> None:
        async def answer(received: Received) -> Response:
            return JSONResponse(body, status_code=status, headers=headers)

        self.answer = answer


@pytest.fixture(scope="session")
def shop_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    out = tmp_path_factory.mktemp("shop")
    run = run_generator("generate", FIXTURES / "specs" / "shop.yaml", "--out", out, "--name", "shop")
    assert run.returncode == 0, run.stderr
    folder = str(Path(out) / "shop")
    sys.path.insert(0, folder)
    try:
        yield importlib.import_module("shop_api")
    finally:
        sys.path.remove(folder)


@pytest.fixture(scope="session")
def shop_server() -> Iterator[Shop]:
    shop = Shop()
    with serve(shop) as url:
        shop.url = url
        yield shop


@pytest.fixture
def shop(shop_server: Shop) -> Shop:
    """The shop with nothing received yet, answering every request with `ITEM`."""
    shop_server.received.clear()
    shop_server.answer = _item
    return shop_server


def run(flavour: str, api: ModuleType, shop: Shop, operation: Callable[[Any], Any], **options: Any) -> Any:
    """`operation(client)` with a fresh Client (or AsyncClient, awaited) of the shop."""
    options = {"token": "t0ken", "max_retries": 0, **options}
    if flavour == "sync":
        with api.Client(shop.url, **options) as client:
            return operation(client)

    async def in_loop() -> Any:
        async with api.AsyncClient(shop.url, **options) as client:
            return await operation(client)

    return asyncio.run(in_loop())


def readme_example(api: ModuleType, heading: str) -> str:
    """The Python example under `## heading` in the package's README."""
    readme = (Path(str(api.__file__)).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def run_readme_example(
    api: ModuleType, shop: Shop, heading: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> str:
    """Run the README's example under `heading` against the shop, as a user would; its output."""
    monkeypatch.setenv("SHOP_BASE_URL", shop.url)
    monkeypatch.setenv("SHOP_TOKEN", "t0ken")
    exec(compile(readme_example(api, heading), f"README.md ({heading})", "exec"), {})
    return capsys.readouterr().out
