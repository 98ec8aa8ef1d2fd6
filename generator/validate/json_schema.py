"""JSON Schema 2020-12 for request validation, from the spec's schemas.

A generated server checks each request body and parameter against the spec's own schema
before building models: JSON Schema is what the spec means (a boolean is never 0, a
nullable field is the only one that takes null), where pydantic's coercions would accept
more. References point at `#/$defs/<class name>`; OpenAPI 3.0's `nullable` and boolean
`exclusiveMinimum`/`exclusiveMaximum` become their JSON Schema spellings.
"""

from __future__ import annotations

import json
import re
from typing import Any

from generator import pointers
from generator.schemas import ANNOTATION_KEYWORDS, SCHEMA_REF_PREFIX, says_nullable

_DATA_KEYWORDS = frozenset({"example", "examples", "default", "enum", "const"})
# OpenAPI keywords that mean nothing to a JSON Schema validator.
_DROPPED = frozenset({"nullable", "discriminator", "xml", "externalDocs", "example"})
_COMPOSING = ("$ref", "allOf", "oneOf", "anyOf", "not")


def to_json_schema(schema: Any, *, openapi_30: bool) -> Any:
    """A copy of `schema` that a JSON Schema 2020-12 validator reads as the spec means it."""
    if isinstance(schema, list):
        return [to_json_schema(item, openapi_30=openapi_30) for item in schema]
    if not isinstance(schema, dict):
        return schema
    converted: dict[str, Any] = {}
    for key, value in schema.items():
        if key in _DATA_KEYWORDS:
            converted[key] = value
        elif key == "$ref" and isinstance(value, str) and value.startswith(SCHEMA_REF_PREFIX):
            converted[key] = "#/$defs/" + value[len(SCHEMA_REF_PREFIX) :]
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
        str(value): "#/$defs/" + target[len(SCHEMA_REF_PREFIX) :]
        for value, target in mapping.items()
        if isinstance(target, str) and target.startswith(SCHEMA_REF_PREFIX)
    }
    chosen = set(choices.values())
    for member in members:  # members the mapping leaves out are named by their own name
        ref = member.get("$ref") if isinstance(member, dict) else None
        if isinstance(ref, str) and ref.startswith("#/$defs/") and ref not in chosen:
            choices[ref[len("#/$defs/") :]] = ref
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


# A `#/$defs/...` reference as JSON text writes it (escapes included).
_DEFS_REFERENCE = re.compile(r'"#/\$defs/(?:[^"\\]|\\.)*"')


class Definitions:
    """The component schemas, each converted when a schema first refers to it.

    A check of one value needs the components its schema reaches, not the thousand a large
    spec holds.
    """

    def __init__(self, components: dict[str, Any], *, openapi_30: bool) -> None:
        self.components = components
        self.openapi_30 = openapi_30
        self._converted: dict[str, tuple[Any, set[str]]] = {}  # name -> (schema, names it refers to)

    def referred_to(self, text: str) -> dict[str, Any]:
        """The `$defs` a converted schema, as JSON text, needs: the components it refers to,
        directly or through others (a reference inside a data value may add one more)."""
        found: dict[str, Any] = {}
        pending = list(_referred_names(text))
        while pending:
            name = pending.pop()
            if name in found or name not in self.components:
                continue
            if name not in self._converted:
                converted = to_json_schema(self.components[name], openapi_30=self.openapi_30)
                self._converted[name] = (converted, _referred_names(json.dumps(converted)))
            found[name], referred = self._converted[name]
            pending.extend(referred)
        return found


def _referred_names(text: str) -> set[str]:
    """The component names the `#/$defs/<name>` references in JSON text point at."""
    names = set()
    for match in _DEFS_REFERENCE.finditer(text):
        reference: str = json.loads(match.group())
        names.add(pointers.unescape(reference[len("#/$defs/") :].split("/", 1)[0]))
    return names
