"""Building the IR from a validated, normalized document."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

from generator import naming, pointers
from generator.diagnostics import Diagnostic, Severity, SpecError, error, warning
from generator.ir.collections import with_collections
from generator.ir.error_shapes import attach_error_shapes
from generator.ir.examples import example_for
from generator.ir.ir import (
    Api,
    AuthKind,
    Body,
    CredentialArgument,
    DeclaredResponse,
    Operation,
    OperationGroup,
    PackageHeading,
    Pagination,
    Parameter,
    ParameterLocation,
    ParameterStyle,
    Response,
    SecurityScheme,
    Server,
    ServerVariable,
    TokenRule,
    ValueShape,
)
from generator.ir.mock_data import (
    Answers,
    answer_all,
    answered,
    event_schema_key,
    first_example,
    resolved,
    response_media,
)
from generator.ir.pagination import PagingReader
from generator.ir.request_ids import request_id_headers
from generator.ir.schema_check import SchemaChecker
from generator.ir.types import python_type
from generator.ir.webhooks import build_webhooks
from generator.load.bundle import Bundle, operation_at
from generator.media_types import Encoding, preferred_media_type
from generator.normalize.normalize import operation_ids
from generator.schemas import ref_name
from generator.validate.json_schema import to_json_schema
from generator.validate.validate import resolve_local

# Keyword arguments every generated method has, and the names a server route or mock
# handler method uses for itself: a spec parameter must not take them.
METHOD_ARGUMENTS = frozenset(
    {
        "self",
        "body",
        "timeout",
        "extra_headers",
        "idempotency_key",
        "credentials",
        "request",
        "handler",
        "validator",
        "record_key",
        "record",
        "result",
        "reply",
        "replay_key",
    }
)
# Header parameters OpenAPI says to ignore: the client sets them itself.
_IGNORED_HEADERS = frozenset({"accept", "content-type", "authorization"})


@dataclass(frozen=True)
class _ItemSource:
    """Where the example of one item of an operation's list comes from: the list at `path`
    in the success answer, else a value made from `schema` (only an object, with
    `objects_only`)."""

    path: tuple[str, ...]
    schema: Any
    objects_only: bool


@dataclass
class _Builder:
    document: dict[str, Any]
    bundle: Bundle
    warnings: list[Diagnostic] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    # The item example source of each operation built, in order (see `with_answers`).
    item_sources: list[_ItemSource | None] = field(default_factory=list)
    _checkers: dict[bool, SchemaChecker] = field(default_factory=dict)
    _made: dict[tuple[str, int], tuple[Any, Any]] = field(default_factory=dict)
    # Responses built without the mock's answer, by id: (the response, its pointer).
    _unanswered: dict[int, tuple[Response, str]] = field(default_factory=dict)

    @property
    def openapi_30(self) -> bool:
        return str(self.document.get("openapi", "")).startswith("3.0")

    @property
    def components(self) -> dict[str, Any]:
        schemas: dict[str, Any] = self.document.get("components", {}).get("schemas", {})
        return schemas

    def warn(self, pointer: str, message: str, kind: str = "other") -> None:
        self.warnings.append(warning(self.bundle.locate(pointer), message, kind))

    def _once(self, kind: str, schema: Any, make: Callable[[Any], Any]) -> Any:
        """`make(schema)`, made once per schema object (kept, so that its id stays its own):
        a spec's shared parameters and responses come back in every operation."""
        key = (kind, id(schema))
        if key not in self._made:
            self._made[key] = (schema, make(schema))
        return self._made[key][1]

    def _json_schema(self, schema: Any) -> Any:
        return self._once("json schema", schema, lambda schema: to_json_schema(schema, openapi_30=self.openapi_30))

    @cached_property
    def paging_reader(self) -> PagingReader:
        """One reader for every operation: it keeps the fields of the schemas it read."""
        return PagingReader(
            self.components,
            problem=lambda pointer, message: self.problems.append(error(self.bundle.locate(pointer), message)),
            warn=lambda pointer, message: self.warn(pointer, message, kind="pagination-unclear"),
        )

    def release(self) -> None:
        """Drop the schema checkers' validators (see `SchemaChecker.release`)."""
        for checker in self._checkers.values():
            checker.release()

    def checker(self, openapi_30: bool) -> SchemaChecker:
        """The schema checker of the components read as OpenAPI 3.0 or not, shared by
        every example made: it keeps what it compiled."""
        if openapi_30 not in self._checkers:
            self._checkers[openapi_30] = SchemaChecker(self.components, openapi_30=openapi_30)
        return self._checkers[openapi_30]

    # --- document level ---------------------------------------------------------------

    def servers(self) -> tuple[Server, ...]:
        found = []
        for server in self.document.get("servers") or []:
            if not isinstance(server, dict) or not isinstance(server.get("url"), str):
                continue
            variables = tuple(
                ServerVariable(
                    name=name,
                    python_name=naming.parameter_name(name, METHOD_ARGUMENTS),
                    default=str(variable.get("default", "")),
                    enum=tuple(str(v) for v in variable.get("enum") or ()),
                    description=str(variable.get("description", "")),
                )
                for name, variable in (server.get("variables") or {}).items()
                if isinstance(variable, dict)
            )
            found.append(Server(server["url"], str(server.get("description", "")), variables))
        return tuple(found)

    def security_schemes(self, used: set[str], environment_prefix: str) -> tuple[SecurityScheme, ...]:
        declared = self.document.get("components", {}).get("securitySchemes") or {}
        schemes: list[SecurityScheme] = []
        for name in sorted(used, key=list(declared).index if isinstance(declared, dict) else None):
            scheme = declared.get(name) if isinstance(declared, dict) else None
            at = pointers.join("/components/securitySchemes", name)
            if not isinstance(scheme, dict):
                continue
            kind = self._auth_kind(scheme)
            if kind is None:
                self.warn(
                    at,
                    f"security scheme {name!r} ({scheme.get('type')}/{scheme.get('scheme', '')}) "
                    "is not supported; requests will be sent without it",
                    kind="unsupported-security",
                )
                continue
            token_rule = self._token_rule(scheme.get("x-token"), pointers.join(at, "x-token"), environment_prefix)
            schemes.append(
                SecurityScheme(
                    name=name,
                    kind=kind,
                    description=str(scheme.get("description", "")),
                    token_rule=token_rule,
                    credentials=tuple(
                        CredentialArgument(credential, "", description)
                        for credential, description in _CREDENTIALS[kind]
                    ),
                    api_key_name=str(scheme.get("name", "")) if kind is AuthKind.API_KEY else "",
                    api_key_location=str(scheme.get("in", "")) if kind is AuthKind.API_KEY else "",
                )
            )
        return self._distinct_credentials(schemes, environment_prefix)

    def _token_rule(self, raw: Any, at: str, environment_prefix: str) -> TokenRule | None:
        """The `x-token` extension: a pattern for tokens, and a header some tokens need."""
        if raw is None:
            return None
        if not isinstance(raw, dict) or not _is_regex(raw.get("pattern")):
            self.problems.append(error(self.bundle.locate(at), "x-token needs `pattern`, a valid regular expression"))
            return None
        header = raw.get("requires-header")
        if header is None:
            return TokenRule(raw["pattern"], str(raw.get("description", "a token matching " + raw["pattern"])))
        header_at = pointers.join(at, "requires-header")
        if not isinstance(header, dict) or not isinstance(header.get("name"), str) or not _is_regex(header.get("when")):
            self.problems.append(
                error(
                    self.bundle.locate(header_at), "requires-header needs `name` and `when`, a valid regular expression"
                )
            )
            return None
        python_name = naming.parameter_name(header["name"], METHOD_ARGUMENTS)
        argument = CredentialArgument(
            python_name,
            naming.environment_variable(environment_prefix, python_name),
            f"The {header['name']} header, required with {header.get('description', 'some tokens')}.",
        )
        return TokenRule(
            raw["pattern"],
            str(raw.get("description", "a token matching " + raw["pattern"])),
            header["name"],
            header["when"],
            str(header.get("description", "this token")),
            argument,
        )

    @staticmethod
    def _auth_kind(scheme: dict[str, Any]) -> AuthKind | None:
        kind = scheme.get("type")
        if kind == "http":
            http_scheme = str(scheme.get("scheme", "")).lower()
            return {"bearer": AuthKind.BEARER, "basic": AuthKind.BASIC}.get(http_scheme)
        if kind == "apiKey" and scheme.get("in") in ("header", "query", "cookie"):
            return AuthKind.API_KEY
        if kind in ("oauth2", "openIdConnect"):
            return AuthKind.BEARER  # the client holds an access token obtained elsewhere
        return None

    @staticmethod
    def _distinct_credentials(schemes: list[SecurityScheme], environment_prefix: str) -> tuple[SecurityScheme, ...]:
        """Name each credential argument and its environment variable.

        Two schemes of one kind get their credential names prefixed by the scheme's name.
        """
        counts: dict[str, int] = {}
        for scheme in schemes:
            for credential in scheme.credentials:
                counts[credential.python_name] = counts.get(credential.python_name, 0) + 1
        result = []
        for scheme in schemes:
            prefix = (
                naming.snake_case(scheme.name) + "_"
                if any(counts[c.python_name] > 1 for c in scheme.credentials)
                else ""
            )
            credentials = tuple(
                CredentialArgument(
                    prefix + c.python_name,
                    naming.environment_variable(environment_prefix, prefix + c.python_name),
                    c.description,
                )
                for c in scheme.credentials
            )
            result.append(replace(scheme, credentials=credentials))
        return tuple(result)

    # --- operations -------------------------------------------------------------------

    def operations(self) -> tuple[tuple[Operation, ...], set[str]]:
        ids = operation_ids(self.document)
        keys = list(ids)
        method_names = naming.unique(naming.method_name(ids[key]) for key in keys)
        global_security = self.document.get("security")
        operations: list[Operation] = []
        used_schemes: set[str] = set()
        for (path, method), method_name in zip(keys, method_names, strict=True):
            item, operation, at = operation_at(self.document, path, method)
            security = operation.get("security", global_security) or []
            schemes = tuple(
                dict.fromkeys(name for requirement in security if isinstance(requirement, dict) for name in requirement)
            )
            used_schemes.update(schemes)
            parameters = tuple(
                # The idempotency header is the method's own `idempotency_key` argument.
                replace(p, python_name="idempotency_key") if _is_idempotency_key(p) else p
                for p in self.parameters(item.get("parameters"), operation.get("parameters"), at)
            )
            idempotency = next(
                (
                    p
                    for p in parameters
                    if p.location is ParameterLocation.HEADER and p.name.lower() == "idempotency-key"
                ),
                None,
            )
            success, errors = self.responses(operation.get("responses") or {}, pointers.join(at, "responses"))
            body, request_example = self.body(operation.get("requestBody"), pointers.join(at, "requestBody"))
            pagination, items = self._pagination(operation, at, method.upper(), parameters, success)
            self.item_sources.append(items)
            operations.append(
                Operation(
                    operation_id=ids[(path, method)],
                    method_name=method_name,
                    constant_name=naming.constant_name(method_name),
                    http_method=method.upper(),
                    path=path,
                    summary=str(operation.get("summary", "")),
                    description=str(operation.get("description", "")),
                    deprecated=operation.get("deprecated") is True,
                    parameters=parameters,
                    body=body,
                    success=success,
                    errors=errors,
                    security=schemes,
                    idempotency_key=idempotency,
                    request_example=request_example,
                    group=_group_of(operation.get("tags"), path),
                    declared_responses=self.declared_responses(operation.get("responses")),
                    reconnect=success.events and _resumes(operation, parameters),
                    pagination=pagination,
                )
            )
        return tuple(operations), used_schemes

    def _pagination(
        self, operation: dict[str, Any], at: str, http_method: str, parameters: tuple[Parameter, ...], success: Response
    ) -> tuple[Pagination | None, _ItemSource | None]:
        """The operation's paging (`x-pagination`, else a pattern its success response shows)
        and where an example of one of its items comes from (see `with_answers`)."""
        responses = operation.get("responses") or {}
        statuses = sorted((str(status), status) for status in responses if str(status).startswith("2"))
        if not statuses or success.encoding is not Encoding.JSON:
            if "x-pagination" in operation:
                self.problems.append(
                    error(
                        self.bundle.locate(pointers.join(at, "x-pagination")),
                        "x-pagination needs a JSON success response",
                    )
                )
            return None, None
        status, key = statuses[0]
        raw, _ = resolved(self.document, responses[key], pointers.join(at, "responses", status))
        raw = raw if isinstance(raw, dict) else {}
        media_type = preferred_media_type(raw.get("content"))
        media = raw["content"][media_type] if media_type is not None else None
        schema = media.get("schema") if isinstance(media, dict) else None
        reader = self.paging_reader
        pagination = reader.of(
            operation.get("x-pagination"),
            pointers.join(at, "x-pagination") if "x-pagination" in operation else at,
            http_method=http_method,
            schema=schema,
            headers=raw.get("headers"),
            parameters=parameters,
            item_type=lambda item: python_type(item, self.components),
        )
        if pagination is None:
            # An unpaged array of records the mock can answer with any number of (a
            # minItems it would break keeps the example): its example item, if it has one.
            array = reader.array(schema)
            if array is None or _positive(array.get("minItems")):
                return None, None
            return None, _ItemSource((), array.get("items", {}), objects_only=True)
        items = reader.items_schema(schema, pagination.items_path)
        return pagination, _ItemSource(pagination.items_path, items, objects_only=False)

    def parameters(self, shared: Any, own: Any, at: str) -> tuple[Parameter, ...]:
        merged: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {}
        path_at = at.rsplit("/", 1)[0]
        for source, source_at in ((shared, path_at), (own, at)):
            for index, raw in enumerate(source if isinstance(source, list) else []):
                parameter = resolve_local(self.document, raw)
                if isinstance(parameter, dict):
                    merged[(str(parameter.get("name")), str(parameter.get("in")))] = (
                        pointers.join(source_at, "parameters", index),
                        parameter,
                    )
        chosen = []
        for (name, location), (parameter_at, parameter) in merged.items():
            if location == "header" and name.lower() in _IGNORED_HEADERS:
                self.warn(
                    parameter_at,
                    f"header parameter {name!r} is ignored: the client sets it itself",
                    kind="ignored-header",
                )
                continue
            if location == "querystring":
                parameter = self._querystring_as_query(parameter, parameter_at)
                if parameter is None:
                    continue
                location = "query"
            if location not in ParameterLocation.__members__.values():
                continue
            chosen.append((name, ParameterLocation(location), parameter, parameter_at))
        python_names = naming.unique(
            (naming.parameter_name(name, METHOD_ARGUMENTS) for name, _, _, _ in chosen), taken=METHOD_ARGUMENTS
        )
        return tuple(
            self._with_default(
                self._styled(
                    Parameter(
                        name=name,
                        python_name=python_name,
                        location=location,
                        required=location is ParameterLocation.PATH or parameter.get("required") is True,
                        python_type=self._once(
                            "parameter type",
                            self._parameter_schema(parameter),
                            lambda schema: python_type(schema, self.components, inline_scalars=True),
                        ),
                        description=str(parameter.get("description", "")),
                        deprecated=parameter.get("deprecated") is True,
                        example=parameter["example"]
                        if "example" in parameter
                        else self._once(
                            "parameter example",
                            self._parameter_schema(parameter),
                            lambda schema: example_for(schema, self.components, checker=self.checker(False)),
                        ),
                        json_schema=self._json_schema(self._parameter_schema(parameter)),
                    ),
                    parameter,
                    parameter_at,
                ),
                self._parameter_schema(parameter),
            )
            for (name, location, parameter, parameter_at), python_name in zip(chosen, python_names, strict=True)
        )

    def _querystring_as_query(self, raw: dict[str, Any], at: str) -> dict[str, Any] | None:
        """OpenAPI 3.2's `in: querystring`: the whole query string is one value. As a form
        (`application/x-www-form-urlencoded`) it is an object whose members are the query's
        fields, which is what a form-style, exploded query parameter already is."""
        content = raw.get("content")
        media_type, media = next(iter(content.items())) if isinstance(content, dict) and content else ("", {})
        if media_type.split(";")[0].strip() != "application/x-www-form-urlencoded" or not isinstance(media, dict):
            self.warn(
                at,
                f"querystring parameter {raw.get('name')!r} of media type {media_type!r} is not supported "
                "(only application/x-www-form-urlencoded): requests are sent without it",
                kind="unsupported-parameter",
            )
            return None
        as_query = {key: value for key, value in raw.items() if key not in ("in", "content")}
        return {**as_query, "in": "query", "style": "form", "explode": True, "schema": media.get("schema", {})}

    def _styled(self, parameter: Parameter, raw: dict[str, Any], at: str) -> Parameter:
        """The parameter with how its value is written: OpenAPI's style and explode (each
        defaulting as OpenAPI says), or the media type of a `content` parameter."""
        schema = self._parameter_schema(raw)
        location = parameter.location
        style = location.default_style
        shape = self._once("shape", schema, self._shape)
        content = raw.get("content")
        if "schema" not in raw and isinstance(content, dict) and content:
            media_type = str(next(iter(content)))
            explode = style is ParameterStyle.FORM
            return replace(parameter, shape=shape, style=style, explode=explode, media_type=media_type)
        declared = raw.get("style", style.value)
        if declared in [known.value for known in location.styles]:
            style = ParameterStyle(declared)
        else:
            self.warn(
                pointers.join(at, "style"),
                f"{location.value} parameter {parameter.name!r} cannot have style {declared!r}; "
                f"it is written in style {style.value!r}",
                kind="unsupported-parameter-style",
            )
        explode = raw.get("explode", style is ParameterStyle.FORM)
        # deepObject has one spelling, whatever explode says: `filter[color]=red`.
        explode = explode is True or style is ParameterStyle.DEEP_OBJECT
        return replace(parameter, shape=shape, style=style, explode=explode)

    def _shape(self, schema: Any) -> ValueShape:
        kinds = self._kinds(schema, 0)
        if kinds <= _SCALAR_KINDS:
            return ValueShape.SCALAR
        if kinds - {"null"} == {"array"} and self._kinds(self._items(schema, 0), 0) <= _SCALAR_KINDS:
            return ValueShape.SCALAR_LIST
        return ValueShape.STRUCTURED

    def _target(self, schema: Any) -> Any:
        """The schema a chain of references ends at (None for a cycle or a missing one)."""
        seen: set[str] = set()
        while (name := ref_name(schema)) is not None:
            if name in seen:
                return None
            seen.add(name)
            schema = self.components.get(name)
        return schema

    def _kinds(self, schema: Any, depth: int) -> set[str]:
        """The JSON types a schema allows: declared, implied by its keywords, or its
        members'; empty when it says nothing (any value, read as text)."""
        schema = self._target(schema)
        if not isinstance(schema, dict):
            return set()
        if depth > _MAX_SHAPE_DEPTH:
            return {"object"}  # nested this deep: not a primitive
        kinds: set[str] = set()
        declared = schema.get("type")
        kinds.update(kind for kind in (declared if isinstance(declared, list) else [declared]) if isinstance(kind, str))
        for member in _members(schema):
            kinds |= self._kinds(member, depth + 1)
        if not kinds:
            if {"properties", "additionalProperties"} & schema.keys():
                kinds.add("object")
            if "items" in schema:
                kinds.add("array")
        enum = schema.get("enum")
        values = [*(enum if isinstance(enum, list) else []), *([schema["const"]] if "const" in schema else [])]
        kinds.update("object" if isinstance(v, dict) else "array" if isinstance(v, list) else "string" for v in values)
        return kinds

    def _items(self, schema: Any, depth: int) -> Any:
        """The schema of an array's items, through references and combinators."""
        schema = self._target(schema)
        if not isinstance(schema, dict) or depth > _MAX_SHAPE_DEPTH:
            return None
        if "items" in schema:
            return schema["items"]
        found = [items for items in (self._items(m, depth + 1) for m in _members(schema)) if items is not None]
        return {"anyOf": found} if found else None

    @staticmethod
    def _with_default(parameter: Parameter, schema: Any) -> Parameter:
        if parameter.required or not isinstance(schema, dict) or schema.get("default") is None:
            return parameter
        default = schema["default"]
        spelt = parameter.python_type in _BUILTIN_SCALARS or parameter.python_type.startswith("Literal[")
        matches = isinstance(default, _BUILTIN_SCALARS.get(parameter.python_type, (str, int, float, bool)))
        return replace(parameter, has_default=True, default=default) if spelt and matches else parameter

    @staticmethod
    def _parameter_schema(parameter: dict[str, Any]) -> Any:
        if "schema" in parameter:
            return parameter["schema"]
        content = parameter.get("content")
        if isinstance(content, dict) and content:
            media = next(iter(content.values()))
            return media.get("schema") if isinstance(media, dict) else None
        return None

    def body(self, raw: Any, at: str) -> tuple[Body | None, Any]:
        request_body = resolve_local(self.document, raw)
        if not isinstance(request_body, dict):
            return None, None
        content = request_body.get("content") or {}
        media_type = preferred_media_type(content)
        if media_type is None:
            return None, None
        encoding = Encoding.of(media_type)
        if encoding is Encoding.EVENTS:
            encoding = Encoding.TEXT  # a request that sends events sends their text
        media = content[media_type] if isinstance(content[media_type], dict) else {}
        schema = media.get("schema", {})
        body = Body(
            content_type=media_type,
            python_type="bytes",
            model_name=None,
            required=request_body.get("required") is True,
            description=str(request_body.get("description", "")),
            encoding=encoding,
            media_types=_media_types(content, encoding),
        )
        if encoding is Encoding.BINARY:
            return body, None
        json_schema = to_json_schema(schema, openapi_30=self.openapi_30)
        if encoding is Encoding.TEXT:
            return replace(body, python_type="str", json_schema=json_schema), None
        array_fields, object_fields = self._field_kinds(schema) if encoding is not Encoding.JSON else ((), ())
        if encoding is Encoding.MULTIPART:
            body = replace(body, file_fields=self._file_fields(schema), part_content_types=_part_content_types(media))
        body = replace(
            body,
            python_type=python_type(schema, self.components),
            model_name=self._model_name(schema),
            json_schema=json_schema,
            array_fields=array_fields,
            object_fields=object_fields,
        )
        return body, first_example(media)

    def _field_kinds(self, schema: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The array-valued and object-valued fields of a form body, by wire name."""
        target = self.components.get(ref_name(schema) or "", schema)
        properties = target.get("properties") if isinstance(target, dict) else None
        arrays, objects = [], []
        for name, raw in (properties or {}).items():
            field_schema = self.components.get(ref_name(raw) or "", raw)
            declared = field_schema.get("type") if isinstance(field_schema, dict) else None
            kinds = declared if isinstance(declared, list) else [declared]
            if "array" in kinds:
                arrays.append(name)
            elif "object" in kinds or (isinstance(field_schema, dict) and "properties" in field_schema):
                objects.append(name)
        return tuple(arrays), tuple(objects)

    def _file_fields(self, schema: Any) -> tuple[str, ...]:
        """The fields of a multipart body that are files (`format: binary`, or arrays of
        them), by wire name and by the Python name a mapping may use as well."""
        target = self.components.get(ref_name(schema) or "", schema)
        properties = target.get("properties") if isinstance(target, dict) else None
        names: dict[str, None] = {}
        for name, raw in (properties or {}).items():
            field_schema = self.components.get(ref_name(raw) or "", raw)
            if isinstance(field_schema, dict) and field_schema.get("type") == "array":
                field_schema = self.components.get(ref_name(field_schema.get("items")) or "", field_schema.get("items"))
            if isinstance(field_schema, dict) and field_schema.get("format") == "binary":
                names.setdefault(str(name))
                names.setdefault(naming.field_name(str(name)))
        return tuple(names)

    def responses(self, responses: dict[str, Any], at: str) -> tuple[Response, tuple[Response, ...]]:
        built = {status: self.response(status, raw, pointers.join(at, status)) for status, raw in responses.items()}
        successes = sorted(status for status in built if status.startswith("2"))
        success = built.pop(successes[0]) if successes else Response("200", 200, "", None, None, None, declared=False)
        for status in successes[1:]:
            built.pop(status)
        errors = tuple(built[status] for status in sorted(built, key=_status_order))
        return success, errors

    def declared_responses(self, responses: Any) -> tuple[DeclaredResponse, ...]:
        """Each declared status with its JSON body's schema, in the spec's order."""
        declared = []
        for status, raw in (responses if isinstance(responses, dict) else {}).items():
            response = resolve_local(self.document, raw)
            content = response.get("content") if isinstance(response, dict) else None
            media_type = preferred_media_type(content)
            media = content[media_type] if media_type is not None and isinstance(content, dict) else None
            schema = media.get("schema") if isinstance(media, dict) else None
            json_body = media_type is not None and Encoding.of(media_type) is Encoding.JSON and schema is not None
            json_schema = self._json_schema(schema) if json_body else None
            declared.append(DeclaredResponse(str(status), media_type, json_schema))
        return tuple(declared)

    def response(self, status: str, raw: Any, at: str) -> Response:
        """The response `raw` of `status`, written at `at`. Where the mock answers it with a
        checked example (see `mock_data.answered`), the example is left out: `with_answers`
        adds it."""
        response, _, media_type, media = response_media(self.document, raw, at)
        code = int(status) if status.isdigit() else None
        description = str(response.get("description", ""))
        if media_type is None:
            return Response(status, code, description, None, None, None, naming.exception_name(status))
        encoding = Encoding.of(media_type)
        success = status.startswith("2")
        if encoding not in (Encoding.JSON, Encoding.EVENTS):
            # Downloads: the success value is the raw bytes (or text); an error keeps its text.
            raw_type = "str" if encoding is Encoding.TEXT else "bytes"
            return Response(
                status,
                code,
                description,
                media_type,
                raw_type if success else None,
                None,
                naming.exception_name(status),
                example=first_example(media) if success else None,
                encoding=encoding,
            )
        if encoding is Encoding.EVENTS:
            # Server-sent events: each event's data is one JSON value. An error status that
            # streams events has no body the client reads.
            schema = media.get(event_schema_key(media))
            if not success or schema is None:
                return Response(status, code, description, media_type, None, None, naming.exception_name(status))
            data_type: str | None = python_type(schema, self.components)
        else:
            schema = media.get("schema")
            data_type = python_type(schema, self.components) if schema else None
        built = Response(
            status=status,
            status_code=code,
            description=description,
            content_type=media_type,
            exception_name=naming.exception_name(status),
            python_type=data_type,
            model_name=self._model_name(schema),
            encoding=encoding,
        )
        assert answered(status, encoding, media)  # the answer `answer_all` gives it, by `at`
        self._unanswered[id(built)] = (built, at)
        return built

    def with_answers(self, operation: Operation, items: _ItemSource | None, answers: Answers) -> Operation:
        """The operation with the mock's answers to its responses, and the example of one
        item of its list (from the success answer where it has one, else made)."""
        success = self._answered(operation.success, answers)
        errors = tuple(self._answered(response, answers) for response in operation.errors)
        item_example = self._item_example(items, success.example) if items is not None else None
        return replace(operation, success=success, errors=errors, item_example=item_example)

    def _answered(self, response: Response, answers: Answers) -> Response:
        waiting = self._unanswered.get(id(response))
        if waiting is None:
            return response
        answer = answers.by_response[waiting[1]]
        if answer.example is None and not answer.named_examples:
            return response  # as built
        return replace(response, example=answer.example, named_examples=answer.named_examples)

    def _item_example(self, items: _ItemSource, example: Any) -> Any:
        listed = example
        for name in items.path:
            listed = listed.get(name) if isinstance(listed, dict) else None
        if isinstance(listed, list) and listed and isinstance(listed[0], dict):
            return listed[0]
        item = example_for(items.schema, self.components, checker=self.checker(self.openapi_30))
        return item if isinstance(item, dict) or not items.objects_only else None

    def _model_name(self, schema: Any) -> str | None:
        name = ref_name(schema)
        return name if name is not None and name in self.components else None


def _positive(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _members(schema: dict[str, Any]) -> list[Any]:
    """The schemas a schema combines with oneOf, anyOf and allOf."""
    return [m for c in ("oneOf", "anyOf", "allOf") if isinstance(schema.get(c), list) for m in schema[c]]


def _part_content_types(media: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The `contentType` the multipart `encoding` declares for each field that has one."""
    encoding = media.get("encoding")
    declared = []
    for name, part in encoding.items() if isinstance(encoding, dict) else ():
        content_type = part.get("contentType") if isinstance(part, dict) else None
        if isinstance(content_type, str) and content_type.strip():
            declared.append((str(name), content_type.strip().lower()))
    return tuple(declared)


def _media_types(content: dict[str, Any], encoding: Encoding) -> tuple[str, ...]:
    """The body's media types of one encoding: the server reads those and refuses the rest."""
    bases = (str(media_type).split(";")[0].strip().lower() for media_type in content)
    return tuple(dict.fromkeys(base for base in bases if Encoding.of(base) is encoding))


def _status_order(status: str) -> tuple[int, str]:
    return (
        (999, status)
        if status == "default"
        else (int(status[0]) * 100 if not status.isdigit() else int(status), status)
    )


_CREDENTIALS = {
    AuthKind.BEARER: (("token", "The bearer token."),),
    AuthKind.BASIC: (("username", "The user name."), ("password", "The password.")),
    AuthKind.API_KEY: (("api_key", "The API key."),),
}
# JSON types a parameter can hold as one piece of text.
_SCALAR_KINDS = frozenset({"string", "integer", "number", "boolean", "null"})
# How deep oneOf, anyOf and allOf are followed to tell a primitive parameter from others.
_MAX_SHAPE_DEPTH = 16
_BUILTIN_SCALARS: dict[str, type | tuple[type, ...]] = {"str": str, "int": int, "float": (int, float), "bool": bool}
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _group_of(tags: Any, path: str) -> str:
    """What an operation is grouped by: its first tag, else the first segment of its path
    (`/customers/{id}` -> `customers`), else `default`."""
    if isinstance(tags, list) and tags and isinstance(tags[0], str) and tags[0].strip():
        return tags[0].strip()
    return next((segment for segment in path.split("/") if segment and "{" not in segment), "default")


# How the classes of a group's modules are named around its class name.
GROUP_CLASS_AFFIXES = (
    ("", "Resource"),
    ("Async", "Resource"),
    ("", "ResourceWithRawResponse"),
    ("Async", "ResourceWithRawResponse"),
    ("", "ResourceWithStreamingResponse"),
    ("Async", "ResourceWithStreamingResponse"),
    ("", "Operations"),
    ("", "Mock"),
)


def operation_groups(operations: tuple[Operation, ...], components: dict[str, Any]) -> tuple[OperationGroup, ...]:
    """The operations by group, in the order each group first comes; module and class names
    unique, whatever the tags are (`Customers` and `customers!` are two modules)."""
    by_group: dict[str, list[Operation]] = {}
    for operation in operations:
        by_group.setdefault(operation.group, []).append(operation)
    modules = naming.unique(naming.module_name(group) for group in by_group)
    # The classes named after a group (`CustomersResource`, `CustomersMock`, ...) sit next to
    # the models in their modules: a name that would hide a model takes another.
    classes: list[str] = []
    for name in naming.unique(naming.pascal_case(module, digit_prefix="Tag") for module in modules):
        while any(f"{prefix}{name}{suffix}" in components for prefix, suffix in GROUP_CLASS_AFFIXES):
            name += "Tag"
        classes.append(name)
    return tuple(
        OperationGroup(group, module, class_name, tuple(members), _names_used(tuple(members), components))
        for (group, members), module, class_name in zip(by_group.items(), modules, classes, strict=True)
    )


def _names_used(operations: tuple[Operation, ...], components: dict[str, Any]) -> tuple[str, ...]:
    """The model classes the operations' annotations mention, sorted."""
    expressions = [p.python_type for o in operations for p in o.parameters]
    expressions += [o.body.python_type for o in operations if o.body]
    expressions += [r.python_type for o in operations for r in (o.success, *o.errors) if r.python_type]
    expressions += [o.pagination.item_type for o in operations if o.pagination]
    return tuple(sorted({name for e in expressions for name in _IDENTIFIER.findall(e) if name in components}))


_PEP440_RELEASE = re.compile(r"^[0-9]+(\.[0-9]+)*((a|b|rc)[0-9]+)?(\.post[0-9]+)?(\.dev[0-9]+)?$")


def _resumes(operation: dict[str, Any], parameters: tuple[Parameter, ...]) -> bool:
    """Whether an event stream resumes after a dropped connection: the operation says
    `x-sse-reconnect: true`, or takes the Last-Event-ID header that resuming sends."""
    declared = operation.get("x-sse-reconnect")
    if isinstance(declared, bool):
        return declared
    return any(p.location is ParameterLocation.HEADER and p.name.lower() == "last-event-id" for p in parameters)


def _is_idempotency_key(parameter: Parameter) -> bool:
    return parameter.location is ParameterLocation.HEADER and parameter.name.lower() == "idempotency-key"


def _is_regex(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        re.compile(value)
    except re.error:
        return False
    return True


def _package_version(spec_version: str) -> str:
    """The API's version when it is a valid package version, else 0.0.0."""
    return spec_version if _PEP440_RELEASE.match(spec_version) else "0.0.0"


def _with_record_id_path(operation: Operation, components: dict[str, Any]) -> Operation:
    path = _record_id_path(operation, components)
    return operation if path == operation.record_id_path else replace(operation, record_id_path=path)


def _record_id_path(operation: Operation, components: dict[str, Any]) -> tuple[str, ...]:
    """Where the success response carries the id named by the operation's last path parameter.

    A mock server writes the path's id there: at the top (`id`, or the parameter's own
    name) or one object down, as in an envelope `{"response": {"id": ...}}`.
    """
    if not operation.path_parameters or operation.success.model_name is None:
        return ()
    parameter = operation.path_parameters[-1].name
    candidates = [parameter] + (["id"] if parameter == "id" or parameter.lower().endswith(("_id", "id")) else [])
    schema = components.get(operation.success.model_name, {})
    properties = schema.get("properties", {}) if isinstance(schema, dict) else {}
    for name in candidates:
        if name in properties:
            return (name,)
    for outer, inner_schema in properties.items():
        target = components.get(ref_name(inner_schema) or "", inner_schema)
        inner = target.get("properties", {}) if isinstance(target, dict) else {}
        for name in candidates:
            if name in inner:
                return (outer, name)
    return ()


# Path parameter formats a route can match on its own: Starlette convertors the server
# runtime registers, which check the text and pass it on unchanged.
_ROUTE_CONVERTORS = {"uuid": "uuid_text"}
_TEMPLATE = re.compile(r"\{[^}]*\}")


def _told_apart(operations: tuple[Operation, ...]) -> tuple[Operation, ...]:
    """Paths that differ only in parameter names (`/Contacts/{ContactID}` beside
    `/Contacts/{ContactNumber}`), told apart where a parameter's format allows: its route
    matches only values of that format and is tried first (the server's `build_app` orders the routes)."""
    paths_by_shape: dict[str, set[str]] = {}
    for operation in operations:
        paths_by_shape.setdefault(_TEMPLATE.sub("{}", operation.path), set()).add(operation.path)
    told: list[Operation] = []
    for operation in operations:
        siblings = [path.split("/") for path in sorted(paths_by_shape[_TEMPLATE.sub("{}", operation.path)])]
        # Only the segments whose parameter names differ: `{AccountID}` in both
        # `/Accounts/{AccountID}/Attachments/{FileName}` and `.../{AttachmentID}` matches anything.
        differing = {name for segments in zip(*siblings, strict=True) if len(set(segments)) > 1 for name in segments}
        if not differing:
            told.append(operation)
            continue
        parameters = tuple(
            replace(parameter, route_convertor=_ROUTE_CONVERTORS.get(_format_of(parameter)))
            if parameter.location is ParameterLocation.PATH and "{" + parameter.name + "}" in differing
            else parameter
            for parameter in operation.parameters
        )
        told.append(replace(operation, parameters=parameters))
    return tuple(told)


def _format_of(parameter: Parameter) -> str:
    schema = parameter.json_schema
    return str(schema.get("format", "")) if isinstance(schema, dict) else ""


def package_heading(document: dict[str, Any], spec_name: str, source: str) -> PackageHeading:
    """The package's name, title and source, as its `Api` will have them."""
    info = document.get("info") or {}
    return PackageHeading(naming.package_name(spec_name), str(info.get("title", spec_name)), source)


def build_api(
    document: dict[str, Any],
    bundle: Bundle,
    spec_name: str,
    source: str,
    answers: Callable[[], Answers] | None = None,
) -> tuple[Api, list[Diagnostic]]:
    """The IR of a normalized document, with warnings for what it leaves out.

    `answers`: the mock's answers to the document's responses (`mock_data.answer_all`),
    asked for once the operations are built; without, they are chosen here then.
    """
    draft = draft_api(document, bundle, spec_name, source)
    try:
        return draft.finished(answers() if answers is not None else answer_all(document, bundle.locate))
    finally:
        draft.release()


@dataclass
class ApiDraft:
    """The IR of a normalized document but for the mock's answers to its responses, which
    are chosen meanwhile in another process (`generator.ir.mock_data`): what needs only
    its operations as built can be done before they come (`finished`).

    `release` it once finished, or abandoned."""

    # The IR but for what the answers decide: its operations as built, without examples of
    # their responses, collections, error shapes or groups, all of which `finished` fills in.
    unanswered: Api
    _builder: _Builder
    _webhook_diagnostics: list[Diagnostic]

    def finished(self, answered: Answers) -> tuple[Api, list[Diagnostic]]:
        """The IR and its warnings, with `answered` (`mock_data.answer_all`). Raises SpecError."""
        builder = self._builder
        builder.warnings += answered.warnings
        operations = tuple(
            _with_record_id_path(builder.with_answers(operation, items, answered), builder.components)
            for operation, items in zip(self.unanswered.operations, builder.item_sources, strict=True)
        )
        operations = with_collections(operations)
        operations = _told_apart(operations)
        operations, error_shapes, default_error_routes = attach_error_shapes(operations, builder.components)
        builder.problems += [d for d in self._webhook_diagnostics if d.severity is Severity.ERROR]
        builder.warnings += [d for d in self._webhook_diagnostics if d.severity is not Severity.ERROR]
        api = replace(
            self.unanswered,
            operations=operations,
            operation_model_names=_names_used(operations, builder.components),
            error_shapes=error_shapes,
            default_error_routes=default_error_routes,
            groups=operation_groups(operations, builder.components),
        )
        if builder.problems:
            raise SpecError(builder.problems)
        return api, builder.warnings

    def release(self) -> None:
        """Free the validators the examples were checked with, now: a run keeps the
        collector off, and cycles alive."""
        self._builder.release()


def draft_api(document: dict[str, Any], bundle: Bundle, spec_name: str, source: str) -> ApiDraft:
    """The IR of a normalized document but for the mock's answers (see `ApiDraft`)."""
    builder = _Builder(document, bundle)
    try:
        built, used_schemes = builder.operations()
        webhooks, webhook_diagnostics = build_webhooks(document, builder.components, bundle.locate)
        environment_prefix = naming.constant_name(spec_name)
        definitions = builder.checker(builder.openapi_30).definitions
        info = document.get("info") or {}
        heading = package_heading(document, spec_name, source)
        unanswered = Api(
            spec_name=spec_name,
            package=heading.package,
            distribution=naming.distribution_name(spec_name),
            title=heading.title,
            version=str(info.get("version", "0")),
            package_version=_package_version(str(info.get("version", ""))),
            description=str(info.get("description", "")),
            source=heading.source,
            servers=builder.servers(),
            security_schemes=builder.security_schemes(used_schemes, environment_prefix),
            operations=built,
            model_names=tuple(builder.components),
            operation_model_names=(),
            json_schema_defs={name: definitions.definition(name) for name in builder.components},
            environment_prefix=environment_prefix,
            request_id_headers=request_id_headers(document),
            webhooks=webhooks,
        )
    except BaseException:
        builder.release()
        raise
    return ApiDraft(unanswered, builder, webhook_diagnostics)
