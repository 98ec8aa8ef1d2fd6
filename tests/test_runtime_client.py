"""The client runtime (`runtime/_base_client.py`) as Python, on small inputs: what is
retried and after how long, what is redacted, how parameters are written."""

from __future__ import annotations

import email.utils
import enum
import io
import time
from typing import Any

import httpx
import pytest

from runtime import _base_client as base
from runtime.errors import (
    ApiStatusError,
    BadRequestError,
    CredentialsError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    error_class_for,
    request_id_of,
)


def _client(**credentials: base.Credential) -> base.BaseClient:
    return base.BaseClient(
        base_url="https://user:hunter2@api.test/v1",
        credentials=credentials,
        timeout=5.0,
        max_retries=2,
        default_headers=None,
        user_agent="test-api/1.0",
    )


def _response(status: int, **headers: str) -> httpx.Response:
    return httpx.Response(status, headers=headers, request=httpx.Request("GET", "https://api.test/v1/x"))


# --- retries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "headers", "retried"),
    [
        ("GET", {}, True),
        ("PUT", {}, True),
        ("DELETE", {}, True),
        ("POST", {}, False),
        ("PATCH", {}, False),
        ("POST", {"Idempotency-Key": "k"}, True),
    ],
)
def test_only_requests_that_cannot_apply_twice_are_retried(method: str, headers: dict[str, str], retried: bool) -> None:
    request = httpx.Request(method, "https://api.test/v1/x", headers=headers)
    assert _client()._may_retry(request) is retried


@pytest.mark.parametrize(
    ("status", "retried"), [(408, True), (429, True), (500, True), (503, True), (404, False), (409, False)]
)
def test_timeouts_throttling_and_server_errors_are_retried(status: int, retried: bool) -> None:
    assert _client()._should_retry_status(_response(status)) is retried


def test_backoff_grows_with_jitter_up_to_its_ceiling() -> None:
    client = _client()
    for attempt in range(8):
        ceiling = min(base.INITIAL_RETRY_DELAY * 2**attempt, base.MAX_RETRY_DELAY)
        delays = {client._retry_delay(attempt, None) for _ in range(20)}
        assert all(0.75 * ceiling <= delay <= ceiling for delay in delays), (attempt, delays)


def test_retry_after_in_seconds_or_as_a_date_is_honoured() -> None:
    client = _client()
    assert client._retry_delay(0, _response(503, **{"Retry-After": "3"})) == 3.0
    assert client._retry_delay(0, _response(503, **{"Retry-After": "1.5"})) == 1.5
    soon = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= client._retry_delay(0, _response(503, **{"Retry-After": soon})) <= 30


@pytest.mark.parametrize("value", ["-1", "61", "soon", "", "Wed, 21 Oct 2015 07:28:00 GMT", "1e3", "\x00"])
def test_a_retry_after_that_cannot_be_honoured_gets_the_usual_backoff(value: str) -> None:
    response = _response(503, **{"Retry-After": value})
    assert base._retry_after(response) is None
    assert _client()._retry_delay(0, response) <= base.INITIAL_RETRY_DELAY


# --- redaction --------------------------------------------------------------------------------


def test_user_info_and_query_api_keys_are_redacted() -> None:
    client = _client(key=base.api_key_credential("s3cret", name="api_key", location="query"))
    assert "hunter2" not in repr(client) and "redacted" in repr(client)
    url = httpx.URL("https://user:hunter2@api.test/v1/x?api_key=s3cret&page=2")
    shown = base.redact_url(url)
    assert "s3cret" not in shown and "hunter2" not in shown and "page=2" in shown


def test_secret_headers_are_redacted_in_logs() -> None:
    _client(key=base.api_key_credential("s3cret", name="X-Api-Key", location="header"))
    headers = httpx.Headers({"Authorization": "Bearer t", "X-Api-Key": "s3cret", "Accept": "application/json"})
    assert base.redact_headers(headers) == {
        "authorization": base.REDACTED,
        "x-api-key": base.REDACTED,
        "accept": "application/json",
    }


# --- credentials ------------------------------------------------------------------------------


def test_credentials_are_checked_before_anything_is_sent() -> None:
    with pytest.raises(CredentialsError, match="pass token= or set API_TOKEN"):
        base.require(None, "token", "API_TOKEN")
    with pytest.raises(CredentialsError, match="control characters"):
        base.require("abc\n", "token", "API_TOKEN")
    with pytest.raises(CredentialsError, match="':'"):
        base.basic_credential("a:b", "pw")
    rule = base.TokenRule(argument="token", pattern="^bc_[a-z]+$", description="a key starting with bc_")
    with pytest.raises(CredentialsError, match="starting with bc_"):
        base.bearer_credential("xyz", rule=rule)
    assert base.bearer_credential("bc_abc", rule=rule).headers == {"Authorization": "Bearer bc_abc"}
    assert "s3cret" not in repr(base.api_key_credential("s3cret", name="k", location="header"))


# --- parameters -------------------------------------------------------------------------------


