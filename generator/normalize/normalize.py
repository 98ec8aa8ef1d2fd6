"""Giving every schema the generated code talks about a class name.

Two passes over the bundled document, in place:
1. inline object schemas of request and response bodies are hoisted into
   `components/schemas` under names derived from the operation (`UpdateCustomerRequest`);
2. every component schema is renamed to its Python class name, and every reference to it
   follows. A name that is a class name already keeps it; one that would shadow a name of
   the package's own (`ConflictError`, `Client`), a builtin or another schema's class takes
   a suffix (`ConflictErrorModel`, `Pet2`), and the rename is reported.
   The same walk relaxes one-way fields, drops 3.0's null defaults and spells out
   discriminator mappings.
After this, the templates and `generator.render.model_builder` agree on one name per model.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from generator import naming, pointers
from generator.diagnostics import Diagnostic, Location, warning
from generator.load.bundle import operations_of
from generator.media_types import Encoding
from generator.schemas import SCHEMA_REF_PREFIX, ref_name


def is_json_media(media_type: str) -> bool:
    return Encoding.of(media_type) is Encoding.JSON


def operation_ids(document: dict[str, Any]) -> dict[tuple[str, str], str]:
    """(path, method) -> operation id, derived from method and path where none is declared."""
    found: dict[tuple[str, str], str] = {}
    for path, item in _path_items(document):
        for method, operation in operations_of(item):
            if isinstance(operation, dict):
                declared = operation.get("operationId")
                found[(path, method)] = (
                    declared if isinstance(declared, str) and declared else naming.operation_id_for(method, path)
                )
    return found


def normalize(document: dict[str, Any]) -> dict[str, str]:
    """Hoist inline body schemas and rename components.

    Returns the spec's schemas renamed to avoid a clash (spec name -> class name): those
    whose class is not simply their name in PascalCase.
    """
    components = document.setdefault("components", {})
    schemas: dict[str, Any] = components.setdefault("schemas", {})
    declared = set(schemas)
    _hoist_body_schemas(document, schemas)
    _hoist_webhook_schemas(document, schemas)
    renames = dict(zip(schemas, _class_names(list(schemas)), strict=True))
    renamed = {old: new for old, new in renames.items() if old != new}
    _Rewrite(document, schemas, renamed, openapi_30=str(document.get("openapi", "")).startswith("3.0")).run()
    if renamed:
        components["schemas"] = {renames[name]: schema for name, schema in schemas.items()}
    return {old: new for old, new in renames.items() if old in declared and new != naming.pascal_case(old)}


def rename_warnings(renamed: dict[str, str], locate: Callable[[str], Location]) -> list[Diagnostic]:
    """A warning for each schema `normalize` renamed to avoid a clash, at the schema."""
    found = []
    for old, new in renamed.items():
        wanted = naming.pascal_case(old)
        why = (
            "a name the package defines itself"
            if wanted in naming.GENERATED_SYMBOLS
            else "a Python builtin or keyword"
            if naming.class_name(wanted) != wanted
            else "another schema's class name"
        )
        message = f"schema {old!r} is the model {new}: {wanted} is {why}"
        found.append(warning(locate(pointers.join("/components/schemas", new)), message, kind="model-renamed"))
    return found


def _class_names(names: list[str]) -> list[str]:
    """The class name of each schema: one that is a class name already keeps it, and the
    others take what is left (with `Pet` and `pet`, `Pet` stays and `pet` becomes `Pet2`)."""
    wanted = [naming.class_name(name) for name in names]
    order = sorted(range(len(names)), key=lambda index: wanted[index] != names[index])
    result = [""] * len(names)
    for index, name in zip(order, naming.unique(wanted[index] for index in order), strict=True):
        result[index] = name
    return result


def _path_items(document: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return []
    return [(path, item) for path, item in paths.items() if isinstance(item, dict)]


def _hoist_body_schemas(document: dict[str, Any], schemas: dict[str, Any]) -> None:
    ids = operation_ids(document)
    for path, item in _path_items(document):
        for method, operation in operations_of(item):
            operation_id = ids[(path, method)]
            body = operation.get("requestBody")
            if isinstance(body, dict):
                _hoist_content(body.get("content"), functools.partial(_body_name, operation_id, "", "Request"), schemas)
            responses = operation.get("responses")
            if isinstance(responses, dict):
                successes = [s for s in responses if s.startswith("2")]
                for status, response in responses.items():
                    if not isinstance(response, dict):
                        continue
                    shown = "" if status.startswith("2") and len(successes) == 1 else status
                    name = functools.partial(_body_name, operation_id, shown, "Response")
                    _hoist_content(response.get("content"), name, schemas)


def _body_name(stem: str, status: str, kind: str) -> str:
    """`UpdateCustomerRequest`, `UpdateCustomer404Response`: spelt only for a body that
    needs a model (most are references already)."""
    return f"{naming.pascal_case(stem)}{naming.pascal_case(status) if status else ''}{kind}"


def _hoist_webhook_schemas(document: dict[str, Any], schemas: dict[str, Any]) -> None:
    """A webhook's inline body becomes the model of its event: `order.created` -> `OrderCreatedEvent`."""
    hooks = document.get("webhooks")
    if not isinstance(hooks, dict):
        return
    for name, item in hooks.items():
        if not isinstance(item, dict):
            continue
        for _, operation in operations_of(item):
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if isinstance(body, dict):
                _hoist_content(body.get("content"), functools.partial(_body_name, str(name), "", "Event"), schemas)


