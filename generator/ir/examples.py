"""Example values for schemas: what the mock server answers with when a spec gives none.

A value comes from the schema's own `example`, `default`, `const`, `examples` or enum
when one fits; else it is built to fit: required properties only (more when
`minProperties` asks), the fewest items an array takes, the lower bound of a number, a
string of its format or pattern. `allOf` members are merged first, a `oneOf`/`anyOf`
branch is taken whole (with its discriminator value), a recursive schema stops where an
optional property, an empty array or null allows.

Every value is checked against its schema (`generator.ir.schema_check`) before it is used:
a schema nothing fitting is found for gets `NOTHING`, never a wrong value. The same spec
always gets the same values.
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import islice
from typing import Any

from generator import pointers
from generator.ir.regex_strings import MAX_LENGTH, matching_strings
from generator.ir.schema_check import SchemaChecker
from generator.schemas import SCHEMA_REF_PREFIX, component_ref


class _Nothing:
    """No value fits (or none was found): distinct from None, which is JSON null."""

    def __repr__(self) -> str:
        return "NOTHING"


NOTHING: Any = _Nothing()

MAX_DEPTH = 32  # nesting deeper than this is not built
MAX_TRIES = 256  # candidates checked per schema before giving up
# Larger values are not made (a spec may ask for a minLength of 2**70): no example needs them.
MAX_ITEMS = 1000
MAX_PROPERTIES = 1000
_ANY: dict[str, Any] = {}  # the schema every value fits (shared: never changed)
# Keywords a `$ref` may sit beside without changing what the reference means.
_INERT = frozenset(
    {
        "$ref",
        "description",
        "title",
        "summary",
        "$comment",
        "deprecated",
        "externalDocs",
        "xml",
        "readOnly",
        "writeOnly",
    }
)

# Values by format, each a function of an index: the first is the plain one, the others
# differ (unique items need several). Formats the server's validator checks are all here.
_FORMATS: dict[str, Callable[[int], str]] = {
    "date-time": lambda i: f"2024-01-{i % 28 + 1:02d}T00:00:00Z",
    "date": lambda i: f"2024-01-{i % 28 + 1:02d}",
    "time": lambda i: f"00:00:{i % 60:02d}Z",
    "duration": lambda i: f"P{i + 1}D",
    "email": lambda i: f"user{i or ''}@example.com",
    "idn-email": lambda i: f"user{i or ''}@example.com",
    "uuid": lambda i: f"00000000-0000-4000-8000-{i:012d}",
    "uri": lambda i: f"https://example.com/{i or ''}",
    "url": lambda i: f"https://example.com/{i or ''}",
    "iri": lambda i: f"https://example.com/{i or ''}",
    "uri-reference": lambda i: f"https://example.com/{i or ''}",
    "iri-reference": lambda i: f"https://example.com/{i or ''}",
    "uri-template": lambda i: "https://example.com/{id}" + (f"/{i}" if i else ""),
    "hostname": lambda i: f"example{i or ''}.com",
    "idn-hostname": lambda i: f"example{i or ''}.com",
    "ipv4": lambda i: f"192.0.2.{i % 254 + 1}",
    "ipv6": lambda i: f"2001:db8::{i + 1:x}",
    "json-pointer": lambda i: f"/{i}",
    "relative-json-pointer": lambda i: str(i),
    "regex": lambda i: f"^{i}$" if i else ".*",
    "byte": lambda i: base64.b64encode(f"example{i or ''}".encode()).decode(),
}
# Shorter spellings, for formats under a tight maxLength.
_SHORT_FORMATS = {
    "email": "a@a.io",
    "idn-email": "a@a.io",
    "uri": "a:b",
    "iri": "a:b",
    "url": "a:b",
    "uri-reference": "a",
    "iri-reference": "a",
    "hostname": "a",
    "idn-hostname": "a",
    "duration": "P1D",
    "ipv6": "::1",
}
_PLAIN_CHARACTERS = "xabcdefghijklmnopqrstuvwyz0123456789"
BadExample = Callable[[dict[str, Any], str, str, bool], None]  # schema, key, problem, repaired


@dataclass
class _Choice:
    """A oneOf or anyOf: the branches, each with the discriminator value it is sent with."""

    options: list[tuple[Any, str | None]]  # (branch schema, discriminator value)
    property_name: str | None = None


@dataclass
class _View:
    """What a schema asks of a value, with its `$ref` and `allOf` members merged in."""

    kinds: tuple[str, ...] | None = None  # JSON types allowed; None: any
    impossible: bool = False
    enums: list[list[Any]] = field(default_factory=list)  # the value is in every one
    consts: list[Any] = field(default_factory=list)
    properties: dict[str, list[Any]] = field(default_factory=dict)  # each property's schemas, all apply
    required: list[str] = field(default_factory=list)
    additional: list[Any] = field(default_factory=list)  # additionalProperties: schemas, or False
    dependent: dict[str, list[str]] = field(default_factory=dict)
    min_properties: int = 0
    max_properties: int | None = None
    items: list[Any] = field(default_factory=list)
    prefix_items: list[Any] = field(default_factory=list)
    contains: list[Any] = field(default_factory=list)
    min_items: int = 0
    max_items: int | None = None
    unique: bool = False
    min_length: int = 0
    max_length: int | None = None
    patterns: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    lower: tuple[Fraction, bool] | None = None  # (bound, exclusive)
    upper: tuple[Fraction, bool] | None = None
    multiples: list[Fraction] = field(default_factory=list)
    choices: list[_Choice] = field(default_factory=list)
    discriminators: list[tuple[str, dict[str, str]]] = field(default_factory=list)  # inherited: value -> component
    tags: dict[str, Any] = field(default_factory=dict)  # properties a discriminator fixes
    components: list[str] = field(default_factory=list)  # the components merged in, outermost first

    def combine(self, other: _View) -> _View:
        """Add what `other` asks (in place); returns self."""
        self.kinds = _meet(self.kinds, other.kinds)
        self.impossible = self.impossible or other.impossible
        self.enums += other.enums
        self.consts += other.consts
        for name, schemas in other.properties.items():
            self.properties.setdefault(name, []).extend(schemas)
        self.required += [name for name in other.required if name not in self.required]
        self.additional += other.additional
        for name, names in other.dependent.items():
            self.dependent.setdefault(name, []).extend(names)
        self.min_properties = max(self.min_properties, other.min_properties)
        self.max_properties = _least(self.max_properties, other.max_properties)
        self.items += other.items
        self.prefix_items = self.prefix_items or other.prefix_items
        self.contains += other.contains
        self.min_items = max(self.min_items, other.min_items)
        self.max_items = _least(self.max_items, other.max_items)
        self.unique = self.unique or other.unique
        self.min_length = max(self.min_length, other.min_length)
        self.max_length = _least(self.max_length, other.max_length)
        self.patterns += other.patterns
        self.formats += other.formats
        self.lower = _tighter(self.lower, other.lower, lower=True)
        self.upper = _tighter(self.upper, other.upper, lower=False)
        self.multiples += other.multiples
        self.choices += other.choices
        self.discriminators += other.discriminators
        for name, value in other.tags.items():
            self.tags.setdefault(name, value)
        self.components += [name for name in other.components if name not in self.components]
        return self

    def constrains(self) -> bool:
        """Whether the view asks anything of a value (the components it names aside)."""
        return _View(components=self.components) != self


class Synthesizer:
    """Makes values that fit the schemas of one normalized document.

    `on_bad_example` hears of each schema-level `example` that does not fit its schema,
    when it would have been used: the schema, the keyword, why, and whether a repaired
    copy (what fits kept) took its place.
    """

    def __init__(self, components: dict[str, Any], checker: SchemaChecker, on_bad_example: BadExample | None = None):
        self.components = components
        self.checker = checker
        self.openapi_30 = checker.openapi_30
        self.on_bad_example = on_bad_example
        # The first schema nothing fitting was found for, with the nearest try and why it
        # fails: what a caller says when a value cannot be made. Reset it before a call.
        self.failure: tuple[Any, Any, str] | None = None
        self._made: dict[int, tuple[Any, Any]] = {}  # schema id -> (schema, value)
        self._failed: dict[int, tuple[Any, tuple[Any, Any, str] | None]] = {}
        self._building: set[int] = set()
        self._cuts = 0  # how often recursion or depth stopped a value: such failures are not final
        self._views: dict[int, tuple[Any, _View]] = {}
        self._merged: dict[tuple[int, ...], tuple[list[Any], dict[str, Any]]] = {}
        self._references: dict[str, dict[str, Any]] = {}

    # --- values --------------------------------------------------------------------------

    def synthesize(self, schema: Any, depth: int = 0) -> Any:
        """A value that fits `schema`, or NOTHING."""
        if depth > MAX_DEPTH:
            self._cuts += 1
            return NOTHING
        target = self._whole_component(schema)
        name = component_ref(schema) if target is not None else None
        if target is not None:
            schema = target
        if not isinstance(schema, dict):
            return None if schema is not False else NOTHING
        key = id(schema)
        if key in self._made:
            return self._made[key][1]
        if key in self._failed:
            self.failure = self.failure or self._failed[key][1]
            return NOTHING
        if key in self._building:
            self._cuts += 1  # recursion: the caller leaves this value out if it can
            return NOTHING
        self._building.add(key)
        cuts = self._cuts
        try:
            value = next(self._fitting(schema, depth, name), NOTHING)
        finally:
            self._building.discard(key)
        if value is not NOTHING:
            self._made[key] = (schema, value)
        elif self._cuts == cuts:
            self._failed[key] = (schema, self.failure)
        return value

    def distinct(self, schema: Any, count: int, depth: int = 0) -> list[Any]:
        """Up to `count` different values that fit `schema` (for unique items)."""
        target = self._whole_component(schema)
        name = component_ref(schema) if target is not None else None
        schema = target if target is not None else schema
        if not isinstance(schema, dict) or id(schema) in self._building or depth > MAX_DEPTH:
            return []
        found: dict[str, Any] = {}
        self._building.add(id(schema))
        try:
            for value in self._fitting(schema, depth, name):
                found.setdefault(_canonical(value), value)
                if len(found) >= count:
                    break
        finally:
            self._building.discard(id(schema))
        return list(found.values())

    def repair(self, schema: Any, value: Any, depth: int = 0) -> Any:
        """`value` with what does not fit `schema` replaced, or NOTHING when that is not
        enough: object properties that fit are kept, those that do not are repaired in
        turn, dropped if optional or made anew if required; array items likewise."""
        if self.checker.fits(schema, value):
            return value
        if depth > MAX_DEPTH:
            return NOTHING
        for candidate in islice(self._repairs(self._view(schema), value, depth), MAX_TRIES):
            if candidate is not NOTHING and self.checker.fits(schema, candidate):
                return candidate
        return NOTHING

    def _fitting(self, schema: dict[str, Any], depth: int, name: str | None = None) -> Iterator[Any]:
        """The candidates for `schema` (the component `name`, if it is one) that fit it, best first."""
        nearest: tuple[Any, Any, str] | None = None
        found, failure = False, self.failure
        for candidate in islice(self._candidates(schema, depth, name), MAX_TRIES):
            problem = self.checker.problem(schema, candidate)
            if problem is None:
                found = True
                self.failure = failure  # what failed on the way was got round
                yield candidate
            elif nearest is None:
                nearest = (schema, candidate, problem)
        if not found and self.failure is None:
            self.failure = nearest or (schema, NOTHING, "no value of its shape can be made")

    def _candidates(self, schema: dict[str, Any], depth: int, name: str | None) -> Iterator[Any]:
        """What the spec gives for the schema, in the order the mock serves it, then values
        built from the schema."""
        for index, (key, value) in enumerate(_provided(schema)):
            if index > 0 or not key.startswith("example"):
                yield value
                continue
            problem = self.checker.problem(schema, value)
            if problem is None:
                yield value
                continue
            repaired = self.repair(schema, value, depth)
            if self.on_bad_example is not None:
                self.on_bad_example(schema, key, problem, repaired is not NOTHING)
            if repaired is not NOTHING:
                yield repaired
        yield from self._built(self._view(schema, name=name), depth)

    def _built(self, view: _View, depth: int) -> Iterator[Any]:
        if view.impossible:
            return
        if view.choices:
            yield from self._branches(view, depth)
            return
        if view.consts:
            yield view.consts[0]
            return
        if view.enums:
            yield from (value for value in view.enums[0] if all(_among(value, other) for other in view.enums[1:]))
            return
        for kind in _kind_order(view):
            if kind == "null":
                yield None
            elif kind == "boolean":
                yield from (False, True)
            elif kind in ("integer", "number"):
                yield from _numbers(view, integer=kind == "integer")
            elif kind == "string":
                yield from _strings(view)
            elif kind == "array":
                yield from self._arrays(view, depth)
            elif kind == "object":
                yield from self._objects(view, depth)

    def _branch_views(self, view: _View, *, prefer: Any = NOTHING) -> Iterator[_View]:
        """The view with its first oneOf/anyOf resolved, once per branch (the one whose
        discriminator value is `prefer` first), the branch's discriminator value set."""
        choice, rest = view.choices[0], _View().combine(view)
        rest.choices = rest.choices[1:]
        options = choice.options
        if prefer is not NOTHING:
            options = sorted(options, key=lambda option: option[1] != prefer)
        for branch, tag in options:
            name = component_ref(branch) if self._whole_component(branch) is not None else None
            merged = _View().combine(rest)
            if name is None or name not in view.components:  # else the value already is this branch
                merged.combine(self._view(branch))
            if tag is not None and choice.property_name is not None:
                merged.tags[choice.property_name] = tag
            yield merged

    def _branches(self, view: _View, depth: int) -> Iterator[Any]:
        """Values of a view with a oneOf/anyOf. A branch that is a whole component, with
        nothing else to merge, is made once and reused."""
        choice, rest = view.choices[0], _View().combine(view)
        rest.choices = rest.choices[1:]
        if rest.constrains():
            for merged in self._branch_views(view):
                yield from self._built(merged, depth)
            return
        for branch, tag in choice.options:
            made = self.synthesize(branch, depth + 1)
            if made is NOTHING:
                continue
            if tag is not None and choice.property_name is not None and isinstance(made, dict):
                made = {**made, choice.property_name: tag}
            yield made

    def _objects(self, view: _View, depth: int) -> Iterator[Any]:
        closed = any(extra is False for extra in view.additional)
        tags = self._tags(view)
        value: dict[str, Any] = {}
        for name in view.required:
            made = tags[name] if name in tags else self._property(view, name, closed, depth)
            if made is NOTHING:
                return
            value[name] = made
        for name, tag in tags.items():
            value.setdefault(name, tag)
        if not self._complete(view, value, closed, depth):
            return
        yield value

    def _property(self, view: _View, name: str, closed: bool, depth: int) -> Any:
        schemas = view.properties.get(name)
        if schemas is None:
            if closed:
                return NOTHING
            schemas = [extra for extra in view.additional if isinstance(extra, dict)]
        return self.synthesize(self._all_of(schemas), depth + 1)

    def _complete(self, view: _View, value: dict[str, Any], closed: bool, depth: int) -> bool:
        """Add the properties `dependentRequired` and `minProperties` ask for."""
        if view.min_properties > MAX_PROPERTIES:
            return False
        for name in list(value):
            for needed in view.dependent.get(name, []):
                if needed not in value:
                    made = self._property(view, needed, closed, depth)
                    if made is NOTHING:
                        return False
                    value[needed] = made
        optional = [name for name in view.properties if name not in value]
        optional += [f"property{index}" for index in range(1, view.min_properties + 1)] if not closed else []
        for name in optional:
            if len(value) >= view.min_properties:
                break
            if name not in value:
                made = self._property(view, name, closed, depth)
                if made is not NOTHING:
                    value[name] = made
        return True

    def _arrays(self, view: _View, depth: int) -> Iterator[Any]:
        items = self._all_of(view.items)
        count = max(view.min_items, 1 if view.contains else 0, len(view.prefix_items) if view.min_items else 0)
        if count > MAX_ITEMS:
            return
        if count == 0:
            yield []
            return
        if view.prefix_items or view.contains:
            made = []
            for index in range(count):
                if index < len(view.prefix_items):
                    schema = view.prefix_items[index]
                elif index == 0 and view.contains:
                    schema = self._all_of(view.items + view.contains)
                else:
                    schema = items
                value = self.synthesize(schema, depth + 1)
                if value is NOTHING:
                    return
                made.append(value)
            yield made
            return
        if view.unique and count > 1:
            values = self.distinct(items, count, depth + 1)
            if len(values) == count:
                yield values
            return
        value = self.synthesize(items, depth + 1)
        if value is not NOTHING:
            yield [value] * count

    # --- repairs -------------------------------------------------------------------------

    def _repairs(self, view: _View, value: Any, depth: int) -> Iterator[Any]:
        if view.impossible:
            return
        if view.choices:
            # The branch the value names itself is tried first.
            named = value.get(view.choices[0].property_name or "", NOTHING) if isinstance(value, dict) else NOTHING
            for merged in self._branch_views(view, prefer=named):
                yield from self._repairs(merged, value, depth)
            return
        if isinstance(value, dict) and (view.kinds is None or "object" in view.kinds):
            yield self._repaired_object(view, value, depth)
        elif isinstance(value, list) and (view.kinds is None or "array" in view.kinds):
            yield self._repaired_array(view, value, depth)

    def _repaired_object(self, view: _View, value: dict[str, Any], depth: int) -> Any:
        closed = any(extra is False for extra in view.additional)
        extra = [schema for schema in view.additional if isinstance(schema, dict)]
        tags = self._tags(view)
        repaired: dict[str, Any] = {}
        for name, item in value.items():
            if name in tags:
                repaired[name] = tags[name]
                continue
            schemas = view.properties.get(name)
            if schemas is None and closed:
                continue
            fixed = self.repair(self._all_of(schemas if schemas is not None else extra), item, depth + 1)
            if fixed is NOTHING and name in view.required:
                fixed = self._property(view, name, closed, depth)  # made anew, in its place
            if fixed is not NOTHING:
                repaired[name] = fixed
        for name in view.required:
            if name not in repaired:
                made = tags[name] if name in tags else self._property(view, name, closed, depth)
                if made is NOTHING:
                    return NOTHING
                repaired[name] = made
        for name, tag in tags.items():
            repaired.setdefault(name, tag)
        if view.max_properties is not None:
            for name in [name for name in reversed(repaired) if name not in view.required]:
                if len(repaired) <= view.max_properties:
                    break
                del repaired[name]
        return repaired if self._complete(view, repaired, closed, depth) else NOTHING

    def _repaired_array(self, view: _View, value: list[Any], depth: int) -> Any:
        items = self._all_of(view.items)
        seen: set[str] = set()  # canonical forms, for unique items
        kept: list[Any] = []
        for index, item in enumerate(value):
            positional = index < len(view.prefix_items)
            fixed = self.repair(view.prefix_items[index] if positional else items, item, depth + 1)
            if fixed is NOTHING:
                if positional:
                    return NOTHING
                continue
            if view.unique and _canonical(fixed) in seen:
                continue
            seen.add(_canonical(fixed))
            kept.append(fixed)
        if view.max_items is not None:
            kept = kept[: view.max_items]
        if view.min_items > MAX_ITEMS:
            return NOTHING
        if len(kept) < view.min_items:
            wanted = view.min_items - len(kept)
            if view.unique:
                more = [v for v in self.distinct(items, view.min_items, depth + 1) if _canonical(v) not in seen]
            else:
                made = self.synthesize(items, depth + 1)
                more = [] if made is NOTHING else [made] * wanted
            if len(more) < wanted:
                return NOTHING
            kept += more[:wanted]
        return kept

    # --- schemas -------------------------------------------------------------------------

    def _whole_component(self, schema: Any) -> Any:
        """The component schema a `{"$ref": ...}` stands for, when nothing beside it counts."""
        if not isinstance(schema, dict) or "$ref" not in schema:
            return None
        if any(key not in _INERT and not key.startswith("x-") for key in schema):
            return None
        return self._target(schema)

    def _target(self, schema: dict[str, Any]) -> Any:
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith(SCHEMA_REF_PREFIX):
            return None
        try:
            return pointers.walk(self.components, "/" + ref[len(SCHEMA_REF_PREFIX) :])
        except (KeyError, ValueError):
            return None

    def _all_of(self, schemas: list[Any]) -> Any:
        """One schema for several that all apply (kept, so that it is checked once)."""
        if not schemas:
            return _ANY
        if len(schemas) == 1:
            return schemas[0]
        key = tuple(id(schema) for schema in schemas)
        if key not in self._merged:
            self._merged[key] = (schemas, {"allOf": list(schemas)})
        return self._merged[key][1]

    def _view(self, schema: Any, seen: frozenset[int] = frozenset(), name: str | None = None) -> _View:
        if schema is False:
            return _View(impossible=True)
        if not isinstance(schema, dict) or id(schema) in seen:
            return _View()
        if id(schema) in self._views:
            return self._views[id(schema)][1]
        inner = seen | {id(schema)}
        view = self._own_view(schema, name)
        target = self._target(schema) if "$ref" in schema else None
        if target is not None:
            view.combine(self._view(target, inner, component_ref(schema)))
        members = schema.get("allOf")
        for member in members if isinstance(members, list) else []:
            view.combine(self._view(member, inner))
        if not seen:
            self._views[id(schema)] = (schema, view)
        return view

    def _own_view(self, schema: dict[str, Any], name: str | None) -> _View:
        """What one schema object (the component `name`, if it is one) asks, its `$ref`
        and `allOf` aside."""
        view = _View(components=[name] if name is not None else [])
        declared = schema.get("type")
        nullable = self.openapi_30 and schema.get("nullable") is True
        if isinstance(declared, str):
            view.kinds = (declared, "null") if nullable else (declared,)
        elif isinstance(declared, list):
            view.kinds = tuple(kind for kind in declared if isinstance(kind, str))
        if isinstance(schema.get("enum"), list):
            values = list(schema["enum"])
            view.enums.append([*values, None] if nullable and None not in values else values)
        if "const" in schema:
            view.consts.append(schema["const"])
        properties = schema.get("properties")
        if isinstance(properties, dict):
            view.properties = {str(name): [value] for name, value in properties.items()}
        required = schema.get("required")
        if isinstance(required, list):
            view.required = list(dict.fromkeys(name for name in required if isinstance(name, str)))
        if "additionalProperties" in schema:
            view.additional.append(schema["additionalProperties"])
        dependent = schema.get("dependentRequired")
        if isinstance(dependent, dict):
            view.dependent = {
                str(k): [n for n in v if isinstance(n, str)] for k, v in dependent.items() if isinstance(v, list)
            }
        view.min_properties = _count(schema.get("minProperties")) or 0
        view.max_properties = _count(schema.get("maxProperties"))
        if isinstance(schema.get("items"), dict | bool):
            view.items.append(schema["items"])
        if isinstance(schema.get("prefixItems"), list):
            view.prefix_items = list(schema["prefixItems"])
        if "contains" in schema:
            view.contains.append(schema["contains"])
        view.min_items = _count(schema.get("minItems")) or 0
        view.max_items = _count(schema.get("maxItems"))
        view.unique = schema.get("uniqueItems") is True
        view.min_length = _count(schema.get("minLength")) or 0
        view.max_length = _count(schema.get("maxLength"))
        if isinstance(schema.get("pattern"), str):
            view.patterns.append(schema["pattern"])
        if isinstance(schema.get("format"), str):
            view.formats.append(schema["format"])
        view.lower = _bound(schema, "minimum", "exclusiveMinimum")
        view.upper = _bound(schema, "maximum", "exclusiveMaximum")
        multiple = _number(schema.get("multipleOf"))
        if multiple is not None and multiple > 0:
            view.multiples.append(multiple)
        discriminator = schema.get("discriminator")
        property_name = discriminator.get("propertyName") if isinstance(discriminator, dict) else None
        mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
        combinators = [key for key in ("oneOf", "anyOf") if isinstance(schema.get(key), list)]
        for combinator in combinators:
            branches = schema[combinator]
            if combinator == combinators[0] and isinstance(property_name, str) and isinstance(mapping, dict):
                view.choices.append(self._discriminated(branches, property_name, mapping))
            else:
                # Null last: a value says more than its absence.
                ordered = sorted(branches, key=_is_null)
                view.choices.append(_Choice([(branch, None) for branch in ordered]))
        if not combinators and isinstance(property_name, str) and isinstance(mapping, dict):
            targets = {str(value): _mapped_name(target) for value, target in mapping.items()}
            view.discriminators.append((property_name, {k: v for k, v in targets.items() if v is not None}))
        return view

    def _discriminated(self, branches: list[Any], property_name: str, mapping: dict[str, Any]) -> _Choice:
        """The branches a discriminator allows, as `generator.validate.json_schema` reads them: the
        mapping's, then the members it leaves out under their own names."""
        options: list[tuple[Any, str | None]] = []
        for value, target in mapping.items():
            name = _mapped_name(target)
            if name is not None:
                options.append(({"$ref": SCHEMA_REF_PREFIX + pointers.escape(name)}, str(value)))
        mapped = {_mapped_name(target) for target in mapping.values()}
        for branch in branches:
            name = component_ref(branch)
            if name is not None and name not in mapped:
                options.append((branch, name))
        if not options:
            return _Choice([(branch, None) for branch in branches])
        # The references are made here: keep one object per target, so checks are cached.
        options = [(self._reference(branch), tag) for branch, tag in options]
        return _Choice(options, property_name)

    def _reference(self, branch: Any) -> Any:
        name = component_ref(branch)
        if name is None:
            return branch
        if name not in self._references:
            self._references[name] = {"$ref": SCHEMA_REF_PREFIX + pointers.escape(name)}
        return self._references[name]

    def _tags(self, view: _View) -> dict[str, Any]:
        """The discriminator values the object carries: its branch's, or the one an
        inherited discriminator maps to the component being made."""
        tags = dict(view.tags)
        for property_name, mapping in view.discriminators:
            if property_name in tags:
                continue
            for component in view.components:
                value = next((value for value, target in mapping.items() if target == component), None)
                if value is not None:
                    tags[property_name] = value
                    break
        return tags


