"""Whether a value fits a schema of the spec, as the generated server would judge it.

The schema is converted as the server converts it (`generator.validate.json_schema`) and checked
with the same validator, formats included. A component it refers to is compiled with
it, together with whatever that component refers to, and no more: a large spec's
thousand schemas are not converted for a check that needs three.

Most values fit, and whether one does is first asked part by part (`_Parts`): a schema
whose components are reached only through `$ref`, `allOf`, `properties` and `items` holds
when its own keywords hold and each component holds for its part of the value. Each
component is then compiled once, alone, instead of once inside every schema that reaches
it (DigitalOcean's 550 response schemas compile 3.4 MB of JSON Schema whole, 0.7 MB in
parts); a component that cannot be split (an `anyOf` of others) is compiled whole, with
all it reaches, and judges its part as one. Where the parts cannot tell, or say no, the
whole schema decides and says why.
"""

from __future__ import annotations

import functools
import json
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import jsonschema_rs

from generator import pointers
from generator.schemas import SCHEMA_REF_PREFIX
from generator.traverse import DATA_KEYWORDS, SCHEMA_MAPS
from generator.validate.json_schema import DEFS_PREFIX, Definitions, keywords, to_json_schema

_MAX_MESSAGE = 160
_KEPT_VALIDATORS = 64
# A component name a reference spells as it is, with nothing to unescape or decode (a URI
# reference's `%20`, a pointer's `~1`): parts judge only what such references reach.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9._-]+")
# Keywords a schema split into parts must not hold outside its parts: a reference, whose
# target depends on the document it sits in, and what decides on the parts' annotations.
_WHOLE_ONLY = frozenset(
    {"$ref", "$dynamicRef", "$recursiveRef", "$id", "$anchor", "$dynamicAnchor", "$schema", "$defs", "definitions"}
)
_ANNOTATIONS_READERS = frozenset({"unevaluatedProperties", "unevaluatedItems"})
_MAX_PART_DEPTH = 200  # parts within parts, along the value: deeper, the whole schema decides
_MAX_PART_STEPS = 50_000  # parts a value is checked against, at most, before the whole schema decides
_MAX_WHOLE_COMPONENTS = 8  # components compiled whole a schema may reach and still be split


