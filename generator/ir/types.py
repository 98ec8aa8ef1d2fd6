"""Python type expressions for schemas that are not models of their own.

Parameters, bodies and responses reference models by class name; this module turns the
remaining inline schemas (primitives, arrays, enums, unions) into annotations.
"""

from __future__ import annotations

from typing import Any

from generator.literals import NOT_IN_LITERAL, in_literal, python_literal
from generator.schemas import is_annotation_only, ref_name, says_nullable

_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}
_STRING_FORMATS = {"binary": "bytes"}


def python_type(schema: Any, components: dict[str, Any], *, inline_scalars: bool = False) -> str:
    """An annotation for `schema`; `inline_scalars` spells referenced scalar schemas as builtins."""
    if not isinstance(schema, dict) or not schema:
        return "Any"
    name = ref_name(schema)
    if name is not None:
        target = components.get(name)
        if inline_scalars and isinstance(target, dict) and _is_plain_scalar(target):
            return python_type(target, components)
        return name
    null = ["None"] if says_nullable(schema) else []
    for combinator in ("oneOf", "anyOf"):
        if isinstance(schema.get(combinator), list):
            members = [python_type(b, components, inline_scalars=inline_scalars) for b in schema[combinator]]
            return _union(members + null)
    shaping = [m for m in schema.get("allOf") or [] if not is_annotation_only(m)]
    if isinstance(schema.get("allOf"), list) and len(shaping) == 1:
        return _union([python_type(shaping[0], components, inline_scalars=inline_scalars), *null])
    if "const" in schema:
        return _choices([schema["const"]])
    declared = schema.get("type")
    kinds = declared if isinstance(declared, list) else [declared] if isinstance(declared, str) else []
    if inline_scalars and isinstance(schema.get("enum"), list) and any(k in ("integer", "number") for k in kinds):
        # A parameter arrives as text; "2" would never match Literal[2]. The server's JSON
        # Schema check enforces the enum on the converted number.
        return _union(
            [_PRIMITIVES[k] for k in kinds if k in _PRIMITIVES] + (["None"] if None in schema["enum"] else [])
        )
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        choices = _choices(schema["enum"])
        return _union([choices, "None"] if None in schema["enum"] or "null" in kinds else [choices])
    parts = [_kind_type(kind, schema, components, inline_scalars) for kind in kinds] or ["Any"]
    if schema.get("nullable") is True:
        parts.append("None")
    return _union(parts)


def _kind_type(kind: str, schema: dict[str, Any], components: dict[str, Any], inline_scalars: bool) -> str:
    if kind == "array":
        return f"list[{python_type(schema.get('items', {}), components, inline_scalars=inline_scalars)}]"
    if kind == "object":
        extra = schema.get("additionalProperties")
        value = python_type(extra, components, inline_scalars=inline_scalars) if isinstance(extra, dict) else "Any"
        return f"dict[str, {value}]"
    if kind == "string" and schema.get("format") in _STRING_FORMATS:
        return _STRING_FORMATS[schema["format"]]
    return _PRIMITIVES.get(kind, "Any")


def _is_plain_scalar(schema: dict[str, Any]) -> bool:
    declared = schema.get("type")
    kinds = declared if isinstance(declared, list) else [declared]
    return "enum" not in schema and all(kind in _PRIMITIVES for kind in kinds)


def _choices(values: list[Any]) -> str:
    """`Literal[...]` of the values it can hold; the others (a number with a fraction, an
    object) by their type alone, None aside. (Models check those by value; here the
    server's gate does.)"""
    spelt = [value for value in values if in_literal(value)]
    parts = [f"Literal[{', '.join(python_literal(value) for value in spelt)}]"] if spelt else []
    parts += [NOT_IN_LITERAL.get(type(value), "Any") for value in values if value is not None and not in_literal(value)]
    return _union(parts) if parts else "None"


def _union(parts: Any) -> str:
    unique = list(dict.fromkeys(parts))
    if "Any" in unique:
        return "Any"
    if "None" in unique:  # None last reads best: `str | None`
        unique = [p for p in unique if p != "None"] + ["None"]
    return " | ".join(unique)
