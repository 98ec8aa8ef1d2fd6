"""Python types for schemas: the one table of JSON Schema types and formats, and the
annotations of schemas that are not models of their own.

The models (`generator.render.model_builder`) and the client and server signatures
(`python_type`, for the IR) both take a scalar's type from `scalar_type`. Parameters,
bodies and responses reference models by class name; `python_type` turns the remaining
inline schemas (primitives, arrays, enums, unions) into annotations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from generator.literals import NOT_IN_LITERAL, in_literal, python_literal
from generator.schemas import is_annotation_only, ref_name, says_nullable


@dataclass(frozen=True, slots=True)
class PythonType:
    """A Python annotation and the names it needs imported, as (module, name) pairs."""

    annotation: str
    imports: frozenset[tuple[str, str]] = frozenset()

    @classmethod
    def imported(cls, module: str, name: str) -> PythonType:
        """A type spelt by the name it is imported as."""
        return cls(name, frozenset({(module, name)}))


ANY = PythonType.imported("typing", "Any")
_PRIMITIVES = {
    "string": PythonType("str"),
    "integer": PythonType("int"),
    "number": PythonType("float"),
    "boolean": PythonType("bool"),
    "null": PythonType("None"),
}
STRING_FORMATS = {
    "date-time": PythonType.imported("pydantic", "AwareDatetime"),
    "date": PythonType.imported("datetime", "date"),
    "uuid": PythonType.imported("uuid", "UUID"),
    "ipv4": PythonType.imported("ipaddress", "IPv4Address"),
    "ipv6": PythonType.imported("ipaddress", "IPv6Address"),
    "binary": PythonType("bytes"),
}
# The formats a signature spells as the models do: bytes travel raw. Any other format is
# text on the wire; a client takes it, and a server route receives it, as `str`, and the
# server's JSON Schema gate checks its form.
_SIGNATURE_FORMATS = frozenset({"binary"})


def scalar_type(kind: object, format_: object = None, *, in_signature: bool = False) -> PythonType:
    """The type of a value of JSON Schema type `kind` (not array or object), a string's
    `format` refining it; `Any` for a kind that is none of these."""
    refined = STRING_FORMATS.get(format_) if kind == "string" and isinstance(format_, str) else None
    if refined is not None and (not in_signature or format_ in _SIGNATURE_FORMATS):
        return refined
    return _PRIMITIVES.get(kind, ANY) if isinstance(kind, str) else ANY


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
            [_PRIMITIVES[k].annotation for k in kinds if k in _PRIMITIVES]
            + (["None"] if None in schema["enum"] else [])
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
    return scalar_type(kind, schema.get("format"), in_signature=True).annotation


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
