"""`client.with_streaming_response.<operation>(...)`: the body read as it arrives, over
real HTTP, sync and async, through the package generated from `events.yaml`."""

from __future__ import annotations

import tracemalloc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.events_api_support import call
from tests.shop_api_support import FLAVOURS, readme_example
from tests.support import mypy_strict, serve

CHUNK = bytes(range(256)) * 256  # 64 KiB
LARGE_BODY_SIZE = 50 * 1024 * 1024
LINES = "id,name\n1,lamp\n2,chair\n"


async def _export(request: Request) -> Response:
    export_id = int(request.path_params["export_id"])
    if export_id == 404:
        return JSONResponse({"message": "no such export"}, status_code=404, headers={"X-Request-Id": "req-404"})
    if export_id == 2:
        return Response(LINES, media_type="text/csv", headers={"X-Request-Id": "req-2"})

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(LARGE_BODY_SIZE // len(CHUNK)):
            yield CHUNK  # the same object every time: the server holds one chunk, never the body

    return StreamingResponse(
        chunks(),
        media_type="application/octet-stream",
        headers={"X-Request-Id": "req-1", "Content-Length": str(LARGE_BODY_SIZE)},
    )


async def _summary(request: Request) -> Response:
    return JSONResponse({"id": int(request.path_params["export_id"]), "rows": 2, "format": "csv"})


@pytest.fixture(scope="module")
def exports_url() -> Iterator[str]:
    app = Starlette(
        routes=[Route("/exports/{export_id}", _export), Route("/exports/{export_id}/summary", _summary)],
    )
    with serve(app) as url:
        yield url


@FLAVOURS
def test_a_large_download_is_read_in_chunks_without_holding_the_body(
    flavour: str, events_api: ModuleType, exports_url: str
) -> None:
    seen: dict[str, Any] = {}

    def consume(chunks: list[int], chunk: bytes) -> None:
        if not chunks:
            seen["first"] = chunk[:4]
            # From the first chunk on: what the body costs, not the imports and the connection.
            tracemalloc.reset_peak()
            seen["baseline"] = tracemalloc.get_traced_memory()[0]
        chunks.append(len(chunk))

    def sync(client: Any) -> list[int]:
        chunks: list[int] = []
        with client.with_streaming_response.download_export(1) as response:
            seen.update(status=response.status_code, request_id=response.request_id, type=type(response).__name__)
            for chunk in response.iter_bytes():
                consume(chunks, chunk)
        seen["closed"] = response.http_response.is_closed
        return chunks

    async def asynchronous(client: Any) -> list[int]:
        chunks: list[int] = []
        async with client.with_streaming_response.download_export(1) as response:
            seen.update(status=response.status_code, request_id=response.request_id, type=type(response).__name__)
            async for chunk in response.iter_bytes():
                consume(chunks, chunk)
        seen["closed"] = response.http_response.is_closed
        return chunks

    tracemalloc.start()
    try:
        chunks = call(flavour, events_api, exports_url, sync if flavour == "sync" else asynchronous)
        peak = tracemalloc.get_traced_memory()[1] - seen.pop("baseline")
    finally:
        tracemalloc.stop()
    assert sum(chunks) == LARGE_BODY_SIZE
    assert len(chunks) > 100  # it arrived piece by piece, not as one read
    assert seen == {
        "status": 200,
        "request_id": "req-1",
        "type": "StreamedResponse" if flavour == "sync" else "AsyncStreamedResponse",
        "first": CHUNK[:4],
        "closed": True,
    }
    assert peak < LARGE_BODY_SIZE / 20, f"peak {peak / 1e6:.1f} MB more while streaming {LARGE_BODY_SIZE / 1e6:.0f} MB"


@FLAVOURS
def test_lines_text_and_the_parsed_model(flavour: str, events_api: ModuleType, exports_url: str) -> None:
    def sync(client: Any) -> tuple[Any, ...]:
        with client.with_streaming_response.download_export(2) as response:
            lines = list(response.iter_lines())
        with client.with_streaming_response.download_export(2) as response:
            text = "".join(response.iter_text())
        with client.with_streaming_response.download_export(2) as response:
            raw = response.parse()
        with client.with_streaming_response.get_export_summary(7) as response:
            summary = response.parse()
        return lines, text, raw, summary

    async def asynchronous(client: Any) -> tuple[Any, ...]:
        async with client.with_streaming_response.download_export(2) as response:
            lines = [line async for line in response.iter_lines()]
        async with client.with_streaming_response.download_export(2) as response:
            text = "".join([chunk async for chunk in response.iter_text()])
        async with client.with_streaming_response.download_export(2) as response:
            raw = await response.parse()
        async with client.with_streaming_response.get_export_summary(7) as response:
            summary = await response.parse()
        return lines, text, raw, summary

    lines, text, raw, summary = call(flavour, events_api, exports_url, sync if flavour == "sync" else asynchronous)
    assert lines == ["id,name", "1,lamp", "2,chair"]
    assert text == LINES
    assert raw == LINES.encode()
    assert isinstance(summary, events_api.ExportSummary)
    assert (summary.id, summary.rows, summary.model_extra) == (7, 2, {"format": "csv"})


@FLAVOURS
def test_an_error_status_raises_before_the_block(flavour: str, events_api: ModuleType, exports_url: str) -> None:
    entered: list[bool] = []

    def sync(client: Any) -> None:
        with client.with_streaming_response.download_export(404):
            entered.append(True)

    async def asynchronous(client: Any) -> None:
        async with client.with_streaming_response.download_export(404):
            entered.append(True)

    with pytest.raises(events_api.NotFoundError) as caught:
        call(flavour, events_api, exports_url, sync if flavour == "sync" else asynchronous)
    assert not entered
    assert caught.value.status_code == 404
    assert caught.value.request_id == "req-404"
    assert caught.value.body.message == "no such export"


@pytest.mark.slow
def test_the_events_package_passes_mypy_strict(events_package: Path) -> None:
    result = mypy_strict(events_package, "events_api")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_readme_example_runs(
    events_api: ModuleType, exports_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EVENTS_BASE_URL", exports_url)
    monkeypatch.setenv("EVENTS_TOKEN", "t0ken")
    exec(compile(readme_example(events_api, "Streaming responses"), "README.md", "exec"), {})
    assert capsys.readouterr().out == f"200 req-1\n{LARGE_BODY_SIZE} bytes\n"
