"""Webhooks, both ends generated: the server package's `send_webhook` signs and sends typed
events to a small receiving app, which reads them with the client's `webhooks.unwrap`;
a tampered, stale or wrongly keyed one is refused. Standard Webhooks (`webhooks.yaml`) and
an HMAC-SHA256 of the body (`webhooks_hmac.yaml`, its `x-webhook-signature`)."""

from __future__ import annotations

import asyncio
import base64
import importlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
import yaml
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from generator.render.render import RUNTIME_DIR
from tests.shop_api_support import readme_example
from tests.support import FIXTURES, GENERATED, VENDORS, importable, mypy_strict, run_generator, serve

STANDARD_SECRET = "whsec_" + base64.b64encode(b"a secret of thirty-two bytes....").decode()
HMAC_SECRET = "hmac secret"
KINDS = pytest.mark.parametrize("kind", ["standard", "hmac"])


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    out = tmp_path_factory.mktemp("webhooks")
    for spec, name in (("webhooks.yaml", "orders"), ("webhooks_hmac.yaml", "orders_hmac")):
        run = run_generator("generate", FIXTURES / "specs" / spec, "--out", out, "--name", name)
        assert run.returncode == 0, run.stderr
    folders = {"standard": out / "orders", "hmac": out / "orders_hmac"}
    with importable(*folders.values()):
        yield folders


@dataclass
class Api:
    package: ModuleType
    server: ModuleType
    signing: ModuleType  # the runtime's _webhooks, to forge requests
    secret: str


@pytest.fixture
def api(kind: str, packages: dict[str, Path]) -> Api:
    name = "orders_api" if kind == "standard" else "orders_hmac_api"
    return Api(
        importlib.import_module(name),
        importlib.import_module(f"{name}.server"),
        importlib.import_module(f"{name}._webhooks"),
        STANDARD_SECRET if kind == "standard" else HMAC_SECRET,
    )


@dataclass
class Receiver:
    """A user's webhook endpoint: verifies each request with the generated client."""

    api: Api
    events: list[Any] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)

    async def receive(self, request: Request) -> Response:
        body = await request.body()
        client = self.api.package.Client("https://api.orders.example/v1", token="t0ken")
        try:
            event = client.webhooks.unwrap(body, request.headers, secret=self.api.secret)
        except self.api.package.webhooks.WebhookVerificationError as exc:
            self.refusals.append(str(exc))
            return Response(status_code=400)
        self.events.append(event)
        return Response(status_code=204)


@pytest.fixture
def receiver(api: Api) -> Iterator[tuple[Receiver, str]]:
    receiver = Receiver(api)
    with serve(Starlette(routes=[Route("/hooks", receiver.receive, methods=["POST"])])) as url:
        yield receiver, url + "/hooks"


@KINDS
def test_sent_events_arrive_typed(kind: str, api: Api, receiver: tuple[Receiver, str]) -> None:
    app, url = receiver
    models = api.package.models
    created = models.OrderCreated(type="order.created", order=models.Order(id=7, total=9.5))
    assert api.server.send_webhook(url, created, secret=api.secret).status_code == 204
    shipped = {"type": "order.shipped", "order_id": 7, "carrier": "ups", "eta": "tomorrow"}
    response = asyncio.run(api.server.send_webhook_async(url, shipped, secret=api.secret))
    assert response.status_code == 204
    first, second = app.events
    assert isinstance(first, models.OrderCreated) and first == created
    assert isinstance(second, models.OrderShippedExpressEvent)
    assert (second.order_id, second.carrier, second.model_extra) == (7, "ups", {"eta": "tomorrow"})
    assert app.refusals == []


def _signed(api: Api, body: bytes, **options: Any) -> dict[str, str]:
    scheme = api.package.webhooks.SIGNATURE
    return {"Content-Type": "application/json", **api.signing.sign(body, scheme=scheme, **options)}


@KINDS
def test_a_tampered_or_wrongly_keyed_event_is_refused(kind: str, api: Api, receiver: tuple[Receiver, str]) -> None:
    app, url = receiver
    body = b'{"type": "order.shipped", "order_id": 7, "carrier": "ups"}'
    tampered = body.replace(b"7", b"8")
    other_secret = "whsec_" + base64.b64encode(b"another secret").decode() if kind == "standard" else "other"
    assert httpx.post(url, content=tampered, headers=_signed(api, body, secret=api.secret)).status_code == 400
    assert httpx.post(url, content=body, headers=_signed(api, body, secret=other_secret)).status_code == 400
    assert httpx.post(url, content=body, headers={"Content-Type": "application/json"}).status_code == 400
    assert httpx.post(url, content=body, headers=_signed(api, body, secret=api.secret)).status_code == 204
    assert len(app.refusals) == 3 and len(app.events) == 1


