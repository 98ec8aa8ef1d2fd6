"""The mock's testing tools as Python (`runtime/_mock_tools.py`, `_mock_command.py` and the
credentials check of `_server_credentials.py`): which credentials are accepted, what a
`Prefer` header asks, which statuses an operation declares, the journal's filters, the
command line's options and startup lines. `tests/test_mock_server.py` drives them over HTTP.
"""

from __future__ import annotations

import asyncio

import pytest
from starlette.types import Message

from runtime._mock_command import MockCredential, accepted_credentials, describe, parser
from runtime._mock_tools import JournalEntry, MockOptions, PreferHeader, RequestJournal, declares, read_ahead
from runtime._server_credentials import (
    ApiKeyCredentials,
    BasicCredentials,
    BearerCredentials,
    SecurityScheme,
    accept_only,
)

SCHEMES = {
    "basicAuth": SecurityScheme(kind="basic"),
    "bearerAuth": SecurityScheme(kind="bearer"),
    "keyAuth": SecurityScheme(kind="apiKey", name="X-Api-Key", location="header"),
}
CREDENTIALS = (
    MockCredential("basicAuth", "username", "SHOP_USERNAME", "The user name."),
    MockCredential("basicAuth", "password", "SHOP_PASSWORD", "The password."),
    MockCredential("bearerAuth", "token", "SHOP_TOKEN", "The bearer token."),
    MockCredential("keyAuth", "api_key", "SHOP_API_KEY", "The API key."),
)


# --- credentials -------------------------------------------------------------------------------


def test_accept_only_accepts_exactly_the_given_credentials() -> None:
    authenticate = accept_only(BasicCredentials("ann", "pw"), BearerCredentials("tok"))
    assert authenticate(BasicCredentials("ann", "pw"))
    assert authenticate(BearerCredentials("tok"))
    assert not authenticate(BasicCredentials("ann", "pW"))
    assert not authenticate(BasicCredentials("bob", "pw"))
    assert not authenticate(BasicCredentials("ann", "pw2"))
    assert not authenticate(BearerCredentials("tok "))
    assert not authenticate(ApiKeyCredentials("tok"))  # the same secret in another scheme
    assert authenticate(BasicCredentials("änn", "pw\udc80")) is False  # not ASCII: still compared, not an error


def test_accept_only_of_nothing_accepts_nothing() -> None:
    assert not accept_only()(BearerCredentials("tok"))


def test_accepted_credentials_are_built_per_scheme_from_the_secrets_given() -> None:
    values = {"username": "ann", "password": "pw", "api_key": "k"}
    assert accepted_credentials(SCHEMES, CREDENTIALS, values) == [
        BasicCredentials("ann", "pw"),
        ApiKeyCredentials("k"),
    ]
    assert accepted_credentials(SCHEMES, CREDENTIALS, {"token": "t"}) == [BearerCredentials("t")]
    assert accepted_credentials(SCHEMES, CREDENTIALS, {}) == []
    assert accepted_credentials(SCHEMES, CREDENTIALS, {"token": ""}) == []  # empty is unset


def test_half_a_credential_is_an_error_naming_what_is_missing() -> None:
    with pytest.raises(ValueError, match=r"--username \(\$SHOP_USERNAME\) must be set with --password"):
        accepted_credentials(SCHEMES, CREDENTIALS, {"password": "pw"})


def test_a_token_its_scheme_calls_malformed_is_an_error() -> None:
    schemes = {"bearerAuth": SecurityScheme(kind="bearer", token_pattern="^bc_[a-z]+$")}
    assert accepted_credentials(schemes, CREDENTIALS, {"token": "bc_ok"}) == [BearerCredentials("bc_ok")]
    with pytest.raises(ValueError, match=r"--token must match \^bc_\[a-z\]\+\$"):
        accepted_credentials(schemes, CREDENTIALS, {"token": "other"})


