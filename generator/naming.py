"""Every rule that turns a name from a spec into a Python name.

Names from specs can be anything: keywords, builtins, our own symbols, leading digits,
dashes, spaces, brackets, non-ASCII letters, or several names that collide once
converted. The functions here always return a valid, readable identifier; the wire name
is kept elsewhere (as an alias or a literal) so nothing is lost.
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections.abc import Container, Iterable

from generator.assets import RUNTIME_DIR, TEMPLATES_DIR

_JINJA_MARKUP = re.compile(r"{#.*?#}|{%.*?%}|{{.*?}}", re.DOTALL)
# Statements at the start of a line, matched after its newline rather than at `^`: a literal
# first character lets the regex engine jump from newline to newline, twice as fast over
# the templates (read at every start, see GENERATED_SYMBOLS).
# `class X`, `def x`, `X = ...` and `X: T = ...`: the module's own names.
_DEFINITION = re.compile(r"\n(?:(?:class|def|async\s+def)\s+(\w+)|(\w+)\s*(?::[^=\n]*)?=(?!=))")
_IMPORT = re.compile(r"\n(?:from\s+\S+\s+import\s+(\([^)]*\)|.*)$|import\s+(.*)$)", re.MULTILINE)

# What the models module may import, by module, in the order ruff sorts them; it imports
# the names its classes use.
MODELS_IMPORTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("datetime", ("date",)),
    ("enum", ("IntEnum", "StrEnum")),
    ("ipaddress", ("IPv4Address", "IPv6Address")),
    ("typing", ("Annotated", "Any", "Literal")),
    ("uuid", ("UUID",)),
    ("pydantic", ("AfterValidator", "AwareDatetime", "BaseModel", "ConfigDict", "Field", "RootModel")),
)


def _module_names(source: str) -> set[str]:
    """The names a template's Python defines or imports at module level, Jinja markup left out."""
    code = "\n" + _JINJA_MARKUP.sub("", source)  # the first line starts after a newline too
    names = {match.group(1) or match.group(2) for match in _DEFINITION.finditer(code)}
    for match in _IMPORT.finditer(code):
        for item in (match.group(1) or match.group(2)).strip("()").split(","):
            words = item.split()  # `X`, `X as Y` or `package.module`
            if words:
                names.add(words[-1].split(".")[0])
    return names


def _generated_symbols() -> frozenset[str]:
    """Every module-level name of the generated package's modules, read from the templates
    and the runtime the packages copy.

    A model is imported next to them (`__init__`, `server`, the route modules), so one with
    the same name would shadow an exception, a client or a server symbol. Read rather than
    listed by hand, the set follows the templates and the runtime as they change.
    """
    names = {name for _, imported in MODELS_IMPORTS for name in imported}
    for source in [*sorted(TEMPLATES_DIR.glob("*.py.jinja")), *sorted(RUNTIME_DIR.glob("*.py"))]:
        names |= _module_names(source.read_text(encoding="utf-8"))
    return frozenset(names)


# Names the generated modules define or import; a model must not shadow them.
GENERATED_SYMBOLS = _generated_symbols()
_BUILTIN_NAMES = frozenset(dir(builtins))
_SPLIT_WORDS = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")


def ascii_words(name: str) -> list[str]:
    """The words of `name`: camelCase, snake_case, kebab-case, spaces and brackets all split."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    words: list[str] = []
    for chunk in re.split(r"[^0-9A-Za-z]+", folded):
        words.extend(_SPLIT_WORDS.findall(chunk))
    return words


def _identifier_fallback(name: str) -> str:
    """A stable stand-in for a name with no ASCII letters or digits at all."""
    return "_".join(f"u{ord(char):04x}" for char in name if not char.isspace())[:60] or "unnamed"


def snake_case(name: str, *, digit_prefix: str = "field") -> str:
    """`updateCustomer` -> `update_customer`, `Idempotency-Key` -> `idempotency_key`."""
    words = ascii_words(name)
    result = "_".join(word.lower() for word in words) if words else _identifier_fallback(name)
    if result[0].isdigit():
        result = f"{digit_prefix}_{result}"
    if keyword.iskeyword(result) or keyword.issoftkeyword(result):
        result += "_"
    return result


def pascal_case(name: str, *, digit_prefix: str = "Model") -> str:
    """`customer-update` -> `CustomerUpdate`; keeps inner capitals (`HTTPError` stays)."""
    words = ascii_words(name)
    result = "".join(word[0].upper() + word[1:] for word in words) if words else _identifier_fallback(name).title()
    if result[0].isdigit():
        result = digit_prefix + result
    return result


def class_name(name: str) -> str:
    """A model class name that shadows no builtin, keyword or generated symbol."""
    result = pascal_case(name)
    if result in GENERATED_SYMBOLS or result in _BUILTIN_NAMES or keyword.iskeyword(result):
        result += "Model"
    return result


# What a client is called by besides its operations: an operation so named takes a `_`.
_CLIENT_ATTRIBUTES = frozenset(
    {"close", "aclose", "copy", "webhooks", "base_url", "timeout", "max_retries", "strict_responses", "default_headers"}
)


def method_name(operation_id: str) -> str:
    """The client and handler method for an operation: its operation id in snake_case."""
    result = snake_case(operation_id, digit_prefix="op")
    return result + "_" if result.startswith("with_") or result in _CLIENT_ATTRIBUTES else result


def module_function_name(name: str, taken: Iterable[str] = ()) -> str:
    """A function at a module's top level for an operation's method name: one that would
    hide a builtin (`list`, which annotations after it need) or a name in `taken` gets `_`."""
    return name + "_" if name in _BUILTIN_NAMES or name in set(taken) else name


def module_name(group: str) -> str:
    """A module for a group of operations: the tag `Customer Accounts` -> `customer_accounts`."""
    return snake_case(group, digit_prefix="tag")


def operation_id_for(method: str, path: str) -> str:
    """An operation id for an operation that declares none: `get /users/{id}` -> `get_users_id`."""
    return snake_case(f"{method} {path}", digit_prefix="op")


def parameter_name(name: str, reserved: Iterable[str] = ()) -> str:
    """A keyword-argument name for a parameter, avoiding `reserved` names of the method."""
    result = snake_case(name)
    if result in set(reserved) or result == "self":
        result += "_"
    return result


def package_name(spec_name: str) -> str:
    """The import name of a spec's package: `chargeover` -> `chargeover_api`."""
    return snake_case(spec_name, digit_prefix="api") + "_api"


