"""What the IR decides about event streams and webhooks: item types, which streams resume,
the events the mock streams, the webhooks' models, discriminator and signature scheme."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.ir.ir import Api
from generator.ir.ir_builder import build_api
from generator.load.bundle import bundle
from generator.normalize.normalize import normalize
from tests.support import FIXTURES


def _api(source: Path) -> Api:
    loaded, _ = bundle(source)
    normalize(loaded.document)
    api, warnings = build_api(loaded.document, loaded, source.stem, source.name)
    assert warnings == []
    return api


def _spec(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((FIXTURES / "specs" / name).read_text(encoding="utf-8"))
    return loaded


def _written(tmp_path: Path, spec: dict[str, Any]) -> Path:
    source = tmp_path / "spec.yaml"
    source.write_text(yaml.safe_dump(spec), encoding="utf-8")
    return source


def test_event_streams_are_typed_by_item_schema_else_schema() -> None:
    operations = {o.method_name: o for o in _api(FIXTURES / "specs" / "events.yaml").operations}
    jobs, log, metrics = operations["watch_jobs"], operations["tail_log"], operations["live_metrics"]
    assert [o.success.events for o in (jobs, log, metrics)] == [True, True, True]
    assert [o.success.python_type for o in (jobs, log, metrics)] == ["JobEvent", "LogLine", "Sample"]
    assert [o.reconnect for o in (jobs, log, metrics)] == [True, True, False]  # the header, the extension, neither
    assert [event["progress"] for event in jobs.success.example] == [0, 50, 100]
    assert log.success.example == ({"level": "info", "message": "started"},) * 3
    assert len(metrics.success.example) == 3 and set(metrics.success.example[0]) == {"name", "value"}
    assert not operations["download_export"].success.events


def test_x_sse_reconnect_false_wins_over_the_header(tmp_path: Path) -> None:
    spec = _spec("events.yaml")
    spec["paths"]["/jobs/events"]["get"]["x-sse-reconnect"] = False
    operations = {o.method_name: o for o in _api(_written(tmp_path, spec)).operations}
    assert not operations["watch_jobs"].reconnect


def test_an_openapi_3_1_event_stream_is_typed_by_its_schema(tmp_path: Path) -> None:
    spec = _spec("events.yaml")
    spec["openapi"] = "3.1.0"
    media = spec["paths"]["/jobs/events"]["get"]["responses"]["200"]["content"]["text/event-stream"]
    media["schema"] = media.pop("itemSchema")
    del spec["paths"]["/logs/tail"]  # 3.1 has no itemSchema: the other streams would warn
    operations = {o.method_name: o for o in _api(_written(tmp_path, spec)).operations}
    assert (operations["watch_jobs"].success.python_type, operations["watch_jobs"].reconnect) == ("JobEvent", True)


def test_webhooks_are_events_told_apart_by_their_type() -> None:
    webhooks = _api(FIXTURES / "specs" / "webhooks.yaml").webhooks
    assert webhooks is not None
    assert webhooks.discriminator == "type"
    assert [(e.name, e.python_name, e.model_name, e.event_type) for e in webhooks.events] == [
        ("order.created", "order_created", "OrderCreated", "order.created"),
        ('order.shipped "express"', "order_shipped_express", "OrderShippedExpressEvent", "order.shipped"),
    ]
    assert webhooks.signature.kind == "standard"
    hmac = _api(FIXTURES / "specs" / "webhooks_hmac.yaml").webhooks
    assert hmac is not None
    assert (hmac.signature.kind, hmac.signature.header, hmac.signature.encoding, hmac.signature.prefix) == (
        "hmac-sha256",
        "X-Orders-Signature",
        "hex",
        "sha256=",
    )


def test_events_without_a_value_of_their_own_have_no_discriminator(tmp_path: Path) -> None:
    spec = _spec("webhooks.yaml")
    shipped = spec["webhooks"]['order.shipped "express"']["post"]["requestBody"]["content"]["application/json"]
    shipped["schema"]["properties"]["type"] = {"const": "order.created"}  # the same as the other's
    webhooks = _api(_written(tmp_path, spec)).webhooks
    assert webhooks is not None
    assert webhooks.discriminator is None
    assert [event.name for event in webhooks.by_key] == ["order.created", 'order.shipped "express"']


def test_a_spec_without_webhooks_has_none() -> None:
    assert _api(FIXTURES / "specs" / "events.yaml").webhooks is None


def test_an_inline_event_schema_becomes_a_model(tmp_path: Path) -> None:
    spec = _spec("events.yaml")
    media = spec["paths"]["/logs/tail"]["get"]["responses"]["200"]["content"]["text/event-stream"]
    media["itemSchema"] = spec["components"]["schemas"]["LogLine"]
    operations = {o.method_name: o for o in _api(_written(tmp_path, spec)).operations}
    assert operations["tail_log"].success.python_type == "TailLogEvent"
