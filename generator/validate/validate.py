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
from generator.diagnostics import Diagnostic, error, in_document_order
from generator.load.bundle import Bundle, operation_tokens, operations_of
from generator.schemas import ANNOTATION_KEYWORDS, component_ref
from generator.traverse import SCHEMA_MAPS
from generator.validate.repair import Repairs, Tokens, deepest_first, node_at, shown

_STATUS_KEY = re.compile(r"^(?:[1-5][0-9][0-9]|[1-5]XX|default)$")
_TEMPLATE_NAME = re.compile(r"\{([^{}]+)\}")
_SCHEMA_FILES = {"3.0": "v3.0/schema.json", "3.1": "v3.1/schema.json", "3.2": "v3.2/schema.json"}

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
    """'3.0', '3.1' or '3.2' for a supported document, None otherwise."""
    declared = document.get("openapi")
    if isinstance(declared, str):
        for version in _SCHEMA_FILES:
            if declared == version or declared.startswith(version + "."):
                return version
    return None


def validate(bundle: Bundle) -> list[Diagnostic]:
    """Check the document and repair it in place; every problem, in document order.

    Errors are kept for what leaves no correct code to generate for the document as a
    whole (an unknown `openapi` version, duplicate operation ids, a chain of schemas past
    the depth limit). Everything else is degraded as `generator.validate.repair` describes, and
    reported as a warning where it was found.
    """
    document = bundle.document
    version = openapi_version(document)
    if version is None:
        declared = document.get("openapi", document.get("swagger"))
        return [
            error(
                bundle.locate("/openapi"),
                f"unsupported document version {shown(declared)}: OpenAPI 3.0, 3.1 or 3.2 is required",
                kind="version",
            )
        ]
    repairs = Repairs(bundle)
    if "paths" not in document and version == "3.0":
        # A components-only document, as teams keep shared models: OpenAPI 3.0 requires
        # `paths`, 3.1 does not; either way it generates a models package.
        document["paths"] = {}
    _semantic_problems(document, repairs)
    _repair_meta_schema(document, version, repairs)
    if version != "3.0":
        _repair_json_schemas(document, repairs)
    _default_problems(bundle, repairs)
    _empty_cycle_problems(bundle, repairs)
    repairs.diagnostics += _long_chain_problems(bundle)
    return in_document_order(repairs.diagnostics)


def component_schemas(document: dict[str, Any]) -> dict[str, Any]:
    """`components/schemas`, or an empty mapping where the document has no such mapping
    (a malformed one is the meta-schema's to report, not a reason to stop)."""
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    return schemas if isinstance(schemas, dict) else {}


@cache
def _fast_meta_validator(version: str) -> jsonschema_rs.Validator:
    return jsonschema_rs.validator_for(_meta_schema(version))


# Rounds of repair: each one fixes every problem found, and may reveal a few more (a
# dropped value that was required). Real documents settle in two or three.
_MAX_REPAIR_ROUNDS = 8

# Required fields whose absence has an obvious reading: the empty value.
_FILLS: dict[str, Any] = {
    "description": "",
    "title": "",
    "version": "",
    "info": {"title": "", "version": ""},
    "responses": {"default": {"description": ""}},
    "default": {"description": ""},  # the one response of an operation that lists none
}


def _repair_meta_schema(document: dict[str, Any], version: str, repairs: Repairs) -> None:
    """Bring the document within the OpenAPI meta-schema, one degraded construct at a time.

    jsonschema-rs answers "valid?" about a hundred times faster; the Python validator's
    error tree is only needed for a document that is not.
    """
    fast = _fast_meta_validator(version)
    for _ in range(_MAX_REPAIR_ROUNDS):
        if fast.is_valid(document):
            return
        problems = {
            tuple(p.absolute_path): p for p in map(_most_specific, _meta_validator(version).iter_errors(document))
        }
        repaired = False
        for path in deepest_first(list(problems)):
            repaired |= _repair(problems[path], path, version, repairs)
        if not repaired:
            break
    for problem in _meta_validator(version).iter_errors(document):
        problem = _most_specific(problem)
        repairs.fail(tuple(problem.absolute_path), _first_line(problem.message))


def _first_line(message: str) -> str:
    line = message.splitlines()[0]
    return line if len(line) <= 200 else line[:197] + "..."