def test_the_startup_lines_say_the_mode_and_never_a_secret() -> None:
    only = describe(CREDENTIALS, {"token": "s3cret-token"}, MockOptions(), "http://127.0.0.1:8000")
    assert "accepting only the credentials set: token ($SHOP_TOKEN or --token)" in only[0]
    assert not any("s3cret" in line for line in only)
    assert only[-1].endswith("requests received: GET http://127.0.0.1:8000/__mock/requests")
    anything = describe(CREDENTIALS, {}, MockOptions(), "http://h:1")
    assert "accepting any well-formed credentials (set $SHOP_USERNAME and $SHOP_PASSWORD" in anything[0]
    assert "the API declares no credentials" in describe((), {}, MockOptions(), "http://h:1")[0]
    faults = describe((), {}, MockOptions(latency=(5, 5), fail_rate=0.25, retry_after=3, seed=9), "http://h:1")
    assert any(line.endswith("latency 5 ms") for line in faults)
    assert any(
        line.endswith("failing 25% of requests with 503 (429 where declared), Retry-After: 3") for line in faults
    )
    assert any(line.endswith("seed 9") for line in faults)
    proxy = MockOptions(proxy="https://user:pa55@api.example.com/v1", proxy_strict=True, dynamic=True)
    proxying = describe((), {}, proxy, "http://h:1")
    assert any(line.endswith("answering with values drawn from the response schemas") for line in proxying)
    assert any(
        line.endswith(
            "forwarding every request to api.example.com, refusing invalid requests; violations: GET http://h:1/__mock/violations"
        )
        for line in proxying
    )
    assert not any("pa55" in line for line in proxying)  # a URL's credentials stay unsaid


# --- the command line --------------------------------------------------------------------------


def test_the_command_line_has_a_flag_per_credential_and_reads_latencies() -> None:
    arguments = parser(CREDENTIALS).parse_args(
        ["--username", "ann", "--api-key", "k", "--latency", "10..25.5", "--fail-rate", "0.5", "--seed", "4"]
    )
    assert (arguments.username, arguments.api_key, arguments.token) == ("ann", "k", None)
    assert arguments.latency == (10.0, 25.5)
    assert (arguments.fail_rate, arguments.seed, arguments.retry_after) == (0.5, 4, 1)
    assert parser(CREDENTIALS).parse_args(["--latency", "30"]).latency == (30.0, 30.0)


@pytest.mark.parametrize("latency", ["25..10", "-1", "fast", "1..x"])
def test_a_latency_that_is_no_range_of_milliseconds_is_refused(latency: str) -> None:
    with pytest.raises(SystemExit):
        parser(()).parse_args(["--latency", latency])


def test_a_credentials_help_names_its_environment_variable() -> None:
    text = parser(CREDENTIALS).format_help()
    assert "the user name to accept (default: $SHOP_USERNAME)" in text
    assert "--api-key API_KEY" in text


