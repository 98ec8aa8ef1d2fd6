"""The names an operation group's modules use, from what the IR says they hold.

The templates import from a fixed set of names (`Any`, `cookie_header`, `AsyncPage`, ...)
only those their module uses: a name counts as used when a feature of an operation writes
it (a cookie parameter writes `cookie_header`) or a type expression the module spells
names it. Type expressions are code; descriptions and docstrings are never looked at, so
a spec that says "Any" in prose does not keep an import.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from generator.ir.ir import Operation, OperationGroup, ParameterLocation
from generator.media_types import Encoding
from generator.render.import_order import sorted_members

# A string literal (`Literal["Any"]` names no type) or a name not reached as an attribute.
_STRING = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'")
_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w*")


@functools.cache
def _names_in(expression: str) -> frozenset[str]:
    return frozenset(_NAME.findall(_STRING.sub("", expression)))


def type_names(expressions: Iterable[str | None]) -> set[str]:
    """The names the type expressions mention (`dict[str, Any] | Droplet` -> str, dict, Any, Droplet)."""
    names: set[str] = set()
    for expression in expressions:
        if expression:
            names |= _names_in(expression)
    return names


def _signature_types(operation: Operation) -> list[str | None]:
    """The annotations of the operation's method: its parameters (not the idempotency key's,
    a `str`), body and result."""
    key = operation.idempotency_key
    types: list[str | None] = [parameter.python_type for parameter in operation.parameters if parameter is not key]
    types.append(operation.success.python_type)
    if operation.body is not None:
        types.append(operation.body.python_type)
    return types


def resource_names(group: OperationGroup) -> frozenset[str]:
    """The names `_resources/<group>.py` uses of those it may import."""
    annotations: set[str] = set()  # spelled as they are, the models imported for type checkers
    runtime: set[str] = set()  # the endpoints' types, models reached through `models.`
    used: set[str] = set()
    for operation in group.operations:
        annotations |= type_names(_signature_types(operation))
        if operation.pagination is not None:
            annotations |= type_names([operation.pagination.item_type])
            used |= {"AsyncPage", "PagingPlan", "SyncPage"}
        runtime |= type_names([operation.success.python_type, *(error.python_type for error in operation.errors)])
        body = operation.body
        if body is not None:
            runtime |= type_names([body.python_type])
            if body.encoding is Encoding.BINARY or (body.model_name and body.file_fields):
                used.add("FileTypes")
            if body.model_name:
                used.add("Any")  # `Mapping[str, Any]`
        if any(parameter.location is ParameterLocation.COOKIE for parameter in operation.parameters):
            used.add("cookie_header")
        if operation.idempotency_key is not None:
            used.add("new_idempotency_key")
    models = set(group.model_names)
    used |= (annotations | runtime) - models
    used |= annotations & models
    if runtime & models:
        used.add("models")
    return frozenset(used)


def route_names(group: OperationGroup) -> frozenset[str]:
    """The names `_routes/<group>.py` uses of those it may import."""
    types: set[str] = set()
    used = {"Request", "Response"}
    for operation in group.operations:
        types |= type_names(_signature_types(operation))
        success = operation.success
        collection = operation.collection
        if success.named_examples or success.events or (success.example is not None and success.encoding == "json"):
            used.add("Any")  # the examples' annotations: `dict[str, Any]`, `list[Any]`
        if collection is not None and collection.role == "list":
            used.add("Any")  # `_ITEM_EXAMPLE: dict[str, Any]`
            types |= type_names([operation.list_item_type])
            if operation.pagination is not None:
                used.add("PagingPlan")
        key = operation.idempotency_key
        if key is not None:
            used |= {"Annotated", "Header"}
        for parameter in operation.parameters:
            if parameter is key:
                continue
            used.add("Annotated")
            if parameter.read_by_style:
                used.add("Depends")
            else:  # `Path()`, `Query(...)`, `Header(...)`, `Cookie(...)`
                used.add(parameter.location.fastapi_marker)
        if operation.fastapi_checks_parameters:
            used |= {"Annotated", "Depends"}
    return frozenset(used | types)


def used_models(group: OperationGroup, used: frozenset[str]) -> list[str]:
    """Those of the group's model classes its module uses, in the order ruff sorts imports."""
    return sorted_members(name for name in group.model_names if name in used)
