"""JSON Schema 2020-12 for request validation, from the spec's schemas.

A generated server checks each request body and parameter against the spec's own schema
before building models: JSON Schema is what the spec means (a boolean is never 0, a
nullable field is the only one that takes null), where pydantic's coercions would accept
more. References point at `#/$defs/<class name>`; OpenAPI 3.0's `nullable` and boolean
`exclusiveMinimum`/`exclusiveMaximum` become their JSON Schema spellings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generator import pointers
from generator.schemas import ANNOTATION_KEYWORDS, SCHEMA_REF_PREFIX, says_nullable
from generator.traverse import DATA_KEYWORDS, SCHEMA_MAPS

# OpenAPI keywords that mean nothing to a JSON Schema validator.
_DROPPED = frozenset({"nullable", "discriminator", "xml", "externalDocs", "example"})
_COMPOSING = ("$ref", "allOf", "oneOf", "anyOf", "not")
DEFS_PREFIX = "#/$defs/"  # where a converted schema's references point: its components


def to_json_schema(schema: Any, *, openapi_30: bool) -> Any:
    """A copy of `schema` that a JSON Schema 2020-12 validator reads as the spec means it."""
    if isinstance(schema, list):
        return [to_json_schema(item, openapi_30=openapi_30) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted: dict[str, Any] = {}
    for key, value in schema.items():
        if key in DATA_KEYWORDS:
            converted[key] = value
        elif key == "$ref" and isinstance(value, str) and value.startswith(SCHEMA_REF_PREFIX):
            converted[key] = DEFS_PREFIX + value[len(SCHEMA_REF_PREFIX) :]
        elif key not in _DROPPED and not key.startswith("x-"):
            converted[key] = to_json_schema(value, openapi_30=openapi_30) if isinstance(value, dict | list) else value
    _apply_discriminator(schema, converted)
    if openapi_30:
        converted = _convert_30(schema, converted)
    return converted


def _apply_discriminator(original: dict[str, Any], converted: dict[str, Any]) -> None:
    """A discriminator picks the one member a value is checked against.

    Plain `oneOf` would refuse a value that also fits another member (a subtype always fits
    its base); the discriminator's value decides instead, as OpenAPI means it.
    """
    discriminator = original.get("discriminator")
    combinator = "oneOf" if isinstance(converted.get("oneOf"), list) else "anyOf"
    members = converted.get(combinator)
    if not isinstance(discriminator, dict) or not isinstance(members, list):
        return
    name = discriminator.get("propertyName")
    mapping = discriminator.get("mapping")
    if not isinstance(name, str) or not isinstance(mapping, dict):
        return
    choices = {
        str(value): DEFS_PREFIX + target[len(SCHEMA_REF_PREFIX) :]
        for value, target in mapping.items()
        if isinstance(target, str) and target.startswith(SCHEMA_REF_PREFIX)
    }
    chosen = set(choices.values())
    for member in members:  # members the mapping leaves out are named by their own name
        ref = member.get("$ref") if isinstance(member, dict) else None
        if isinstance(ref, str) and ref.startswith(DEFS_PREFIX) and ref not in chosen:
            choices[ref[len(DEFS_PREFIX) :]] = ref
    if not choices:
        return
    del converted[combinator]
    converted["anyOf"] = [
        {"allOf": [{"properties": {name: {"const": value}}, "required": [name]}, {"$ref": target}]}
        for value, target in choices.items()
    ]


def _convert_30(original: dict[str, Any], converted: dict[str, Any]) -> dict[str, Any]:
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        if converted.get(exclusive) is True and bound in converted:
            converted[exclusive] = converted.pop(bound)
        elif isinstance(converted.get(exclusive), bool):
            del converted[exclusive]
    if not says_nullable(original):
        return converted
    if any(key in converted for key in _COMPOSING):
        # Null beside a reference or a composition: either what they say, or null. (A type
        # beside them would take null while a member still refused it.)
        outside = {key: value for key, value in converted.items() if key in ANNOTATION_KEYWORDS}
        inside = {key: value for key, value in converted.items() if key not in ANNOTATION_KEYWORDS}
        return {**outside, "anyOf": [inside, {"type": "null"}]}
    declared = converted.get("type")
    if isinstance(declared, str):
        converted["type"] = [declared, "null"]
    elif isinstance(declared, list) and "null" not in declared:
        converted["type"] = [*declared, "null"]
    if isinstance(converted.get("enum"), list) and None not in converted["enum"]:
        converted["enum"] = [*converted["enum"], None]
    return converted


class Definitions:
    """The component schemas, each converted when a schema first refers to it, and the
    components a converted schema reaches.

    A check of one value needs the components its schema reaches, not the thousand a large
    spec holds.
    """

    def __init__(self, components: dict[str, Any], *, openapi_30: bool) -> None:
        self.components = components
        self.openapi_30 = openapi_30
        self._converted: dict[str, Any] = {}
        self._references: dict[str, frozenset[str]] = {}

    def definition(self, name: str) -> Any:
        """The component `name`, converted (once: the server's `$defs` are these too)."""
        if name not in self._converted:
            self._converted[name] = to_json_schema(self.components.get(name, {}), openapi_30=self.openapi_30)
        return self._converted[name]

    def closure(self, converted: Any) -> set[str]:
        """The components a converted schema refers to, directly or through others."""
        found: set[str] = set()
        pending = list(references(converted))
        while pending:
            name = pending.pop()
            if name in found or name not in self.components:
                continue
            found.add(name)
            if name not in self._references:
                self._references[name] = frozenset(references(self.definition(name)))
            pending.extend(self._references[name])
        return found

    def referred_to(self, converted: Any) -> dict[str, Any]:
        """The `$defs` a converted schema needs, by name."""
        return {name: self.definition(name) for name in sorted(self.closure(converted))}


def references(converted: Any) -> set[str]:
    """The components a converted schema names in its `$ref`s (data values left out)."""
    return {
        pointers.unescape(value[len(DEFS_PREFIX) :].split("/", 1)[0])
        for key, value in keywords(converted)
        if key == "$ref" and isinstance(value, str) and value.startswith(DEFS_PREFIX)
    }


def keywords(converted: Any) -> Iterator[tuple[str, Any]]:
    """Every (keyword, value) of the schemas in a converted schema, data values left out;
    the names of a schema map (`properties`: a property may be called `$ref`) are names."""
    stack: list[tuple[Any, bool]] = [(converted, False)]
    while stack:
        node, is_map = stack.pop()
        if isinstance(node, dict):
            for key, value in node.items():
                if not is_map:
                    yield key, value
                if isinstance(value, dict | list) and (is_map or key not in DATA_KEYWORDS):
                    stack.append((value, not is_map and key in SCHEMA_MAPS))
        elif isinstance(node, list):
            stack.extend((item, False) for item in node if isinstance(item, dict | list))