def _repair(problem: ValidationError, path: Tokens, version: str, repairs: Repairs) -> bool:
    """Degrade the construct one meta-schema problem is about; False where nothing could be done."""
    instance = problem.instance
    if problem.validator in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        done = False
        for key in _unexpected_keys(problem, version):
            done |= repairs.drop((*path, key), f"{key!r} is not an OpenAPI field here: ignored", "unknown-field")
        return done
    if problem.validator == "required" and isinstance(instance, dict):
        missing = [name for name in problem.validator_value if name not in instance]
        if missing and all(name in _FILLS for name in missing):
            for name in missing:
                repairs.replace(
                    (*path, name), _FILLS[name], f"missing {name!r}: taken as {shown(_FILLS[name])}", "missing-field"
                )
            return True
        return repairs.drop(path, f"missing {', '.join(map(repr, missing))}: ignored", "missing-field")
    if problem.validator == "type" and instance is None and problem.validator_value in ("array", "object"):
        empty: Any = [] if problem.validator_value == "array" else {}
        return repairs.replace(
            path, empty, f"null where {problem.validator_value} is expected: taken as empty", "invalid-value"
        )
    if path and path[-1] in _IDENTIFYING_FIELDS:
        # A parameter (or API key) whose name or place is wrong cannot be sent at all.
        return repairs.drop(
            path[:-1], f"{_first_line(problem.message)}: the whole object is ignored", "invalid-value", found_at=path
        )
    return repairs.drop(path, f"{_first_line(problem.message)}: ignored", "invalid-value")


# Fields without which their object means nothing: a bad value drops the object.
_IDENTIFYING_FIELDS = frozenset({"in", "name"})


def _unexpected_keys(problem: ValidationError, version: str) -> list[str]:
    """The members the meta-schema does not allow in the object `problem` is about."""
    from jsonschema import _utils

    instance, schema = problem.instance, problem.schema
    if problem.validator == "additionalProperties":
        return list(_utils.find_additional_properties(instance, schema))
    validator = _meta_validator(version)
    try:
        evaluated = _utils.find_evaluated_property_keys_by_schema(validator, instance, schema)
    except Exception:  # a reference the helper cannot follow: the object's own properties decide
        evaluated = list(schema.get("properties") or {})
    return [key for key in instance if key not in evaluated and not key.startswith("x-")]


def _repair_json_schemas(document: dict[str, Any], repairs: Repairs) -> None:
    """OpenAPI 3.1's meta-schema leaves schemas to their dialect, JSON Schema 2020-12, and
    does not look inside them; generated code needs them well-formed (`required` a list of
    names, `properties` a mapping), so each outermost schema is checked against 2020-12's
    own meta-schema, and what does not fit it is ignored. Unknown keywords stay allowed,
    as 2020-12 allows them."""
    found: list[tuple[Tokens, str]] = []
    outermost: Tokens | None = None
    for tokens, schema in _schema_nodes(document):
        if outermost is not None and tokens[: len(outermost)] == outermost:
            continue  # inside a schema already checked whole
        outermost = tokens
        if jsonschema_rs.meta.is_valid(schema):
            continue
        from jsonschema.validators import Draft202012Validator

        for problem in Draft202012Validator(Draft202012Validator.META_SCHEMA).iter_errors(schema):
            problem = _most_specific(problem)
            found.append(((*tokens, *problem.absolute_path), _first_line(problem.message)))
    messages = dict(found)
    for path in deepest_first(list(messages)):
        repairs.drop(path, f"not a valid JSON Schema: {messages[path]}: ignored", "invalid-schema")


def _most_specific(problem: ValidationError) -> ValidationError:
    """Within 'not valid under any of the given schemas', the branch that came closest."""
    from jsonschema.exceptions import best_match

    while problem.context:
        closest = best_match(problem.context)
        if closest is None:
            break
        problem = closest
    return problem


