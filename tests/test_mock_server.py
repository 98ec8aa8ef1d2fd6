"""The generated mock as a testing tool, over real HTTP: the credentials it is told to
accept, answers chosen with `Prefer`, the journal at `/__mock/requests`, latency and
failures, and none of it in a server built on a handler of one's own.

ChargeOver takes Basic credentials and declares only 400 and 401; Meteroid a bearer token,
and 404 and 429 with examples. `tests/fixtures/specs/mock_tools.yaml` has what neither
has: named examples of an answer, a declared range (`5XX`), and API keys in a header and
in the query. The command line is run as a user runs it, `python -m <package>.server`.
"""

from __future__ import annotations

import base64
import importlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import IO, Any

import chargeover_api
import chargeover_api.server as chargeover_server
import httpx
import meteroid_api
import meteroid_api.server as meteroid_server
import pytest

from tests.support import FIXTURES, PACKAGES, importable, run_generator, serve

CUSTOMER = "/api/v3/customer/7"  # ChargeOver's one operation, a PUT
METEROID_CUSTOMER = "/api/v1/customers/cus_1"  # Meteroid's, a PATCH


def _basic(username: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()}


_LOGS: dict[int, IO[str]] = {}  # each mock process's stderr, by process id


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def mock_process(
    package: str, *options: str, environment: dict[str, str] | None = None, folder: Path | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`python -m <package>.server --port <free> ...options` running; yields its URL and
    the process (whose log `_startup_lines` reads once it has stopped).

    What it writes goes to a file, not a pipe: a pipe nobody reads until the end would
    block the server once full (uvicorn logs every request)."""
    port = _free_port()
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(folder or PACKAGES / package.removesuffix("_api"))}
    log = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - read after the block
    process = subprocess.Popen(
        [sys.executable, "-m", f"{package}.server", "--port", str(port), *options],
        env=env | (environment or {}),
        stdout=log,
        stderr=log,
        text=True,
    )
    _LOGS[process.pid] = log
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(f"{url}/__mock/requests", timeout=1).raise_for_status()
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.wait(timeout=10)
                    raise RuntimeError(f"the mock did not start: {_startup_lines(process)}") from None
                time.sleep(0.05)
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def _startup_lines(process: subprocess.Popen[str]) -> str:
    """What the stopped process wrote (stderr, and the access log on stdout)."""
    log = _LOGS[process.pid]
    log.seek(0)
    return log.read()


@pytest.fixture(scope="module")
def tools_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, ModuleType]]:
    """The package of the mock_tools fixture: its folder and its `server` module."""
    out = tmp_path_factory.mktemp("mock_tools")
    run = run_generator("generate", FIXTURES / "specs" / "mock_tools.yaml", "--out", out, "--name", "mock_tools")
    assert run.returncode == 0, run.stderr
    with importable(out / "mock_tools"):
        yield out / "mock_tools", importlib.import_module("mock_tools_api.server")


def _mock(server: ModuleType, **options: Any) -> Any:
    """The app `python -m <package>.server` serves, with these options."""
    authenticate = options.pop("authenticate", None)
    return server.create_app(server.InMemoryHandler(), authenticate=authenticate, mock=server.MockOptions(**options))


# --- 1. credentials ----------------------------------------------------------------------------


def test_chargeover_mock_accepts_only_the_credentials_of_the_client_environment_variables() -> None:
    secrets = {"CHARGEOVER_USERNAME": "ann", "CHARGEOVER_PASSWORD": "pa55-word"}
    with mock_process("chargeover_api", environment=secrets) as (url, process):
        with chargeover_api.Client(base_url=url, username="ann", password="pa55-word") as client:
            assert client.update_customer(7, body={"company": "Acme"}).response.id == 7
        wrong = chargeover_api.Client(base_url=url, username="ann", password="guess", max_retries=0)
        with wrong as client, pytest.raises(chargeover_api.AuthenticationError) as refused:
            client.update_customer(7, body={"company": "Acme"})
        # Malformed credentials are still told apart from wrong ones.
        malformed = httpx.put(f"{url}{CUSTOMER}", json={}, headers={"Authorization": "Basic !!"})
    assert refused.value.response.headers["www-authenticate"] == 'Basic realm="ChargeOver API", charset="UTF-8"'
    assert refused.value.body.status == "Error"  # ChargeOver's own envelope
    assert malformed.status_code == 401
    lines = _startup_lines(process)
    assert "accepting only the credentials set" in lines
    assert "$CHARGEOVER_USERNAME" in lines and "$CHARGEOVER_PASSWORD" in lines
    assert "pa55-word" not in lines


def test_meteroid_mock_takes_the_token_as_a_flag_and_refuses_any_other() -> None:
    with mock_process("meteroid_api", "--token", "tok_right") as (url, process):
        with meteroid_api.Client(base_url=url, token="tok_right") as client:
            assert client.update_customer("cus_1", body={"name": "Ann"}).name == "Ann"
        wrong = meteroid_api.Client(base_url=url, token="tok_wrong", max_retries=0)
        with wrong as client, pytest.raises(meteroid_api.AuthenticationError) as refused:
            client.update_customer("cus_1", body={"name": "Ann"})
    assert refused.value.response.headers["www-authenticate"] == 'Bearer realm="Meteroid API"'
    assert refused.value.body.code is meteroid_api.ErrorCode.UNAUTHORIZED
    lines = _startup_lines(process)
    assert "accepting only the credentials set: token ($METEROID_TOKEN or --token)" in lines
    assert "tok_right" not in lines


def test_without_credentials_set_the_mock_accepts_any_well_formed_ones_and_says_so() -> None:
    with mock_process("chargeover_api") as (url, process):
        accepted = httpx.put(f"{url}{CUSTOMER}", json={"company": "Acme"}, headers=_basic("anyone", "anything"))
        missing = httpx.put(f"{url}{CUSTOMER}", json={"company": "Acme"})
    assert accepted.status_code == 202
    assert missing.status_code == 401
    lines = _startup_lines(process)
    expected = "accepting any well-formed credentials (set $CHARGEOVER_USERNAME and $CHARGEOVER_PASSWORD"
    assert expected in lines


def test_half_a_credential_is_refused_at_startup() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "chargeover_api.server", "--username", "ann"],
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PACKAGES / "chargeover")},
        capture_output=True,
        text=True,
        check=False,
        timeout=30,
    )
    assert run.returncode == 2
    assert "--password ($CHARGEOVER_PASSWORD) must be set with --username" in run.stderr


def test_an_api_key_scheme_of_its_own_accepts_only_its_key(tools_api: tuple[Path, ModuleType]) -> None:
    _, server = tools_api
    app = _mock(server, authenticate=server.accept_only(server.ApiKeyCredentials("k-1")))
    with serve(app) as url:
        assert (
            httpx.put(f"{url}/things/1", json={"id": 1, "name": "a"}, headers={"X-Api-Key": "k-1"}).status_code == 200
        )
        assert httpx.put(f"{url}/things/1?api_key=k-1", json={"id": 1, "name": "a"}).status_code == 200
        assert (
            httpx.put(f"{url}/things/1", json={"id": 1, "name": "a"}, headers={"X-Api-Key": "k-2"}).status_code == 401
        )


# --- 2. Prefer: code and example --------------------------------------------------------------


def test_prefer_code_answers_a_declared_error_with_its_example_body() -> None:
    with serve(_mock(meteroid_server)) as url, meteroid_api.Client(base_url=url, token="t", max_retries=0) as client:
        with pytest.raises(meteroid_api.NotFoundError) as not_found:
            client.update_customer("cus_1", body={"name": "Ann"}, extra_headers={"Prefer": "code=404"})
        answered = client.update_customer("cus_1", body={"name": "Ann"}, extra_headers={"Prefer": "code=200"})
    assert not_found.value.response.json() == {"code": "NOT_FOUND", "message": "Customer not found."}
    assert answered.name == "Ann"  # the declared success is answered as usual


def test_prefer_code_is_checked_after_the_credentials_and_the_request() -> None:
    with serve(_mock(meteroid_server)) as url:
        unauthenticated = httpx.patch(f"{url}{METEROID_CUSTOMER}", json={}, headers={"Prefer": "code=404"})
        invalid = httpx.patch(
            f"{url}{METEROID_CUSTOMER}",
            json={"name": 5},
            headers={"Prefer": "code=404", "Authorization": "Bearer tok"},
        )
    assert unauthenticated.status_code == 401
    assert invalid.status_code == 400


def test_an_undeclared_code_is_refused_in_the_api_shape_naming_the_declared_ones() -> None:
    with serve(_mock(chargeover_server)) as url:
        answer = httpx.put(
            f"{url}{CUSTOMER}", json={"company": "Acme"}, headers={"Prefer": "code=404", **_basic("a", "b")}
        )
        unknown = httpx.put(f"{url}{CUSTOMER}", json={}, headers={"Prefer": "code=299", **_basic("a", "b")})
    assert answer.status_code == 400
    assert answer.json()["status"] == "Error"  # ChargeOver's envelope
    assert "Prefer: code=404 is not declared; update_customer declares 202, 400, 401" in answer.json()["message"]
    assert unknown.status_code == 400
    assert "code=299 is not an HTTP status code" in unknown.json()["message"]


def test_a_declared_range_covers_its_codes(tools_api: tuple[Path, ModuleType]) -> None:
    _, server = tools_api
    with serve(_mock(server)) as url:
        answer = httpx.get(f"{url}/things/1", headers={"X-Api-Key": "k", "Prefer": "code=503"})
    assert answer.status_code == 503
    assert set(answer.json()) == {"error", "message"}


def test_prefer_example_answers_the_named_example(tools_api: tuple[Path, ModuleType]) -> None:
    _, server = tools_api
    headers = {"X-Api-Key": "k"}
    with serve(_mock(server)) as url:
        boulder = httpx.get(f"{url}/things/1", headers={**headers, "Prefer": "example=boulder"})
        pebble = httpx.get(f"{url}/things/1", headers={**headers, "Prefer": 'example="pebble"'})
        broken = httpx.get(f"{url}/things/1", headers={**headers, "Prefer": "example=broken"})
    assert boulder.status_code == 200
    assert boulder.json() == {"id": 2, "name": "boulder", "size": 900}
    assert pebble.json() == {"id": 1, "name": "pebble", "size": 1}
    # An example that does not fit the schema is not offered, and the warning said so.
    assert broken.status_code == 400
    assert "(named examples: pebble, boulder)" in broken.text


def test_the_generator_warns_of_a_named_example_it_leaves_out(tmp_path: Path) -> None:
    run = run_generator(
        "generate", FIXTURES / "specs" / "mock_tools.yaml", "--out", tmp_path, "--name", "mock_tools", "-v"
    )
    assert run.returncode == 0, run.stderr
    assert "`Prefer: example=broken` is not offered" in run.stderr


# --- 3. the journal ----------------------------------------------------------------------------


def test_the_journal_lists_what_the_mock_received_with_secrets_redacted(tools_api: tuple[Path, ModuleType]) -> None:
    _, server = tools_api
    with serve(_mock(server)) as url, server.MockJournal(url) as journal:
        httpx.put(f"{url}/things/3?api_key=sekrit", json={"id": 3, "name": "three"}, cookies={"session": "c00kie"})
        httpx.get(f"{url}/things/3", params={"verbose": "true"}, headers={"X-Api-Key": "sekrit"})
        httpx.get(f"{url}/things/4")  # no credentials: 401
        requests = journal.requests()
        gets = journal.requests(method="get")
        three = journal.requests(path="/things/3")
        everything = journal.requests(path="/things/*")
    assert [(r.method, r.path, r.status) for r in requests] == [
        ("PUT", "/things/3", 200),
        ("GET", "/things/3", 200),
        ("GET", "/things/4", 401),
    ]
    put, get, _ = requests
    assert put.query == {"api_key": ["<redacted>"]}
    assert put.body == {"id": 3, "name": "three"}
    assert put.headers["cookie"] == "<redacted>"
    assert put.headers["content-type"] == "application/json"
    assert get.query == {"verbose": ["true"]}
    assert get.headers["x-api-key"] == "<redacted>"
    assert get.body is None
    assert "sekrit" not in repr(requests) and "c00kie" not in repr(requests)
    assert [r.path for r in gets] == ["/things/3", "/things/4"]
    assert [r.method for r in three] == ["PUT", "GET"]
    assert len(everything) == 3


def test_the_journal_keeps_bodies_the_app_never_read() -> None:
    with serve(_mock(chargeover_server)) as url:
        httpx.put(f"{url}{CUSTOMER}", json={"company": "Acme"})  # refused before the body is read
        httpx.put(f"{url}{CUSTOMER}", content=b"not json", headers=_basic("a", "b"))
        [unauthenticated, text] = chargeover_server.MockJournal(url).requests()
    assert (unauthenticated.status, unauthenticated.body) == (401, {"company": "Acme"})
    assert (text.status, text.body) == (415, "not json")


def test_clearing_the_journal_keeps_the_records_and_a_reset_forgets_both(tools_api: tuple[Path, ModuleType]) -> None:
    _, server = tools_api
    key = {"X-Api-Key": "k"}
    with serve(_mock(server)) as url, server.MockJournal(url) as journal:
        httpx.put(f"{url}/things/5", json={"id": 5, "name": "five"}, headers=key)
        journal.clear()
        assert journal.requests() == []
        assert httpx.get(f"{url}/things/5", headers=key).json()["name"] == "five"
        assert len(journal.requests()) == 1
        journal.reset()
        assert journal.requests() == []
        assert httpx.get(f"{url}/things/5", headers=key).status_code == 404
        assert httpx.delete(f"{url}/__mock/requests").status_code == 204
        assert httpx.post(f"{url}/__mock/reset").status_code == 204
        assert httpx.put(f"{url}/__mock/reset").status_code == 405
        assert httpx.get(f"{url}/__mock/nothing").status_code == 404
        assert journal.requests() == []  # the mock's own routes are not journaled


# --- 4. faults ---------------------------------------------------------------------------------


def test_the_client_retries_ride_through_failures() -> None:
    app = _mock(chargeover_server, fail_rate=0.6, seed=3, retry_after=0)
    with serve(app) as url, chargeover_api.Client(base_url=url, username="a", password="b", max_retries=10) as client:
        assert client.update_customer(7, body={"company": "Acme"}).response.id == 7
        statuses = [r.status for r in chargeover_server.MockJournal(url).requests()]
    assert statuses[-1] == 202
    assert len(statuses) > 1 and set(statuses[:-1]) == {503}, statuses


def test_failures_are_the_declared_429_with_retry_after_and_reproducible_by_seed() -> None:
    def statuses(seed: int) -> list[int]:
        with serve(_mock(meteroid_server, fail_rate=0.5, seed=seed, retry_after=7)) as url:
            answers = [
                httpx.patch(f"{url}{METEROID_CUSTOMER}", json={}, headers={"Authorization": "Bearer t"})
                for _ in range(16)
            ]
        failed = [a for a in answers if a.status_code != 200]
        assert failed and all(a.headers["retry-after"] == "7" for a in failed)
        assert all(a.json() == {"code": "TOO_MANY_REQUESTS", "message": "Rate limit exceeded."} for a in failed)
        return [a.status_code for a in answers]

    first = statuses(11)
    assert set(first) == {200, 429}
    assert statuses(11) == first
    assert statuses(12) != first


def test_latency_delays_each_answer() -> None:
    with serve(_mock(chargeover_server, latency=(250.0, 300.0))) as url:
        started = time.monotonic()
        httpx.put(f"{url}{CUSTOMER}", json={}, headers=_basic("a", "b"))
        assert time.monotonic() - started >= 0.25


def test_a_client_timeout_fires_on_prefer_delay() -> None:
    with serve(_mock(meteroid_server)) as url:
        client = meteroid_api.Client(base_url=url, token="t", timeout=0.3, max_retries=0)
        started = time.monotonic()
        with client, pytest.raises(meteroid_api.ApiTimeoutError):
            client.update_customer("cus_1", body={}, extra_headers={"Prefer": "delay=2000"})
        assert time.monotonic() - started < 1.5
        with meteroid_api.Client(base_url=url, token="t", timeout=2) as client:
            quick = client.update_customer("cus_1", body={"name": "Ann"}, extra_headers={"Prefer": "delay=50"})
    assert quick.name == "Ann"


def test_the_command_line_fails_every_request_at_rate_one() -> None:
    with mock_process("chargeover_api", "--fail-rate", "1", "--retry-after", "0", "--latency", "10..20") as (
        url,
        process,
    ):
        answer = httpx.put(f"{url}{CUSTOMER}", json={}, headers=_basic("a", "b"))
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "0"
    lines = _startup_lines(process)
    assert "failing 100% of requests with 503 (429 where declared), Retry-After: 0" in lines
    assert "latency 10..20 ms" in lines


# --- 5. only in the mock -----------------------------------------------------------------------


class OwnHandler(meteroid_server.Handler):
    """A handler of one's own (that answers as the mock does)."""

    async def update_customer(self, *args: Any, **kwargs: Any) -> meteroid_api.Customer:
        return await meteroid_server.InMemoryHandler().update_customer(*args, **kwargs)


def test_a_server_on_a_handler_of_ones_own_has_no_mock_routes_and_ignores_prefer() -> None:
    for handler in (OwnHandler(), meteroid_server.InMemoryHandler()):
        with serve(meteroid_server.create_app(handler)) as url:
            journal = httpx.get(f"{url}/__mock/requests")
            answer = httpx.patch(
                f"{url}{METEROID_CUSTOMER}",
                json={"name": "Ann"},
                headers={"Authorization": "Bearer t", "Prefer": "code=404"},
            )
        assert journal.status_code == 404
        assert answer.status_code == 200
    with pytest.raises(TypeError, match="not a OwnHandler"):
        meteroid_server.create_app(OwnHandler(), mock=meteroid_server.MockOptions())


# --- 6. --help and the README --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "credential_flags", "absent"),
    [("chargeover", ["--username", "--password"], "--token"), ("meteroid", ["--token"], "--username")],
)
def test_help_lists_every_option_and_the_readme_documents_each(
    name: str, credential_flags: list[str], absent: str
) -> None:
    run = subprocess.run(
        [sys.executable, "-m", f"{name}_api.server", "--help"],
        env={"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(PACKAGES / name)},
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    flags = ["--host", "--port", *credential_flags, "--latency", "--fail-rate", "--retry-after", "--seed"]
    flags += ["--dynamic", "--proxy", "--proxy-strict", "--access-log"]
    readme = (PACKAGES / name / "README.md").read_text(encoding="utf-8")
    for flag in flags:
        assert flag in run.stdout
        assert flag in readme, flag
    assert absent not in run.stdout
    features = ("Prefer: code=", "Prefer: example=", "Prefer: delay=", "Prefer: dynamic=", "/__mock/requests")
    for feature in (*features, "/__mock/violations", "MockJournal", "MockOptions(proxy="):
        assert feature in readme, feature


@pytest.mark.parametrize("logged", [True, False])
def test_a_line_per_request_is_logged_only_with_access_log(logged: bool) -> None:
    options = ["--access-log"] if logged else []
    with (
        mock_process("meteroid_api", *options) as (url, process),
        meteroid_api.Client(base_url=url, token="t") as client,
    ):
        client.update_customer("cus_1", body={"name": "Ann"})
    assert (f'"PATCH {METEROID_CUSTOMER} HTTP/1.1" 200' in _startup_lines(process)) is logged