def _hoist_content(content: Any, name: Callable[[], str], schemas: dict[str, Any]) -> None:
    """Each inline schema of `content` that needs a model becomes a component, named by
    `name()` (asked only then)."""
    if not isinstance(content, dict):
        return
    for media_type, media in content.items():
        if not isinstance(media, dict):
            continue
        encoding = Encoding.of(media_type)
        key = "schema"
        if encoding is Encoding.EVENTS:
            # Each event's data: `itemSchema` (OpenAPI 3.2), else `schema`; `WatchJobsEvent`.
            key = "itemSchema" if "itemSchema" in media else "schema"
        elif not encoding.has_fields:
            continue
        schema = media.get(key)
        if _needs_model(schema):
            model_name = name()
            if encoding is Encoding.EVENTS:
                model_name = model_name.removesuffix("Response") + "Event"
            unique_name = naming.unique([model_name], taken=schemas)[0]
            schemas[unique_name] = schema
            media[key] = {"$ref": SCHEMA_REF_PREFIX + pointers.escape(unique_name)}


# What the walk of `_Rewrite` does at an object, as bits: each has its own reach.
_SPELL = 1  # spell out a discriminator's mapping: the whole document but data values
_RELAX = 2  # relax one-way fields: component schemas but data values
_DROP = 4  # drop 3.0's null defaults: component schemas but examples and enums
_CONTAINERS = (dict, list)
_DATA = frozenset({"enum", "const", "default", "example", "examples"})
_EXAMPLES_AND_ENUMS = frozenset({"enum", "example", "examples"})  # the data null defaults are not looked for in


class _Rewrite:
    """One walk of the whole document, in place, doing what each object needs:

    - a discriminator's mapping spelt out (`_spell_out`),
    - component schemas' one-way fields relaxed (`_relax`) and, in OpenAPI 3.0, their
      null defaults dropped (`_drop_null_default`),
    - every schema reference (and discriminator mapping) pointed at the renamed component.

    Mappings are spelt with the spec's names, before the references are renamed: an object
    is done before the objects inside it.
    """

    def __init__(
        self, document: dict[str, Any], schemas: dict[str, Any], renames: dict[str, str], *, openapi_30: bool
    ) -> None:
        self.document = document
        self.schemas = schemas
        self.renames = renames
        self.component_bits = _RELAX | (_DROP if openapi_30 else 0)

    def run(self) -> None:
        renames, schemas, component_bits = self.renames, self.schemas, self.component_bits
        stack: list[tuple[Any, int]] = [(self.document, _SPELL)]
        while stack:
            node, bits = stack.pop()
            if isinstance(node, list):
                stack.extend((item, bits) for item in node if isinstance(item, _CONTAINERS))
                continue
            # Most objects hold none of the keys any of this is about: tested first, cheaply.
            if bits & _SPELL and "discriminator" in node:
                self._spell_out(node)
            if bits & _RELAX and "required" in node:
                _relax(node)
            if bits & _DROP and "default" in node:
                _drop_null_default(node)
            if renames and ("$ref" in node or "propertyName" in node):
                _rename_refs(node, renames)
            for key, value in node.items():
                if not isinstance(value, _CONTAINERS):
                    continue
                child = bits
                if key in _DATA:
                    child &= 0 if key in _EXAMPLES_AND_ENUMS else _DROP
                if node is schemas:
                    child |= component_bits
                if child or renames:  # renaming reaches data values too
                    stack.append((value, child))

    def _spell_out(self, node: dict[str, Any]) -> None:
        """Members a discriminator's mapping leaves out are named by their schema's name."""
        discriminator = node.get("discriminator")
        members = node.get("oneOf") or node.get("anyOf")
        if isinstance(discriminator, dict) and isinstance(members, list):
            mapping = discriminator.get("mapping")
            mapping = dict(mapping) if isinstance(mapping, dict) else {}
            for value, target in mapping.items():  # a bare schema name is a reference too
                if isinstance(target, str) and target in self.schemas:
                    mapping[value] = SCHEMA_REF_PREFIX + pointers.escape(target)
            named = set(mapping.values())
            for member in members:
                name = ref_name(member)
                if name is not None and member["$ref"] not in named and name not in mapping:
                    mapping[name] = member["$ref"]
            if mapping:
                discriminator["mapping"] = mapping


def _relax(schema: dict[str, Any]) -> None:
    """readOnly and writeOnly fields are no longer required.

    One model serves requests and responses: a request cannot carry a required readOnly `id`
    the server assigns, nor a response the writeOnly `password` it was sent.
    """
    properties, required = schema.get("properties"), schema.get("required")
    if isinstance(properties, dict) and isinstance(required, list):
        one_way = {
            name
            for name, field in properties.items()
            if isinstance(field, dict) and (field.get("readOnly") is True or field.get("writeOnly") is True)
        }
        if one_way:
            schema["required"] = [name for name in required if name not in one_way]


def _drop_null_default(node: dict[str, Any]) -> None:
    """OpenAPI 3.0's `default: null` on a schema that is not nullable means no default.

    (Validation warns about it.) Left in, the model would default a `list[str]` to None.
    """
    if "default" in node and node["default"] is None and node.get("nullable") is not True:
        del node["default"]


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


def _rename_refs(node: dict[str, Any], renames: dict[str, str]) -> None:
    """Point a schema reference (or discriminator mapping) at the renamed component."""
    name = ref_name(node)
    if name is not None and name in renames:
        node["$ref"] = SCHEMA_REF_PREFIX + pointers.escape(renames[name])
    mapping = node.get("mapping") if isinstance(node.get("propertyName"), str) else None
    if isinstance(mapping, dict):
        for key, target in mapping.items():
            target_name = ref_name({"$ref": target})
            if target_name in renames:
                mapping[key] = SCHEMA_REF_PREFIX + pointers.escape(renames[target_name])