class SchemaChecker:
    """Checks values against the schemas of one normalized document."""

    def __init__(self, components: dict[str, Any], *, openapi_30: bool) -> None:
        self.openapi_30 = openapi_30
        self.definitions = Definitions(components, openapi_30=openapi_30)
        self._texts: dict[str, str | Exception] = {}  # see _definition_text
        # By the schema's id; the schema is kept with its validator so that the id cannot
        # be reused by another object while the entry lives. A schema that is only a
        # reference is known by it: DigitalOcean's 3,200 error responses are one `Error`.
        # The least recently used go past `_KEPT_VALIDATORS`: a compiled validator holds its
        # schema and every component it reaches, and DigitalOcean's 584 would hold 37 MB.
        self._validators: OrderedDict[int | str, tuple[Any, jsonschema_rs.Validator | str]] = OrderedDict()
        # The parts of each schema asked about (by id, kept with the schema, as above) and
        # of each component (by name); None where a schema cannot be split.
        self._schema_parts: dict[int | str, tuple[Any, _Parts | None]] = {}
        self._component_parts: dict[str, _Parts | None] = {}

    def release(self) -> None:
        """Drop what was compiled: on a large spec it is most of the IR's memory (DigitalOcean's
        500 validators hold 37 MB), and the checks are over once the IR is built."""
        self._validators.clear()
        self._texts.clear()
        self._schema_parts.clear()
        self._component_parts.clear()

    def fits(self, schema: Any, value: Any) -> bool:
        return self.problem(schema, value) is None

    def problem(self, schema: Any, value: Any) -> str | None:
        """Why `value` does not fit `schema` (where, and what is wrong), or None when it does.

        A schema the validator cannot compile cannot vouch for any value: none fits it.
        """
        if schema is False:
            return "no value fits the schema false"
        if not isinstance(schema, dict):
            return None
        if self._fits_in_parts(schema, value):
            return None
        validator = self._validator(schema)
        if isinstance(validator, str):
            return validator
        try:
            errors = list(validator.iter_errors(value))
        except Exception:  # a value the validator cannot read (an integer beyond 64 bits, ...)
            return "the validator cannot read the value"
        if not errors:
            return None
        first = errors[0]
        where = "/" + "/".join(str(part).replace("~", "~0").replace("/", "~1") for part in first.instance_path)
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        return f"at {where}: {_shorten(first.message)}{more}"

    # --- part by part ---------------------------------------------------------------------

    def _fits_in_parts(self, schema: dict[str, Any], value: Any) -> bool:
        """Whether `value` fits `schema`, judged part by part; False where the parts cannot
        tell or say it does not (the whole schema then decides)."""
        ref = schema.get("$ref") if len(schema) == 1 else None
        key: int | str = ref if isinstance(ref, str) else id(schema)  # as for `_validator`
        known = self._schema_parts.get(key)
        if known is None:
            known = self._schema_parts[key] = (schema, self._root_parts(schema))
        parts = known[1]
        return parts is not None and self._fits(parts, value, 0, [_MAX_PART_STEPS])

    def _root_parts(self, schema: dict[str, Any]) -> _Parts | None:
        """The parts of a schema asked about; None where it cannot be split. Each component
        it reaches is split (and so compiled) up front, and one that cannot be split is
        compiled whole, with what it reaches: one that does not compile fails the whole
        schema, whatever part of a value reaches it. Past a few such components, the schema
        is left whole too: each would bring all it reaches, again and again."""
        converted = to_json_schema(schema, openapi_30=self.openapi_30)
        parts = self._split(converted, _reference_holders(converted))
        if parts is None:
            return None
        whole = 0
        for name in self.definitions.closure(converted):
            component = self._component(name)
            if component is None:
                return None
            if component.whole_ref is not None:
                whole += 1
                if whole > _MAX_WHOLE_COMPONENTS or isinstance(self._whole(component.whole_ref), str):
                    return None
        return parts

    def _fits(self, parts: _Parts, value: Any, depth: int, steps: list[int]) -> bool:
        """Whether `value` fits in parts; False also past `_MAX_PART_DEPTH` or once the
        `steps` left run out (components that each reach the next twice would take steps
        that double with each one): the whole schema then decides."""
        steps[0] -= 1
        if depth > _MAX_PART_DEPTH or steps[0] < 0:
            return False
        try:
            if parts.own is not None and not parts.own.is_valid(value):
                return False
            if parts.whole_ref is not None:
                compiled = self._whole(parts.whole_ref)
                return not isinstance(compiled, str) and compiled.is_valid(value)
        except Exception:  # a value the validator cannot read (an integer beyond 64 bits, ...)
            return False
        for whole in parts.whole:
            found = self._component(whole) if isinstance(whole, str) else whole
            if found is None or not self._fits(found, value, depth + 1, steps):
                return False
        if parts.properties and isinstance(value, dict):
            for key, part in parts.properties.items():
                if key in value and not self._fits(part, value[key], depth + 1, steps):
                    return False
        if parts.items is not None and isinstance(value, list):
            return all(self._fits(parts.items, item, depth + 1, steps) for item in value)
        return True

    def _component(self, name: str) -> _Parts | None:
        """The parts of a component; one that cannot be split but refers only to whole
        components is one part, judged by the component compiled whole (`_whole`)."""
        if name not in self._component_parts:
            definition = self.definitions.definition(name)
            parts = self._split(definition, _reference_holders(definition))
            if parts is None and _refers_only_to_components(definition, self.definitions.components):
                parts = _Parts(None, whole_ref=SCHEMA_REF_PREFIX + pointers.escape(name))
            self._component_parts[name] = parts
        return self._component_parts[name]

    def _whole(self, ref: str) -> jsonschema_rs.Validator | str:
        """A component compiled whole, with all it reaches (kept as any schema's validator)."""
        return self._validator({"$ref": ref})

    def _split(self, converted: Any, holders: set[int]) -> _Parts | None:
        """A converted schema as its own keywords and the parts of the value its components
        check; None where it cannot be split. `holders`: the ids of the schema's containers
        that hold a reference (`_reference_holders`)."""
        if not isinstance(converted, dict) or _ANNOTATIONS_READERS & converted.keys():
            return None
        own = dict(converted)
        parts = _Parts(None)
        ref = own.pop("$ref", None)
        if ref is not None:
            name = self._component_name(ref)
            if name is None:
                return None
            parts.whole.append(name)
        members = own.get("allOf")
        if isinstance(members, list):
            kept = []
            for member in members:
                if not _holds(member, holders):
                    kept.append(member)
                elif (part := self._split(member, holders)) is not None:
                    parts.whole.append(part)
                else:
                    return None
            own["allOf"] = kept
            if members and not kept:  # an empty allOf of its own is left to the validator, which refuses it
                del own["allOf"]
        properties = own.get("properties")
        if isinstance(properties, dict):
            own["properties"] = dict(properties)
            for key, subschema in properties.items():
                if _holds(subschema, holders):
                    part = self._split(subschema, holders)
                    if part is None:
                        return None
                    parts.properties[key] = part
                    own["properties"][key] = True
        items = own.get("items")
        if "prefixItems" not in own and _holds(items, holders):
            part = self._split(items, holders)
            if part is None:
                return None
            parts.items = part
            own["items"] = True
        # What is left must hold no reference: its meaning would depend on the document.
        if _WHOLE_ONLY & own.keys() or _has_reference(own):
            return None
        if own:
            try:
                text = json.dumps(own, sort_keys=True, allow_nan=False)
            except (TypeError, ValueError):
                return None
            compiled = _compiled(text)
            if isinstance(compiled, str):
                return None
            parts.own = compiled
        return parts

    def _component_name(self, ref: Any) -> str | None:
        """The component a `$ref` names as a whole (`#/$defs/Name`), if there is one."""
        if not isinstance(ref, str) or not ref.startswith(DEFS_PREFIX):
            return None
        token = ref[len(DEFS_PREFIX) :]
        return token if _PLAIN_NAME.fullmatch(token) and token in self.definitions.components else None

    # --- whole --------------------------------------------------------------------------

    def _validator(self, schema: dict[str, Any]) -> jsonschema_rs.Validator | str:
        """The schema's validator, or why there is none."""
        ref = schema.get("$ref") if len(schema) == 1 else None
        key: int | str = ref if isinstance(ref, str) else id(schema)
        validators = self._validators
        if key in validators:
            validators.move_to_end(key)
            return validators[key][1]
        converted = to_json_schema(schema, openapi_30=self.openapi_30)
        try:
            text = self._text(converted, sorted(self.definitions.closure(converted)))
        except (TypeError, ValueError):
            validator: jsonschema_rs.Validator | str = "the schema is not JSON"
        else:
            validator = _compiled(text)
        validators[key] = (schema, validator)
        if len(validators) > _KEPT_VALIDATORS:
            validators.popitem(last=False)
        return validator

    def _text(self, converted: dict[str, Any], names: list[str]) -> str:
        """The JSON text of a converted schema with the components `names` as its `$defs`.
        Raises TypeError or ValueError where it is not JSON.

        Each component's text is written once: DigitalOcean's 500 compiled schemas carry
        3 MB of the same few components. The validator reads keys in any order."""
        if not all(type(key) is str for key in [*converted, *names]):
            definitions = {name: self.definitions.definition(name) for name in names}
            return json.dumps({**converted, "$defs": definitions}, sort_keys=True, allow_nan=False)
        root = json.dumps({k: v for k, v in converted.items() if k != "$defs"}, sort_keys=True, allow_nan=False)
        defs = ", ".join(f"{json.dumps(name)}: {self._definition_text(name)}" for name in names)
        return f'{root[:-1]}{", " if root != "{}" else ""}"$defs": {{{defs}}}}}'

    def _definition_text(self, name: str) -> str:
        """The component's converted schema as JSON text (raises as json.dumps does)."""
        if name not in self._texts:
            try:
                self._texts[name] = json.dumps(self.definitions.definition(name), sort_keys=True, allow_nan=False)
            except (TypeError, ValueError) as exc:
                self._texts[name] = exc
        text = self._texts[name]
        if isinstance(text, Exception):
            raise ValueError(str(text))
        return text


