"""How a generated server fills the error bodies a spec declares.

A server must answer a bad request in the API's own error shape: ChargeOver's envelope,
Meteroid's `RestErrorResponse`, an RFC 9457 problem. For each declared error model this
module finds, by name and type, the property that carries the message, the status code,
an error-code enum (`BAD_REQUEST`, ...), a title and the per-field details, and starts
from the spec's example so every required property has a value.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from generator import naming
from generator.ir.ir import ErrorRoute, ErrorShape, Operation, Response
from generator.schemas import ref_name

_MESSAGE_NAMES = ("message", "detail", "error_description", "error_message", "description", "error", "msg")
_STATUS_NAMES = ("status", "code", "status_code", "statusCode", "http_status")
_CODE_NAMES = ("code", "error_code", "errorCode", "type", "error")
_DETAIL_NAMES = ("errors", "details", "invalid_params", "invalidParams", "fields", "violations")
_LOCATION_NAMES = ("field", "pointer", "path", "name", "param", "loc", "location")
_ITEM_MESSAGE_NAMES = ("message", "msg", "detail", "reason", "description")


@dataclass
class _Schema:
    """A component schema, its properties resolved one level through `$ref`s."""

    properties: dict[str, dict[str, Any]]
    required: list[str]


def _resolve(schema: Any, components: dict[str, Any]) -> Any:
    seen = set()
    while (name := ref_name(schema)) is not None and name not in seen:
        seen.add(name)
        schema = components.get(name, {})
    return schema


def _object(schema: Any, components: dict[str, Any]) -> _Schema | None:
    schema = _resolve(schema, components)
    if not isinstance(schema, dict) or not isinstance(schema.get("properties"), dict):
        return None
    properties = {name: _resolve(value, components) for name, value in schema["properties"].items()}
    properties = {name: value if isinstance(value, dict) else {} for name, value in properties.items()}
    required = [name for name in schema.get("required", []) if isinstance(name, str)]
    return _Schema(properties, required)


def _kinds(schema: dict[str, Any]) -> set[str]:
    declared = schema.get("type")
    kinds = set(declared) if isinstance(declared, list) else {declared} if isinstance(declared, str) else set()
    if not kinds and isinstance(schema.get("enum"), list) and all(isinstance(v, str) for v in schema["enum"]):
        kinds = {"string"}
    return kinds


def _first(properties: dict[str, dict[str, Any]], names: tuple[str, ...], kind: str) -> str | None:
    for name in names:
        if name in properties and kind in _kinds(properties[name]):
            return name
    return None


def _skeleton(schema: _Schema, components: dict[str, Any]) -> dict[str, Any]:
    """A value for every required property, when the spec gives no example."""
    values: dict[str, Any] = {}
    for name in schema.required:
        prop = schema.properties.get(name, {})
        if "default" in prop:
            values[name] = prop["default"]
        elif isinstance(prop.get("enum"), list) and prop["enum"]:
            values[name] = prop["enum"][0]
        else:
            kinds = _kinds(prop)
            values[name] = (
                ""
                if "string" in kinds
                else 0
                if kinds & {"integer", "number"}
                else False
                if "boolean" in kinds
                else []
                if "array" in kinds
                else {}
                if "object" in kinds
                else None
            )
    return values


def error_shape(response: Response, components: dict[str, Any]) -> ErrorShape | None:
    """The shape for one declared error response, or None when it has no JSON object model."""
    if response.model_name is None:
        return None
    shape = _object(components.get(response.model_name), components)
    if shape is None:
        return None
    props = shape.properties
    message = _first(props, _MESSAGE_NAMES, "string")
    status = _first(props, _STATUS_NAMES, "integer")
    code = next(
        (
            name
            for name in _CODE_NAMES
            if name in props and name != message and isinstance(props[name].get("enum"), list)
        ),
        None,
    )
    title = "title" if "title" in props and "string" in _kinds(props["title"]) and message != "title" else None
    details = next(
        (name for name in _DETAIL_NAMES if name in props and _kinds(props[name]) & {"array", "object"}), None
    )
    item_location = item_message = None
    if details is not None and "array" in _kinds(props[details]):
        item = _object(props[details].get("items"), components)
        if item is not None:
            item_location = _first(item.properties, _LOCATION_NAMES, "string")
            item_message = _first(item.properties, _ITEM_MESSAGE_NAMES, "string")
        if item_location is None or item_message is None:
            details = None
    template = response.example if isinstance(response.example, dict) else _skeleton(shape, components)
    return ErrorShape(
        constant_name="",
        model_name=response.model_name,
        content_type=response.content_type or "application/json",
        template=template,
        from_example=isinstance(response.example, dict),
        message_field=message,
        status_field=status,
        code_field=code,
        code_values=tuple(str(v) for v in props[code]["enum"]) if code else (),
        title_field=title,
        details_field=details,
        details_item_location=item_location,
        details_item_message=item_message,
    )


def attach_error_shapes(
    operations: tuple[Operation, ...], components: dict[str, Any]
) -> tuple[tuple[Operation, ...], tuple[ErrorShape, ...], tuple[ErrorRoute, ...]]:
    """Give each operation its error routes, and the API its distinct shapes.

    The API-wide routes (the shape first declared for each status) answer errors that
    happen outside any operation: an unknown path, a wrong method, an oversized body.
    """
    names: dict[ErrorShape, str] = {}
    # The shape's name by what the shape is made of (model, media type, the example object,
    # kept so that its id stays its own): a spec repeats one error response in every
    # operation (DigitalOcean: 3,200 times), and each shape's hash prints its example.
    named: dict[tuple[str | None, str | None, int], tuple[Any, str | None]] = {}
    api_wide: dict[str, str] = {}
    updated = []
    for operation in operations:
        routes = []
        for response in operation.errors:
            key = (response.model_name, response.content_type, id(response.example))
            if key not in named:
                named[key] = (response.example, _name(response, components, names))
            name = named[key][1]
            if name is None:
                continue
            routes.append(ErrorRoute(response.status, name))
            api_wide.setdefault(response.status, name)
        unchanged = tuple(routes) == operation.error_routes
        updated.append(operation if unchanged else replace(operation, error_routes=tuple(routes)))
    shapes = tuple(replace(shape, constant_name=name) for shape, name in names.items())
    defaults = tuple(ErrorRoute(status, name) for status, name in sorted(api_wide.items()))
    return tuple(updated), shapes, defaults


def _name(response: Response, components: dict[str, Any], names: dict[ErrorShape, str]) -> str | None:
    """The name of the response's shape (named here when it is new), None for no shape."""
    shape = error_shape(response, components)
    if shape is None:
        return None
    if shape not in names:
        # A shape made from one response's example is that response's: its status names it.
        status = (response.status,) if shape.from_example else ()
        stem = naming.constant_name(shape.model_name or "problem", *status)
        names[shape] = naming.unique([stem], set(names.values()))[0]
    return names[shape]
