"""Checking a bundled document: the OpenAPI meta-schema, then the rules code generation needs.

Every problem becomes a Diagnostic at its source location; all of them are reported
together, so a user fixes a spec in one pass.
"""

from __future__ import annotations

import importlib.util
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema_rs

from generator import pointers
from generator.bundle import HTTP_METHODS, Bundle
from generator.diagnostics import Diagnostic, error, warning
from generator.types import ANNOTATION_KEYWORDS, component_ref

_STATUS_KEY = re.compile(r"^(?:[1-5][0-9][0-9]|[1-5]XX|default)$")
_TEMPLATE_NAME = re.compile(r"\{([^{}]+)\}")
_SCHEMA_FILES = {"3.0": "v3.0/schema.json", "3.1": "v3.1/schema.json"}

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

# jsonschema-rs says whether a value is valid; the Python jsonschema package, imported
# (0.06 s) only when something is not, says why in its well-worded messages.


@cache
def _meta_schema(version: str) -> dict[str, Any]:
    # Only its schema files are used: finding the package without importing it saves 0.25 s.
    found = importlib.util.find_spec("openapi_spec_validator")
    assert found is not None and found.origin is not None, "openapi-spec-validator is a dependency"
    schemas = Path(found.origin).parent / "resources" / "schemas"
    schema: dict[str, Any] = json.loads((schemas / _SCHEMA_FILES[version]).read_text(encoding="utf-8"))
    return schema


@cache
def _meta_validator(version: str) -> Validator:
    from jsonschema.validators import validator_for

    schema = _meta_schema(version)
    validator_class = validator_for(schema)
    return validator_class(schema)


def openapi_version(document: dict[str, Any]) -> str | None:
    """'3.0' or '3.1' for a supported document, None otherwise."""
    declared = document.get("openapi")
    if isinstance(declared, str):
        for version in _SCHEMA_FILES:
            if declared == version or declared.startswith(version + "."):
                return version
    return None


def validate(bundle: Bundle) -> list[Diagnostic]:
    """Every problem of the document, meta-schema ones first, in document order."""
    document = bundle.document
    version = openapi_version(document)
    if version is None:
        declared = document.get("openapi", document.get("swagger"))
        shown = repr(declared) if len(repr(declared)) <= 40 else repr(declared)[:40] + "..."
        return [
            error(bundle.locate("/openapi"), f"unsupported document version {shown}: OpenAPI 3.0 or 3.1 is required")
        ]
    semantic = list(_semantic_problems(document))
    # Where one of our rules explains a problem, the meta-schema's view of the same node
    # (or of a node around it) only repeats it less clearly.
    explained = [pointer for pointer, _ in semantic]
    found = list(_meta_schema_problems(document, version))
    if version == "3.1":
        found += _json_schema_problems(document)
    meta = [
        (pointer, message)
        for pointer, message in found
        if not any(other.startswith(pointer) or pointer.startswith(other) for other in explained)
    ]
    problems = [error(bundle.locate(pointer), message) for pointer, message in meta + semantic]
    return problems + list(_default_problems(bundle)) + structural_problems(bundle)


def component_schemas(document: dict[str, Any]) -> dict[str, Any]:
    """`components/schemas`, or an empty mapping where the document has no such mapping
    (a malformed one is the meta-schema's to report, not a reason to stop)."""
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    return schemas if isinstance(schemas, dict) else {}


def structural_problems(bundle: Bundle) -> list[Diagnostic]:
    """Schemas no model can be built from: checked first, before any stage follows them."""
    return list(_empty_cycle_problems(bundle)) + list(_long_chain_problems(bundle))


@cache
def _fast_meta_validator(version: str) -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(_meta_schema(version))


def _meta_schema_problems(document: dict[str, Any], version: str) -> Iterator[tuple[str, str]]:
    # jsonschema-rs answers "valid?" about a hundred times faster; the Python validator's
    # error tree is only needed to explain a document that is not.
    if _fast_meta_validator(version).is_valid(document):
        return
    for problem in _meta_validator(version).iter_errors(document):
        problem = _most_specific(problem)
        pointer = pointers.from_tokens(problem.absolute_path)
        yield pointer, problem.message.splitlines()[0]