@dataclass
class _Parts:
    """A schema split: its own keywords (`own`, compiled; None: none), what checks the
    whole value besides (components by name, allOf members), and what checks the value's
    properties and items."""

    own: jsonschema_rs.Validator | None
    whole: list[str | _Parts] = field(default_factory=list)
    properties: dict[str, _Parts] = field(default_factory=dict)
    items: _Parts | None = None
    whole_ref: str | None = None  # a component that cannot be split: judged whole, by its reference


_REFERENCES = frozenset({"$ref", "$dynamicRef", "$recursiveRef"})
# Keywords that move what a reference means: a component holding one is never compiled alone.
_RELOCATING = frozenset({"$dynamicRef", "$recursiveRef", "$id", "$anchor", "$dynamicAnchor", "$schema"})
_CONTAINERS = (dict, list)


def _refers_only_to_components(node: Any, components: dict[str, Any]) -> bool:
    """Whether every reference keyword of a converted schema names a whole component:
    compiled alone, with the components it reaches, it then means what it means anywhere."""
    for key, value in keywords(node):
        if key in _RELOCATING:
            return False
        if key == "$ref":
            token = value[len(DEFS_PREFIX) :] if isinstance(value, str) and value.startswith(DEFS_PREFIX) else ""
            if not _PLAIN_NAME.fullmatch(token) or token not in components:
                return False
    return True


