"""What a spec change does to code that uses the generated client.

Two normalized documents are compared at the API level: operations (by method name),
their parameters and bodies, and every model's fields. Each change is classed breaking or
compatible for a caller: a field a request needs is breaking, a field a response may now
leave out is breaking too, while new optional inputs and new outputs are compatible.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from generator import naming
from generator.ir.ir import Api, Operation, Parameter
from generator.ir.types import python_type
from generator.schemas import ref_name
from generator.traverse import objects


class Impact(enum.StrEnum):
    BREAKING = "breaking"
    COMPATIBLE = "compatible"


@dataclass(frozen=True, slots=True, order=True)
class ApiChange:
    subject: str  # `update_customer` or `Customer.email`
    description: str
    impact: Impact

    def __str__(self) -> str:
        return f"{self.impact.value:<10}  {self.subject}: {self.description}"


@dataclass(frozen=True, slots=True)
class Side:
    """One version of a spec: its IR and its normalized component schemas."""

    api: Api
    schemas: dict[str, Any]

    @property
    def operations(self) -> dict[str, Operation]:
        return {operation.method_name: operation for operation in self.api.operations}


def compare(old: Side, new: Side) -> list[ApiChange]:
    """Every API-level change from `old` to `new`, breaking ones first."""
    changes = list(_operation_changes(old, new))
    changes += _model_changes(old, new)
    return sorted(set(changes), key=lambda c: (c.impact is not Impact.BREAKING, c.subject, c.description))


def has_breaking(changes: Iterable[ApiChange]) -> bool:
    return any(change.impact is Impact.BREAKING for change in changes)


def summary(changes: list[ApiChange]) -> str:
    breaking = sum(1 for c in changes if c.impact is Impact.BREAKING)
    return f"{breaking} breaking, {len(changes) - breaking} compatible"


# --- operations ---------------------------------------------------------------------------


def _operation_changes(old: Side, new: Side) -> Iterator[ApiChange]:
    before, after = old.operations, new.operations
    for name in sorted(before.keys() - after.keys()):
        yield ApiChange(name, f"operation removed ({before[name].http_method} {before[name].path})", Impact.BREAKING)
    for name in sorted(after.keys() - before.keys()):
        yield ApiChange(name, f"operation added ({after[name].http_method} {after[name].path})", Impact.COMPATIBLE)
    for name in sorted(before.keys() & after.keys()):
        yield from _one_operation(name, before[name], after[name])


def _one_operation(name: str, old: Operation, new: Operation) -> Iterator[ApiChange]:
    if (old.http_method, old.path) != (new.http_method, new.path):
        yield ApiChange(
            name,
            f"now {new.http_method} {new.path} (was {old.http_method} {old.path})",
            Impact.COMPATIBLE,  # the method keeps its name and arguments
        )
    if new.deprecated and not old.deprecated:
        yield ApiChange(name, "deprecated", Impact.COMPATIBLE)
    yield from _parameter_changes(name, old.parameters, new.parameters)
    old_body, new_body = old.body, new.body
    if old_body is None and new_body is not None:
        impact = Impact.BREAKING if new_body.required else Impact.COMPATIBLE
        yield ApiChange(name, f"body added ({new_body.python_type})", impact)
    elif old_body is not None and new_body is None:
        yield ApiChange(name, "body removed", Impact.BREAKING)
    elif old_body is not None and new_body is not None:
        if old_body.python_type != new_body.python_type:
            yield ApiChange(name, f"body type {old_body.python_type} -> {new_body.python_type}", Impact.BREAKING)
        if new_body.required and not old_body.required:
            yield ApiChange(name, "body now required", Impact.BREAKING)
        if old_body.content_type != new_body.content_type:
            yield ApiChange(
                name, f"body sent as {new_body.content_type} (was {old_body.content_type})", Impact.COMPATIBLE
            )
    old_result, new_result = old.success.python_type or "None", new.success.python_type or "None"
    if old_result != new_result:
        yield ApiChange(name, f"returns {new_result} (was {old_result})", Impact.BREAKING)


def _parameter_changes(name: str, old: tuple[Parameter, ...], new: tuple[Parameter, ...]) -> Iterator[ApiChange]:
    before = {p.python_name: p for p in old}
    after = {p.python_name: p for p in new}
    removed, added = sorted(before.keys() - after.keys()), sorted(after.keys() - before.keys())
    for old_name, new_name in _renames(
        removed, added, lambda n: _parameter_shape(before[n]), lambda n: _parameter_shape(after[n])
    ):
        yield ApiChange(name, f"parameter `{old_name}` renamed to `{new_name}`", Impact.BREAKING)
        removed.remove(old_name)
        added.remove(new_name)
    for parameter in removed:
        yield ApiChange(name, f"parameter `{parameter}` removed", Impact.BREAKING)
    for parameter in added:
        required = after[parameter].required
        yield ApiChange(
            name,
            f"parameter `{parameter}` added ({'required' if required else 'optional'})",
            Impact.BREAKING if required else Impact.COMPATIBLE,
        )
    for parameter in sorted(before.keys() & after.keys()):
        was, now = before[parameter], after[parameter]
        if was.python_type != now.python_type:
            yield ApiChange(
                name, f"parameter `{parameter}` type {was.python_type} -> {now.python_type}", Impact.BREAKING
            )
        if was.required != now.required:
            yield ApiChange(
                name,
                f"parameter `{parameter}` now {'required' if now.required else 'optional'}",
                Impact.BREAKING if now.required else Impact.COMPATIBLE,
            )


def _parameter_shape(parameter: Parameter) -> tuple[str, str, bool]:
    return (parameter.location.value, parameter.python_type, parameter.required)


# --- models -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Field:
    type: str
    format: str | None
    required: bool
    nullable: bool
    enum: tuple[Any, ...] | None


def _model_changes(old: Side, new: Side) -> list[ApiChange]:
    changes: list[ApiChange] = []
    inputs = _reachable(_request_roots(old) | _request_roots(new), old.schemas, new.schemas)
    outputs = _reachable(_response_roots(old) | _response_roots(new), old.schemas, new.schemas)
    for model in sorted(old.schemas.keys() & new.schemas.keys()):
        role = _Role(model in inputs, model in outputs or model not in inputs)
        was, now = old.schemas[model], new.schemas[model]
        changes += _enum_changes(model, _enum_of(was), _enum_of(now), role)
        before, after = _fields(was, old.schemas), _fields(now, new.schemas)
        changes += _field_changes(model, before, after, role)
    return changes


@dataclass(frozen=True, slots=True)
class _Role:
    """Whether a model is sent (in a request) and received (in a response)."""

    sent: bool
    received: bool

    def impact(self, *, breaks_senders: bool, breaks_receivers: bool) -> Impact:
        breaking = (self.sent and breaks_senders) or (self.received and breaks_receivers)
        return Impact.BREAKING if breaking else Impact.COMPATIBLE


def _field_changes(model: str, before: dict[str, _Field], after: dict[str, _Field], role: _Role) -> Iterator[ApiChange]:
    removed, added = sorted(before.keys() - after.keys()), sorted(after.keys() - before.keys())
    for old_name, new_name in _renames(removed, added, before.__getitem__, after.__getitem__):
        yield ApiChange(f"{model}.{old_name}", f"renamed to `{new_name}`", Impact.BREAKING)
        removed.remove(old_name)
        added.remove(new_name)
    for name in removed:
        yield ApiChange(f"{model}.{name}", "field removed", Impact.BREAKING)
    for name in added:
        required = after[name].required
        impact = role.impact(breaks_senders=required, breaks_receivers=False)
        yield ApiChange(f"{model}.{name}", f"field added ({'required' if required else 'optional'})", impact)
    for name in sorted(before.keys() & after.keys()):
        yield from _one_field(f"{model}.{name}", before[name], after[name], role)


def _one_field(subject: str, was: _Field, now: _Field, role: _Role) -> Iterator[ApiChange]:
    if was.type != now.type:
        yield ApiChange(subject, f"type {was.type} -> {now.type}", Impact.BREAKING)
    if was.format != now.format:
        yield ApiChange(subject, f"format {was.format or 'none'} -> {now.format or 'none'}", Impact.BREAKING)
    if was.required != now.required:
        now_required = now.required
        yield ApiChange(
            subject,
            "now required" if now_required else "now optional",
            role.impact(breaks_senders=now_required, breaks_receivers=not now_required),
        )
    if was.nullable != now.nullable:
        yield ApiChange(
            subject,
            "now nullable" if now.nullable else "no longer nullable",
            role.impact(breaks_senders=not now.nullable, breaks_receivers=now.nullable),
        )
    yield from _enum_changes(subject, was.enum, now.enum, role)


def _enum_changes(
    subject: str, was: tuple[Any, ...] | None, now: tuple[Any, ...] | None, role: _Role
) -> Iterator[ApiChange]:
    if was is None or now is None or was == now:
        return
    removed = [value for value in was if value not in now]
    added = [value for value in now if value not in was]
    if removed:
        shown = ", ".join(map(repr, removed))
        yield ApiChange(
            subject, f"enum values removed: {shown}", role.impact(breaks_senders=True, breaks_receivers=False)
        )
    if added:
        shown = ", ".join(map(repr, added))
        yield ApiChange(
            subject, f"enum values added: {shown}", role.impact(breaks_senders=False, breaks_receivers=True)
        )


def _fields(schema: Any, schemas: dict[str, Any]) -> dict[str, _Field]:
    """The model's fields by Python name, allOf members included."""
    found: dict[str, _Field] = {}
    for part in _all_of(schema, schemas):
        required = set(part.get("required") or ())
        for wire_name, field_schema in (part.get("properties") or {}).items():
            found[naming.snake_case(wire_name)] = _field(field_schema, wire_name in required, schemas)
    return found


