"""Giving every schema the generated code talks about a class name.

Two passes over the bundled document, in place:
1. inline object schemas of request and response bodies are hoisted into
   `components/schemas` under names derived from the operation (`UpdateCustomerRequest`);
2. every component schema is renamed to its Python class name, and every reference to it
   follows.
After this, templates and datamodel-code-generator agree on one name per model.
"""

from __future__ import annotations

from typing import Any

from generator import naming, pointers
from generator.bundle import HTTP_METHODS
from generator.types import SCHEMA_REF_PREFIX, ref_name

JSON_MEDIA_SUFFIXES = ("/json", "+json")


def is_json_media(media_type: str) -> bool:
    base = media_type.split(";")[0].strip().lower()
    return base.endswith(JSON_MEDIA_SUFFIXES) or base == "*/*"


def operation_ids(document: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(path, method) -> operation id, derived from method and path where none is declared."""
    found: dict[tuple[str, str], str] = {}
    for path, item in _path_items(document):
        for method in HTTP_METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                declared = operation.get("operationId")
                found[(path, method)] = (
                    declared if isinstance(declared, str) and declared else naming.operation_id_for(method, path)
                )
    return found


def normalize(document: dict[str, Any]) -> dict[str, str]:
    """Hoist inline body schemas and rename components; returns old name -> class name."""
    components = document.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    _hoist_body_schemas(document, schemas)
    renames = dict(zip(schemas, naming.unique(naming.class_name(name) for name in schemas), strict=True))
    if any(old != new for old, new in renames.items()):
        components["schemas"] = {renames[name]: schema for name, schema in schemas.items()}
        _rewrite_refs(document, renames)
    return renames


def _path_items(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return []
    return [(path, item) for path, item in paths.items() if isinstance(item, dict)]


def _hoist_body_schemas(document: dict[str, Any], schemas: dict[str, Any]) -> None:
    ids = operation_ids(document)
    for path, item in _path_items(document):
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            stem = naming.pascal_case(ids[(path, method)])
            body = operation.get("requestBody")
            if isinstance(body, dict):
                _hoist_content(body.get("content"), f"{stem}Request", schemas)
            responses = operation.get("responses")
            if isinstance(responses, dict):
                successes = [s for s in responses if s.startswith("2")]
                for status, response in responses.items():
                    if not isinstance(response, dict):
                        continue
                    suffix = "" if status.startswith("2") and len(successes) == 1 else naming.pascal_case(status)
                    _hoist_content(response.get("content"), f"{stem}{suffix}Response", schemas)


def _hoist_content(content: Any, name: str, schemas: dict[str, Any]) -> None:
    if not isinstance(content, dict):
        return
    for media_type, media in content.items():
        if not isinstance(media, dict) or not is_json_media(media_type):
            continue
        schema = media.get("schema")
        if _needs_model(schema):
            unique_name = naming.unique([name], taken=schemas)[0]
            schemas[unique_name] = schema
            media["schema"] = {"$ref": SCHEMA_REF_PREFIX + pointers.escape(unique_name)}


def _needs_model(schema: Any) -> bool:
    """Object-like inline schemas get a model; refs, scalars and arrays do not."""
    if not isinstance(schema, dict) or ref_name(schema) is not None:
        return False
    declared = schema.get("type")
    kinds = declared if isinstance(declared, list) else [declared]
    return (
        "object" in kinds
        or "properties" in schema
        or "allOf" in schema
        or (declared is None and ("oneOf" in schema or "anyOf" in schema))
    )


def _rewrite_refs(node: Any, renames: dict[str, str]) -> None:
    """Point every schema reference (and discriminator mapping) at the renamed component."""
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            name = ref_name(current)
            if name is not None and name in renames:
                current["$ref"] = SCHEMA_REF_PREFIX + pointers.escape(renames[name])
            mapping = current.get("mapping") if isinstance(current.get("propertyName"), str) else None
            if isinstance(mapping, dict):
                for key, target in mapping.items():
                    target_name = ref_name({"$ref": target})
                    if target_name in renames:
                        mapping[key] = SCHEMA_REF_PREFIX + pointers.escape(renames[target_name])
            stack.extend(current.values())
        elif isinstance(current, list):
            stack.extend(current)