def test_a_stale_standard_webhook_is_refused(packages: dict[str, Path]) -> None:
    api = Api(
        importlib.import_module("orders_api"),
        importlib.import_module("orders_api.server"),
        importlib.import_module("orders_api._webhooks"),
        STANDARD_SECRET,
    )
    client = api.package.Client("https://api.orders.example/v1", token="t0ken")
    body = b'{"type": "order.shipped", "order_id": 7, "carrier": "ups"}'
    now = datetime.now(UTC)
    fresh = _signed(api, body, secret=STANDARD_SECRET, timestamp=now - timedelta(minutes=4))
    assert client.webhooks.unwrap(body, fresh, secret=STANDARD_SECRET).carrier == "ups"
    stale = _signed(api, body, secret=STANDARD_SECRET, timestamp=now - timedelta(minutes=6))
    with pytest.raises(api.package.webhooks.WebhookVerificationError, match="too old"):
        client.webhooks.verify_signature(body, stale, secret=STANDARD_SECRET)
    early = _signed(api, body, secret=STANDARD_SECRET, timestamp=now + timedelta(minutes=6))
    with pytest.raises(api.package.webhooks.WebhookVerificationError, match="too new"):
        client.webhooks.unwrap(body, early, secret=STANDARD_SECRET)
    with pytest.raises(api.package.webhooks.WebhookVerificationError, match="cannot be checked"):
        client.webhooks.unwrap(body, fresh, secret="whsec_not base64!")


@KINDS
def test_a_verified_body_that_is_no_declared_event(kind: str, api: Api) -> None:
    client = api.package.AsyncClient("https://api.orders.example/v1", token="t0ken")
    for body, problem in (
        (b'{"type": "order.cancelled", "order_id": 7}', "no declared webhook event has type 'order.cancelled'"),
        (b'{"type": "order.shipped", "order_id": "seven", "carrier": "ups"}', "fits no declared event"),
        (b"[1, 2", "not JSON"),
    ):
        headers = _signed(api, body, secret=api.secret)
        with pytest.raises(api.package.webhooks.WebhookPayloadError, match=problem):
            client.webhooks.unwrap(body, headers, secret=api.secret)


def test_the_hmac_scheme_writes_its_header(packages: dict[str, Path]) -> None:
    signing = importlib.import_module("orders_hmac_api._webhooks")
    scheme = importlib.import_module("orders_hmac_api.webhooks").SIGNATURE
    headers = signing.sign(b"{}", secret="key", scheme=scheme)
    # printf '{}' | openssl dgst -sha256 -hmac key
    assert headers == {"X-Orders-Signature": "sha256=a777724d943eb48dc69bca8a4a6d57a04db3f9ec7e1de4e581e860265bdf3032"}


@pytest.mark.slow
def test_the_webhook_packages_pass_mypy_strict(packages: dict[str, Path]) -> None:
    for folder in packages.values():
        result = mypy_strict(folder, folder.name + "_api")
        assert result.returncode == 0, result.stdout + result.stderr


def test_a_package_depends_on_what_its_spec_needs(packages: dict[str, Path], events_package: Path) -> None:
    for folder in packages.values():
        pyproject = (folder / "pyproject.toml").read_text(encoding="utf-8")
        assert '"standardwebhooks>=1.1,<2"' in pyproject and "httpx-sse" not in pyproject
        module = folder / (folder.name + "_api") / "_webhooks.py"
        assert module.read_bytes() == (RUNTIME_DIR / "_webhooks.py").read_bytes()
    events = (events_package / "pyproject.toml").read_text(encoding="utf-8")
    assert '"httpx-sse>=0.4,<0.5"' in events and "standardwebhooks" not in events
    for name in VENDORS:
        vendor = (GENERATED / name / "pyproject.toml").read_text(encoding="utf-8")
        assert "standardwebhooks" not in vendor and "httpx-sse" not in vendor


def test_the_readme_example_runs(
    packages: dict[str, Path], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    api = importlib.import_module("orders_api")
    monkeypatch.setenv("ORDERS_TOKEN", "t0ken")
    monkeypatch.setenv("ORDERS_WEBHOOK_SECRET", STANDARD_SECRET)
    namespace: dict[str, Any] = {}
    exec(compile(readme_example(api, "Webhooks"), "README.md", "exec"), namespace)
    body = b'{"type": "order.shipped", "order_id": 7, "carrier": "ups"}'
    signing = importlib.import_module("orders_api._webhooks")
    headers = signing.sign(body, secret=STANDARD_SECRET, scheme=api.webhooks.SIGNATURE)
    assert namespace["receive"](body, headers) == 204
    assert namespace["receive"](body.replace(b"ups", b"dhl"), headers) == 400
    assert capsys.readouterr().out == "OrderShippedExpressEvent type='order.shipped' order_id=7 carrier='ups'\n"


def test_hostile_webhook_names_and_event_types_stay_text(tmp_path: Path) -> None:
    spec = yaml.safe_load((FIXTURES / "specs" / "webhooks.yaml").read_text(encoding="utf-8"))
    hostile_name = '"""; import os #|\n'
    spec["webhooks"][hostile_name] = spec["webhooks"]["order.created"]  # a second webhook of one model
    spec["components"]["schemas"]["OrderCreated"]["properties"]["type"] = {"const": "\"'\\\n}"}
    source = tmp_path / "hostile.yaml"
    source.write_text(yaml.safe_dump(spec), encoding="utf-8")
    run = run_generator("generate", source, "--out", tmp_path / "out", "--name", "hostile")
    assert run.returncode == 0, run.stderr
    with importable(tmp_path / "out" / "hostile"):
        webhooks = importlib.import_module("hostile_api.webhooks")
        assert list(webhooks._event_models()) == ["\"'\\\n}", "order.shipped"]
    readme = (tmp_path / "out" / "hostile" / "README.md").read_text(encoding="utf-8")
    assert '| """; import os #\\| | `OrderCreated` |' in readme