def example_for(
    schema: Any, components: dict[str, Any], *, openapi_30: bool = False, checker: SchemaChecker | None = None
) -> Any:
    """A value that fits `schema`, or None when none can be made. A checker of the same
    components and OpenAPI version may be shared: it only remembers compiled schemas."""
    checker = checker or SchemaChecker(components, openapi_30=openapi_30)
    value = Synthesizer(components, checker).synthesize(schema)
    return None if value is NOTHING else value


# --- scalars ----------------------------------------------------------------------------------


def _numbers(view: _View, *, integer: bool) -> Iterator[Any]:
    """Numbers within the bounds, multiples of every multipleOf, a few of them: up from the
    lower bound, else from zero, else down from the upper bound."""
    step: Fraction | None = None
    for multiple in view.multiples:
        step = multiple if step is None else _lcm(step, multiple)
    if integer:
        step = Fraction(1) if step is None else _lcm(step, Fraction(1))
    lower, upper = view.lower, view.upper
    if lower is None and upper is not None and (upper[0] < 0 or (upper[0] == 0 and upper[1])):
        # Below the upper bound: the largest allowed value, then down.
        if step is not None:
            value = math.floor(upper[0] / step) * step
            value -= step if upper[1] and value == upper[0] else 0
        else:
            value = upper[0] - 1 if upper[1] else upper[0]
        values = (value - (step or 1) * index for index in range(8))
    else:
        start = lower[0] if lower is not None else Fraction(0)
        if step is not None:
            value = math.ceil(start / step) * step
            value += step if lower is not None and lower[1] and value == lower[0] else 0
        elif lower is not None and lower[1]:
            value = start + 1 if upper is None or start + 1 < upper[0] else (start + upper[0]) / 2
        else:
            value = start
        values = (value + (step or 1) * index for index in range(8))
    for candidate in values:
        if upper is not None and (candidate > upper[0] or (upper[1] and candidate == upper[0])):
            break
        if lower is not None and (candidate < lower[0] or (lower[1] and candidate == lower[0])):
            break
        yield int(candidate) if candidate.denominator == 1 else float(candidate)


