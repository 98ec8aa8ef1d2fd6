"""The generated clients against a hostile or misbehaving server, over real HTTP.

Two apps on two ports of 127.0.0.1 are two origins: `home`, the API the client is made
for, and `away`, where `home` may redirect. Both keep what they receive. Checked here:
Retry-After values of every shape, redirects that would carry credentials or a body to
another origin, and secrets in the base URL or the query kept out of reprs, errors and
every log line (httpx's own included).
"""

from __future__ import annotations

import asyncio
import base64
import email.utils
import importlib
import logging
import re
import socket
import sys
import threading
import time
import traceback
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import ModuleType
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Receive, Scope, Send

from tests.support import FIXTURES, VENDORS, run_generator, serve
from tests.test_clients import VENDOR_CASES, Vendor

# Secrets that cannot turn up by chance, and travel unescaped in a query or a cookie.
SECRET = "sEcReT4f9c1a7e"
USERINFO_SECRET = "uSeRiNfO8b2d6e"
ITEM = {"id": 1, "name": "thing"}
FLAVOURS = pytest.mark.parametrize("flavour", ["sync", "async"])


# --- two origins -------------------------------------------------------------------------


@dataclass
class Received:
    """One request as it arrived."""

    method: str
    target: str  # path and query, as sent
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        return next((value for key, value in self.headers if key == name.lower()), None)

    def wire(self) -> str:
        """Everything the request carried, as one text to search."""
        lines = [f"{self.method} {self.target}", *(f"{key}: {value}" for key, value in self.headers)]
        return "\n".join([*lines, self.body.decode("latin-1")])


Answer = Callable[[Received], Awaitable[Response]]


async def _item(received: Received) -> Response:
    return JSONResponse(ITEM)


@dataclass
class Origin:
    """An ASGI app on its own port: keeps every request and answers with `answer`."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    answer: Answer = _item

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        query = scope["query_string"].decode("latin-1")
        target = scope["raw_path"].decode("latin-1") + (f"?{query}" if query else "")
        received = Received(request.method, target, list(request.headers.items()), await request.body())
        self.received.append(received)
        response = await self.answer(received)
        await response(scope, receive, send)


@dataclass
class Origins:
    home: Origin
    away: Origin


@pytest.fixture(scope="module")
def servers() -> Iterator[Origins]:
    origins = Origins(Origin(), Origin())
    with serve(origins.home) as home_url, serve(origins.away) as away_url:
        origins.home.url, origins.away.url = home_url, away_url
        yield origins


@pytest.fixture
def origins(servers: Origins) -> Origins:
    """The two origins with nothing received yet, answering every request with the item."""
    for origin in (servers.home, servers.away):
        origin.received.clear()
        origin.answer = _item
    return servers


def redirect(status: int, location: str) -> Response:
    return Response(status_code=status, headers={"Location": location})


# --- the packages under test -------------------------------------------------------------

# Every vendor package is imported, so that each has put its filter on httpx's logger: the
# redaction tests then show that the filters of several packages compose.
VENDOR_MODULES = {name: importlib.import_module(f"{name}_api") for name in VENDORS}


@pytest.fixture(scope="module")
def credentials_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """The package of a spec that takes an API key in a header, the query or a cookie, a
    bearer token or basic credentials."""
    out = tmp_path_factory.mktemp("generated")
    run = run_generator("generate", FIXTURES / "specs" / "credentials.yaml", "--out", out, "--name", "credentials")
    assert run.returncode == 0, run.stderr
    folder = str(out / "credentials")
    sys.path.insert(0, folder)
    try:
        yield importlib.import_module("credentials_api")
    finally:
        sys.path.remove(folder)


def _basic(username: str, password: str) -> str:
    return base64.b64encode(f"{username}:{password}".encode()).decode()


# For each scheme of the credentials spec: the client arguments, and what the credential
# looks like on the wire.
SCHEMES: dict[str, tuple[dict[str, str], tuple[str, ...]]] = {
    "header-api-key": ({"header_key_api_key": SECRET}, (SECRET,)),
    "query-api-key": ({"query_key_api_key": SECRET}, (SECRET,)),
    "cookie-api-key": ({"cookie_key_api_key": SECRET}, (SECRET,)),
    "bearer": ({"token": SECRET}, (SECRET,)),
    "basic": ({"username": "api-user", "password": SECRET}, (SECRET, _basic("api-user", SECRET))),
}
# Every name a credential may travel under, in any of the spec's schemes.
CREDENTIAL_HEADERS = ("authorization", "x-api-key", "cookie")
CREDENTIAL_PARAMS = ("api_key",)


def vendor_wire_forms(vendor: Vendor) -> tuple[str, ...]:
    if "token" in vendor.credentials:
        return (vendor.credentials["token"],)
    return (vendor.credentials["password"], _basic(vendor.credentials["username"], vendor.credentials["password"]))


def carries_a_credential(received: Received, wire_forms: tuple[str, ...]) -> bool:
    query = received.target.partition("?")[2]
    params = {pair.partition("=")[0] for pair in query.split("&") if pair}
    return (
        any(form in received.wire() for form in wire_forms)
        or any(received.header(name) is not None for name in CREDENTIAL_HEADERS)
        or any(name in params for name in CREDENTIAL_PARAMS)
    )


def call(
    flavour: str,
    module: ModuleType,
    base_url: str,
    credentials: dict[str, str],
    operation: Callable[[Any], Any],
    *,
    http_client: dict[str, Any] | None = None,
    **options: Any,
) -> Any:
    """One operation through the package's Client or AsyncClient; `http_client` holds the
    options of an httpx client of the user's own to pass in."""
    if flavour == "sync":
        own = httpx.Client(**http_client) if http_client is not None else None
        try:
            with module.Client(base_url, **credentials, http_client=own, **options) as client:
                return operation(client)
        finally:
            if own is not None:
                own.close()

    async def run() -> Any:
        own = httpx.AsyncClient(**http_client) if http_client is not None else None
        try:
            async with module.AsyncClient(base_url, **credentials, http_client=own, **options) as client:
                return await operation(client)
        finally:
            if own is not None:
                await own.aclose()

    return asyncio.run(run())


