"""Which list operations are paged, and how: the `x-pagination` extension, else the
common patterns a response and its query parameters show.

A paged operation's client method returns a page that iterates over every item of every
page, and the in-memory mock answers it in pages the same way. Where an operation looks
paged but no pattern is clear, it stays unpaged, with a warning (`pagination-unclear`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from generator import pointers
from generator.ir.ir import Pagination, Parameter, ParameterLocation
from generator.schemas import ref_name

STYLES = ("cursor", "next_url", "offset", "page", "link_header")
# The keys of `x-pagination`, and the field of `Pagination` each fills.
_PATH_KEYS = {"items": "items_path", "next": "next_path", "has-more": "has_more_path", "total": "total_path"}
_PARAMETER_KEYS = {
    "cursor-param": "cursor_param",
    "offset-param": "offset_param",
    "page-param": "page_param",
    "limit-param": "limit_param",
}
_TEXT_KEYS = {"cursor-field": "cursor_field"}
# What each style cannot do without (beside `items`, which an array response may leave out).
_REQUIRED = {
    "cursor": ("cursor-param",),
    "next_url": ("next",),
    "offset": ("offset-param",),
    "page": ("page-param",),
    "link_header": (),
}
_MAX_DEPTH = 32

# The common patterns, by wire name.
_NEXT_URL_FIELDS: tuple[tuple[str, ...], ...] = (
    ("links", "pages", "next"),
    ("links", "next"),
    ("next_url",),
    ("next_page_url",),
    ("nextUrl",),
    ("next",),
)
_NEXT_CURSOR_FIELDS: tuple[tuple[str, ...], ...] = (
    ("next_cursor",),
    ("next_page_token",),
    ("nextPageToken",),
    ("nextCursor",),
    ("next",),
)
_CURSOR_PARAMS = ("cursor", "page_token", "pageToken", "next_cursor", "after", "starting_after", "next")
_AFTER_PARAMS = ("starting_after", "after")
_HAS_MORE_FIELDS: tuple[tuple[str, ...], ...] = (("has_more",), ("hasMore",), ("has_next",), ("meta", "has_more"))
_TOTAL_FIELDS: tuple[tuple[str, ...], ...] = (
    ("total",),
    ("meta", "total"),
    ("total_count",),
    ("totalCount",),
    ("count",),
)
_OFFSET_PARAMS = ("offset", "skip")
_PAGE_PARAMS = ("page", "page_number", "pageNumber")
_SIZE_PARAMS = ("per_page", "page_size", "pageSize", "limit", "size", "perPage")
_LIMIT_PARAMS = ("limit", "count", "size", "page_size", "per_page")
# Names that say "paged" without saying how.
_PAGING_WORDS = ("page", "cursor", "offset", "limit")

Report = Callable[[str, str], None]


@dataclass
class PagingReader:
    """Reads an operation's paging from its raw success response and its parameters."""

    components: dict[str, Any]
    problem: Report  # (pointer, message): an error, the spec is refused
    warn: Report  # (pointer, message): a warning of kind `pagination-unclear`
    # Each schema's fields by name (the first declared of each), by the schema's id, the
    # schema kept: every candidate field is looked up in the same few response schemas.
    _fields: dict[int, tuple[Any, dict[str, Any]]] = field(default_factory=dict, init=False, repr=False)

    def of(
        self,
        raw: Any,
        at: str,
        *,
        http_method: str,
        schema: Any,
        headers: Any,
        parameters: tuple[Parameter, ...],
        item_type: Callable[[Any], str],
    ) -> Pagination | None:
        """The operation's paging; `raw` is its `x-pagination`, `schema` its success schema."""
        query = {p.name: p for p in parameters if p.location is ParameterLocation.QUERY}
        if raw is not None:
            return self._declared(raw, at, schema, query, item_type)
        if http_method != "GET" or not isinstance(schema, dict):
            return None
        return self._recognised(at, schema, headers, query, item_type)

    # --- x-pagination ------------------------------------------------------------------------

    def _declared(
        self, raw: Any, at: str, schema: Any, query: dict[str, Parameter], item_type: Callable[[Any], str]
    ) -> Pagination | None:
        if not isinstance(raw, dict):
            self.problem(at, "x-pagination must be an object with `style` and the fields it names")
            return None
        known = {"style", *_PATH_KEYS, *_PARAMETER_KEYS, *_TEXT_KEYS}
        unknown = sorted(str(key) for key in raw if key not in known)
        if unknown:
            self.problem(
                at, f"x-pagination has no key {', '.join(map(repr, unknown))} (known: {', '.join(sorted(known))})"
            )
            return None
        style = raw.get("style")
        if style not in STYLES:
            self.problem(pointers.join(at, "style"), f"x-pagination style must be one of {', '.join(STYLES)}")
            return None
        missing = [key for key in _REQUIRED[style] if key not in raw]
        if missing:
            self.problem(at, f"x-pagination style {style} needs {', '.join(missing)}")
            return None
        fields: dict[str, Any] = {}
        for key, name in _PATH_KEYS.items():
            if key in raw:
                path = _path(raw[key])
                if path is None:
                    self.problem(pointers.join(at, key), f"x-pagination {key} must be a field path: `a.b` or [a, b]")
                    return None
                if path and self._schema_at(schema, path) is None:
                    self.problem(pointers.join(at, key), f"the success response has no field {'.'.join(path)}")
                    return None
                fields[name] = path
        for key, name in _PARAMETER_KEYS.items():
            if key in raw:
                if not isinstance(raw[key], str) or raw[key] not in query:
                    self.problem(pointers.join(at, key), f"{raw[key]!r} is not a query parameter of the operation")
                    return None
                fields[name] = raw[key]
        if "cursor-field" in raw:
            if not isinstance(raw["cursor-field"], str):
                self.problem(pointers.join(at, "cursor-field"), "x-pagination cursor-field must be a field name")
                return None
            fields["cursor_field"] = raw["cursor-field"]
        if style == "cursor" and "next_path" not in fields and "cursor_field" not in fields:
            self.problem(at, "x-pagination style cursor needs `next` or `cursor-field`")
            return None
        items_path = fields.get("items_path", ())
        items = self._schema_at(schema, items_path)
        if not _is_array(self._resolved(items)):
            where = "the field " + ".".join(items_path) if items_path else "the success response"
            self.problem(pointers.join(at, "items"), f"x-pagination items: {where} is not an array")
            return None
        return Pagination(style=style, item_type=item_type(self._resolved(items).get("items", {})), **fields)

    # --- the common patterns -----------------------------------------------------------------

    def _recognised(
        self,
        at: str,
        schema: dict[str, Any],
        headers: Any,
        query: dict[str, Parameter],
        item_type: Callable[[Any], str],
    ) -> Pagination | None:
        looks_paged = any(word in name.lower() for name in query for word in _PAGING_WORDS)
        arrays = self._array_fields(schema)
        if arrays is None:
            return None  # not a list
        if len(arrays) != 1:
            looks_paged = looks_paged or bool(self._first_field(schema, _NEXT_CURSOR_FIELDS + _TOTAL_FIELDS))
            return self._unclear(at, looks_paged, f"its response holds {len(arrays)} arrays, not one list of items")
        items_path, items_schema = arrays[0]
        item = item_type(items_schema.get("items", {}))
        has_more = self._first_field(schema, _HAS_MORE_FIELDS)
        total = self._first_field(schema, _TOTAL_FIELDS)
        size = next((name for name in _SIZE_PARAMS if name in query), "")
        looks_paged = looks_paged or bool(has_more or total)
        page = next((name for name in _PAGE_PARAMS if name in query), "")
        if isinstance(headers, dict) and any(str(name).lower() == "link" for name in headers):
            # The client follows the header alone; the mock asks its pages by number.
            return Pagination(
                "link_header",
                page_param=page,
                limit_param=size,
                total_path=total,
                items_path=items_path,
                item_type=item,
            )
        next_url = self._first_field(schema, _NEXT_URL_FIELDS, url=True)
        if next_url:
            return Pagination(
                "next_url",
                next_path=next_url,
                page_param=page,
                limit_param=size,
                total_path=total,
                items_path=items_path,
                item_type=item,
            )
        cursor_param = next((name for name in _CURSOR_PARAMS if name in query), "")
        next_cursor = self._first_field(schema, _NEXT_CURSOR_FIELDS)
        if cursor_param and next_cursor:
            limit = next((name for name in _LIMIT_PARAMS if name in query), "")
            return Pagination(
                "cursor",
                next_path=next_cursor,
                has_more_path=has_more,
                cursor_param=cursor_param,
                limit_param=limit,
                items_path=items_path,
                item_type=item,
            )
        after = next((name for name in _AFTER_PARAMS if name in query), "")
        id_field = "id" if self._schema_at(items_schema.get("items", {}), ("id",)) is not None else ""
        if after and has_more and id_field:
            limit = next((name for name in _LIMIT_PARAMS if name in query), "")
            return Pagination(
                "cursor",
                has_more_path=has_more,
                cursor_param=after,
                cursor_field=id_field,
                limit_param=limit,
                items_path=items_path,
                item_type=item,
            )
        offset = next((name for name in _OFFSET_PARAMS if name in query), "")
        limit = next((name for name in _LIMIT_PARAMS if name in query), "")
        if offset and limit:
            return Pagination(
                "offset",
                offset_param=offset,
                limit_param=limit,
                total_path=total,
                has_more_path=has_more,
                items_path=items_path,
                item_type=item,
            )
        if page and size and (total or has_more):
            return Pagination(
                "page",
                page_param=page,
                limit_param=size,
                total_path=total,
                has_more_path=has_more,
                items_path=items_path,
                item_type=item,
            )
        return self._unclear(at, looks_paged, "no pattern of cursor, next URL, Link header, offset or page fits it")

    def _unclear(self, at: str, looks_paged: bool, why: str) -> Pagination | None:
        if looks_paged:
            self.warn(
                at,
                f"this list operation looks paged, but {why}: it is generated unpaged "
                "(describe its pages with x-pagination)",
            )
        return None

    # --- schemas ------------------------------------------------------------------------------

    def array(self, schema: Any) -> dict[str, Any] | None:
        """The schema itself, resolved, where it is an array; else None."""
        resolved = self._resolved(schema)
        return resolved if _is_array(resolved) else None

    def items_schema(self, schema: Any, items_path: tuple[str, ...]) -> Any:
        """The schema of one item of the array at `items_path`."""
        array = self._resolved(self._schema_at(schema, items_path))
        return array.get("items", {}) if isinstance(array, dict) else {}

    def _resolved(self, schema: Any) -> Any:
        for _ in range(_MAX_DEPTH):
            name = ref_name(schema)
            if name is None or name not in self.components:
                return schema
            schema = self.components[name]
        return schema

    def _properties(self, schema: Any, depth: int = 0) -> Iterator[tuple[str, Any]]:
        """The properties an object schema declares, through allOf, anyOf and oneOf."""
        schema = self._resolved(schema)
        if not isinstance(schema, dict) or depth > _MAX_DEPTH:
            return
        properties = schema.get("properties")
        if isinstance(properties, dict):
            yield from ((str(name), value) for name, value in properties.items())
        for combinator in ("allOf", "anyOf", "oneOf"):
            members = schema.get(combinator)
            for member in members if isinstance(members, list) else ():
                yield from self._properties(member, depth + 1)

    def _schema_at(self, schema: Any, path: tuple[str, ...]) -> Any:
        """The schema of the field at `path`, or None where there is none."""
        for name in path:
            if id(schema) not in self._fields:
                fields: dict[str, Any] = {}
                for key, value in self._properties(schema):
                    fields.setdefault(key, value)
                self._fields[id(schema)] = (schema, fields)
            if name not in self._fields[id(schema)][1]:
                return None
            schema = self._fields[id(schema)][1][name]
        return schema

    def _first_field(
        self, schema: Any, candidates: tuple[tuple[str, ...], ...], *, url: bool = False
    ) -> tuple[str, ...]:
        """The first candidate path the schema declares; with `url`, a string that is not
        spelt as a cursor (a `next` of format uri, or any of the URL names)."""
        for path in candidates:
            field = self._resolved(self._schema_at(schema, path))
            if field is None:
                continue
            if url and path == ("next",) and not (isinstance(field, dict) and field.get("format") in ("uri", "url")):
                continue
            return path
        return ()

    def _array_fields(self, schema: Any) -> list[tuple[tuple[str, ...], dict[str, Any]]] | None:
        """Where the items may be: the response itself if it is an array, else its
        top-level array fields; None for neither."""
        resolved = self._resolved(schema)
        if _is_array(resolved):
            return [((), resolved)]
        arrays: list[tuple[tuple[str, ...], dict[str, Any]]] = []
        for name, value in self._properties(schema):
            field = self._resolved(value)
            if _is_array(field):
                arrays.append(((name,), field))
        unique = list({path: (path, value) for path, value in arrays}.values())
        return unique or None


def _is_array(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    kind = schema.get("type")
    return kind == "array" or (isinstance(kind, list) and "array" in kind)


def _path(raw: Any) -> tuple[str, ...] | None:
    """A field path from `a.b`, `[a, b]` or `""` (the response itself)."""
    if isinstance(raw, str):
        return tuple(raw.split(".")) if raw else ()
    if isinstance(raw, list) and all(isinstance(step, str) and step for step in raw):
        return tuple(raw)
    return None