def _all_of(schema: Any, schemas: dict[str, Any], seen: frozenset[str] = frozenset()) -> Iterator[dict[str, Any]]:
    if not isinstance(schema, dict):
        return
    yield schema
    for part in schema.get("allOf") or ():
        name = ref_name(part)
        if name is not None and name not in seen:
            yield from _all_of(schemas.get(name), schemas, seen | {name})
        elif name is None:
            yield from _all_of(part, schemas, seen)


def _field(schema: Any, required: bool, schemas: dict[str, Any]) -> _Field:
    if not isinstance(schema, dict):
        return _Field("Any", None, required, False, None)
    declared = schema.get("type")
    kinds = declared if isinstance(declared, list) else [declared] if declared else []
    enum_values = schema.get("enum")
    nullable = (
        schema.get("nullable") is True or "null" in kinds or (isinstance(enum_values, list) and None in enum_values)
    )
    plain = {
        key: value
        for key, value in schema.items()
        if key not in ("enum", "nullable", "description", "example", "default")
    }
    if "null" in kinds:
        remaining = [kind for kind in kinds if kind != "null"]
        plain["type"] = remaining[0] if len(remaining) == 1 else remaining
    enum = tuple(v for v in enum_values if v is not None) if isinstance(enum_values, list) else None
    return _Field(python_type(plain, schemas), schema.get("format"), required, nullable, enum)


