"""The models of a spec: a pydantic class for every component schema and inline object.

Component schemas keep the class names `normalize` gave them. Inline object schemas
become classes named after where they sit (`Droplet` + `networks` -> `DropletNetworks`);
inline enums stay `Literal[...]`. The result is plain data (`ModelModule`) that
`templates/models.py.jinja` renders; every spec string in it is already a Python literal,
a docstring's text or a name from `generator.naming`.

What a model checks follows the spec: required and nullable fields, enums, constants,
formats, lengths and bounds, closed objects (`additionalProperties: false`) and
discriminated unions. Everything else the server's JSON Schema gate checks.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field, replace
from typing import Any

from generator import naming, pointers
from generator.ir import EnumMember, ModelClass, ModelField, ModelKind, ModelModule
from generator.literals import python_literal
from generator.traverse import objects
from generator.types import ANNOTATION_KEYWORDS, component_ref

BASE_MODEL = "ApiModel"  # the base of every object model (a name naming.GENERATED_SYMBOLS reserves)

_STRING_FORMATS = {
    "date-time": "AwareDatetime",
    "date": "date",
    "uuid": "UUID",
    "ipv4": "IPv4Address",
    "ipv6": "IPv6Address",
    "binary": "bytes",
}
_PRIMITIVES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}
_NAMES = re.compile(r"[A-Za-z_]\w*")
_CONSTRAINTS = (
    ("minLength", "min_length"),
    ("maxLength", "max_length"),
    ("minItems", "min_length"),
    ("maxItems", "max_length"),
    ("multipleOf", "multiple_of"),
)


@dataclass
class _Union:
    """A discriminated union the models can express: property -> values, per member class."""

    property_name: str
    values: dict[str, list[Any]] = field(default_factory=dict)


def build_models(document: dict[str, Any]) -> ModelModule:
    """The models of the normalized `document`."""
    return _ModelBuilder(document).build()


class _ModelBuilder:
    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        self.components: dict[str, Any] = document.get("components", {}).get("schemas") or {}
        self.openapi_30 = str(document.get("openapi", "")).startswith("3.0")
        self.taken: set[str] = set(self.components) | naming.GENERATED_SYMBOLS
        self.classes: dict[str, ModelClass] = {}
        self.order: list[str] = []  # class names in the order they were finished
        self.hard_dependencies: dict[str, set[str]] = {}  # classes that must be defined first
        self.by_pointer: dict[str, str] = {}  # annotation of each schema reached by a deep $ref
        self.wire_names: dict[str, dict[str, str]] = {}  # class -> Python name -> wire name
        self.used: set[str] = {"BaseModel", "ConfigDict"}  # the ApiModel base
        self.narrows = False
        self._known_ancestors: dict[str, frozenset[str]] = {}
        self._known_objects: dict[int, bool] = {}  # id() of a schema -> whether it is an object
        self.object_components = {name for name, schema in self.components.items() if self._is_object(schema)}
        self.component_bases = {name: self._declared_bases(self.components[name]) for name in self.object_components}
        self.discriminated: dict[str, tuple[str, list[Any]]] = {}  # member class -> (property, values)
        self.valid_unions: set[int] = set()  # id() of the oneOf/anyOf schemas kept as tagged unions
        self._find_discriminated_unions()

    # --- the module --------------------------------------------------------------------

    def build(self) -> ModelModule:
        for name, schema in self.components.items():
            if name not in self.classes:
                self._component(name, schema)
        order = self._definition_order()
        position = {name: index for index, name in enumerate(order)}
        classes = tuple(self._spell_root_type(self.classes[name], position) for name in order)
        imports = tuple(
            (module, tuple(name for name in names if name in self.used))
            for module, names in naming.MODELS_IMPORTS
            if any(name in self.used for name in names)
        )
        return ModelModule(classes, imports, self.narrows)

    def _definition_order(self) -> list[str]:
        """Classes before the classes that use them, where cycles allow; bases always first.

        A depth-first walk over every use gives the reading order; a topological pass over
        the uses that run at import (bases, enum members as defaults) then makes it valid.
        """
        finished = {name: index for index, name in enumerate(self.order)}
        walked: list[str] = []
        seen: set[str] = set()
        for start in self.order:
            stack: list[tuple[str, bool]] = [(start, False)]
            while stack:
                name, done = stack.pop()
                if done:
                    walked.append(name)
                    continue
                if name in seen:
                    continue
                seen.add(name)
                stack.append((name, True))
                uses = sorted(self._uses(name), key=finished.__getitem__, reverse=True)
                stack.extend((use, False) for use in uses if use not in seen)
        rank = {name: index for index, name in enumerate(walked)}
        waiting = {name: {d for d in self.hard_dependencies.get(name, ()) if d in rank} for name in walked}
        users: dict[str, list[str]] = {}
        for name, dependencies in waiting.items():
            for dependency in dependencies:
                users.setdefault(dependency, []).append(name)
        ready = [(rank[name], name) for name, dependencies in waiting.items() if not dependencies]
        heapq.heapify(ready)
        result: list[str] = []
        while ready:
            _, name = heapq.heappop(ready)
            result.append(name)
            for user in users.get(name, ()):
                waiting[user].discard(name)
                if not waiting[user]:
                    heapq.heappush(ready, (rank[user], user))
        return result

    def _uses(self, name: str) -> set[str]:
        model = self.classes[name]
        used = set(self.hard_dependencies.get(name, ()))
        for model_field in model.fields:
            used |= _names_in(model_field.annotation)
        return {use for use in used if use in self.classes and use != name}

    def _spell_root_type(self, model: ModelClass, position: dict[str, int]) -> ModelClass:
        """`RootModel[Pet]`, or `RootModel["Pet"]` when Pet is defined further down.

        The class statement runs at import, unlike annotations, which pydantic reads later.
        """
        if model.kind is not ModelKind.ROOT:
            return model
        annotation = _without_metadata(model.fields[0].annotation)  # the `root` field keeps it
        later = any(position.get(name, -1) >= position[model.name] for name in _names_in(annotation))
        base = f"RootModel[{python_literal(annotation) if later else annotation}]"
        return replace(model, bases=(base,))

    def _add(self, model: ModelClass, dependencies: set[str] | None = None) -> None:
        self.classes[model.name] = model
        self.hard_dependencies[model.name] = dependencies or set()
        self.order.append(model.name)

    def _new_class_name(self, schema: dict[str, Any], place: str) -> str:
        title = schema.get("title")
        wanted = naming.class_name(title if isinstance(title, str) and title.strip() else place)
        name = naming.unique([wanted], taken=self.taken)[0]
        self.taken.add(name)
        return name

    # --- components ----------------------------------------------------------------------

    def _component(self, name: str, schema: Any) -> None:
        if not isinstance(schema, dict):
            schema = {}
        if name in self.object_components:
            self._object_class(name, schema)
        elif _enum_values(schema) is not None and _enum_base(schema) is not None:
            self._enum_class(name, schema)
        else:
            self._root_class(name, schema)

    def _enum_class(self, name: str, schema: dict[str, Any]) -> None:
        values = [value for value in _enum_values(schema) or [] if value is not None]
        base = _enum_base(schema) or "StrEnum"
        self.used.add(base)
        member_names = naming.unique(naming.enum_member_name(value) for value in values)
        members = tuple(
            EnumMember(member, python_literal(value)) for member, value in zip(member_names, values, strict=True)
        )
        self._add(ModelClass(name, ModelKind.ENUM, (base,), _description(schema), members=members))

    def _root_class(self, name: str, schema: dict[str, Any]) -> None:
        self.taken.add(name)
        self.classes[name] = ModelClass(name, ModelKind.ROOT, ())  # a placeholder while recursing
        annotation = self._annotation(schema, name)
        arguments = self._constraints(schema)
        self.used.add("RootModel")
        root = ModelField("root", annotation, tuple(arguments), self._default(schema, annotation))
        if arguments:
            self.used.update(("Annotated", "Field"))
        self._add(ModelClass(name, ModelKind.ROOT, ("RootModel",), _description(schema), (root,)))

    # --- objects -------------------------------------------------------------------------

    def _is_object(self, schema: Any, seen: frozenset[int] = frozenset()) -> bool:
        """Whether a schema becomes a BaseModel: it has properties, or composes objects with allOf."""
        if not isinstance(schema, dict) or id(schema) in seen:
            return False
        known = self._known_objects.get(id(schema))  # remembered: shared members are asked again and again
        if known is not None:
            return known
        if isinstance(schema.get("properties"), dict):
            answer = True
        elif members := _shaping_members(schema):
            answer = any(self._is_object(self._resolve(member), seen | {id(schema)}) for member in members)
        else:
            answer = _kinds(schema) == ["object"] and schema.get("additionalProperties") is False
        self._known_objects[id(schema)] = answer
        return answer

    def _declared_bases(self, schema: dict[str, Any]) -> list[str]:
        members = schema.get("allOf")
        if not isinstance(members, list):
            return []
        return [
            name
            for member in members
            if (name := component_ref(member)) is not None and self._is_object(self.components.get(name))
        ]

    def _ancestors(self, name: str) -> frozenset[str]:
        """Every class `name` extends, directly or not (itself excepted, should bases loop)."""
        known = self._known_ancestors.get(name)
        if known is None:
            # Iterative and remembered: a hierarchy where classes share bases (diamonds over
            # diamonds) would take exponential time walked recursively path by path.
            found: set[str] = set()
            stack = list(self.component_bases.get(name, []))
            while stack:
                base = stack.pop()
                if base not in found and base != name:
                    found.add(base)
                    stack.extend(self.component_bases.get(base, []))
            known = self._known_ancestors[name] = frozenset(found)
        return known

    def _object_class(self, name: str, schema: dict[str, Any]) -> None:
        self.taken.add(name)
        self.classes[name] = ModelClass(name, ModelKind.OBJECT, ())  # a placeholder while recursing
        bases = self._bases(name, schema)
        properties, required = self._own_properties(schema)
        inherited = self._inherited_fields(bases)
        fields: list[ModelField] = []
        taken_names = {python for python, _, _ in inherited.values()}
        # `required` may name an inherited property the subclass makes mandatory, and a
        # union member narrows its inherited discriminator to its own values.
        tag = self.discriminated.get(name)
        redeclared = [wire for wire in required if wire in inherited and not inherited[wire][1]]
        for wire in [*redeclared, *([tag[0]] if tag else [])]:
            if wire not in properties and wire in inherited:
                properties[wire] = self._inherited_schema(bases, wire) or {}
        for wire, property_schema in properties.items():
            if wire in inherited:
                python = inherited[wire][0]
            else:
                python = naming.unique([naming.field_name(wire)], taken=taken_names)[0]
                taken_names.add(python)
            is_required = wire in required or (wire in inherited and inherited[wire][1])
            model_field = self._field(name, wire, python, property_schema, is_required)
            if wire in inherited and model_field.annotation != inherited[wire][2]:
                self.narrows = True
            fields.append(model_field)
        config: list[tuple[str, str]] = []
        extra = schema.get("additionalProperties")
        if extra is False:
            config.append(("extra", python_literal("forbid")))
        elif extra is True or isinstance(extra, dict):
            config.append(("extra", python_literal("allow")))
        if config:
            self.used.add("ConfigDict")
        model = ModelClass(
            name,
            ModelKind.OBJECT,
            tuple(bases) or (BASE_MODEL,),
            _description(schema),
            tuple(fields),
            (),
            tuple(config),
        )
        self._add(model, set(bases) | self._default_dependencies(fields))

    def _bases(self, name: str, schema: dict[str, Any]) -> list[str]:
        """The model classes an allOf extends, without one that another base already extends."""
        declared = self.component_bases.get(name) if name in self.components else None
        candidates = declared if declared is not None else self._declared_bases(schema)
        candidates = [base for base in dict.fromkeys(candidates) if base != name and name not in self._ancestors(base)]
        for base in candidates:
            if base not in self.classes:
                self._component(base, self.components[base])
        return [base for base in candidates if not any(base in self._ancestors(other) for other in candidates)]

    def _own_properties(self, schema: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
        """The properties the class declares itself: its own and those of inline allOf members."""
        properties: dict[str, Any] = {}
        required: list[str] = []
        parts = [schema]
        members = schema.get("allOf")
        if isinstance(members, list):
            for member in members:
                target = self._resolve(member)
                if component_ref(member) in self.object_components:
                    continue  # a base class
                if isinstance(target, dict):
                    parts.append(target)
        for part in parts:
            if part is not schema and isinstance(part.get("allOf"), list):
                nested, nested_required = self._own_properties(part)
                properties.update(nested)
                required.extend(nested_required)
            own = part.get("properties")
            if isinstance(own, dict):
                properties.update(own)
            if isinstance(part.get("required"), list):
                required.extend(r for r in part["required"] if isinstance(r, str))
        return properties, list(dict.fromkeys(required))

    def _inherited_fields(self, bases: list[str]) -> dict[str, tuple[str, bool, str]]:
        """Wire name -> (Python name, required, annotation) of every field the bases declare."""
        found: dict[str, tuple[str, bool, str]] = {}
        for base in bases:
            self._inherited_from(base, found, set())
        return found

    def _inherited_from(self, name: str, found: dict[str, tuple[str, bool, str]], seen: set[str]) -> None:
        if name in seen or name not in self.classes:
            return
        seen.add(name)
        model = self.classes[name]
        for base in model.bases:
            self._inherited_from(base, found, seen)
        wires = self.wire_names.get(name, {})
        for model_field in model.fields:
            wire = wires.get(model_field.name, model_field.name)
            found[wire] = (model_field.name, model_field.default is None, model_field.annotation)

    def _inherited_schema(self, bases: list[str], wire: str) -> Any:
        for base in bases:
            schema = self.components.get(base)
            if isinstance(schema, dict):
                properties, _ = self._own_properties(schema)
                if wire in properties:
                    return properties[wire]
                found = self._inherited_schema(self.component_bases.get(base, []), wire)
                if found is not None:
                    return found
        return None

    def _field(self, owner: str, wire: str, python: str, schema: Any, required: bool) -> ModelField:
        self.wire_names.setdefault(owner, {})[python] = wire
        schema = schema if isinstance(schema, dict) else {}
        tagged = self.discriminated.get(owner)
        if tagged is not None and tagged[0] == wire:
            self.used.add("Literal")
            annotation = "Literal[" + ", ".join(python_literal(v) for v in tagged[1]) + "]"
            default = None if required else python_literal(tagged[1][0])
            arguments = [] if python == wire else [("alias", python_literal(wire))]
            return self._finish_field(python, annotation, arguments, default, schema)
        annotation = self._annotation(schema, owner + naming.pascal_case(wire, digit_prefix="Field"))
        arguments = self._constraints(schema)
        if python != wire:
            arguments.insert(0, ("alias", python_literal(wire)))
        if schema.get("deprecated") is True:
            arguments.append(("deprecated", "True"))
        default = None if required else self._default(schema, annotation)
        if default == "None" or (default is None and not required):
            annotation = _optional(annotation)
            default = "None"
        return self._finish_field(python, annotation, arguments, default, schema)

    def _finish_field(
        self, python: str, annotation: str, arguments: list[tuple[str, str]], default: str | None, schema: Any
    ) -> ModelField:
        if arguments:
            self.used.update(("Annotated", "Field"))
        return ModelField(python, annotation, tuple(arguments), default, _description(schema))

    def _default_dependencies(self, fields: list[ModelField]) -> set[str]:
        """Enum classes whose members a field's default names: they must exist first."""
        return {
            model_field.default.split(".")[0]
            for model_field in fields
            if model_field.default and model_field.default.split(".")[0] in self.classes
        }

    # --- annotations ---------------------------------------------------------------------

    def _annotation(self, schema: Any, place: str) -> str:
        """The type of a value of `schema`; inline objects become classes named after `place`."""
        if not isinstance(schema, dict) or not schema:
            self.used.add("Any")
            return "Any"
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return self._reference(ref)
        core = self._core_annotation(schema, place)
        nullable = schema.get("nullable") is True if self.openapi_30 else False
        return _optional(core) if nullable and core != "Any" else core

    def _reference(self, ref: str) -> str:
        name = component_ref({"$ref": ref})
        if name is not None and name in self.components:
            return name
        if ref in self.by_pointer:
            return self.by_pointer[ref]
        try:
            target = pointers.walk(self.document, ref[1:]) if ref.startswith("#") else None
        except KeyError:
            target = None
        if not isinstance(target, dict):
            self.used.add("Any")
            return "Any"
        place = naming.pascal_case(pointers.split(ref[1:])[-1]) if ref.strip("#/") else "Schema"
        if self._is_object(target):
            self.by_pointer[ref] = class_name = self._new_class_name(target, place)
            self._object_class(class_name, target)
            return class_name
        self.by_pointer[ref] = "Any"  # a cycle through scalar schemas reads as Any
        self.by_pointer[ref] = annotation = self._annotation(target, place)
        return annotation

    def _core_annotation(self, schema: dict[str, Any], place: str) -> str:
        all_of = _shaping_members(schema)
        if len(all_of) == 1 and not _own_keywords(schema):
            # `allOf: [$ref, {readOnly: true}]`: a reference dressed with a description or flags.
            annotation = self._annotation(all_of[0], place)
            return _optional(annotation) if self.openapi_30 and _says_nullable(schema) else annotation
        if self._is_object(schema):
            class_name = self._new_class_name(schema, place)
            self._object_class(class_name, schema)
            return class_name
        for combinator in ("oneOf", "anyOf"):
            members = schema.get(combinator)
            if isinstance(members, list) and members:
                return self._union(schema, members, place)
        if all_of:
            # Only scalar or single-member compositions reach here: the first member is the type.
            return self._annotation(all_of[0], place)
        if "const" in schema:
            self.used.add("Literal")
            return f"Literal[{python_literal(schema['const'])}]"
        values = _enum_values(schema)
        if values is not None and values:
            present = [value for value in values if value is not None]
            if not present:
                return "None"
            self.used.add("Literal")
            literal = "Literal[" + ", ".join(python_literal(value) for value in present) + "]"
            return _optional(literal) if None in values or "null" in _kinds(schema) else literal
        kinds = _kinds(schema)
        if not kinds:
            if "items" in schema:
                kinds = ["array"]
            elif "additionalProperties" in schema:
                kinds = ["object"]
        parts = [self._kind(kind, schema, place) for kind in kinds] or ["Any"]
        if "Any" in parts:
            self.used.add("Any")
            return "Any"
        return " | ".join(dict.fromkeys(sorted(parts, key=lambda part: part == "None")))

    def _kind(self, kind: str, schema: dict[str, Any], place: str) -> str:
        if kind == "array":
            return f"list[{self._annotation(schema.get('items'), place + 'Item')}]"
        if kind == "object":
            extra = schema.get("additionalProperties")
            value = self._annotation(extra, place + "Value") if isinstance(extra, dict) else "Any"
            if value == "Any":
                self.used.add("Any")
            return f"dict[str, {value}]"
        if kind == "string":
            mapped = _STRING_FORMATS.get(str(schema.get("format")), "str")
            self.used.add(mapped)
            return mapped
        return _PRIMITIVES.get(kind, "Any")

    def _union(self, schema: dict[str, Any], members: list[Any], place: str) -> str:
        parts: list[str] = []
        for index, member in enumerate(members, start=1):
            if isinstance(member, dict) and _kinds(member) == ["null"]:
                parts.append("None")
            else:
                parts.append(self._annotation(member, f"{place}{index}" if len(members) > 1 else place))
        if "Any" in parts:
            return "Any"
        nullable = "None" in parts or (self.openapi_30 and schema.get("nullable") is True)
        choices = " | ".join(dict.fromkeys(part for part in parts if part != "None"))
        if not choices:
            return "None"
        if id(schema) in self.valid_unions:
            self.used.update(("Annotated", "Field"))
            property_name = schema["discriminator"]["propertyName"]
            choices = f"Annotated[{choices}, Field(discriminator={python_literal(property_name)})]"
        return _optional(choices) if nullable else choices

    # --- discriminated unions --------------------------------------------------------------

    def _find_discriminated_unions(self) -> None:
        """Which discriminators pydantic can use: their members are told apart by one Literal field.

        A member that takes its value from several unions, extends another member or is
        extended by another class would need a field type no class hierarchy can give; such
        a union stays plain (pydantic tries each member) and the server's gate still checks
        the discriminator.
        """
        unions: list[tuple[dict[str, Any], str, dict[str, list[Any]]]] = []
        for node in objects(list(self.components.values())):
            candidate = self._tagged_union(node)
            if candidate is not None:
                unions.append((node, *candidate))
        extended = {base for bases in self.component_bases.values() for base in bases}
        claims: dict[str, tuple[str, list[Any]]] = {}
        conflicting: set[str] = set()
        for _, property_name, values in unions:
            for member, member_values in values.items():
                if member in claims and claims[member] != (property_name, member_values):
                    conflicting.add(member)
                claims[member] = (property_name, member_values)
        for node, property_name, values in unions:
            members = set(values)
            if members & (extended | conflicting):
                continue
            if any(self._ancestors(member) & members for member in members):
                continue
            self.valid_unions.add(id(node))
            for member, member_values in values.items():
                self.discriminated[member] = (property_name, member_values)

    def _tagged_union(self, node: dict[str, Any]) -> tuple[str, dict[str, list[Any]]] | None:
        discriminator = node.get("discriminator")
        members = node.get("oneOf") or node.get("anyOf")
        if (
            not isinstance(discriminator, dict)
            or not isinstance(members, list)
            or isinstance(node.get("properties"), dict)
        ):
            return None
        property_name, mapping = discriminator.get("propertyName"), discriminator.get("mapping")
        if not isinstance(property_name, str) or not isinstance(mapping, dict):
            return None
        names = [component_ref(member) for member in members]
        if any(name is None or name not in self.object_components for name in names):
            return None
        values: dict[str, list[Any]] = {name: [] for name in names if name is not None}
        for value, target in mapping.items():
            target_name = component_ref({"$ref": target}) if isinstance(target, str) else None
            if target_name not in values:
                return None
            values[target_name].append(value)
        if len(values) != len(names) or any(not found for found in values.values()):
            return None
        if not all(self._has_property(name, property_name) for name in values):
            return None
        return property_name, values

    def _has_property(self, name: str, property_name: str) -> bool:
        schema = self.components.get(name)
        if not isinstance(schema, dict):
            return False
        properties, _ = self._own_properties(schema)
        return property_name in properties or any(
            self._has_property(base, property_name) for base in self.component_bases.get(name, [])
        )

    # --- values ----------------------------------------------------------------------------

    def _resolve(self, schema: Any) -> Any:
        name = component_ref(schema)
        if name is not None:
            return self.components.get(name)
        ref = schema.get("$ref") if isinstance(schema, dict) else None
        if isinstance(ref, str) and ref.startswith("#/"):
            try:
                return pointers.walk(self.document, ref[1:])
            except KeyError:
                return None
        return schema

    def _default(self, schema: dict[str, Any], annotation: str) -> str | None:
        """The Python expression of the schema's default, when it has one the field's type takes."""
        if "default" not in schema:
            return None
        value = schema["default"]
        if value is None:
            return "None"
        target = component_ref(schema)
        if target is not None and target in self.classes and self.classes[target].kind is ModelKind.ENUM:
            for member in self.classes[target].members:
                if member.value == python_literal(value):
                    return f"{target}.{member.name}"
            return None
        names = _names_in(annotation)
        # A default in another shape than the type (a date as text, a model as a mapping)
        # would not pass mypy; the field is left without one.
        if names - {"str", "int", "float", "bool", "list", "dict", "Any", "None", "Literal"}:
            return None
        return python_literal(value)

    def _constraints(self, schema: dict[str, Any]) -> list[tuple[str, str]]:
        if "$ref" in schema:
            return []
        found: list[tuple[str, str]] = []
        for keyword_, argument in _CONSTRAINTS:
            value = schema.get(keyword_)
            if isinstance(value, int | float) and not isinstance(value, bool):
                found.append((argument, python_literal(value)))
        minimum, maximum = schema.get("minimum"), schema.get("maximum")
        exclusive_minimum, exclusive_maximum = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        if _is_number(minimum):
            found.append(("gt" if exclusive_minimum is True else "ge", python_literal(minimum)))
        if _is_number(maximum):
            found.append(("lt" if exclusive_maximum is True else "le", python_literal(maximum)))
        if _is_number(exclusive_minimum):
            found.append(("gt", python_literal(exclusive_minimum)))
        if _is_number(exclusive_maximum):
            found.append(("lt", python_literal(exclusive_maximum)))
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and _compiles(pattern) and "string" in _kinds(schema):
            found.append(("pattern", python_literal(pattern)))
        return found