def _json_schema_problems(document: dict[str, Any]) -> list[tuple[str, str]]:
    """OpenAPI 3.1's meta-schema leaves schemas to their dialect, JSON Schema 2020-12, and
    does not look inside them; generated code needs them well-formed (`required` a list of
    names, `properties` a mapping), so each outermost schema is checked against 2020-12's
    own meta-schema. Unknown keywords stay allowed, as 2020-12 allows them."""
    problems: list[tuple[str, str]] = []
    outermost: _Tokens | None = None
    for tokens, schema in _schema_nodes(document):
        if outermost is not None and tokens[: len(outermost)] == outermost:
            continue  # inside a schema already checked whole
        outermost = tokens
        if jsonschema_rs.meta.is_valid(schema):
            continue
        from jsonschema.validators import Draft202012Validator

        for problem in Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(schema):
            problem = _most_specific(problem)
            at = pointers.from_tokens((*tokens, *problem.absolute_path))
            problems.append((at, f"not a valid JSON Schema: {problem.message.splitlines()[0]}"))
    return problems


def _most_specific(problem: ValidationError) -> ValidationError:
    """Within 'not valid under any of the given schemas', the branch that came closest."""
    from jsonschema.exceptions import best_match

    while problem.context:
        closest = best_match(problem.context)
        if closest is None:
            break
        problem = closest
    return problem


def _semantic_problems(document: dict[str, Any]) -> Iterator[tuple[str, str]]:
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return
    first_use: dict[str, str] = {}
    for path, path_item in paths.items():
        if not isinstance(path_item, dict):
            continue
        path_at = pointers.join("/paths", path)
        template_names = _TEMPLATE_NAME.findall(path)
        for name in {n for n in template_names if template_names.count(n) > 1}:
            yield path_at, f"path parameter {{{name}}} appears more than once in the path"
        shared = _declared_parameters(document, path_item.get("parameters"), pointers.join(path_at, "parameters"))
        for method in HTTP_METHODS:
            operation = path_item.get(method)
            if not isinstance(operation, dict):
                continue
            op_at = pointers.join(path_at, method)
            operation_id = operation.get("operationId")
            if isinstance(operation_id, str):
                if operation_id in first_use:
                    yield (
                        pointers.join(op_at, "operationId"),
                        (f"duplicate operationId {operation_id!r} (first used at {first_use[operation_id]})"),
                    )
                else:
                    first_use[operation_id] = op_at
            own = _declared_parameters(document, operation.get("parameters"), pointers.join(op_at, "parameters"))
            declared = {**shared, **own}
            yield from _path_parameter_problems(path, op_at, template_names, declared)
            yield from _response_problems(operation.get("responses"), pointers.join(op_at, "responses"))


def _declared_parameters(
    document: dict[str, Any], parameters: Any, at: str
) -> dict[tuple[str, str], tuple[str, dict[str, Any]]]:
    """(name, location) -> (pointer, parameter), following `$ref`s to components."""
    declared: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
    if not isinstance(parameters, list):
        return declared
    for index, parameter in enumerate(parameters):
        parameter_at = pointers.join(at, index)
        parameter = resolve_local(document, parameter)
        if (
            isinstance(parameter, dict)
            and isinstance(parameter.get("name"), str)
            and isinstance(parameter.get("in"), str)
        ):
            declared[(parameter["name"], parameter["in"])] = (parameter_at, parameter)
    return declared


def _path_parameter_problems(
    path: str, op_at: str, template_names: list[str], declared: dict[tuple[str, str], tuple[str, dict[str, Any]]]
) -> Iterator[tuple[str, str]]:
    for name in dict.fromkeys(template_names):
        entry = declared.get((name, "path"))
        if entry is None:
            yield op_at, f"path parameter {{{name}}} of {path!r} is not declared"
        elif entry[1].get("required") is not True:
            yield entry[0], f"path parameter {name!r} must be declared with required: true"
    for (name, location), (parameter_at, _) in declared.items():
        if location == "path" and name not in template_names:
            yield parameter_at, f"path parameter {name!r} does not appear in the path {path!r}"