def get_item(client: Any) -> Any:
    return client.get_item(1)


def put_item(client: Any) -> Any:
    return client.put_item(1, body=ITEM)


def update_customer(vendor: Vendor) -> Callable[[Any], Any]:
    return lambda client: client.update_customer(vendor.path_id, body=vendor.body)


# --- Retry-After -------------------------------------------------------------------------


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The pauses the client takes on this thread, recorded instead of slept; the servers'
    threads sleep as usual."""
    recorded: list[float] = []
    caller = threading.get_ident()
    real_sleep, real_async_sleep = time.sleep, asyncio.sleep

    def fake_sleep(seconds: float) -> None:
        if threading.get_ident() == caller:
            recorded.append(seconds)
        else:
            real_sleep(seconds)

    async def fake_async_sleep(seconds: float, result: Any = None) -> Any:
        if threading.get_ident() == caller:
            recorded.append(seconds)
            return result
        return await real_async_sleep(seconds, result)

    monkeypatch.setattr(time, "sleep", fake_sleep)
    monkeypatch.setattr(asyncio, "sleep", fake_async_sleep)
    return recorded


def _backoff(module: ModuleType) -> tuple[float, float]:
    """The range of the first backoff pause: the initial delay, less up to a quarter of jitter."""
    initial: float = module._base_client.INITIAL_RETRY_DELAY
    return 0.75 * initial, initial


def _http_date(seconds_from_now: float) -> str:
    return email.utils.formatdate(time.time() + seconds_from_now, usegmt=True)


UNUSABLE_RETRY_AFTER = [
    "garbage",
    "",
    "-5",
    "nan",
    "inf",
    "-inf",
    "1e3",
    "3600",
    "9" * 400,
    _http_date(-100),  # in the past
    "Thu, 31 Dec 9999 23:59:59 GMT",
    "Mon, 32 Foo 2020 99:99:99 GMT",
]


@FLAVOURS
@pytest.mark.parametrize("retry_after", UNUSABLE_RETRY_AFTER)
def test_an_unusable_retry_after_falls_back_to_the_usual_backoff(
    credentials_api: ModuleType, origins: Origins, sleeps: list[float], flavour: str, retry_after: str
) -> None:
    async def busy_once(received: Received) -> Response:
        if len(origins.home.received) == 1:
            return Response(status_code=503, headers={"Retry-After": retry_after})
        return JSONResponse(ITEM)

    origins.home.answer = busy_once
    item = call(flavour, credentials_api, origins.home.url, {"token": SECRET}, get_item)
    assert item.id == 1 and len(origins.home.received) == 2
    low, high = _backoff(credentials_api)
    assert len(sleeps) == 1 and low <= sleeps[0] <= high


# Each value is made when its test runs: a date is seconds from then.
USABLE_RETRY_AFTER: dict[str, tuple[Callable[[], str], float, float]] = {
    "seconds": (lambda: "7", 7.0, 7.0),
    "zero": (lambda: "0", 0.0, 0.0),
    "date": (lambda: _http_date(30), 27.0, 30.0),
}


@FLAVOURS
@pytest.mark.parametrize("usable", USABLE_RETRY_AFTER)
def test_a_usable_retry_after_is_waited_for(
    credentials_api: ModuleType, origins: Origins, sleeps: list[float], flavour: str, usable: str
) -> None:
    make_value, low, high = USABLE_RETRY_AFTER[usable]
    retry_after = make_value()

    async def busy_once(received: Received) -> Response:
        if len(origins.home.received) == 1:
            return Response(status_code=429, headers={"Retry-After": retry_after})
        return JSONResponse(ITEM)

    origins.home.answer = busy_once
    call(flavour, credentials_api, origins.home.url, {"token": SECRET}, get_item)
    assert len(sleeps) == 1 and low <= sleeps[0] <= high


_HTTP_DATE_FORMATS = (
    "%a, %d %b %Y %H:%M:%S GMT",  # IMF-fixdate
    "%A, %d-%b-%y %H:%M:%S GMT",  # RFC 850
    "%a %b %d %H:%M:%S %Y",  # asctime
)
_MOMENTS = st.one_of(
    st.floats(min_value=-1e6, max_value=1e6).map(lambda seconds: time.time() + seconds),
    st.datetimes(timezones=st.just(UTC)).map(datetime.timestamp),
)
RETRY_AFTER_VALUES = st.one_of(
    st.text(),
    st.integers().map(str),
    st.floats().map(str),
    st.floats().map(repr),
    st.tuples(_MOMENTS, st.sampled_from(_HTTP_DATE_FORMATS)).map(
        lambda moment: datetime.fromtimestamp(moment[0], UTC).strftime(moment[1])
    ),
)


@settings(
    max_examples=300,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(retry_after=RETRY_AFTER_VALUES)
def test_any_retry_after_gives_a_pause_between_zero_and_the_cap(retry_after: str) -> None:
    vendor = VENDOR_CASES["chargeover"]
    base = vendor.module._base_client
    answers = [
        httpx.Response(503, headers=[(b"Retry-After", retry_after.encode())]),
        httpx.Response(vendor.success_status, json=vendor.success),
    ]
    recorded: list[float] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(base.time, "sleep", recorded.append)
        transport = httpx.MockTransport(lambda request: answers.pop(0))
        with vendor.module.Client(
            "https://api.test", **vendor.credentials, http_client=httpx.Client(transport=transport)
        ) as client:
            # A 503 then the answer: whatever the header says, the call succeeds after one pause.
            assert client.update_customer(vendor.path_id, body=vendor.body) is not None
    assert len(recorded) == 1
    assert 0 <= recorded[0] <= base.MAX_RETRY_AFTER
    text = retry_after.strip()
    if re.fullmatch(r"[0-9]{1,6}", text) and int(text) <= base.MAX_RETRY_AFTER:
        assert recorded[0] == int(text)
    elif re.fullmatch(r"-[0-9.]+", text):
        low, high = _backoff(vendor.module)
        assert low <= recorded[0] <= high


# --- redirects ---------------------------------------------------------------------------


@FLAVOURS
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("status", [302, 303, 307, 308])
def test_a_redirect_to_another_origin_leaves_every_credential_behind(
    credentials_api: ModuleType, origins: Origins, flavour: str, scheme: str, status: int
) -> None:
    credentials, wire_forms = SCHEMES[scheme]

    async def elsewhere(received: Received) -> Response:
        # Like many servers, the redirect keeps the query: a query key is offered back.
        return redirect(status, origins.away.url + received.target)

    origins.home.answer = elsewhere
    item = call(flavour, credentials_api, origins.home.url, credentials, get_item)
    assert item.id == 1
    (first,) = origins.home.received
    assert carries_a_credential(first, wire_forms)
    (followed,) = origins.away.received
    assert followed.method == "GET" and followed.target.startswith("/items/1")
    assert not carries_a_credential(followed, wire_forms), followed.wire()


@FLAVOURS
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(("status", "method"), [(303, "GET"), (307, "PUT"), (308, "PUT")])
def test_a_redirect_within_the_origin_keeps_credentials_and_body(
    credentials_api: ModuleType, origins: Origins, flavour: str, scheme: str, status: int, method: str
) -> None:
    credentials, wire_forms = SCHEMES[scheme]

    async def moved(received: Received) -> Response:
        if received.target.startswith("/moved/"):
            return JSONResponse(ITEM)
        return redirect(status, f"/moved{received.target}")

    origins.home.answer = moved
    assert call(flavour, credentials_api, origins.home.url, credentials, put_item).id == 1
    first, followed = origins.home.received
    assert followed.method == method and followed.target.startswith("/moved/items/1")
    assert carries_a_credential(followed, wire_forms)
    assert followed.body == (first.body if method == "PUT" else b"")


@FLAVOURS
@pytest.mark.parametrize("vendor_name", VENDORS)
@pytest.mark.parametrize("status", [301, 307, 308])
def test_a_redirect_that_would_send_the_body_to_another_origin_is_refused(
    origins: Origins, flavour: str, vendor_name: str, status: int
) -> None:
    vendor = VENDOR_CASES[vendor_name]

    async def elsewhere(received: Received) -> Response:
        return redirect(status, origins.away.url + received.target)

    origins.home.answer = elsewhere
    with pytest.raises(vendor.module.RedirectError) as caught:
        call(flavour, vendor.module, origins.home.url, vendor.credentials, update_customer(vendor))
    assert isinstance(caught.value, vendor.module.ApiStatusError) and caught.value.status_code == status
    assert origins.away.url in str(caught.value)  # says where it would have gone
    assert origins.away.received == [] and len(origins.home.received) == 1


@FLAVOURS
@pytest.mark.parametrize("vendor_name", VENDORS)
def test_vendor_clients_follow_a_303_to_another_origin_without_their_credentials(
    origins: Origins, flavour: str, vendor_name: str
) -> None:
    vendor = VENDOR_CASES[vendor_name]

    async def see_other(received: Received) -> Response:
        if received.method == "GET":
            return JSONResponse(vendor.success, status_code=vendor.success_status)
        return redirect(303, origins.away.url + received.target)

    origins.home.answer = origins.away.answer = see_other
    result = call(flavour, vendor.module, origins.home.url, vendor.credentials, update_customer(vendor))
    assert result is not None
    assert carries_a_credential(origins.home.received[0], vendor_wire_forms(vendor))
    (followed,) = origins.away.received
    assert followed.method == "GET" and not carries_a_credential(followed, vendor_wire_forms(vendor))


@FLAVOURS
def test_user_info_in_the_base_url_stays_with_its_origin(
    credentials_api: ModuleType, origins: Origins, flavour: str
) -> None:
    async def elsewhere(received: Received) -> Response:
        return redirect(302, origins.away.url + received.target)

    origins.home.answer = elsewhere
    base_url = origins.home.url.replace("http://", f"http://api-user:{USERINFO_SECRET}@")
    call(flavour, credentials_api, base_url, {"token": SECRET}, get_item)
    wire_forms = (USERINFO_SECRET, _basic("api-user", USERINFO_SECRET), SECRET)
    assert carries_a_credential(origins.home.received[0], wire_forms)
    assert not carries_a_credential(origins.away.received[0], wire_forms)


@FLAVOURS
def test_a_users_own_http_client_is_no_way_around(credentials_api: ModuleType, origins: Origins, flavour: str) -> None:
    """An httpx client that follows redirects itself, with an auth of its own, leaks nothing either."""

    async def elsewhere(received: Received) -> Response:
        return redirect(302, origins.away.url + received.target)

    origins.home.answer = elsewhere
    own = {"follow_redirects": True, "auth": httpx.BasicAuth("own-user", USERINFO_SECRET)}
    credentials, wire_forms = SCHEMES["header-api-key"]
    call(flavour, credentials_api, origins.home.url, credentials, get_item, http_client=own)
    all_forms = (*wire_forms, USERINFO_SECRET, _basic("own-user", USERINFO_SECRET))
    assert carries_a_credential(origins.home.received[0], all_forms)
    (followed,) = origins.away.received
    assert not carries_a_credential(followed, all_forms), followed.wire()


@FLAVOURS
def test_an_http_client_that_does_not_follow_redirects_gets_a_redirect_error(
    credentials_api: ModuleType, origins: Origins, flavour: str
) -> None:
    async def moved(received: Received) -> Response:
        return redirect(302, f"/moved{received.target}")

    origins.home.answer = moved
    with pytest.raises(credentials_api.RedirectError) as caught:
        call(flavour, credentials_api, origins.home.url, {"token": SECRET}, get_item, http_client={})
    assert caught.value.status_code == 302 and len(origins.home.received) == 1


@FLAVOURS
def test_redirects_are_followed_a_bounded_number_of_times(
    credentials_api: ModuleType, origins: Origins, flavour: str
) -> None:
    async def again(received: Received) -> Response:
        return redirect(307, received.target)

    origins.home.answer = again
    with pytest.raises(credentials_api.RedirectError) as caught:
        call(
            flavour,
            credentials_api,
            origins.home.url,
            {"token": SECRET},
            get_item,
            http_client={"follow_redirects": True, "max_redirects": 3},
        )
    assert caught.value.status_code == 307
    assert len(origins.home.received) == 4  # the request and three redirects followed


# --- secrets out of reprs, errors and logs -----------------------------------------------


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _everything_shown(error: BaseException) -> str:
    """What a user may see of an error: its str, its repr and its traceback with causes."""
    return "\n".join([str(error), repr(error), *traceback.format_exception(error)])


@FLAVOURS
def test_user_info_and_query_keys_stay_out_of_reprs_errors_and_logs(
    credentials_api: ModuleType, origins: Origins, flavour: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    secrets = (SECRET, USERINFO_SECRET)
    with_user_info = origins.home.url.replace("http://", f"http://api-user:{USERINFO_SECRET}@")
    credentials = {"query_key_api_key": SECRET}
    client = credentials_api.Client(with_user_info, **credentials)
    assert origins.home.url.removeprefix("http://") in repr(client)
    assert not any(secret in repr(client) for secret in secrets)
    client.close()

    async def refused(received: Received) -> Response:
        if received.method == "PUT":
            return redirect(307, origins.away.url + received.target)
        return JSONResponse({"message": "no"}, status_code=401)

    async def slow(received: Received) -> Response:
        await asyncio.sleep(2)
        return JSONResponse(ITEM)

    errors: list[BaseException] = []
    dead = f"http://api-user:{USERINFO_SECRET}@127.0.0.1:{_closed_port()}"
    attempts: list[tuple[str, Callable[[Any], Any], dict[str, Any], type[BaseException]]] = [
        (with_user_info, get_item, {}, credentials_api.AuthenticationError),
        (with_user_info, put_item, {}, credentials_api.RedirectError),
        (dead, get_item, {}, credentials_api.ApiConnectionError),
    ]
    origins.home.answer = refused
    for base_url, operation, options, expected in attempts:
        with pytest.raises(expected) as caught:
            call(flavour, credentials_api, base_url, credentials, operation, max_retries=0, **options)
        errors.append(caught.value)
    origins.home.answer = slow
    with pytest.raises(credentials_api.ApiTimeoutError) as timed_out:
        call(flavour, credentials_api, with_user_info, credentials, get_item, max_retries=0, timeout=0.2)
    errors.append(timed_out.value)

    for error in errors:
        shown = _everything_shown(error)
        assert "/items/1" in shown  # still says which request failed
        assert not any(secret in shown for secret in secrets), shown

    # Every line the client side logs, but httpcore's traces of the response headers: they
    # show the headers as the server sent them, here a Location that echoes the key back.
    client_side = [
        r
        for r in caplog.records
        if not r.name.startswith("uvicorn") and not r.getMessage().startswith("receive_response_headers")
    ]
    logged = "\n".join(record.getMessage() for record in client_side)
    assert not any(secret in logged for secret in secrets), logged
    # The client's logging did not go blind, and httpx's own lines are there, redacted.
    httpx_lines = [r.getMessage() for r in client_side if r.name == "httpx"]
    assert any("/items/1" in line and "redacted" in line for line in httpx_lines), httpx_lines
    own_lines = [r.getMessage() for r in client_side if r.name == "credentials_api"]
    assert any("GET" in line and "/items/1" in line and "401" in line for line in own_lines), own_lines
    # Every generated package imported here filters httpx's logger, and they compose.
    assert len(logging.getLogger("httpx").filters) >= len(VENDOR_MODULES) + 1


def test_redact_url_hides_user_info_and_query_keys_and_keeps_the_rest(credentials_api: ModuleType) -> None:
    credentials_api.Client("https://api.test", query_key_api_key=SECRET).close()  # its key's name is now secret
    redact_url = credentials_api._base_client.redact_url
    for url in (
        f"https://api-user:{USERINFO_SECRET}@api.test/items?api_key={SECRET}&page=2",
        f"https://{USERINFO_SECRET}@api.test:8443/items?API_KEY={SECRET}",
    ):
        shown = redact_url(httpx.URL(url))
        assert SECRET not in shown and USERINFO_SECRET not in shown and "redacted" in shown
        assert shown.split("@")[1].split("?")[0] in url  # host, port and path unchanged
    plain = "https://api.test/items?page=2&name=a%20b"
    assert redact_url(httpx.URL(plain)) == plain