_STRING_LITERALS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def _names_in(annotation: str) -> set[str]:
    """The names an annotation uses, leaving out the text of its Literal values."""
    return set(_NAMES.findall(_STRING_LITERALS.sub("", annotation)))


def _without_metadata(annotation: str) -> str:
    """`Annotated[A | B, Field(...)]` -> `A | B`; any other annotation as it is."""
    if not (annotation.startswith("Annotated[") and annotation.endswith("]")):
        return annotation
    inner = annotation[len("Annotated[") : -1]
    depth, quote, index = 0, "", 0
    while index < len(inner):
        char = inner[index]
        if quote:
            if char == "\\":
                index += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "," and depth == 0:
            return inner[:index].strip()
        index += 1
    return annotation


def _is_decoration(member: Any) -> bool:
    """An allOf member that only annotates (`{readOnly: true}`): no type of its own."""
    return isinstance(member, dict) and all(key in ANNOTATION_KEYWORDS or key.startswith("x-") for key in member)


def _shaping_members(schema: dict[str, Any]) -> list[Any]:
    members = schema.get("allOf")
    return [member for member in members if not _is_decoration(member)] if isinstance(members, list) else []


def _says_nullable(schema: dict[str, Any]) -> bool:
    members = schema.get("allOf")
    return schema.get("nullable") is True or (
        isinstance(members, list) and any(isinstance(m, dict) and m.get("nullable") is True for m in members)
    )


def _own_keywords(schema: dict[str, Any]) -> bool:
    return any(key in schema for key in ("properties", "required", "additionalProperties"))


def _kinds(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [kind for kind in declared if isinstance(kind, str)]
    return []


def _enum_values(schema: dict[str, Any]) -> list[Any] | None:
    values = schema.get("enum")
    return values if isinstance(values, list) else None


def _enum_base(schema: dict[str, Any]) -> str | None:
    """StrEnum or IntEnum when every value is text or every value an integer; else no class."""
    values = [value for value in _enum_values(schema) or [] if value is not None]
    if not values:
        return None
    if all(isinstance(value, str) for value in values):
        return "StrEnum"
    if all(isinstance(value, int) and not isinstance(value, bool) for value in values):
        return "IntEnum"
    return None


def _optional(annotation: str) -> str:
    if annotation in ("Any", "None") or annotation.endswith(" | None"):
        return annotation
    return f"{annotation} | None"


def _description(schema: Any) -> str:
    if isinstance(schema, dict) and isinstance(schema.get("description"), str):
        return str(schema["description"]).strip()
    return ""


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return False
    return True
