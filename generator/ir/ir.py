"""The intermediate representation: what the templates need, already in Python terms.

Every name here is a valid Python identifier and every `*_type` field is a type
expression built by `generator.ir.types`; templates only loop and choose, they never convert.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace
from typing import Any

from generator import naming
from generator.ir.webhooks import Webhooks
from generator.literals import python_literal
from generator.media_types import Encoding

# The lower-case names a route module imports: no route function may take them.
_ROUTE_MODULE_NAMES = frozenset({"abc"})
# The HTTP methods FastAPI has a decorator of their own for (`@app.get`, ...).
_FASTAPI_SHORTCUTS = frozenset({"get", "put", "post", "delete", "options", "head", "patch", "trace"})


class ParameterLocation(enum.StrEnum):
    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    COOKIE = "cookie"

    @property
    def fastapi_marker(self) -> str:
        """The FastAPI function that reads a parameter from this place: Query, Header, ..."""
        return self.value.title()

    @property
    def default_style(self) -> ParameterStyle:
        """OpenAPI's style where a parameter names none: form in queries and cookies, else simple."""
        return (
            ParameterStyle.FORM
            if self in (ParameterLocation.QUERY, ParameterLocation.COOKIE)
            else ParameterStyle.SIMPLE
        )

    @property
    def styles(self) -> tuple[ParameterStyle, ...]:
        """The styles OpenAPI defines for parameters in this place."""
        return _STYLES[self]


class ParameterStyle(enum.StrEnum):
    """How a parameter's value is spelt on the wire (OpenAPI's `style`)."""

    FORM = "form"  # ?ids=1&ids=2, or ?ids=1,2 without explode
    SIMPLE = "simple"  # 1,2
    LABEL = "label"  # .1.2, or .1,2 without explode
    MATRIX = "matrix"  # ;ids=1;ids=2, or ;ids=1,2 without explode
    SPACE_DELIMITED = "spaceDelimited"  # ?ids=1%202
    PIPE_DELIMITED = "pipeDelimited"  # ?ids=1|2
    DEEP_OBJECT = "deepObject"  # ?filter[color]=red&filter[size]=2


_STYLES = {
    ParameterLocation.PATH: (ParameterStyle.SIMPLE, ParameterStyle.LABEL, ParameterStyle.MATRIX),
    ParameterLocation.QUERY: (
        ParameterStyle.FORM,
        ParameterStyle.SPACE_DELIMITED,
        ParameterStyle.PIPE_DELIMITED,
        ParameterStyle.DEEP_OBJECT,
    ),
    ParameterLocation.HEADER: (ParameterStyle.SIMPLE,),
    ParameterLocation.COOKIE: (ParameterStyle.FORM,),
}


class ValueShape(enum.StrEnum):
    """What a parameter's schema holds, as far as reading it from text goes."""

    SCALAR = "scalar"  # a string, number, boolean (or anything: it stays text)
    SCALAR_LIST = "scalar_list"  # an array of those
    STRUCTURED = "structured"  # an object, an array of objects or arrays, or a union with one


def concrete_media_type(media_type: str) -> str:
    return "application/octet-stream" if "*" in media_type else media_type


class AuthKind(enum.StrEnum):
    BEARER = "bearer"
    BASIC = "basic"
    API_KEY = "api_key"


@dataclass(frozen=True, slots=True)
class ServerVariable:
    """One `{variable}` of a server URL: the client takes it as the argument `python_name`."""

    name: str
    python_name: str
    default: str
    enum: tuple[str, ...]
    description: str


@dataclass(frozen=True, slots=True)
class Server:
    """A base URL the spec lists, with the variables it is written with."""

    url: str
    description: str
    variables: tuple[ServerVariable, ...]


@dataclass(frozen=True, slots=True)
class CredentialArgument:
    """One constructor argument of the client that holds a secret."""

    python_name: str
    environment_variable: str
    description: str


@dataclass(frozen=True, slots=True)
class TokenRule:
    """What a well-formed token looks like (the `x-token` extension of a scheme).

    A token matching `header_when` must come with the header `header_name`, which the
    client takes as the argument `header_argument`.
    """

    pattern: str
    description: str
    header_name: str = ""
    header_when: str = ""
    header_when_description: str = ""
    header_argument: CredentialArgument | None = None


