"""Server-sent events, through the package generated from `events.yaml`, over real HTTP:
typed items from the generated mock, sync and async; resuming with Last-Event-ID after the
server drops the connection (a small app of the test's own); errors before the stream."""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.events_api_support import call
from tests.shop_api_support import FLAVOURS, readme_example
from tests.support import serve


@pytest.fixture(scope="module")
def mock_url(events_api: ModuleType) -> Iterator[str]:
    server = importlib.import_module("events_api.server")
    with serve(server.create_app(server.InMemoryHandler())) as url:
        yield url


def _collect(flavour: str, operation: str, **arguments: Any) -> Any:
    """A function of the client that reads the whole stream, sync or async."""
    if flavour == "sync":

        def read(client: Any) -> Any:
            with getattr(client, operation)(**arguments) as stream:
                return type(stream).__name__, list(stream)

        return read

    async def aread(client: Any) -> Any:
        async with await getattr(client, operation)(**arguments) as stream:
            return type(stream).__name__, [event async for event in stream]

    return aread


@FLAVOURS
def test_the_mock_streams_the_examples_as_typed_events(flavour: str, events_api: ModuleType, mock_url: str) -> None:
    kind, jobs = call(flavour, events_api, mock_url, _collect(flavour, "watch_jobs"))
    assert kind == ("Stream" if flavour == "sync" else "AsyncStream")
    assert [type(job).__name__ for job in jobs] == ["JobEvent"] * 3
    assert [(job.job_id, job.state, job.progress) for job in jobs] == [
        (1, "queued", 0),
        (1, "running", 50),
        (1, "done", 100),
    ]
    # One example event is streamed three times; without itemSchema, `schema` types the data.
    _, lines = call(flavour, events_api, mock_url, _collect(flavour, "tail_log"))
    assert [(line.level, line.message) for line in lines] == [("info", "started")] * 3
    _, samples = call(flavour, events_api, mock_url, _collect(flavour, "live_metrics"))
    assert len(samples) == 3 and all(isinstance(sample, events_api.Sample) for sample in samples)