def _semantic_problems(document: dict[str, Any], repairs: Repairs) -> None:
    """The rules of OpenAPI the meta-schema cannot express, each repaired where it can be."""
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return
    first_use: dict[str, str] = {}
    shapes: dict[str, str] = {}  # a path with its parameter names dropped -> the first path of that shape
    for path in list(paths):
        path_item = paths[path]
        if not isinstance(path_item, dict):
            continue
        shape = _TEMPLATE_NAME.sub("{}", path)
        if shape in shapes:
            repairs.warn(
                ("paths", path),
                f"{path!r} and {shapes[shape]!r} differ only in parameter names, which OpenAPI forbids: "
                "the server tells them apart only where a parameter has format uuid (its route then "
                "takes UUIDs and is tried first); otherwise the one declared first takes every request",
                "ambiguous-path",
            )
        shapes.setdefault(shape, path)
        template_names = _TEMPLATE_NAME.findall(path)
        repeated = sorted({n for n in template_names if template_names.count(n) > 1})
        if repeated:
            repairs.drop(
                ("paths", path),
                f"path parameter {{{repeated[0]}}} appears more than once in the path: its operations are ignored",
                "invalid-path",
            )
            continue
        for method, operation in operations_of(path_item):
            op_at: Tokens = ("paths", path, *operation_tokens(method))
            operation_id = operation.get("operationId")
            if isinstance(operation_id, str):
                if operation_id in first_use:
                    repairs.fail(
                        (*op_at, "operationId"),
                        f"duplicate operationId {operation_id!r} (first used at {first_use[operation_id]})",
                        "duplicate-operation-id",
                    )
                else:
                    first_use[operation_id] = pointers.from_tokens(op_at)
            _path_parameter_problems(document, path, path_item, operation, op_at, template_names, repairs)
            responses = operation.get("responses")
            if isinstance(responses, dict):
                for status in [s for s in responses if not _STATUS_KEY.match(str(s))]:
                    repairs.drop(
                        (*op_at, "responses", status),
                        f"bad status code {status!r} (use a code from 100 to 599, a range such as 4XX, or default): "
                        "the response is ignored",
                        "invalid-status",
                    )
                if not responses:  # every response was dropped: the operation still answers
                    responses["default"] = {"description": ""}


def _declared_parameters(
    document: dict[str, Any], parameters: Any, at: Tokens
) -> dict[tuple[str, str], tuple[Tokens, dict[str, Any]]]:
    """(name, location) -> (path, parameter), following `$ref`s to components."""
    declared: dict[tuple[str, str], tuple[Tokens, dict[str, Any]]] = {}
    if not isinstance(parameters, list):
        return declared
    for index, parameter in enumerate(parameters):
        parameter = resolve_local(document, parameter)
        if (
            isinstance(parameter, dict)
            and isinstance(parameter.get("name"), str)
            and isinstance(parameter.get("in"), str)
        ):
            declared[(parameter["name"], parameter["in"])] = ((*at, index), parameter)
    return declared


def _path_parameter_problems(
    document: dict[str, Any],
    path: str,
    path_item: dict[str, Any],
    operation: dict[str, Any],
    op_at: Tokens,
    template_names: list[str],
    repairs: Repairs,
) -> None:
    shared = _declared_parameters(document, path_item.get("parameters"), ("paths", path, "parameters"))
    own = _declared_parameters(document, operation.get("parameters"), (*op_at, "parameters"))
    declared = {**shared, **own}
    for name in dict.fromkeys(template_names):
        entry = declared.get((name, "path"))
        if entry is None:
            if not isinstance(operation.get("parameters"), list):
                operation["parameters"] = []
            repairs.warn(
                op_at,
                f"path parameter {{{name}}} of {path!r} is not declared: taken as a string",
                "undeclared-parameter",
            )
            operation["parameters"].append({"name": name, "in": "path", "required": True, "schema": {"type": "string"}})
        elif entry[1].get("required") is not True:
            repairs.warn(
                entry[0], f"path parameter {name!r} is not declared required: taken as required", "invalid-parameter"
            )
            entry[1]["required"] = True
    unused = [at for (name, location), (at, _) in declared.items() if location == "path" and name not in template_names]
    for at in deepest_first(unused):
        parameter = resolve_local(document, node_at(document, at))
        declared_name = parameter.get("name") if isinstance(parameter, dict) else "?"
        repairs.drop(
            at, f"path parameter {declared_name!r} does not appear in the path {path!r}: ignored", "invalid-parameter"
        )


# A node of `_schema_nodes`' walk: (node, is a schema, its key, the parent's entry), a chain
# back to the document.
_WalkEntry = tuple[Any, bool, Any, Any]