@dataclass(frozen=True, slots=True)
class SecurityScheme:
    """How the client authenticates; `credentials` are its constructor arguments."""

    name: str
    kind: AuthKind
    description: str
    credentials: tuple[CredentialArgument, ...]
    api_key_name: str = ""
    api_key_location: str = ""
    token_rule: TokenRule | None = None

    @property
    def constant_name(self) -> str:
        return naming.constant_name(self.name)

    @property
    def spec_kind(self) -> str:
        """The kind as the spec spells it: basic, bearer or apiKey."""
        return "apiKey" if self.kind is AuthKind.API_KEY else self.kind.value

    @property
    def arguments(self) -> tuple[CredentialArgument, ...]:
        """Every constructor argument of the scheme: the secrets, then a required header."""
        extra = self.token_rule.header_argument if self.token_rule else None
        return self.credentials + ((extra,) if extra else ())


@dataclass(frozen=True, slots=True)
class Parameter:
    """One parameter of an operation, in the path, query, headers or cookies."""

    name: str
    python_name: str
    location: ParameterLocation
    required: bool
    python_type: str
    description: str
    deprecated: bool = False
    example: Any = None
    json_schema: Any = None
    # The spec's default, applied by the server when the parameter is left out. Only for
    # parameters whose annotation is a builtin or Literal the default can be spelt in.
    has_default: bool = False
    default: Any = None
    # How the value is written: OpenAPI's style and explode, or for a parameter declared
    # with `content` the media type its value is the text of (JSON, as a rule).
    style: ParameterStyle = ParameterStyle.FORM
    explode: bool = True
    media_type: str | None = None
    shape: ValueShape = ValueShape.SCALAR
    # A path parameter of a path that differs from another only in parameter names
    # (`/contacts/{id}` beside `/contacts/{number}`): the route matches only values of its
    # format, so the server can tell the two apart. A Starlette convertor name, or None.
    route_convertor: str | None = None

    @property
    def optional(self) -> bool:
        """Whether the value a server handler gets may be None."""
        return not self.required and not self.has_default

    @property
    def has_default_style(self) -> bool:
        """Whether the value is written as its location writes parameters by default (a
        primitive reads the same in every style but label and matrix)."""
        if self.media_type is not None:
            return False
        if self.shape is ValueShape.SCALAR:
            return self.style not in (ParameterStyle.LABEL, ParameterStyle.MATRIX)
        default = self.location.default_style
        return self.style is default and self.explode is (default is ParameterStyle.FORM)

    @property
    def json_content(self) -> bool:
        """Whether the parameter is declared with `content` of a JSON media type: its value is JSON text."""
        return self.media_type is not None and Encoding.of(self.media_type) is Encoding.JSON

    @property
    def read_by_style(self) -> bool:
        """Whether the server reads the parameter itself, FastAPI declaring only primitives
        in their location's default style and, in a query, repeated ones (`?id=1&id=2`)."""
        if self.media_type is not None or self.shape is ValueShape.STRUCTURED:
            return True
        if self.shape is ValueShape.SCALAR:
            return self.style in (ParameterStyle.LABEL, ParameterStyle.MATRIX)
        return not (
            self.location is ParameterLocation.QUERY and self.explode and self.style is not ParameterStyle.DEEP_OBJECT
        )


@dataclass(frozen=True, slots=True)
class Body:
    """An operation's request body, in the media type the client sends."""

    content_type: str
    python_type: str
    model_name: str | None
    required: bool
    description: str
    json_schema: Any = None
    encoding: Encoding = Encoding.JSON
    # Wire names of the fields a form or multipart body carries as repeated parts (arrays)
    # and as JSON text (objects).
    array_fields: tuple[str, ...] = ()
    object_fields: tuple[str, ...] = ()
    # The declared media types the server reads (those of `encoding`), lowercased and
    # without parameters; ranges such as `image/*` stay ranges.
    media_types: tuple[str, ...] = ()
    # A multipart body's file fields (`format: binary`), by wire and by Python name, and the
    # part Content-Types its `encoding` declares, by wire name.
    file_fields: tuple[str, ...] = ()
    part_content_types: tuple[tuple[str, str], ...] = ()

    @property
    def concrete_media_type(self) -> str:
        """The Content-Type the client sends: a range such as `image/*` becomes octet-stream."""
        return concrete_media_type(self.content_type)


