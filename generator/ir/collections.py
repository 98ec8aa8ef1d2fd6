"""The collections the in-memory mock keeps, inferred from paths.

`/customers` with `/customers/{id}` is a collection and its items (nested ones too:
`/customers/{cid}/notes` with `/customers/{cid}/notes/{nid}`) when the collection path has
a GET or a POST. POST to the collection creates a record under a fresh id, GET on the
collection lists the records (in pages, where the operation is paged), and the item's
operations read, replace, merge and delete one. An operation outside any collection keeps
the mock's record-per-path behaviour.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from generator.ir.ir import Collection, Operation, Parameter

# An example id that ends in a number: `acc_0001`, `cus-17`.
_COUNTED = re.compile(r"(?P<prefix>[A-Za-z0-9_.:-]{0,32}?)(?P<digits>[0-9]{1,12})")
_ITEM_PATH = re.compile(r"(?P<collection>.*/[^/{}]+)/\{[^{}/]+\}")


def with_collections(operations: tuple[Operation, ...]) -> tuple[Operation, ...]:
    """The operations, each part of a collection told which and what it does to it."""
    by_path: dict[str, list[Operation]] = {}
    for operation in operations:
        by_path.setdefault(operation.path, []).append(operation)
    items_of: dict[str, str] = {}  # collection path -> item path
    for path in sorted(by_path):
        match = _ITEM_PATH.fullmatch(path)
        if match is None:
            continue
        collection = match.group("collection")
        if any(o.http_method in ("GET", "POST") for o in by_path.get(collection, ())):
            items_of[collection] = path
    described = {collection: _described(collection, item, by_path) for collection, item in items_of.items()}
    result = []
    for operation in operations:
        role = _role(operation, items_of)
        if role is None:
            result.append(operation)
            continue
        collection_path = operation.path if role != "item" else _ITEM_PATH.fullmatch(operation.path)["collection"]  # type: ignore[index]
        result.append(replace(operation, collection=replace(described[collection_path], role=role)))
    return tuple(result)


def _role(operation: Operation, items_of: dict[str, str]) -> str | None:
    if operation.path in items_of:
        if operation.http_method == "POST":
            return "create"
        if operation.http_method == "GET" and (operation.pagination is not None or _lists(operation)):
            return "list"
        return None
    match = _ITEM_PATH.fullmatch(operation.path)
    if match is not None and items_of.get(match.group("collection")) == operation.path:
        return "item"
    return None


def _lists(operation: Operation) -> bool:
    """Whether an unpaged GET answers with an array of records: an array of objects of
    any length (the IR gives it an example item only then)."""
    python_type = operation.success.python_type or ""
    return python_type.startswith("list[") and operation.item_example is not None


def _described(collection: str, item_path: str, by_path: dict[str, list[Operation]]) -> Collection:
    """What the collection's operations agree on: where an item's response keeps the
    record's id, and the kind of ids the item path takes."""
    items = by_path[item_path]
    reads = [o for o in items if o.http_method == "GET"] + [o for o in items if o.http_method != "GET"]
    id_path = next((o.record_id_path for o in reads if o.record_id_path), ())
    parameters = items[0].path_parameters
    id_kind = _id_kind(parameters[-1]) if parameters else "string"
    sample = parameters[-1].example if parameters else None
    counted = _COUNTED.fullmatch(sample) if id_kind == "string" and isinstance(sample, str) else None
    return Collection(
        path=collection,
        item_path=item_path,
        role="",
        id_field=id_path[-1] if id_path else "",
        id_kind=id_kind,
        envelope=id_path[:-1],
        parameter_kinds=tuple("integer" if _id_kind(p) == "integer" else "string" for p in parameters),
        id_prefix=counted.group("prefix") if counted else "",
        id_digits=len(counted.group("digits")) if counted else 0,
    )


def _id_kind(parameter: Parameter) -> str:
    schema: Any = parameter.json_schema
    if not isinstance(schema, dict):
        return "string"
    kind = schema.get("type")
    if kind == "integer" or (isinstance(kind, list) and "integer" in kind):
        return "integer"
    return "uuid" if schema.get("format") == "uuid" else "string"