def _response_problems(responses: Any, at: str) -> Iterator[tuple[str, str]]:
    if not isinstance(responses, dict):
        return
    for status in responses:
        if not _STATUS_KEY.match(status):
            yield (
                pointers.join(at, status),
                (f"bad status code {status!r}: use a code from 100 to 599, a range such as 4XX, or default"),
            )


_Tokens = tuple[str | int, ...]  # a JSON pointer, not yet spelt


def _schema_nodes(document: dict[str, Any]) -> Iterator[tuple[_Tokens, dict[str, Any]]]:
    """Every schema of the document with the tokens of its pointer: component schemas and
    every `schema` of a parameter, header or media type, and the schemas nested in those.

    Tokens, not pointers: a pointer is only spelt for the few nodes a problem is found at.
    """
    stack: list[tuple[_Tokens, Any, bool]] = [((), document, False)]
    while stack:
        at, node, is_schema = stack.pop()
        children: list[tuple[_Tokens, Any, bool]] = []
        if isinstance(node, dict):
            if is_schema:
                yield at, node
            for key, value in node.items():
                child_at = (*at, key)
                if is_schema and key in _SCHEMA_MAPS and isinstance(value, dict):
                    children.extend(((*child_at, k), v, True) for k, v in value.items())
                elif is_schema:
                    # Inside a schema, data keywords hold values, not schemas: not walked.
                    if key not in _SCHEMA_DATA_KEYWORDS:
                        children.append((child_at, value, True))
                elif key in ("example", "examples") or key.startswith("x-"):
                    continue  # example payloads and extensions hold no schemas
                elif key == "schemas" and at == ("components",) and isinstance(value, dict):
                    children.extend(((*child_at, k), v, True) for k, v in value.items())
                else:
                    children.append((child_at, value, key == "schema"))
        elif isinstance(node, list):
            children = [((*at, index), item, is_schema) for index, item in enumerate(node)]
        stack.extend(reversed(children))  # popped in document order


# Schema keywords whose values map names to schemas.
_SCHEMA_MAPS = frozenset({"properties", "$defs", "definitions", "patternProperties", "dependentSchemas"})
# Schema keywords whose values are data (or names), never schemas.
_SCHEMA_DATA_KEYWORDS = frozenset(
    {"default", "example", "examples", "enum", "const", "required", "discriminator", "xml", "externalDocs"}
)


def _default_problems(bundle: Bundle) -> Iterator[Diagnostic]:
    """A `default` must be a value of its own schema: generated code would start from it.

    OpenAPI 3.0 documents often write `default: null` to mean "no default" on a schema that
    is not nullable; that is a warning, and the default is ignored.
    """
    document = bundle.document
    from generator.json_schema import definitions, to_json_schema  # only needed when a default exists

    openapi_30 = str(document.get("openapi", "")).startswith("3.0")
    components = component_schemas(document)
    all_definitions: dict[str, Any] | None = None
    for tokens, schema in _schema_nodes(document):
        if "default" not in schema:
            continue
        at = pointers.from_tokens(tokens)
        default = schema["default"]
        own = to_json_schema({k: v for k, v in schema.items() if k != "default"}, openapi_30=openapi_30)
        if default is None and openapi_30 and schema.get("nullable") is not True and "$ref" not in schema:
            yield warning(
                bundle.locate(pointers.join(at, "default")),
                "default null on a schema that is not nullable: taken as no default",
                kind="default-mismatch",
            )
            continue
        if "$ref" in json.dumps(own):
            if all_definitions is None:
                all_definitions = definitions(components, openapi_30=openapi_30)
            own = {**own, "$defs": all_definitions}
        problem = _why_invalid(own, default)
        if problem is not None:
            shown = json.dumps(default, ensure_ascii=False)
            yield error(
                bundle.locate(pointers.join(at, "default")),
                f"default {shown} does not fit its schema: {problem.message}",
            )


def _renamed_component(schema: Any) -> str | None:
    """The component a schema only refers to (`$ref: X`, or a one-member allOf/anyOf/oneOf
    of such a reference), adding nothing of its own; None for a schema with content."""
    if not isinstance(schema, dict):
        return None
    keywords = [key for key in schema if key not in ANNOTATION_KEYWORDS and not key.startswith("x-")]
    if keywords == ["$ref"]:
        return component_ref(schema)
    if len(keywords) == 1 and keywords[0] in ("allOf", "anyOf", "oneOf"):
        members = schema[keywords[0]]
        if isinstance(members, list) and len(members) == 1:
            return _renamed_component(members[0])
    return None