@dataclass(frozen=True, slots=True)
class Response:
    """One response of an operation: the success it returns, or an error it raises."""

    status: str
    status_code: int | None
    description: str
    content_type: str | None
    python_type: str | None
    model_name: str | None
    exception_name: str = ""
    example: Any = None
    encoding: Encoding = Encoding.JSON
    declared: bool = True  # False for the bodiless 200 of an operation that declares no 2xx
    # The `examples` map's entries that fit the schema, by name: the mock answers one of
    # them to a request with `Prefer: example=<name>`.
    named_examples: tuple[tuple[str, Any], ...] = ()
    # Server-sent events (`encoding` EVENTS): `python_type` is the type of each event's data
    # and `example` the list of events the mock streams.

    @property
    def events(self) -> bool:
        return self.encoding is Encoding.EVENTS

    @property
    def concrete_media_type(self) -> str:
        """The media type a server answers with: a range such as `image/*` becomes octet-stream."""
        return concrete_media_type(self.content_type or "application/octet-stream")


@dataclass(frozen=True, slots=True)
class DeclaredResponse:
    """One status an operation declares (`200`, `4XX`, `default`), as the mock's dynamic
    answers and the validating proxy check it: its JSON Schema where its body is JSON."""

    status: str
    media_type: str | None
    json_schema: Any = None


@dataclass(frozen=True, slots=True)
class ErrorShape:
    """How the server fills a declared error model; field names are wire names."""

    constant_name: str
    model_name: str | None
    content_type: str
    template: Any
    from_example: bool
    message_field: str | None
    status_field: str | None
    code_field: str | None
    code_values: tuple[str, ...]
    title_field: str | None
    details_field: str | None
    details_item_location: str | None
    details_item_message: str | None

    def __hash__(self) -> int:
        return hash((self.model_name, self.content_type, repr(self.template), self.message_field))


@dataclass(frozen=True, slots=True)
class ErrorRoute:
    """The error shape an operation's server route uses for one declared status."""

    status: str
    shape_name: str


@dataclass(frozen=True, slots=True)
class Pagination:
    """How a list operation's pages are read and asked for (the runtime's `PagingPlan`, whose
    docstring says what each style does); paths are wire names, outermost first."""

    style: str  # cursor, next_url, offset, page or link_header
    item_type: str  # the annotation of one item
    items_path: tuple[str, ...] = ()
    next_path: tuple[str, ...] = ()
    has_more_path: tuple[str, ...] = ()
    total_path: tuple[str, ...] = ()
    cursor_param: str = ""
    cursor_field: str = ""
    offset_param: str = ""
    page_param: str = ""
    limit_param: str = ""

    @property
    def arguments(self) -> tuple[tuple[str, Any], ...]:
        """The runtime `PagingPlan`'s keyword arguments that differ from its defaults."""
        values = (
            ("style", self.style),
            ("items", self.items_path),
            ("next", self.next_path),
            ("has_more", self.has_more_path),
            ("total", self.total_path),
            ("cursor_param", self.cursor_param),
            ("cursor_field", self.cursor_field),
            ("offset_param", self.offset_param),
            ("page_param", self.page_param),
            ("limit_param", self.limit_param),
        )
        return tuple((name, value) for name, value in values if value or name == "style")


@dataclass(frozen=True, slots=True)
class Collection:
    """A collection the mock keeps: `/customers` and its items `/customers/{id}` (nested
    ones too). Its records are kept under the item path and the item's path parameters."""

    path: str  # the collection: /customers/{customer_id}/notes
    item_path: str  # one of its items: /customers/{customer_id}/notes/{note_id}
    role: str  # what the operation does to it: list, create or item
    id_field: str  # the record's field that holds its id (wire name), "" for none
    id_kind: str  # integer, uuid or string: the ids a new record gets
    envelope: tuple[str, ...] = ()  # where an item's response holds the record: ("response",)
    parameter_kinds: tuple[str, ...] = ()  # integer or string, of each path parameter of the item path
    # Text ids are counted in the form of the item parameter's example: `acc_0001` gives
    # `acc_0002`, ...; without one, `1`, `2`, ...
    id_prefix: str = ""
    id_digits: int = 0

    def with_role(self, role: str) -> Collection:
        return replace(self, role=role)

    @property
    def constant_name(self) -> str:
        """`CUSTOMERS_NOTES` for `/customers/{cid}/notes`: its constant in a route module."""
        segments = [segment for segment in self.path.split("/") if segment and "{" not in segment]
        return naming.constant_name("_".join(segments) or "root")


