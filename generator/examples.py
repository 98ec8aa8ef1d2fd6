"""Example values for schemas, for the mock server when a spec gives no example.

The value is the smallest instance that validates: required properties only, each from
the schema's own `example`, `examples`, `default`, `const` or first enum value where it
has one, else a value fitting its type and format.
"""

from __future__ import annotations

from typing import Any

from generator.types import ref_name

_FORMAT_EXAMPLES: dict[str, Any] = {
    "date-time": "2024-01-01T00:00:00Z",
    "date": "2024-01-01",
    "time": "00:00:00Z",
    "email": "user@example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "uri": "https://example.com/",
    "url": "https://example.com/",
    "hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
}


def example_for(schema: Any, components: dict[str, Any], depth: int = 0) -> Any:
    """A value that fits `schema`, or None when nothing sensible can be made."""
    if not isinstance(schema, dict) or depth > 8:
        return None
    name = ref_name(schema)
    if name is not None:
        return example_for(components.get(name), components, depth + 1)
    for key in ("example", "default", "const"):
        if key in schema:
            return schema[key]
    if isinstance(schema.get("examples"), list) and schema["examples"]:
        return schema["examples"][0]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    if isinstance(schema.get("allOf"), list):
        merged: dict[str, Any] = {}
        for part in schema["allOf"]:
            value = example_for(part, components, depth + 1)
            if isinstance(value, dict):
                merged.update(value)
        return merged
    for combinator in ("oneOf", "anyOf"):
        branches = [b for b in schema.get(combinator) or [] if not (isinstance(b, dict) and b.get("type") == "null")]
        if branches:
            return example_for(branches[0], components, depth + 1)
    declared = schema.get("type")
    kinds = declared if isinstance(declared, list) else [declared]
    kind = next((k for k in kinds if k != "null"), None)
    if kind == "object" or (kind is None and "properties" in schema):
        properties = schema.get("properties") or {}
        return {
            prop: example_for(properties.get(prop), components, depth + 1)
            for prop in schema.get("required") or []
            if isinstance(prop, str)
        }
    if kind == "array":
        minimum = schema.get("minItems", 0)
        item = example_for(schema.get("items"), components, depth + 1)
        return [item] * minimum if isinstance(minimum, int) else []
    if kind == "string":
        fmt = schema.get("format")
        if isinstance(fmt, str) and fmt in _FORMAT_EXAMPLES:
            return _FORMAT_EXAMPLES[fmt]
        length = schema.get("minLength", 0)
        return "x" * length if isinstance(length, int) else ""
    if kind in ("integer", "number"):
        minimum = schema.get("minimum", 0)
        return minimum if isinstance(minimum, int | float) else 0
    if kind == "boolean":
        return False
    return None