def _strings(view: _View) -> Iterator[str]:
    """Strings of the view's format, then of its pattern, then plain ones, of the right
    length. When none is, a plain string all the same: the schema check then says why it
    does not fit."""
    if view.min_length > MAX_LENGTH:
        return
    made = False
    for text in _string_candidates(view):
        made = True
        yield text
    if not made:
        yield "x" * view.min_length


def _string_candidates(view: _View) -> Iterator[str]:
    def fits(text: str) -> bool:
        # Patterns are left to the schema check: its regexes cannot backtrack for ever.
        return view.min_length <= len(text) and (view.max_length is None or len(text) <= view.max_length)

    def padded(text: str) -> Iterator[str]:
        yield text
        if len(text) < view.min_length:
            yield text + "x" * (view.min_length - len(text))

    for name in view.formats:
        if name in _FORMATS:
            yield from (text for index in range(32) for text in padded(_FORMATS[name](index)) if fits(text))
        if name in _SHORT_FORMATS and fits(_SHORT_FORMATS[name]):
            yield _SHORT_FORMATS[name]
    if view.formats and any(name in _FORMATS for name in view.formats):
        return  # a plain string would not have the format
    if view.patterns:
        yield from (text for made in matching_strings(view.patterns[0]) for text in padded(made) if fits(text))
        return
    plain = ["x" * view.min_length]
    length = max(view.min_length, 1)
    plain += [("x" * (length - 1)) + character for character in _PLAIN_CHARACTERS]
    yield from (text for text in dict.fromkeys(plain) if fits(text))