@dataclass(frozen=True, slots=True)
class Operation:
    """One operation: a client method, a server handler and a mock route."""

    operation_id: str
    method_name: str
    constant_name: str
    http_method: str
    path: str
    summary: str
    description: str
    deprecated: bool
    parameters: tuple[Parameter, ...]
    body: Body | None
    success: Response
    errors: tuple[Response, ...]
    security: tuple[str, ...]
    idempotency_key: Parameter | None
    request_example: Any = None
    error_routes: tuple[ErrorRoute, ...] = ()
    record_id_path: tuple[str, ...] = ()
    # What the operation is grouped by into modules: its first tag, else its path's first segment.
    group: str = ""
    # Every status the spec declares, the successes past the first among them.
    declared_responses: tuple[DeclaredResponse, ...] = ()
    # Server-sent events that resume after a dropped connection, sending Last-Event-ID: the
    # operation declares that header, or says `x-sse-reconnect: true`.
    reconnect: bool = False
    pagination: Pagination | None = None
    collection: Collection | None = None
    # An example of one item of a list, for the mock's pages (the items it has are records).
    item_example: Any = None

    @property
    def mock_action(self) -> str:
        """What the in-memory mock does: replace, merge, create, read or delete a record; or,
        for a method that is none of these (QUERY, LINK, OPTIONS, ...), `peek`: answer from
        the record if there is one, without a 404 where there is none."""
        actions = {
            "GET": "read",
            "HEAD": "read",
            "PUT": "replace",
            "PATCH": "merge",
            "POST": "create",
            "DELETE": "delete",
        }
        return actions.get(self.http_method, "peek")

    @property
    def list_item_type(self) -> str:
        """The annotation of one item of a list operation (paged, or answering an array)."""
        if self.pagination is not None:
            return self.pagination.item_type
        return _list_item(self.success.python_type or "")

    @property
    def declared_statuses(self) -> tuple[str, ...]:
        """The statuses the spec declares a response for, as it spells them (`404`, `4XX`,
        `default`): the mock answers any of them to a request with `Prefer: code=<status>`."""
        success = (self.success.status,) if self.success.declared else ()
        return success + tuple(error.status for error in self.errors)

    @property
    def mock_refusal(self) -> int | None:
        """The status the mock answers with where the operation declares no success (an
        endpoint its vendor retired declares 410 and the usual errors): its first declared
        client error that is not about credentials or rate, else None (a bodiless 200)."""
        if self.success.declared:
            return None
        return next(
            (
                error.status_code
                for error in self.errors
                if error.status_code is not None
                and 400 <= error.status_code < 500
                and error.status_code not in (401, 403, 407, 429)
            ),
            None,
        )

    @property
    def mock_answer(self) -> str:
        """What the mock returns: stored `content` (a download), the spec's `example` as it
        is (a list or a scalar), the `record` in the response model, or `nothing`."""
        if self.success.events:
            return "events"
        if self.success.encoding is not Encoding.JSON:
            return "content"
        if self.success.python_type is None:
            return "nothing"
        example = self.success.example
        return "example" if example is not None and not isinstance(example, dict) else "record"

    @property
    def route_shortcut(self) -> str | None:
        """FastAPI's decorator for the method (`get`, `patch`, ...), None for one it has none
        for (OpenAPI 3.2's QUERY, or `additionalOperations` such as LINK): `api_route` then."""
        method = self.http_method.lower()
        return method if method in _FASTAPI_SHORTCUTS else None

    @property
    def server_path(self) -> str:
        """The path with Python names in its placeholders: routers accept only identifiers."""
        path = self.path
        for parameter in self.path_parameters:
            convertor = f":{parameter.route_convertor}" if parameter.route_convertor else ""
            path = path.replace("{" + parameter.name + "}", "{" + parameter.python_name + convertor + "}")
        return path

    @property
    def path_glob(self) -> str:
        """The path with `*` for each parameter: the paths it is called at, as the mock's
        journal filters them (`/customers/*`)."""
        return re.sub(r"\{[^}]*\}", "*", self.path)

    @property
    def route_function(self) -> str:
        """The name of the server's route function, at the top level of its tag's module."""
        return naming.module_function_name(self.method_name, _ROUTE_MODULE_NAMES)

    @property
    def path_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location is ParameterLocation.PATH)

    @property
    def cookie_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location is ParameterLocation.COOKIE)

    @property
    def keyword_parameters(self) -> tuple[Parameter, ...]:
        """Query, header and cookie parameters, required ones first."""
        others = [
            p for p in self.parameters if p.location is not ParameterLocation.PATH and p is not self.idempotency_key
        ]
        return tuple(sorted(others, key=lambda p: not p.required))

    @property
    def fastapi_checks_parameters(self) -> bool:
        """Whether FastAPI checks some of the route's parameters before the route runs, and
        may refuse them (one it reads by type, or the server by style; a text path parameter
        cannot be refused): the route then lets the request in with a dependency, which
        runs first, so a request without credentials is a 401 whatever else is wrong."""
        return bool(self.keyword_parameters) or any(
            p.read_by_style or p.python_type != "str" for p in self.path_parameters
        )


