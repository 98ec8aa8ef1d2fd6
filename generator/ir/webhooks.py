"""The webhooks of an OpenAPI 3.1/3.2 document: the events an API sends to its users, each
typed by its request body's model, and how they are signed (`x-webhook-signature`)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator import naming, pointers
from generator.diagnostics import Diagnostic, Location, error, warning
from generator.load.bundle import operations_of
from generator.media_types import Encoding
from generator.schemas import ref_name

# The signature schemes `x-webhook-signature` may name, and what each needs.
STANDARD = "standard"
HMAC_SHA256 = "hmac-sha256"
_ENCODINGS = ("hex", "base64")
_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # an HTTP token (RFC 9110)
Locate = Callable[[str], Location]


@dataclass(frozen=True, slots=True)
class Webhook:
    """One event the API sends: the webhook's name in the spec, its model, and the value of
    the property that tells the events apart (`order.created`), where they have one."""

    name: str
    python_name: str
    model_name: str
    summary: str
    event_type: str | None = None


@dataclass(frozen=True, slots=True)
class WebhookSignature:
    kind: str = STANDARD
    header: str = ""
    encoding: str = "hex"
    prefix: str = ""


@dataclass(frozen=True, slots=True)
class Webhooks:
    events: tuple[Webhook, ...]
    # The property whose value names the event (`type`), when every event has its own.
    discriminator: str | None
    signature: WebhookSignature

    @property
    def model_names(self) -> tuple[str, ...]:
        return tuple(sorted({event.model_name for event in self.events}))

    @property
    def by_key(self) -> tuple[Webhook, ...]:
        """The events by what tells them apart: the discriminator's value, else the
        webhook's name; the first webhook of a value where several share a model."""
        seen: dict[str, Webhook] = {}
        for event in self.events:
            key = event.event_type if self.discriminator is not None and event.event_type is not None else event.name
            seen.setdefault(key, event)
        return tuple(seen.values())


def webhook_models(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """(webhook name, pointer, operation) of each webhook operation with a JSON body."""
    found = []
    hooks = document.get("webhooks")
    if not isinstance(hooks, dict):
        return []
    for name, item in hooks.items():
        if not isinstance(item, dict):
            continue
        for method, operation in operations_of(item):
            if isinstance(operation, dict):
                found.append((str(name), pointers.join("/webhooks", str(name), method), operation))
    return found


def build_webhooks(
    document: dict[str, Any], components: dict[str, Any], locate: Locate
) -> tuple[Webhooks | None, list[Diagnostic]]:
    """The document's webhooks, or None where it has none; warnings for those left out and
    errors for an `x-webhook-signature` the generated code cannot follow."""
    diagnostics: list[Diagnostic] = []
    events: list[Webhook] = []
    for name, at, operation in webhook_models(document):
        model = _body_model(operation, components)
        if model is None:
            message = f"webhook {name!r} has no JSON body of an object schema: it has no event model"
            diagnostics.append(warning(locate(at), message, kind="webhook-skipped"))
            continue
        summary = str(operation.get("summary") or operation.get("description") or name)
        events.append(Webhook(name, "", model, summary))
    if not events:
        return None, diagnostics
    python_names = naming.unique(naming.snake_case(event.name, digit_prefix="event") for event in events)
    discriminator, values = _discriminator(events, components)
    events = [
        Webhook(event.name, python_name, event.model_name, event.summary, values.get(event.model_name))
        for event, python_name in zip(events, python_names, strict=True)
    ]
    signature, problems = _signature(document.get("x-webhook-signature"), locate)
    return Webhooks(tuple(events), discriminator, signature), diagnostics + problems


def _body_model(operation: dict[str, Any], components: dict[str, Any]) -> str | None:
    body = operation.get("requestBody")
    content = body.get("content") if isinstance(body, dict) else None
    if not isinstance(content, dict):
        return None
    for media_type, media in content.items():
        if Encoding.of(str(media_type)) is Encoding.JSON and isinstance(media, dict):
            name = ref_name(media.get("schema"))
            if name is not None and name in components:
                return name
    return None


def _single_value(schema: Any) -> str | None:
    """The one string a property schema allows (`const`, or an enum of one), else None."""
    if not isinstance(schema, dict):
        return None
    if isinstance(schema.get("const"), str):
        return str(schema["const"])
    enum = schema.get("enum")
    if isinstance(enum, list) and len(enum) == 1 and isinstance(enum[0], str):
        return enum[0]
    return None


def _discriminator(events: list[Webhook], components: dict[str, Any]) -> tuple[str | None, dict[str, str]]:
    """The property every event's model fixes to a value of its own (`type: order.created`),
    with each model's value; (None, {}) where there is none."""
    models = list(dict.fromkeys(event.model_name for event in events))
    fixed: list[dict[str, str]] = []
    for model in models:
        schema = components.get(model)
        properties = schema.get("properties") if isinstance(schema, dict) else None
        values = {}
        if isinstance(properties, dict):
            for name, property_schema in properties.items():
                value = _single_value(property_schema)
                if value is not None:
                    values[str(name)] = value
        fixed.append(values)
    for name in sorted(set.intersection(*(set(values) for values in fixed))):
        chosen = [values[name] for values in fixed]
        if len(set(chosen)) == len(chosen):
            return name, dict(zip(models, chosen, strict=True))
    return None, {}


def _signature(raw: Any, locate: Locate) -> tuple[WebhookSignature, list[Diagnostic]]:
    at = "/x-webhook-signature"
    if raw is None:
        return WebhookSignature(), []
    if not isinstance(raw, dict):
        return WebhookSignature(), [error(locate(at), "x-webhook-signature must be an object")]
    kind = raw.get("scheme", STANDARD)
    if kind == STANDARD:
        return WebhookSignature(), []
    if kind != HMAC_SHA256:
        message = f"x-webhook-signature scheme must be {STANDARD!r} or {HMAC_SHA256!r}, not {kind!r}"
        return WebhookSignature(), [error(locate(pointers.join(at, "scheme")), message)]
    header, encoding, prefix = raw.get("header"), raw.get("encoding", "hex"), raw.get("prefix", "")
    problems = []
    if not isinstance(header, str) or not _HEADER_NAME.fullmatch(header):
        problems.append(error(locate(pointers.join(at, "header")), "x-webhook-signature needs the header's name"))
    if encoding not in _ENCODINGS:
        problems.append(error(locate(pointers.join(at, "encoding")), "x-webhook-signature encoding: hex or base64"))
    if not isinstance(prefix, str) or any(not char.isprintable() for char in prefix):
        problems.append(error(locate(pointers.join(at, "prefix")), "x-webhook-signature prefix must be printable text"))
    if problems:
        return WebhookSignature(), problems
    return WebhookSignature(HMAC_SHA256, str(header), str(encoding), str(prefix)), []