def _schema_nodes(document: dict[str, Any], *, having: str | None = None) -> Iterator[tuple[Tokens, dict[str, Any]]]:
    """Every schema of the document with the tokens of its pointer: component schemas and
    every `schema` of a parameter, header or media type, and the schemas nested in those.
    With `having`, only the schemas that hold that key.

    Tokens, not pointers, and only for the schemas given out: each node of the walk knows
    its key and its parent's place, and the tokens are spelt from them when asked for.
    """
    stack: list[_WalkEntry] = [(document, False, None, None)]
    while stack:
        entry = stack.pop()
        node, is_schema = entry[0], entry[1]
        kind = type(node)
        children: list[_WalkEntry] = []
        if kind is dict and is_schema:
            if having is None or having in node:
                yield _tokens(entry), node
            for key, value in node.items():
                if type(value) not in _CONTAINERS:
                    continue  # a string or number holds no schema
                if key in SCHEMA_MAPS and type(value) is dict:
                    children += _members(value, key, entry)
                elif key not in _SCHEMA_DATA_KEYWORDS:  # data keywords hold values, not schemas
                    children.append((value, True, key, entry))
        elif kind is dict:
            for key, value in node.items():
                if type(value) not in _CONTAINERS or key in ("example", "examples") or key.startswith("x-"):
                    continue  # example payloads and extensions hold no schemas
                if key == "schemas" and type(value) is dict and _is_components(entry):
                    children += _members(value, key, entry)
                else:
                    children.append((value, key == "schema" or key == "itemSchema", key, entry))
        elif kind is list:
            children = [(item, is_schema, index, entry) for index, item in enumerate(node) if type(item) in _CONTAINERS]
        children.reverse()
        stack += children  # popped in document order


def _members(schemas: dict[str, Any], key: str, parent: _WalkEntry) -> list[_WalkEntry]:
    """The walk's entries of a map of schemas (`properties`, `components/schemas`)."""
    holder = (schemas, False, key, parent)
    return [(schema, True, name, holder) for name, schema in schemas.items() if type(schema) in _CONTAINERS]


def _is_components(entry: _WalkEntry) -> bool:
    """Whether the walk's node is the document's `components`."""
    parent = entry[3]
    return entry[2] == "components" and parent is not None and parent[3] is None


def _tokens(entry: _WalkEntry) -> Tokens:
    """The pointer tokens of a node of `_schema_nodes`' walk, from its chain of parents."""
    tokens = []
    while entry[3] is not None:
        tokens.append(entry[2])
        entry = entry[3]
    return tuple(reversed(tokens))


_CONTAINERS = frozenset({dict, list})  # by exact type: the parsers make nothing else


# Schema keywords whose values are data (or names), never schemas.
_SCHEMA_DATA_KEYWORDS = frozenset(
    {"default", "example", "examples", "enum", "const", "required", "discriminator", "xml", "externalDocs"}
)


def _default_problems(bundle: Bundle, repairs: Repairs) -> None:
    """A `default` must be a value of its own schema: generated code would start from it.
    One that is not is dropped (`default: null` on a schema that is not nullable makes the
    field optional, not nullable)."""
    document = bundle.document
    from generator.validate.json_schema import Definitions, to_json_schema  # only needed when a default exists

    openapi_30 = str(document.get("openapi", "")).startswith("3.0")
    definitions = Definitions(component_schemas(document), openapi_30=openapi_30)
    misfits: list[tuple[Tokens, str]] = []
    for tokens, schema in _schema_nodes(document, having="default"):
        default = schema["default"]
        own = to_json_schema({k: v for k, v in schema.items() if k != "default"}, openapi_30=openapi_30)
        if default is None and openapi_30 and schema.get("nullable") is not True and "$ref" not in schema:
            misfits.append((tokens, "default null on a schema that is not nullable: taken as no default"))
            continue
        if "$ref" in json.dumps(own):
            own = {**own, "$defs": definitions.referred_to(own)}
        problem = _why_invalid(own, default)
        if problem is not None:
            misfits.append(
                (tokens, f"default {shown(default)} does not fit its schema ({_first_line(problem.message)}): ignored")
            )
    for tokens, message in misfits:
        repairs.drop((*tokens, "default"), message, "default-mismatch")


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


def _empty_cycle_problems(bundle: Bundle, repairs: Repairs) -> None:
    """Schemas that only refer to each other in a circle (`A: {$ref: A}`) describe no value:
    each becomes a schema that allows any value."""
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
        for member in cycle:
            annotations = {k: v for k, v in schemas[member].items() if k in ANNOTATION_KEYWORDS}
            repairs.replace(
                ("components", "schemas", member),
                annotations,
                f"$ref cycle with no content ({circle}): taken as any value",
                "empty-cycle",
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


def _long_chain_problems(bundle: Bundle) -> list[Diagnostic]:
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
            # One is enough: every schema above it in the chain is longer still.
            return [
                error(
                    bundle.locate(pointers.join("/components/schemas", name)),
                    f"schema built on a chain of {chain} schemas, each made of the next ($ref, allOf, anyOf, oneOf); "
                    f"more than {limit} (limit max-depth)",
                    kind="budget",
                )
            ]
    return []


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