class OperationSet:
    """What the templates ask of a set of operations, the whole API's or one tag's: which
    imports and helpers its modules need."""

    __slots__ = ()
    operations: tuple[Operation, ...]

    @property
    def reads_parameters_by_style(self) -> bool:
        """Whether the server reads some parameters itself, by their style (see `Parameter.read_by_style`)."""
        return any(p.read_by_style for o in self.operations for p in o.parameters)

    @property
    def writes_parameters_by_style(self) -> bool:
        """Whether the client writes some parameter in a style its location does not default to."""
        return any(not p.has_default_style and p.media_type is None for o in self.operations for p in o.parameters)

    @property
    def has_json_parameters(self) -> bool:
        return any(p.json_content for o in self.operations for p in o.parameters)

    @property
    def takes_files(self) -> bool:
        """Whether some operation sends files: a binary body, or file fields in a multipart one."""
        return any(
            o.body is not None and (o.body.encoding is Encoding.BINARY or bool(o.body.file_fields))
            for o in self.operations
        )

    @property
    def has_idempotent_operations(self) -> bool:
        """Whether any operation takes an Idempotency-Key (the mock then keeps replays)."""
        return any(o.idempotency_key is not None for o in self.operations)

    @property
    def has_deprecated_operations(self) -> bool:
        return any(o.deprecated for o in self.operations)

    @property
    def has_event_streams(self) -> bool:
        """Whether some operation answers with server-sent events (the client then needs httpx-sse)."""
        return any(operation.success.events for operation in self.operations)

    @property
    def has_paged_operations(self) -> bool:
        """Whether some list operation answers in pages (the package then exports its pages)."""
        return any(operation.pagination is not None for operation in self.operations)

    @property
    def collections(self) -> tuple[Collection, ...]:
        """The collections the mock keeps, one each, by path."""
        found = {
            o.collection.path: o.collection for o in self.operations if o.collection and o.collection.role != "item"
        }
        return tuple(found[path] for path in sorted(found))

    @property
    def has_mock_refusals(self) -> bool:
        """Whether the mock refuses some operation outright (see `Operation.mock_refusal`)."""
        return any(operation.mock_refusal for operation in self.operations)


@dataclass(frozen=True, slots=True)
class OperationGroup(OperationSet):
    """The operations of one tag: one client module (`_resources/<module_name>.py`) and one
    server module (`_routes/<module_name>.py`), whose classes are named after `class_name`."""

    name: str  # the tag (or path segment) as the spec spells it
    module_name: str
    class_name: str
    operations: tuple[Operation, ...]
    model_names: tuple[str, ...]  # the model classes the operations' annotations mention

    @property
    def error_shape_names(self) -> tuple[str, ...]:
        """The error shapes (`ErrorShape.constant_name`) the operations' routes answer with."""
        return tuple(sorted({route.shape_name for o in self.operations for route in o.error_routes}))