class Color(enum.Enum):
    RED = "red"


@pytest.mark.parametrize(
    ("value", "style", "explode", "pairs"),
    [
        ([1, 2], "form", True, [("ids", "1"), ("ids", "2")]),
        ([1, 2], "form", False, [("ids", "1,2")]),
        ([1, 2], "pipeDelimited", False, [("ids", "1|2")]),
        ({"color": "red", "size": 2}, "form", True, [("color", "red"), ("size", "2")]),
        ({"color": "red", "size": 2}, "form", False, [("ids", "color,red,size,2")]),
        ({"range": {"min": 1}}, "deepObject", True, [("ids[range][min]", "1")]),
        ([{"name": "bolt"}], "form", True, [("ids[0][name]", "bolt")]),
        (True, "form", True, [("ids", "true")]),
        (Color.RED, "form", True, [("ids", "red")]),
    ],
)
def test_query_parameters_are_written_in_their_style(value: Any, style: str, explode: bool, pairs: list[Any]) -> None:
    assert base.form_pairs("ids", value, style, explode) == pairs


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (base.Styled([1, 2], "simple"), "1,2"),
        (base.Styled([1, 2], "label", explode=True), ".1.2"),
        (base.Styled([1, 2], "matrix", explode=True), ";id=1;id=2"),
        (base.Styled({"a": "x y"}, "matrix"), ";id=a,x%20y"),
        ("a/b", "a%2Fb"),
    ],
)
def test_path_parameters_are_written_in_their_style_and_encoded(value: Any, written: str) -> None:
    assert base.path_segment("id", value) == written


def test_no_format_string_of_a_template_is_evaluated() -> None:
    assert base.expand_template("/x/{id}", {"id": "{0.__class__}"}, quote=True) == "/x/%7B0.__class__%7D"


# --- errors -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, BadRequestError),
        (404, NotFoundError),
        (429, RateLimitError),
        (502, InternalServerError),
        (418, ApiStatusError),
    ],
)
def test_each_status_raises_its_error(status: int, error: type[ApiStatusError]) -> None:
    assert error_class_for(status) is error


def test_an_error_message_quotes_the_api_and_hides_secrets() -> None:
    response = httpx.Response(
        404, json={"message": "no such customer"}, request=httpx.Request("GET", "https://u:hunter2@api.test/v1/c/1")
    )
    body = base.decode_error_body(response, {})
    message = base._error_message(response, body)
    assert (
        message.endswith(": no such customer") and "hunter2" not in message and body == {"message": "no such customer"}
    )


@pytest.mark.parametrize(
    ("headers", "request_id"),
    [
        ({"X-Request-Id": "req_1"}, "req_1"),
        ({"request-id": "req_2"}, "req_2"),
        ({"X-Request-Id": "req_3", "Request-Id": "other"}, "req_3"),
        ({"X-Request-Id": ""}, None),
        ({}, None),
    ],
)
def test_an_error_carries_the_request_id_the_server_gave(headers: dict[str, str], request_id: str | None) -> None:
    response = httpx.Response(404, headers=headers, request=httpx.Request("GET", "https://api.test/x"))
    assert request_id_of(response) == request_id
    assert error_class_for(404)("not found", response=response, body=None).request_id == request_id


# --- files --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "declared", "expected"),
    [
        (b"%PDF", None, ("doc", b"%PDF", "application/octet-stream")),
        (("a.png", b"x"), None, ("a.png", b"x", "image/png")),
        (("a.png", b"x"), "image/webp", ("a.png", b"x", "image/webp")),  # the spec's type wins over a guess
        (("a.png", b"x", "text/plain"), "image/webp", ("a.png", b"x", "text/plain")),  # the tuple's over the spec's
        (("a.png", b"x"), "image/*", ("a.png", b"x", "image/png")),  # a range leaves it to the guess
        (("a.png", b"x"), "image/png, image/jpeg", ("a.png", b"x", "image/png")),
        ((None, b"x"), None, ("doc", b"x", "application/octet-stream")),
    ],
)
def test_a_file_parts_name_and_type(value: Any, declared: str | None, expected: tuple[str, bytes, str]) -> None:
    assert base.file_part(value, "doc", declared) == expected


def test_a_file_object_without_a_name_takes_the_fields() -> None:
    content = io.BytesIO(b"data")
    assert base.file_part(content, "doc", None) == ("doc", content, "application/octet-stream")


@pytest.mark.parametrize("value", [42, "text", ("only-a-name",), ("a", b"x", "t/p", "extra")])
def test_what_is_not_a_file_is_refused(value: Any) -> None:
    with pytest.raises(TypeError):
        base.file_part(value, "doc", None)


def test_a_raw_response_reads_the_declared_request_id_header_first() -> None:
    response = httpx.Response(200, headers={"X-Trace-Id": "t", "X-Request-Id": "r"})
    assert base.RawResponse(response, None).request_id == "r"
    assert base.RawResponse(response, None, ("x-trace-id", "x-request-id")).request_id == "t"
