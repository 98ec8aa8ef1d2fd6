"""What a schema of a spec says, read the same way by every stage: the component a
`$ref` names, the keywords that only annotate, and OpenAPI 3.0's ways of saying nullable."""

from __future__ import annotations

from typing import Any

from generator import pointers

SCHEMA_REF_PREFIX = "#/components/schemas/"


def ref_name(schema: Any) -> str | None:
    """The component name a `{"$ref": "#/components/schemas/X"}` schema points at."""
    if isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        ref: str = schema["$ref"]
        if ref.startswith(SCHEMA_REF_PREFIX):
            return pointers.unescape(ref[len(SCHEMA_REF_PREFIX) :])
    return None


def component_ref(schema: Any) -> str | None:
    """The component a `$ref` names as a whole (`#/components/schemas/X`, not a pointer
    into it), or None."""
    name = ref_name(schema)
    return name if name is not None and "/" not in schema["$ref"][len(SCHEMA_REF_PREFIX) :] else None


# Keywords that describe a value without constraining its shape.
ANNOTATION_KEYWORDS = frozenset(
    {"description", "title", "summary", "$comment", "readOnly", "writeOnly", "deprecated"}
    | {"example", "examples", "default", "nullable", "externalDocs", "xml"}
)


def is_annotation_only(schema: Any) -> bool:
    """An allOf member that only annotates (`{readOnly: true}`): no type of its own."""
    return isinstance(schema, dict) and all(key in ANNOTATION_KEYWORDS or key.startswith("x-") for key in schema)


def says_nullable(schema: dict[str, Any]) -> bool:
    """OpenAPI 3.0's `nullable: true`, beside the type, a reference or a composition, or in
    an allOf member that only annotates: specs use it all these ways."""
    members = schema.get("allOf")
    return schema.get("nullable") is True or (
        isinstance(members, list) and any(is_annotation_only(m) and m.get("nullable") is True for m in members)
    )