def distribution_name(spec_name: str) -> str:
    """The pip name of a spec's package: `chargeover` -> `chargeover-api`."""
    return package_name(spec_name).replace("_", "-")


def environment_variable(prefix: str, argument: str) -> str:
    """The variable a client reads an argument from: (`BIGCAPITAL`, `token`) -> `BIGCAPITAL_TOKEN`."""
    return f"{prefix}_{argument.upper()}"


def constant_name(*parts: str, digit_prefix: str = "n") -> str:
    """An UPPER_SNAKE name of the words of `parts`: `api-key` -> `API_KEY`,
    (`RestErrorResponse`, `400`) -> `REST_ERROR_RESPONSE_400`.

    Only a name that would start with a digit is prefixed (`400` -> `N_400`): the parts
    are joined first, so a number inside a name reads as itself.
    """
    return snake_case(" ".join(parts), digit_prefix=digit_prefix).upper().rstrip("_")


_EXCEPTIONS_BY_STATUS = {
    "400": "BadRequestError",
    "401": "AuthenticationError",
    "403": "PermissionDeniedError",
    "404": "NotFoundError",
    "409": "ConflictError",
    "422": "UnprocessableEntityError",
    "429": "RateLimitError",
}


def exception_name(status: str) -> str:
    """The exception class the client raises for a response status ("5XX" and 5xx: InternalServerError)."""
    if status.startswith("5"):
        return "InternalServerError"
    return _EXCEPTIONS_BY_STATUS.get(status, "ApiStatusError")


def unique(names: Iterable[str], taken: Container[str] = ()) -> list[str]:
    """The names in order, later duplicates (and names in `taken`) suffixed _2, _3, ...

    `taken` is only asked about, never copied: a model's name is found among thousands."""
    used: set[str] = set()
    result: list[str] = []
    for name in names:
        candidate, counter = name, 1
        while candidate in used or candidate in taken:
            counter += 1
            # Class names read best as Pet2; snake_case names as page_size_2.
            candidate = f"{name}{counter}" if name[:1].isupper() else f"{name.rstrip('_') or name}_{counter}"
        used.add(candidate)
        result.append(candidate)
    return result


# A field named like a type its class's annotations use would hide that type from pydantic,
# which reads the annotations in the class namespace: such fields take a trailing underscore.
_SHADOWING = frozenset({"str", "int", "float", "bool", "bytes", "list", "dict", "date"})
# Attributes of pydantic's BaseModel a field must not replace.
_BASE_MODEL_ATTRIBUTES = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "from_orm",
        "json",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
    }
)


def field_name(wire_name: str) -> str:
    """The Python attribute for a property: snake_case unless already a lower-case identifier.

    Unicode identifiers (`prénom`) are kept as written; keywords, pydantic's own attributes
    and names that would hide a type get a trailing underscore.
    """
    kept = wire_name.isidentifier() and wire_name == wire_name.lower() and not wire_name.startswith("_")
    name = wire_name if kept else snake_case(wire_name)
    if (
        keyword.iskeyword(name)
        or keyword.issoftkeyword(name)
        or name in _SHADOWING
        or name in _BASE_MODEL_ATTRIBUTES
        or name.startswith("model_")
    ):
        name += "_"
    return name


def enum_member_name(value: object) -> str:
    """An enum member for a value: `in-progress` -> `IN_PROGRESS`, `""` -> `EMPTY`, 2 -> `VALUE_2`."""
    if value == "":
        return "EMPTY"
    if isinstance(value, int):
        return f"VALUE_{value}" if value >= 0 else f"MINUS_{-value}"
    return constant_name(str(value), digit_prefix="value")  # "2" reads as the integer 2 does