# --- helpers ----------------------------------------------------------------------------------


def _provided(schema: dict[str, Any]) -> list[tuple[str, Any]]:
    """The values a schema gives itself, in the order the mock has always used them."""
    found: list[tuple[str, Any]] = [(key, schema[key]) for key in ("example", "default", "const") if key in schema]
    examples = schema.get("examples")
    if isinstance(examples, list):
        found += [(f"examples/{index}", value) for index, value in enumerate(examples)]
    enum = schema.get("enum")
    if isinstance(enum, list):
        found += [("enum", value) for value in enum]
    return found


def _kind_order(view: _View) -> list[str]:
    """The JSON types to build, in the order declared, null last; when no type is
    declared, the ones the other keywords suggest."""
    if view.kinds is not None:
        return sorted(view.kinds, key=lambda kind: kind == "null")
    suggested = []
    if view.properties or view.required or view.additional or view.min_properties or view.tags:
        suggested.append("object")
    if view.items or view.prefix_items or view.min_items or view.contains:
        suggested.append("array")
    if view.min_length or view.max_length is not None or view.patterns or view.formats:
        suggested.append("string")
    if view.lower or view.upper or view.multiples:
        suggested.append("number")
    return suggested or ["null", "string", "integer", "boolean", "object", "array"]


def _meet(first: tuple[str, ...] | None, second: tuple[str, ...] | None) -> tuple[str, ...] | None:
    """The types both allow (an integer is a number too), in the first's order."""
    if first is None or second is None:
        return second if first is None else first
    both = [kind for kind in first if kind in second or (kind == "integer" and "number" in second)]
    if "number" in first and "integer" in second and "integer" not in both:
        both.append("integer")
    return tuple(both)