@dataclass(frozen=True, slots=True)
class Api(OperationSet):
    """The whole API a package is generated for."""

    spec_name: str
    package: str
    distribution: str
    title: str
    version: str
    package_version: str
    description: str
    source: str
    servers: tuple[Server, ...]
    security_schemes: tuple[SecurityScheme, ...]
    operations: tuple[Operation, ...]
    model_names: tuple[str, ...]
    operation_model_names: tuple[str, ...]
    environment_prefix: str
    json_schema_defs: Any = None
    error_shapes: tuple[ErrorShape, ...] = ()
    default_error_routes: tuple[ErrorRoute, ...] = ()
    # (spec name, class name) of the schemas whose class name is not their name in PascalCase:
    # it would have shadowed one of the package's own names, a builtin or another schema.
    model_renames: tuple[tuple[str, str], ...] = ()
    # The operations by tag, in the order their first operation comes in the spec.
    groups: tuple[OperationGroup, ...] = ()
    # The response headers the spec declares for request ids, beyond X-Request-Id and Request-Id.
    request_id_headers: tuple[str, ...] = ()
    # The events the API sends to its users (OpenAPI 3.1's `webhooks`), None where it has none.
    webhooks: Webhooks | None = None

    @property
    def paged_example(self) -> Operation | None:
        """The paged operation the README shows: the first that takes no required query."""
        return next(
            (o for o in self.operations if o.pagination and not any(p.required for p in o.keyword_parameters)), None
        )

    @property
    def collection_example(self) -> tuple[Operation, Operation] | None:
        """(create, list) of the collection the README shows: the first with both."""
        for collection in self.collections:
            as_create, as_list = collection.with_role("create"), collection.with_role("list")
            create = next((o for o in self.operations if o.collection == as_create), None)
            listing = next((o for o in self.operations if o.collection == as_list), None)
            if create is not None and listing is not None and create.body is not None:
                return create, listing
        return None

    @property
    def data_file_example(self) -> dict[str, list[dict[str, Any]]]:
        """A `--data` file for the README: one record of the first collection, its path's
        parameters filled in, over the example of an item of its list."""
        if not self.collections:
            return {}
        collection = self.collections[0]
        as_list = collection.with_role("list")
        listing = next((o for o in self.operations if o.collection == as_list), None)
        record = dict(listing.item_example) if listing and isinstance(listing.item_example, dict) else {}
        if collection.id_field:
            counted = f"{collection.id_prefix}{1:0{collection.id_digits}d}"
            record[collection.id_field] = counted if collection.id_kind == "string" else _SAMPLE_IDS[collection.id_kind]
        kinds = iter(collection.parameter_kinds)
        path = re.sub(r"\{[^}]*\}", lambda _: str(_SAMPLE_IDS[next(kinds, "string")]), collection.path)
        return {path: [record]}

    @property
    def reads_forms(self) -> bool:
        """Whether the server parses form or multipart bodies (which needs python-multipart)."""
        return any(
            o.body is not None and o.body.encoding in (Encoding.FORM, Encoding.MULTIPART) for o in self.operations
        )

    @property
    def models_only(self) -> bool:
        """A document with no operations (a components-only document, say) generates a
        package of models: there is nothing for a client or a server to do."""
        return not self.operations

    @property
    def default_server(self) -> Server:
        return self.servers[0] if self.servers else Server("http://localhost:8000", "", ())

    @property
    def credential_arguments(self) -> tuple[CredentialArgument, ...]:
        return tuple(argument for scheme in self.security_schemes for argument in scheme.arguments)

    @property
    def missing_credentials_message(self) -> str:
        choices = " or ".join(
            " and ".join(f"{c.python_name}= (${c.environment_variable})" for c in scheme.credentials)
            for scheme in self.security_schemes
        )
        return f"missing credentials: pass {choices}"


# --- models ---------------------------------------------------------------------------------


# The ids the README's `--data` example gives its records, by kind.
_SAMPLE_IDS: dict[str, Any] = {"integer": 1, "string": "1", "uuid": "3f0c1d2e-5b6a-4c7d-8e9f-0a1b2c3d4e5f"}


class ModelKind(enum.StrEnum):
    OBJECT = "object"  # a pydantic BaseModel with fields
    ENUM = "enum"  # a StrEnum or IntEnum
    ROOT = "root"  # a RootModel around one type: a union, a list, a dict, a scalar