def _empty_cycle_problems(bundle: Bundle) -> Iterator[Diagnostic]:
    """Schemas that only refer to each other in a circle (`A: {$ref: A}`) describe no value:
    no model can be generated for them."""
    schemas = component_schemas(bundle.document)
    renames = {name: target for name, schema in schemas.items() if (target := _renamed_component(schema))}
    walked: set[str] = set()  # each rename is followed once, whichever walk reaches it first
    for start in renames:
        chain: dict[str, int] = {}  # this walk's names, by position
        name: str | None = start
        while name is not None and name not in walked:
            walked.add(name)
            chain[name] = len(chain)
            name = renames.get(name)
        if name is None or name not in chain:
            continue  # ends at a schema with content, or joins a walk already done
        cycle = list(chain)[chain[name] :]
        circle = " -> ".join([*cycle, cycle[0]])
        for name in cycle:
            yield error(
                bundle.locate(pointers.join("/components/schemas", name)),
                f"$ref cycle with no content ({circle}): it describes no value",
            )


def _built_on(schema: Any) -> list[str]:
    """The components a schema is made of at its top level: its `$ref`, and the references
    among its allOf/anyOf/oneOf members. Deciding its model means deciding theirs first."""
    if not isinstance(schema, dict):
        return []
    members = [schema]
    for keyword in ("allOf", "anyOf", "oneOf"):
        if isinstance(schema.get(keyword), list):
            members += schema[keyword]
    return [name for member in members if (name := component_ref(member)) is not None]


def _long_chain_problems(bundle: Bundle) -> Iterator[Diagnostic]:
    """Schemas built on schemas built on schemas... nest as surely as written-out nesting
    does, and the generator follows such a chain to decide each model: longer than the
    max-depth limit, it is refused like any nesting that deep."""
    schemas = component_schemas(bundle.document)
    limit = bundle.limits.max_depth
    length: dict[str, int] = {}  # the longest chain from each schema, cycles cut
    for start in schemas:
        stack: list[tuple[str, bool]] = [(start, False)]
        on_path: set[str] = set()
        while stack:
            name, finished = stack.pop()
            if finished:
                on_path.discard(name)
                below = [length.get(n, 0) for n in _built_on(schemas.get(name)) if n in schemas and n not in on_path]
                length[name] = 1 + max(below, default=0)
                continue
            if name in length or name in on_path:
                continue
            on_path.add(name)
            stack.append((name, True))
            stack.extend((n, False) for n in _built_on(schemas.get(name)) if n in schemas and n not in length)
    for name, chain in length.items():
        if chain > limit:
            yield error(
                bundle.locate(pointers.join("/components/schemas", name)),
                f"schema built on a chain of {chain} schemas, each made of the next ($ref, allOf, anyOf, oneOf); "
                f"more than {limit} (limit max-depth)",
            )
            return  # one is enough: every schema above it in the chain is longer still


def _why_invalid(schema: dict[str, Any], value: Any) -> ValidationError | None:
    """What is wrong with `value` against a 2020-12 `schema`; None when it fits.

    A schema no validator can compile is reported by the other rules, so None then too.
    """
    try:
        if jsonschema_rs.Draft202012Validator(schema).is_valid(value):
            return None
    except Exception:  # a schema jsonschema-rs cannot compile: the Python validator decides
        pass
    from jsonschema.exceptions import best_match
    from jsonschema.validators import Draft202012Validator, validator_for

    try:
        validator = validator_for(schema, default=Draft202012Validator)(schema, format_checker=None)
        return best_match(validator.iter_errors(value))
    except Exception:  # an unresolvable or malformed schema
        return None


def resolve_local(document: dict[str, Any], node: Any) -> Any:
    """Follow internal `$ref`s (`#/...`) until a node that is not a reference."""
    seen: set[str] = set()
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#"):
        ref = node["$ref"]
        if ref in seen:
            return None
        seen.add(ref)
        try:
            node = pointers.walk(document, ref[1:])
        except KeyError:
            return None
    return node