def _least(first: int | None, second: int | None) -> int | None:
    return second if first is None else first if second is None else min(first, second)


def _tighter(
    first: tuple[Fraction, bool] | None, second: tuple[Fraction, bool] | None, *, lower: bool
) -> tuple[Fraction, bool] | None:
    if first is None or second is None:
        return second if first is None else first
    if first[0] == second[0]:
        return (first[0], first[1] or second[1])
    return max(first, second) if lower else min(first, second)


def _bound(schema: dict[str, Any], inclusive: str, exclusive: str) -> tuple[Fraction, bool] | None:
    """A bound as (value, exclusive), from 3.1's numeric or 3.0's boolean exclusive keyword."""
    number, flag = _number(schema.get(inclusive)), schema.get(exclusive)
    exclusive_number = _number(flag)
    if exclusive_number is not None:
        return (exclusive_number, True)
    if number is None:
        return None
    return (number, flag is True)


def _number(value: Any) -> Fraction | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return Fraction(str(value)) if isinstance(value, float) else Fraction(value)


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def _lcm(first: Fraction, second: Fraction) -> Fraction:
    """The least common multiple of two fractions: lcm of numerators over gcd of denominators."""
    return Fraction(math.lcm(first.numerator, second.numerator), math.gcd(first.denominator, second.denominator))


def _is_null(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    return (
        schema.get("type") == "null" or schema.get("enum") == [None] or ("const" in schema and schema["const"] is None)
    )


def _mapped_name(target: Any) -> str | None:
    """The component a discriminator mapping names: a reference, or a bare name."""
    if not isinstance(target, str):
        return None
    if target.startswith(SCHEMA_REF_PREFIX):
        return pointers.unescape(target[len(SCHEMA_REF_PREFIX) :])
    return None if target.startswith("#") or "/" in target else target


def _among(value: Any, values: list[Any]) -> bool:
    return any(_canonical(value) == _canonical(other) for other in values)


def _canonical(value: Any) -> str:
    """One spelling per JSON value: unique items and enums compare values this way."""
    try:
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)