def _has_reference(node: Any) -> bool:
    """Whether a converted schema holds a reference keyword anywhere."""
    return any(key in _REFERENCES for key, _ in keywords(node))


def _holds(node: Any, holders: set[int]) -> bool:
    return isinstance(node, _CONTAINERS) and id(node) in holders


def _reference_holders(root: Any) -> set[int]:
    """The ids of the containers of a converted schema that hold a reference keyword, in
    themselves or anywhere below (data values left out; the names of a schema map, such as
    `properties`, are names: a property may be called `$ref`). One pass over the schema."""
    visited: list[tuple[Any, int | None, bool]] = []  # (node, its parent's id, holds one itself)
    stack: list[tuple[Any, int | None, bool]] = [(root, None, False)]  # (node, parent's id, is a map)
    while stack:
        node, parent, is_map = stack.pop()
        direct = False
        if isinstance(node, dict):
            for key, value in node.items():
                direct = direct or (not is_map and key in _REFERENCES)
                if isinstance(value, _CONTAINERS) and (is_map or key not in DATA_KEYWORDS):
                    stack.append((value, id(node), not is_map and key in SCHEMA_MAPS))
        elif isinstance(node, list):
            stack.extend((item, id(node), False) for item in node if isinstance(item, _CONTAINERS))
        visited.append((node, parent, direct))
    holders: set[int] = set()
    for node, parent, direct in reversed(visited):  # each node after those below it
        if direct or id(node) in holders:
            holders.add(id(node))
            if parent is not None:
                holders.add(parent)
    return holders


# Small schemas (a parameter's, a string format's) come back in every spec: their
# validators are shared by every spec a process generates. A large one is its spec's own.
_SHARED_TEXT_CHARS = 2000


def _compiled(schema: str) -> jsonschema_rs.Validator | str:
    """The validator of a schema's JSON text, or why it cannot be compiled."""
    return _shared(schema) if len(schema) <= _SHARED_TEXT_CHARS else _compile(schema)


@functools.lru_cache(maxsize=4096)
def _shared(schema: str) -> jsonschema_rs.Validator | str:
    return _compile(schema)


def _compile(schema: str) -> jsonschema_rs.Validator | str:
    try:
        return jsonschema_rs.validator_for(schema, validate_formats=True)
    except Exception as exc:  # an unresolvable reference, a pattern the validator cannot compile
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return f"the schema cannot be compiled: {_shorten(reason)}"


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _shorten(text: str) -> str:
    """A validator's message, on one line and short: it quotes the value, which may be long."""
    text = _CONTROL.sub(lambda match: repr(match.group())[1:-1], text)
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 3] + "..."