@pytest.mark.parametrize(
    ("last_event_id", "ids"),
    [(None, [1, 2, 3]), ("1", [2, 3]), ("3", []), ("junk", [1, 2, 3]), ("9" * 40, [1, 2, 3])],
)
def test_the_mock_resumes_its_stream_after_the_last_event_id(
    mock_url: str, last_event_id: str | None, ids: list[int]
) -> None:
    headers = {"Authorization": "Bearer t0ken"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = last_event_id
    with httpx.Client(base_url=mock_url) as client:
        text = client.get("/jobs/events", headers=headers).text
    events = [dict(line.split(": ", 1) for line in block.splitlines()) for block in text.split("\n\n") if block]
    assert [int(event["id"]) for event in events] == ids
    # An event keeps its number and its data whichever connection it comes on.
    progress = {1: 0, 2: 50, 3: 100}
    assert [json.loads(event["data"])["progress"] for event in events] == [progress[number] for number in ids]


def test_a_handler_of_ones_own_is_not_resumed_for_it(events_api: ModuleType) -> None:
    server = importlib.import_module("events_api.server")

    class Live(server.InMemoryHandler):
        async def watch_jobs(self, **_: Any) -> AsyncIterator[Any]:
            for progress in (60, 70):  # events as they happen: new on every connection
                yield events_api.JobEvent(job_id=2, state="running", progress=progress)

    with serve(server.create_app(Live())) as url, httpx.Client(base_url=url) as client:
        text = client.get("/jobs/events", headers={"Authorization": "Bearer t0ken", "Last-Event-ID": "1"}).text
    assert [line for line in text.splitlines() if line.startswith("id: ")] == ["id: 1", "id: 2"]


@FLAVOURS
def test_closing_a_stream_early_drops_the_connection(flavour: str, events_api: ModuleType, mock_url: str) -> None:
    def sync(client: Any) -> Any:
        stream = client.watch_jobs()
        first = next(stream)
        stream.close()
        return first, list(stream), stream.response.is_closed

    async def asynchronous(client: Any) -> Any:
        stream = await client.watch_jobs()
        first = await anext(stream)
        await stream.close()
        return first, [event async for event in stream], stream.response.is_closed

    first, rest, closed = call(flavour, events_api, mock_url, sync if flavour == "sync" else asynchronous)
    assert first.progress == 0
    assert rest == []
    assert closed


class Resuming:
    """Streams job events and drops the connection after the second; a request that names
    the last event it received (Last-Event-ID) gets the ones after it and a clean end."""

    def __init__(self) -> None:
        self.last_event_ids: list[str | None] = []

    async def answer(self, request: Request) -> Response:
        if request.headers.get("authorization") != "Bearer t0ken":
            return JSONResponse({"message": "who are you?"}, status_code=401)
        last = request.headers.get("last-event-id")
        self.last_event_ids.append(last)
        after = int(last or 0)
        jobs = request.url.path == "/jobs/events"

        async def events() -> AsyncIterator[bytes]:
            yield b"retry: 10\n\n"  # reconnect after 10 ms, not the default second
            for number in range(after + 1, 5):
                data = b'{"job_id": 7, "state": "running", "progress": %d}' if jobs else b'{"name": "cpu", "value": %d}'
                yield b"id: %d\ndata: %s\n\n" % (number, data % (number * 10))
                if number == 2 and after == 0:
                    raise ConnectionResetError("the server drops the connection")  # no end of the body

        return StreamingResponse(events(), media_type="text/event-stream")


@pytest.fixture
def resuming() -> Iterator[tuple[Resuming, str]]:
    app = Resuming()
    routes = [Route(path, app.answer) for path in ("/jobs/events", "/metrics/live")]
    with serve(Starlette(routes=routes)) as url:
        yield app, url


@FLAVOURS
def test_a_dropped_stream_resumes_after_the_last_event(
    flavour: str, events_api: ModuleType, resuming: tuple[Resuming, str]
) -> None:
    app, url = resuming
    _, jobs = call(flavour, events_api, url, _collect(flavour, "watch_jobs"))
    assert [job.progress for job in jobs] == [10, 20, 30, 40]  # each event once
    assert app.last_event_ids == [None, "2"]


@FLAVOURS
def test_a_stream_the_spec_does_not_resume_raises_when_dropped(
    flavour: str, events_api: ModuleType, resuming: tuple[Resuming, str]
) -> None:
    app, url = resuming
    received: list[Any] = []

    def sync(client: Any) -> None:
        received.extend(client.live_metrics())

    async def asynchronous(client: Any) -> None:
        async for sample in await client.live_metrics():
            received.append(sample)

    with pytest.raises(events_api.ApiConnectionError, match="broke off"):
        call(flavour, events_api, url, sync if flavour == "sync" else asynchronous)
    assert len(received) == 2  # what arrived before the drop
    assert app.last_event_ids == [None]  # no second request


@FLAVOURS
def test_an_error_status_raises_before_any_event(
    flavour: str, events_api: ModuleType, resuming: tuple[Resuming, str]
) -> None:
    _, url = resuming
    with pytest.raises(events_api.AuthenticationError) as caught:
        call(flavour, events_api, url, _collect(flavour, "watch_jobs"), token="wrong")
    assert caught.value.body.message == "who are you?"


def test_the_async_stream_is_an_async_iterator(events_api: ModuleType, mock_url: str) -> None:
    async def main() -> list[int]:
        async with events_api.AsyncClient(mock_url, token="t0ken") as client:
            stream = await client.watch_jobs(job_id=1)
            assert isinstance(stream, events_api.AsyncStream) and not isinstance(stream, events_api.Stream)
            return [job.progress async for job in stream]

    assert asyncio.run(main()) == [0, 50, 100]


def test_the_readme_example_runs(
    events_api: ModuleType, mock_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EVENTS_BASE_URL", mock_url)
    monkeypatch.setenv("EVENTS_TOKEN", "t0ken")
    exec(compile(readme_example(events_api, "Server-sent events"), "README.md", "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        "job_id=1 state='queued' progress=0",
        "job_id=1 state='running' progress=50",
        "job_id=1 state='done' progress=100",
    ]


def test_raw_and_streamed_responses_of_an_event_stream(events_api: ModuleType, mock_url: str) -> None:
    with events_api.Client(mock_url, token="t0ken") as client:
        raw = client.with_raw_response.watch_jobs()
        assert (raw.status_code, raw.headers["content-type"]) == (200, "text/event-stream; charset=utf-8")
        with raw.parse() as stream:
            assert [job.progress for job in stream] == [0, 50, 100]
        with client.with_streaming_response.watch_jobs() as response:
            lines = [line for line in response.iter_lines() if line]
        assert lines[:2] == ["id: 1", 'data: {"job_id":1,"state":"queued","progress":0}']
        assert len(lines) == 6