@pytest.mark.parametrize(
    "options",
    [
        {"latency": (10.0, 5.0)},
        {"latency": (-1.0, 5.0)},
        {"fail_rate": 1.5},
        {"fail_rate": -0.1},
        {"retry_after": -1},
        {"journal_size": 0},
    ],
)
def test_mock_options_out_of_range_are_refused(options: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        MockOptions(**options)  # type: ignore[arg-type]


# --- Prefer ------------------------------------------------------------------------------------


def test_prefer_is_read_as_rfc_7240_writes_it() -> None:
    headers = ['Code=404, example="big"; x=1', "delay=250, respond-async"]
    assert PreferHeader.of(headers) == PreferHeader(code=404, example="big", delay_ms=250.0)
    assert PreferHeader.of(["code=200, code=500"]).code == 200  # the first one counts
    assert PreferHeader.of([]) == PreferHeader()
    assert PreferHeader.of(["return=minimal"]) == PreferHeader()
    assert PreferHeader.of(["Dynamic=TRUE"]).dynamic is True
    assert PreferHeader.of(["dynamic=false, code=200"]) == PreferHeader(code=200, dynamic=False)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("code=4o4", "code=4o4 is not an HTTP status code"),
        ("code=499", "code=499 is not an HTTP status code"),
        ("code=", "code= is not an HTTP status code"),
        ("delay=soon", "delay=soon is not a number of milliseconds"),
        ("delay=-5", "delay=-5 is not a number of milliseconds"),
        ("delay=600001", "up to 600000"),
        ("dynamic=yes", "dynamic=yes is neither true nor false"),
        ("dynamic", "dynamic= is neither true nor false"),
    ],
)
def test_a_prefer_value_that_is_none_is_refused(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PreferHeader.of([value])


def test_declared_statuses_cover_their_ranges_and_default_covers_every_error() -> None:
    assert declares(("200", "404"), 404)
    assert not declares(("200", "404"), 400)
    assert declares(("200", "4XX"), 418)
    assert not declares(("200", "4XX"), 503)
    assert declares(("200", "default"), 503)
    assert not declares(("200", "default"), 201)


# --- the journal -------------------------------------------------------------------------------


def _entry(method: str, path: str) -> JournalEntry:
    return JournalEntry(method, path, lambda: {"method": method, "path": path})


def test_the_journal_filters_by_path_glob_and_method_and_keeps_the_newest() -> None:
    journal = RequestJournal(size=3)
    for method, path in [("GET", "/a"), ("PUT", "/things/1"), ("GET", "/things/1"), ("GET", "/things/2")]:
        journal.record(_entry(method, path))
    assert [e["path"] for e in journal.entries()] == ["/things/1", "/things/1", "/things/2"]  # "/a" fell out
    assert [e["method"] for e in journal.entries(path="/things/1")] == ["PUT", "GET"]
    assert [e["path"] for e in journal.entries(path="/things/*", method="get")] == ["/things/1", "/things/2"]
    journal.clear()
    assert journal.entries() == []


def test_the_journal_keeps_a_bounded_amount_of_body_bytes() -> None:
    """Many large bodies cannot fill the memory: past the byte budget the oldest requests
    go, though the newest is always kept."""
    journal = RequestJournal(size=10_000, max_bytes=3_000)
    for number in range(5):
        journal.record(_entry("POST", f"/uploads/{number}"), body_size=1_000)
    assert [e["path"] for e in journal.entries()] == ["/uploads/2", "/uploads/3", "/uploads/4"]
    journal.record(_entry("POST", "/huge"), body_size=10_000)
    assert [e["path"] for e in journal.entries()] == ["/huge"]
    journal.clear()
    journal.record(_entry("GET", "/after"), body_size=2_000)
    assert [e["path"] for e in journal.entries()] == ["/after"]


def test_the_body_read_ahead_is_handed_on_unchanged() -> None:
    sent: list[Message] = [
        {"type": "http.request", "body": b'{"a": ', "more_body": True},
        {"type": "http.request", "body": b"1}", "more_body": False},
        {"type": "http.disconnect"},
    ]
    incoming = iter(sent)

    async def receive() -> Message:
        return next(incoming)

    async def run() -> tuple[bytes | None, list[Message]]:
        body, replaying = await read_ahead(receive, limit=100)
        return body, [await replaying() for _ in range(3)]

    body, replayed = asyncio.run(run())
    assert body == b'{"a": 1}'
    assert replayed == sent


def test_a_body_past_the_limit_is_not_kept_but_still_handed_on() -> None:
    sent: list[Message] = [
        {"type": "http.request", "body": b"x" * 8, "more_body": True},
        {"type": "http.request", "body": b"y" * 8, "more_body": False},
    ]
    incoming = iter(sent)

    async def receive() -> Message:
        return next(incoming)

    async def run() -> tuple[bytes | None, list[Message]]:
        body, replaying = await read_ahead(receive, limit=10)
        return body, [await replaying(), await replaying()]

    body, replayed = asyncio.run(run())
    assert body is None
    assert replayed == sent