@dataclass(frozen=True, slots=True)
class ModelField:
    """One field of a model class, as the class body declares it."""

    name: str  # the Python attribute
    annotation: str
    field_arguments: tuple[tuple[str, str], ...] = ()  # Field(keyword=<Python expression>)
    default: str | None = None  # a Python expression; None: the field is required
    description: str = ""
    forward: bool = False  # names a class not defined yet where the class statement runs: quoted

    @property
    def full_annotation(self) -> str:
        """`Annotated[str, Field(alias="Name")]`: the type with its field arguments."""
        if not self.field_arguments:
            return self.annotation
        arguments = ", ".join(f"{keyword}={value}" for keyword, value in self.field_arguments)
        return f"Annotated[{self.annotation}, Field({arguments})]"

    @property
    def declaration(self) -> str:
        """`name: Annotated[str, Field(alias="Name")] = None`, as the class body spells it."""
        annotation = python_literal(self.full_annotation) if self.forward else self.full_annotation
        return f"{self.name}: {annotation}" + (f" = {self.default}" if self.default is not None else "")


@dataclass(frozen=True, slots=True)
class EnumMember:
    """One member of an enum model class."""

    name: str
    value: str  # a Python literal


@dataclass(frozen=True, slots=True)
class ModelClass:
    """One class of the models package: an object, an enum or a root model."""

    name: str
    kind: ModelKind
    bases: tuple[str, ...]
    description: str = ""
    fields: tuple[ModelField, ...] = ()  # a root model has one, named `root`
    members: tuple[EnumMember, ...] = ()
    config: tuple[tuple[str, str], ...] = ()  # ConfigDict(keyword=<Python expression>)

    @property
    def has_body(self) -> bool:
        """Whether the class statement has anything to hold; an empty one says `pass`."""
        return bool(self.description or self.config or self.members or self.fields)


@dataclass(frozen=True, slots=True)
class ModelModule:
    """One submodule of the models package (`models/_droplets.py`)."""

    name: str  # `_droplets`: a Python name, private, as users import from the package
    description: str  # what its classes have in common: plain text, for its docstring
    classes: tuple[ModelClass, ...]
    imports: tuple[tuple[str, tuple[str, ...]], ...]  # (module, names), in import order
    # (sibling module, names): the base and the classes of other submodules it uses.
    sibling_imports: tuple[tuple[str, tuple[str, ...]], ...]
    narrows_inherited_fields: bool  # a subclass redeclares a field with another type


@dataclass(frozen=True, slots=True)
class PackageHeading:
    """What a package's models say of it, known before its IR is built: the package's
    import name, the API's title and the spec it was made from (as in `Api`)."""

    package: str
    title: str
    source: str


@dataclass(frozen=True, slots=True)
class ModelPackage:
    """The models package: `ApiModel` in `base_module`, the classes in `modules`, each
    imported on first use by the package's `__init__`."""

    base_module: str
    base_model: str  # `ApiModel`
    modules: tuple[ModelModule, ...]
    checks_values: bool = False  # an annotation checks values Literal cannot spell (`_one_of`)
    # Who wrote the classes: pyapigen's builder, or datamodel-code-generator (one module, `_models`).
    made_by: str = "pyapigen"

    @property
    def classes(self) -> tuple[ModelClass, ...]:
        """Every class, module by module."""
        return tuple(model for module in self.modules for model in module.classes)

    @property
    def exports(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """(submodule, names) of every name the package offers, the base model's first."""
        classes = [(module.name, tuple(sorted(model.name for model in module.classes))) for module in self.modules]
        return ((self.base_module, (self.base_model,)), *classes)

    @property
    def submodule_of(self) -> tuple[tuple[str, str], ...]:
        """(name, submodule) of every name the package offers, by name."""
        return tuple(sorted((name, module) for module, names in self.exports for name in names))


def _list_item(python_type: str) -> str:
    """`X` of `list[X]` (or of `list[X] | None`), else `Any`."""
    if not python_type.startswith("list["):
        return "Any"
    depth = 0
    for index, character in enumerate(python_type):
        if character == "[":
            depth += 1
        elif character == "]":
            depth -= 1
            if depth == 0:
                rest = python_type[index + 1 :]
                return python_type[len("list[") : index] if rest in ("", " | None") else "Any"
    return "Any"