def _enum_of(schema: Any) -> tuple[Any, ...] | None:
    values = schema.get("enum") if isinstance(schema, dict) else None
    return tuple(v for v in values if v is not None) if isinstance(values, list) else None


def _renames(removed: list[str], added: list[str], old_shape: Any, new_shape: Any) -> list[tuple[str, str]]:
    """Pairs of a removed and an added name with the same shape, when the pairing is unique."""
    pairs = []
    for old_name in removed:
        matches = [new_name for new_name in added if new_shape(new_name) == old_shape(old_name)]
        if len(matches) == 1 and sum(1 for other in removed if old_shape(other) == old_shape(old_name)) == 1:
            pairs.append((old_name, matches[0]))
    return pairs


def _request_roots(side: Side) -> set[str]:
    return {o.body.model_name for o in side.api.operations if o.body and o.body.model_name} | {
        name for o in side.api.operations for p in o.parameters for name in [p.python_type] if name in side.schemas
    }


def _response_roots(side: Side) -> set[str]:
    return {
        name
        for o in side.api.operations
        for response in (o.success, *o.errors)
        for name in [response.model_name]
        if name is not None
    }


def _reachable(roots: set[str], *all_schemas: dict[str, Any]) -> set[str]:
    """The models `roots` use, directly or through other models, in either version."""
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        for schemas in all_schemas:
            for node in objects(schemas.get(name)):
                target = ref_name(node)
                if target is not None and target not in seen:
                    stack.append(target)
    return seen
