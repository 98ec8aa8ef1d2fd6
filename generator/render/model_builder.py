"""The models of a spec: a pydantic class for every component schema and inline object.

Component schemas keep the class names `normalize` gave them. Inline object schemas
become classes named after where they sit (`Droplet` + `networks` -> `DropletNetworks`);
inline enums stay `Literal[...]`. The result is plain data (`ModelPackage`: its classes
in submodules, as `generator.model_modules` groups them) that the `models*.py.jinja`
templates render; every spec string in it is already a Python literal, a docstring's
text or a name from `generator.naming`.

What a model checks follows the spec: required and nullable fields, enums, constants,
formats, lengths and bounds, closed objects (`additionalProperties: false`) and
discriminated unions. Everything else the server's JSON Schema gate checks.

Where the spec asks for something no model can say, the model says less and a warning
tells where: a discriminator the members do not support leaves a plain union.
"""

from __future__ import annotations

import ast
import heapq
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from fractions import Fraction
from typing import Any, NamedTuple, TypeGuard

from generator import naming, pointers
from generator.diagnostics import Diagnostic, Location, warning
from generator.ir.ir import EnumMember, ModelClass, ModelField, ModelKind, ModelModule, ModelPackage
from generator.ir.types import scalar_type
from generator.literals import NOT_IN_LITERAL, in_literal, python_literal
from generator.render.model_modules import BASE_MODULE, PlannedModule, plan_modules
from generator.schemas import component_ref, is_annotation_only, says_nullable
from generator.traverse import DATA_KEYWORDS

BASE_MODEL = "ApiModel"  # the base of every object model (a name naming.GENERATED_SYMBOLS reserves)
# What the models' `_base` module defines for the others: the base model, the base of the
# enum classes and the annotations that keep unknown values of a response (`OpenEnum`, ...).
OPEN_ENUM = "OpenEnum"
_BASE_MODULE_NAMES = frozenset({BASE_MODEL, OPEN_ENUM, "open_enum", "open_union", "_one_of"})

_NAMES = re.compile(r"[A-Za-z_]\w*")
# The Field argument of each size keyword, by the kind of value it sizes. A keyword
# checks values of its own kind only (JSON Schema), and pydantic cannot apply one to
# another type, so each goes where its kind is.
_SIZES = {
    "string": (("minLength", "min_length"), ("maxLength", "max_length")),
    "array": (("minItems", "min_length"), ("maxItems", "max_length")),
    "object": (("minProperties", "min_length"), ("maxProperties", "max_length")),
}
_CONSTRAINT_KEYWORDS = frozenset(
    {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties", "pattern", "multipleOf"}
    | {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
)

Locate = Callable[[str], Location]


def build_models(document: dict[str, Any], locate: Locate | None = None) -> tuple[ModelPackage, list[Diagnostic]]:
    """The models of the normalized `document`, and warnings for what they leave out.

    `locate` turns a JSON pointer into the normalized document into a source location.
    """
    builder = _ModelBuilder(document, locate or (lambda pointer: Location("", pointer)))
    return builder.build(), builder.warnings


class _ModelBuilder:
    def __init__(self, document: dict[str, Any], locate: Locate) -> None:
        self.document = document
        self.locate = locate
        self.warnings: list[Diagnostic] = []
        self.checks_values = False  # some annotation uses the models module's `_one_of`
        self.components: dict[str, Any] = document.get("components", {}).get("schemas") or {}
        self.openapi_30 = str(document.get("openapi", "")).startswith("3.0")
        self.taken: set[str] = set(self.components) | naming.GENERATED_SYMBOLS
        self.classes: dict[str, ModelClass] = {}
        self.order: list[str] = []  # class names in the order they were finished
        self.hard_dependencies: dict[str, set[str]] = {}  # classes that must be defined first
        self.by_pointer: dict[str, str] = {}  # annotation of each schema reached by a deep $ref
        self.wire_names: dict[str, dict[str, str]] = {}  # class -> Python name -> wire name
        self.used: set[str] = {"BaseModel", "ConfigDict"}  # the ApiModel base
        self.narrowing: set[str] = set()  # classes that redeclare an inherited field with another type
        self.module_of: dict[str, str] = {}  # class -> its submodule of the models package
        self._known_ancestors: dict[str, frozenset[str]] = {}
        self._linearizations: dict[str, list[str]] = {}
        self.untyped: dict[str, set[str]] = {}  # class -> wire names it requires and nothing defines
        # id() of a schema -> (the schema, whether it is an object). Holding the schema keeps its
        # id() from naming another one later.
        self._known_objects: dict[int, tuple[Any, bool]] = {}
        # Schemas made here (merged compositions), by id() of what they were made from; kept
        # for the builder's life, as ids of schemas are.
        self._made: dict[tuple[int, ...], dict[str, Any]] = {}
        self.object_components = {name for name, schema in self.components.items() if self._is_object(schema)}
        self.component_bases = {name: self._declared_bases(self.components[name]) for name in self.object_components}
        self.discriminated: dict[str, tuple[str, list[Any]]] = {}  # member class -> (property, values)
        self.valid_unions: set[int] = set()  # id() of the oneOf/anyOf schemas kept as tagged unions
        self._find_discriminated_unions()

    # --- the module --------------------------------------------------------------------

    def build(self) -> ModelPackage:
        for name, schema in self.components.items():
            if name not in self.classes:
                self._component(name, schema)
        order = self._definition_order()
        plan = plan_modules(self.document, order, {name: self._references(name) for name in order})
        self.module_of = {name: planned.name for planned in plan for name in planned.classes}
        modules = tuple(self._module(planned) for planned in plan)
        return ModelPackage(BASE_MODULE, BASE_MODEL, modules, self.checks_values)

    def _module(self, planned: PlannedModule) -> ModelModule:
        """One submodule: its classes, and what they import from Python, pydantic and the
        other submodules (the base model and the classes of `_shared`, say)."""
        position = {name: index for index, name in enumerate(planned.classes)}
        classes = tuple(self._spell_forward_references(self.classes[name], position) for name in planned.classes)
        names: set[str] = set()
        for model in classes:
            names |= _names_used_by(model)
        imports = tuple(
            (module, tuple(name for name in imported if name in self.used and name in names))
            for module, imported in naming.MODELS_IMPORTS
            if any(name in self.used and name in names for name in imported)
        )
        siblings: dict[str, list[str]] = {}
        for name in sorted(name for name in names if name in self.classes and name not in position):
            siblings.setdefault(self.module_of[name], []).append(name)
        base = tuple(sorted(names & _BASE_MODULE_NAMES))
        sibling_imports = [(BASE_MODULE, base)] if base else []
        sibling_imports += [(module, tuple(siblings[module])) for module in sorted(siblings)]
        narrows = any(name in self.narrowing for name in planned.classes)
        return ModelModule(planned.name, planned.description, classes, imports, tuple(sibling_imports), narrows)

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

    def _references(self, name: str) -> set[str]:
        """Every other class the definition of `name` names: its bases, its fields' types,
        defaults and arguments. These must be defined in its module or imported into it."""
        return {used for used in _names_used_by(self.classes[name]) if used in self.classes and used != name}

    def _uses(self, name: str) -> set[str]:
        model = self.classes[name]
        used = set(self.hard_dependencies.get(name, ()))
        for model_field in model.fields:
            used |= _names_in(model_field.annotation)
        return {use for use in used if use in self.classes and use != name}

    def _spell_forward_references(self, model: ModelClass, position: dict[str, int]) -> ModelClass:
        """Quote what names a class defined further down the module, or the class itself.

        The module's annotations are evaluated as each class statement runs (no
        `from __future__ import annotations`): pydantic then reads objects, where it would
        compile every annotation's text, a fifth of the time a module takes to import. The
        quoted ones it reads when the class is first used, and the base of a root model
        (`RootModel["Pet"]`) likewise.
        """

        def later(annotation: str) -> bool:
            return any(position.get(name, -1) >= position[model.name] for name in _names_in(annotation))

        fields = tuple(replace(f, forward=True) if later(f.annotation) else f for f in model.fields)
        if model.kind is not ModelKind.ROOT:
            return replace(model, fields=fields)
        annotation = _without_metadata(model.fields[0].annotation)  # the `root` field keeps it
        base = f"RootModel[{python_literal(annotation) if later(annotation) else annotation}]"
        return replace(model, bases=(base,), fields=fields)

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
        # OpenEnum first: a response's value the spec does not list is kept, not refused.
        self._add(ModelClass(name, ModelKind.ENUM, (OPEN_ENUM, base), _description(schema), members=members))

    def _root_class(self, name: str, schema: dict[str, Any]) -> None:
        self.taken.add(name)
        self.classes[name] = ModelClass(name, ModelKind.ROOT, ())  # a placeholder while recursing
        schema = self._merged(schema)
        annotation = self._annotation(schema, name)
        arguments = self._constraints(schema)
        self.used.add("RootModel")
        root = ModelField("root", annotation, tuple(arguments), self._default(schema, annotation))
        if arguments:
            self.used.update(("Annotated", "Field"))
        # A validator is built on first use, as ApiModel's are: importing stays quick.
        config = (("defer_build", "True"),)
        self._add(ModelClass(name, ModelKind.ROOT, ("RootModel",), _description(schema), (root,), config=config))

    # --- objects -------------------------------------------------------------------------

    def _is_object(self, schema: Any, seen: frozenset[int] = frozenset()) -> bool:
        """Whether a schema becomes a BaseModel: it has properties, or composes objects with allOf."""
        if not isinstance(schema, dict) or id(schema) in seen:
            return False
        known = self._known_objects.get(id(schema))  # remembered: shared members are asked again and again
        if known is not None:
            return known[1]
        if isinstance(schema.get("properties"), dict):
            answer = True
        elif members := _shaping_members(schema):
            answer = any(self._is_object(self._resolve(member), seen | {id(schema)}) for member in members)
        else:
            # A closed object without properties; with patternProperties it is a dict.
            answer = (
                _kinds(schema) == ["object"]
                and schema.get("additionalProperties") is False
                and not schema.get("patternProperties")
            )
        self._known_objects[id(schema)] = (schema, answer)
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
        ancestors = self._mro(bases)
        inherited = self._inherited_fields(ancestors)
        fields: list[ModelField] = []
        # JSON Schema requires a property wherever `required` names it: in this class, in a
        # base, beside an allOf, whichever level defines it. A class redeclares an inherited
        # field that becomes mandatory here, or that its first base only requires while
        # another defines it; and a union member narrows its discriminator to its own values.
        tag = self.discriminated.get(name)
        redeclared = [wire for wire in required if wire in inherited and not inherited[wire].required]
        redeclared += [wire for wire, field in inherited.items() if field.required_anywhere and not field.required]
        redeclared += [tag[0]] if tag else []
        redeclared += [wire for wire, field in inherited.items() if field.typed_later]
        for wire in dict.fromkeys(redeclared):
            if wire not in properties and wire in inherited:
                properties[wire] = self._defined_in(ancestors, wire) or {}
        # Required and defined nowhere: present, with any value.
        undefined = [wire for wire in required if wire not in properties and wire not in inherited]
        properties.update((wire, {}) for wire in undefined)
        self.untyped[name] = set(undefined)
        python_names = _python_names(list(properties), inherited, tag[0] if tag else None)
        for wire, property_schema in properties.items():
            python = python_names[wire]
            is_required = wire in required or (wire in inherited and inherited[wire].required_anywhere)
            if _one_way(property_schema):
                is_required = False  # as `normalize` makes them where `required` sits beside the property
            model_field = self._field(name, wire, python, property_schema, is_required)
            if wire in inherited and inherited[wire].annotation not in (model_field.annotation, "Any"):
                self.narrowing.add(name)
            fields.append(model_field)
        config: list[tuple[str, str]] = []
        extra = schema.get("additionalProperties")
        if schema.get("patternProperties"):
            # Keys that match a pattern are the object's too, whatever additionalProperties
            # says of the others; the server's gate checks both.
            config.append(("extra", python_literal("allow")))
        elif extra is False:
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
                for wire, property_schema in own.items():
                    properties[wire] = (
                        self._both(properties[wire], property_schema) if wire in properties else property_schema
                    )
            if isinstance(part.get("required"), list):
                required.extend(r for r in part["required"] if isinstance(r, str))
        return properties, list(dict.fromkeys(required))

    def _both(self, first: Any, second: Any) -> Any:
        """A property that two allOf members declare: both schemas hold (`_merged` merges them)."""
        if first is second or first == second:
            return first
        key = (id(first), id(second))
        if key not in self._made:
            self._made[key] = {"allOf": [first, second]}
        return self._made[key]

    def _mro(self, bases: list[str]) -> list[str]:
        """The classes a class with `bases` inherits from, in the order Python looks a field up (C3)."""
        sequences = [self._linearization(base) for base in bases] + [list(bases)]
        order: list[str] = []
        while sequences := [sequence for sequence in sequences if sequence]:
            heads = (sequence[0] for sequence in sequences)
            head = next((h for h in heads if all(h not in other[1:] for other in sequences)), sequences[0][0])
            order.append(head)
            sequences = [[name for name in sequence if name != head] for sequence in sequences]
        return order

    def _linearization(self, name: str) -> list[str]:
        known = self._linearizations.get(name)
        if known is None:
            model = self.classes.get(name)
            known = [name, *self._mro([base for base in model.bases if base in self.classes] if model else [])]
            if name in self.hard_dependencies:  # finished: its bases are final
                self._linearizations[name] = known
        return known

    def _inherited_fields(self, ancestors: list[str]) -> dict[str, _Inherited]:
        """Wire name -> the field a class inherits, from the first of `ancestors` that declares it."""
        found: dict[str, _Inherited] = {}
        for ancestor in ancestors:
            model = self.classes.get(ancestor)
            wires = self.wire_names.get(ancestor, {})
            untyped = self.untyped.get(ancestor, set())
            for model_field in model.fields if model else ():
                wire = wires.get(model_field.name, model_field.name)
                required = model_field.default is None
                known = found.get(wire)
                if known is None:
                    found[wire] = _Inherited(
                        model_field.name, model_field.annotation, required, required, wire in untyped
                    )
                else:
                    found[wire] = known._replace(
                        required_anywhere=known.required_anywhere or required,
                        typed_later=known.typed_later or (known.untyped and wire not in untyped),
                    )
        return found

    def _defined_in(self, ancestors: list[str], wire: str) -> Any:
        """The schema of property `wire` in the first of `ancestors` whose schema defines it."""
        for ancestor in ancestors:
            schema = self.components.get(ancestor)
            if isinstance(schema, dict):
                properties, _ = self._own_properties(schema)
                if wire in properties:
                    return properties[wire]
        return None

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
        schema = self._merged(schema) if isinstance(schema, dict) else {}
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
        core = self._reference(ref) if isinstance(ref, str) else self._core_annotation(schema, place)
        # OpenAPI 3.0's `nullable` beside a reference or a composition admits null too, as
        # specs use it and as the server's gate reads it.
        return _optional(core) if self.openapi_30 and says_nullable(schema) else core

    def _reference(self, ref: str) -> str:
        name = component_ref({"$ref": ref})
        if name is not None and name in self.components:
            target = self.components[name]
            # An enum or object class cannot be null itself: where the schema allows null,
            # so does every reference to it (a root model's own type says it).
            is_class = name in self.object_components or (isinstance(target, dict) and _enum_base(target) is not None)
            return _optional(name) if is_class and self._admits_null(target) else name
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
        merged = self._merged(schema)
        if merged is not schema:
            return self._annotation(merged, place)
        all_of = _shaping_members(schema)
        if len(all_of) == 1 and not _own_keywords(schema):
            # `allOf: [$ref, {readOnly: true}]`: a reference dressed with a description or flags.
            return self._annotation(all_of[0], place)
        if self._is_object(schema):
            class_name = self._new_class_name(schema, place)
            self._object_class(class_name, schema)
            return class_name
        for combinator in ("oneOf", "anyOf"):
            members = schema.get(combinator)
            if isinstance(members, list) and members:
                return self._union(schema, members, place)
        if all_of:
            # Only compositions `_merged` cannot flatten reach here: the first member is the type.
            return self._annotation(all_of[0], place)
        if "const" in schema:
            return self._choices([schema["const"]], _kinds(schema))
        values = _enum_values(schema)
        if values is not None and values:
            annotation = self._choices(values, _kinds(schema), is_enum=True)
            return _optional(annotation) if "null" in _kinds(schema) else annotation
        kinds = _kinds(schema)
        if not kinds:
            if "items" in schema:
                kinds = ["array"]
            elif "additionalProperties" in schema or "patternProperties" in schema:
                kinds = ["object"]
        # Of several kinds (`type: [string, array]`), each takes the constraints of its kind.
        each_kind = len(kinds) > 1 and len(_constrained_kinds(schema)) > 1
        parts: list[str] = []
        for kind in kinds:
            part = self._kind(kind, schema, place)
            arguments = _kind_constraints(schema, kind) if each_kind else []
            if arguments:
                self.used.update(("Annotated", "Field"))
                part = f"Annotated[{part}, Field({_arguments(arguments)})]"
            parts.append(part)
        if not parts or "Any" in parts:
            self.used.add("Any")
            return "Any"
        return " | ".join(dict.fromkeys(sorted(parts, key=lambda part: part == "None")))

    def _choices(self, values: list[Any], kinds: list[str], *, is_enum: bool = False) -> str:
        """The type of exactly `values` (an enum's or a const).

        A Literal where Python can spell the values (text, integers, booleans, None);
        mypy takes no float in a Literal and Python no object or array, so those are
        their type, checked against the values by `_one_of` in the models module. An
        enum's Literal is open (`open_enum`): a response may bring a value the spec does
        not list yet. A const is not: it is what the schema is.
        """
        literal: list[Any] = []
        checked: dict[str, list[Any]] = {}
        for value in values:
            if isinstance(value, float) and value.is_integer() and kinds == ["integer"]:
                value = int(value)  # `1.0` in an integer enum is the integer 1
            if in_literal(value):
                literal.append(value)
            elif value is not None:
                checked.setdefault(NOT_IN_LITERAL.get(type(value), "Any"), []).append(value)
        parts: list[str] = []
        if literal:
            self.used.add("Literal")
            choices = "Literal[" + ", ".join(python_literal(value) for value in literal) + "]"
            if is_enum:
                self.used.add("Annotated")
                choices = f"Annotated[{choices}, open_enum]"
            parts.append(choices)
        for base, found in checked.items():
            self.used.update(("Annotated", "AfterValidator", *(("Any",) if "Any" in base else ())))
            self.checks_values = True
            parts.append(f"Annotated[{base}, _one_of({', '.join(python_literal(value) for value in found)})]")
        if not parts:
            return "None"
        annotation = " | ".join(parts)
        return _optional(annotation) if None in values else annotation

    def _kind(self, kind: str, schema: dict[str, Any], place: str) -> str:
        if kind == "array":
            return f"list[{self._annotation(schema.get('items'), place + 'Item')}]"
        if kind == "object":
            return f"dict[str, {self._dict_values(schema, place + 'Value')}]"
        scalar = scalar_type(kind, schema.get("format"))
        self.used.update(name for _, name in scalar.imports)
        return scalar.annotation

    def _dict_values(self, schema: dict[str, Any], place: str) -> str:
        """The type of a free-form object's values: those its patterns and additionalProperties allow."""
        extra = schema.get("additionalProperties")
        patterns = schema.get("patternProperties")
        schemas = list(patterns.values()) if isinstance(patterns, dict) else []
        if schemas and extra is not False and not isinstance(extra, dict):
            schemas = []  # any other key takes any value
        if isinstance(extra, dict):
            schemas.append(extra)
        parts = [self._annotation(value, place) for value in schemas]
        if not parts or "Any" in parts:
            self.used.add("Any")
            return "Any"
        return " | ".join(dict.fromkeys(parts))

    def _union(self, schema: dict[str, Any], members: list[Any], place: str) -> str:
        parts: list[str] = []
        for index, member in enumerate(members, start=1):
            if isinstance(member, dict) and _kinds(member) == ["null"]:
                parts.append("None")
            else:
                annotation = self._annotation(member, f"{place}{index}" if len(members) > 1 else place)
                parts.extend(_split_top_level(annotation, "|"))  # a nullable member's None goes last
        if "Any" in parts:
            return "Any"
        nullable = "None" in parts or (self.openapi_30 and schema.get("nullable") is True)
        choices = " | ".join(dict.fromkeys(part for part in parts if part != "None"))
        if not choices:
            return "None"
        if id(schema) in self.valid_unions:
            self.used.update(("Annotated", "Field"))
            # pydantic names the field by its Python name (`pet_type`), not its alias.
            python_name = naming.field_name(schema["discriminator"]["propertyName"])
            # open_union: a response's member of a kind the spec does not know stays a dict.
            choices = f"Annotated[{choices}, Field(discriminator={python_literal(python_name)}), open_union]"
        return _optional(choices) if nullable else choices

    # --- compositions ----------------------------------------------------------------------

    def _merged(self, schema: dict[str, Any]) -> dict[str, Any]:
        """A composition of scalar schemas (`allOf`) as the one schema it means, or `schema`.

        Every member's constraints hold at once: of each bound the stricter wins, multiples
        and patterns combine. A lone reference with no constraint of its own stays a
        reference (to its class); objects become classes; a composition with a union in it
        is left as it is (its first member gives the type).
        """
        members = _shaping_members(schema)
        if not members or self._is_object(schema):
            return schema
        if len(members) == 1 and not any(key in schema for key in _CONSTRAINT_KEYWORDS | {"enum", "const"}):
            return schema
        key = (id(schema),)
        if key not in self._made:
            parts = self._composed_parts(schema, frozenset({id(schema)}))
            self._made[key] = schema if parts is None else _merge(parts, openapi_30=self.openapi_30)
        return self._made[key]

    def _composed_parts(self, schema: dict[str, Any], seen: frozenset[int]) -> list[dict[str, Any]] | None:
        parts = [{key: value for key, value in schema.items() if key != "allOf"}]
        members = schema.get("allOf")
        for member in members if isinstance(members, list) else []:
            target = self._resolve(member)
            if isinstance(target, dict) and id(target) in seen:
                continue  # a composition that comes back to itself adds nothing the second time
            if not isinstance(target, dict) or self._is_object(target):
                return None
            if any(key in target for key in ("$ref", "oneOf", "anyOf", "not")):
                return None
            nested = self._composed_parts(target, seen | {id(target)})
            if nested is None:
                return None
            parts.extend(nested)
        return parts

    # --- discriminated unions --------------------------------------------------------------

    def _find_discriminated_unions(self) -> None:
        """Which discriminators pydantic can use: their members are told apart by one Literal field.

        A member that takes its value from several unions, extends another member or is
        extended by another class would need a field type no class hierarchy can give; such
        a union stays plain (pydantic tries each member) and the server's gate still checks
        the discriminator. So does one the spec gets wrong (a member without the property,
        a member that is no object), with a warning.
        """
        unions: list[tuple[dict[str, Any], str, dict[str, list[Any]]]] = []
        for at, node in self._discriminators():
            candidate = self._tagged_union(node)
            if isinstance(candidate, str):
                property_name = node["discriminator"]["propertyName"]
                self.warnings.append(
                    warning(
                        self.locate(pointers.join(at, "discriminator")),
                        f"discriminator {property_name!r} not used, the union tries each member: {candidate}",
                        kind="discriminator-dropped",
                    )
                )
            elif candidate is not None:
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

    def _discriminators(self) -> Iterator[tuple[str, dict[str, Any]]]:
        """Every schema in the components with a discriminator, and its pointer, in document order."""
        # A path is (parent path, token), spelt as a pointer only for the few that are used.
        stack: list[tuple[Any, Any]] = [((None, name), schema) for name, schema in reversed(self.components.items())]
        while stack:
            path, node = stack.pop()
            if isinstance(node, dict):
                if isinstance(node.get("discriminator"), dict):
                    yield _pointer(path), node
                children: Any = [(key, value) for key, value in node.items() if key not in DATA_KEYWORDS]
            elif isinstance(node, list):
                children = enumerate(node)
            else:
                continue
            stack.extend(((path, key), value) for key, value in reversed(list(children)))

    def _tagged_union(self, node: dict[str, Any]) -> tuple[str, dict[str, list[Any]]] | str | None:
        """A union's discriminator as (property, values per member), or why it cannot be one.

        None where the node is no union with a discriminator (a base object naming its
        subtypes is one: allOf does the rest).
        """
        discriminator = node.get("discriminator")
        members = node.get("oneOf") or node.get("anyOf")
        if (
            not isinstance(discriminator, dict)
            or not isinstance(members, list)
            or isinstance(node.get("properties"), dict)
            or not isinstance(discriminator.get("propertyName"), str)
        ):
            return None
        property_name: str = discriminator["propertyName"]
        values: dict[str, list[Any]] = {}
        for index, member in enumerate(members, start=1):
            name = component_ref(member)
            if name is None:
                return f"member {index} is not a reference to a component schema"
            if name not in self.components:
                return f"member {index} refers to {name!r}, which does not exist"
            if name not in self.object_components:
                return f"{name} is not an object"
            values[name] = []
        mapping = discriminator.get("mapping")
        for value, target in (mapping if isinstance(mapping, dict) else {}).items():
            target_name = component_ref({"$ref": target}) if isinstance(target, str) else None
            if target_name not in values:
                return f"the mapping sends {value!r} to {target!r}, which is not a member"
            values[target_name].append(value)
        for name, found in values.items():
            problem = f"no mapping value names {name}" if not found else self._tag_problem(name, property_name, found)
            if problem is not None:
                return problem
        return property_name, values

    def _tag_problem(self, name: str, property_name: str, values: list[Any]) -> str | None:
        """Why member `name` cannot carry the discriminator `property_name` as a Literal
        field of `values` (those the mapping gives it)."""
        schema = self._inherited_schema([name], property_name)
        if schema is None:
            return f"{name} has no property {property_name!r}"
        target = self._resolve(schema)
        kinds = _kinds(target) if isinstance(target, dict) else []
        if kinds and "string" not in kinds:
            return f"{name}'s {property_name!r} is {' or '.join(kinds)}, not a string"
        # The member's own values win: narrowing its field to a value they exclude (an
        # implicit mapping's schema name, `EpisodeObject` for `enum: [episode]`) would refuse
        # every value its schema allows.
        allowed = [target["const"]] if isinstance(target, dict) and "const" in target else _enum_values(target or {})
        outside = [value for value in values if allowed is not None and value not in allowed]
        if outside:
            return f"{name}'s {property_name!r} takes {allowed!r}, not the mapping's {outside!r}"
        python = naming.field_name(property_name)
        for other in [name, *sorted(self._ancestors(name))]:
            other_schema = self.components.get(other)
            wires = self._own_properties(other_schema)[0] if isinstance(other_schema, dict) else {}
            clash = next((wire for wire in wires if wire != property_name and naming.field_name(wire) == python), None)
            if clash is not None:
                return f"{name}'s {property_name!r} and {clash!r} have one name in Python, {python}"
        return None

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
        # A default in another shape than the type (a date as text, a model as a mapping,
        # text for a boolean) would not pass mypy: the field is left without one.
        return python_literal(value) if _fits(value, annotation) else None

    def _admits_null(self, schema: Any) -> bool:
        if not isinstance(schema, dict):
            return False
        return (
            "null" in _kinds(schema)
            or None in (_enum_values(schema) or [])
            or (self.openapi_30 and schema.get("nullable") is True)
        )

    def _constraints(self, schema: dict[str, Any]) -> list[tuple[str, str]]:
        """The Field arguments of a schema's constraints, where they hold for the whole type.

        Not on a class (a reference, an object, a union: their own types check themselves),
        nor on a type of several kinds, whose parts take their own (see `_core_annotation`).
        """
        if (
            "$ref" in schema
            or _shaping_members(schema)
            or any(isinstance(schema.get(combinator), list) for combinator in ("oneOf", "anyOf"))
            or self._is_object(schema)
        ):
            return []
        kinds = _constrained_kinds(schema)
        return _kind_constraints(schema, kinds[0]) if len(kinds) == 1 else []


def _pointer(path: Any) -> str:
    """The pointer of a component schema path built by `_ModelBuilder._discriminators`."""
    tokens: list[Any] = []
    while path is not None:
        path, token = path
        tokens.append(token)
    return pointers.join("/components/schemas", *reversed(tokens))


class _Inherited(NamedTuple):
    """A field as a class inherits it: from the first base, in Python's order, that declares it."""

    python: str
    annotation: str
    required: bool
    required_anywhere: bool  # some base requires it, if not the first
    untyped: bool  # the first only requires it (typed Any)...
    typed_later: bool = False  # ...and a later base defines it


def _python_names(wires: list[str], inherited: dict[str, _Inherited], tag: str | None) -> dict[str, str]:
    """The Python attribute of each property of a class.

    An inherited property keeps its base's name. Of the others the discriminator comes
    first (its name is the union's), then wire names that are Python names already, then
    the rest: with both `sec_ond` and `sec-ond`, the first keeps `sec_ond`.
    """
    names = {wire: inherited[wire].python for wire in wires if wire in inherited}
    own = sorted(
        (wire for wire in wires if wire not in inherited),
        key=lambda wire: (wire != tag, naming.field_name(wire) != wire),
    )
    taken = {field.python for field in inherited.values()}
    names.update(zip(own, naming.unique([naming.field_name(wire) for wire in own], taken=taken), strict=True))
    return names


def _value_kind(value: Any) -> str:
    """The JSON Schema type of a value, integers and numbers as one."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "null"


def _constrained_kinds(schema: dict[str, Any]) -> list[str]:
    """The kinds of value (integers and numbers as one) a schema's type is made of, null aside."""
    values = [schema["const"]] if "const" in schema else _enum_values(schema)
    if values is not None:
        kinds = [_value_kind(value) for value in values if value is not None]
    else:
        kinds = [kind for kind in _kinds(schema) if kind != "null"]
        if not _kinds(schema):
            if "items" in schema:
                kinds = ["array"]
            elif "additionalProperties" in schema or "patternProperties" in schema:
                kinds = ["object"]
    return list(dict.fromkeys("number" if kind == "integer" else kind for kind in kinds))


def _kind_constraints(schema: dict[str, Any], kind: str) -> list[tuple[str, str]]:
    """The Field arguments of the schema's constraints on values of one kind."""
    choices = "enum" in schema or "const" in schema
    # pydantic takes only integers as an int's bounds (`maximum: 1e20` is a float in JSON).
    integer = kind == "integer" or (not choices and [k for k in _kinds(schema) if k != "null"] == ["integer"])
    kind = "number" if kind == "integer" else kind
    if kind == "string" and not choices and scalar_type(kind, schema.get("format")).annotation != "str":
        return []  # a date, a UUID, an address: pydantic measures no text of those
    found: list[tuple[str, str]] = []
    for keyword_, argument in _SIZES.get(kind, ()):
        size = schema.get(keyword_)
        if _is_number(size) and float(size).is_integer():
            found.append((argument, python_literal(int(size))))
    if kind == "number":
        bounds: list[tuple[str, float]] = []
        multiple = schema.get("multipleOf")
        if _is_number(multiple) and multiple > 0:
            # An integer that is a multiple of 2.5 (5/2) is a multiple of 5.
            bounds.append(("multiple_of", Fraction(str(multiple)).numerator if integer else multiple))
        minimum, maximum = schema.get("minimum"), schema.get("maximum")
        exclusive_minimum, exclusive_maximum = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        if _is_number(minimum):
            bounds.append(("gt" if exclusive_minimum is True else "ge", minimum))
        if _is_number(maximum):
            bounds.append(("lt" if exclusive_maximum is True else "le", maximum))
        if _is_number(exclusive_minimum):
            bounds.append(("gt", exclusive_minimum))
        if _is_number(exclusive_maximum):
            bounds.append(("lt", exclusive_maximum))
        for argument, value in bounds:
            if integer:
                argument, value = _integer_bound(argument, value)
            found.append((argument, python_literal(value)))
    pattern = schema.get("pattern")
    if kind == "string" and isinstance(pattern, str) and _compiles(pattern):
        found.append(("pattern", python_literal(pattern)))
    return found


def _integer_bound(argument: str, value: float) -> tuple[str, float]:
    """A bound on integers as an integer: `le=2.5` is `le=2`, `gt=1.5` is `ge=2`."""
    if float(value).is_integer():
        return argument, int(value)
    if argument in ("ge", "gt"):
        return "ge", math.ceil(value)
    if argument in ("le", "lt"):
        return "le", math.floor(value)
    return argument, value


def _arguments(arguments: list[tuple[str, str]]) -> str:
    return ", ".join(f"{keyword}={value}" for keyword, value in arguments)


# --- merging allOf members -------------------------------------------------------------------

_LOWER_BOUNDS = frozenset({"minLength", "minItems", "minProperties", "minimum", "exclusiveMinimum"})
_UPPER_BOUNDS = frozenset({"maxLength", "maxItems", "maxProperties", "maximum", "exclusiveMaximum"})


def _merge(parts: list[dict[str, Any]], *, openapi_30: bool) -> dict[str, Any]:
    """One schema that holds where every part holds (the first part's words win elsewhere)."""
    merged: dict[str, Any] = {}
    patterns: list[str] = []
    for part in parts:
        for key, value in (_numeric_exclusive_bounds(part) if openapi_30 else part).items():
            if key == "pattern":
                if isinstance(value, str) and value not in patterns:
                    patterns.append(value)
            elif key not in merged:
                merged[key] = value
            else:
                merged[key] = _stricter(key, merged[key], value)
    if patterns:
        merged["pattern"] = _all_patterns(patterns)
    return merged


def _numeric_exclusive_bounds(schema: dict[str, Any]) -> dict[str, Any]:
    """OpenAPI 3.0's `minimum: 1, exclusiveMinimum: true` as 3.1's `exclusiveMinimum: 1`, to compare."""
    result = dict(schema)
    for bound, exclusive in (("minimum", "exclusiveMinimum"), ("maximum", "exclusiveMaximum")):
        flag = result.get(exclusive)
        if isinstance(flag, bool):
            del result[exclusive]
            if flag and _is_number(result.get(bound)):
                result[exclusive] = result.pop(bound)
    return result


def _stricter(key: str, first: Any, second: Any) -> Any:
    """The one value of `key` that holds where both do (the first where there is none)."""
    if key in _LOWER_BOUNDS and _is_number(first) and _is_number(second):
        return max(first, second)
    if key in _UPPER_BOUNDS and _is_number(first) and _is_number(second):
        return min(first, second)
    if key == "multipleOf" and _is_number(first) and _is_number(second) and first > 0 and second > 0:
        return _least_common_multiple(first, second)
    if key == "type":
        return _common_kinds(first, second)
    if key == "enum" and isinstance(first, list) and isinstance(second, list):
        return [value for value in first if value in second]
    if key == "nullable":
        return first is True or second is True  # as a decorating member says, for any of them
    if key == "items" and isinstance(first, dict) and isinstance(second, dict):
        return {"allOf": [first, second]}
    return first


def _least_common_multiple(first: float, second: float) -> float:
    """The least positive number both divide: lcm(a/b, c/d) = lcm(a, c) / gcd(b, d)."""
    a, b = Fraction(str(first)), Fraction(str(second))
    result = Fraction(math.lcm(a.numerator, b.numerator), math.gcd(a.denominator, b.denominator))
    return int(result) if result.denominator == 1 else float(result)


def _common_kinds(first: Any, second: Any) -> Any:
    """The types both allow (an integer is a number); the first where none is."""
    left, right = _kinds({"type": first}), _kinds({"type": second})
    common = [kind for kind in left if kind in right or (kind == "integer" and "number" in right)]
    common += [kind for kind in right if kind == "integer" and "number" in left and kind not in left]
    if not common:
        return first  # no value fits both: the server's gate refuses them all
    return common[0] if len(common) == 1 else common


def _all_patterns(patterns: list[str]) -> str:
    """One regular expression that finds a match where each of `patterns` finds one.

    Each pattern becomes a lookahead from the start. One with groups of its own goes first,
    so that its backreferences keep their numbers; a second one with groups is left to the
    server's gate, as is any pattern that does not combine.
    """
    usable = sorted((p for p in patterns if _compiles(p)), key=lambda p: re.compile(p).groups == 0)
    if len(usable) < 2:
        return (usable or patterns)[0]
    kept = usable[:1] + [pattern for pattern in usable[1:] if re.compile(pattern).groups == 0]
    combined = "^" + "".join(f"(?=[\\s\\S]*?(?:{pattern}))" for pattern in kept)
    return combined if _compiles(combined) else kept[0]


# --- annotations as text -----------------------------------------------------------------------


def _split_top_level(text: str, separator: str) -> list[str]:
    """`text` split at `separator` outside brackets, parentheses and quotes."""
    parts: list[str] = []
    depth, quote, start, index = 0, "", 0, 0
    while index < len(text):
        char = text[index]
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
        elif char == separator and depth == 0:
            parts.append(text[start:index].strip())
            start = index + 1
        index += 1
    parts.append(text[start:].strip())
    return parts


def _fits(value: Any, annotation: str) -> bool:
    """Whether `value` is a value of `annotation` (as this module spells annotations)."""
    return any(_fits_part(value, part) for part in _split_top_level(annotation, "|"))


def _fits_part(value: Any, part: str) -> bool:
    simple = {
        "Any": True,
        "None": value is None,
        "str": isinstance(value, str),
        "bool": isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, int | float) and not isinstance(value, bool),
    }
    if part in simple:
        return simple[part]
    if part.startswith("Annotated[") and part.endswith("]"):
        inner, *metadata = _split_top_level(part[len("Annotated[") : -1], ",")
        return _fits(value, inner) and all(
            _among(value, _literal_values(item[len("_one_of(") : -1]))
            for item in metadata
            if item.startswith("_one_of(")
        )
    if part.startswith("Literal[") and part.endswith("]"):
        return _among(value, _literal_values(part[len("Literal[") : -1]))
    if part.startswith("list[") and part.endswith("]"):
        return isinstance(value, list) and all(_fits(item, part[len("list[") : -1]) for item in value)
    if part.startswith("dict[str, ") and part.endswith("]"):
        inner = part[len("dict[str, ") : -1]
        return isinstance(value, dict) and all(_fits(item, inner) for item in value.values())
    return False  # a class, a date, a UUID: the spec's JSON is not its Python value


def _literal_values(text: str) -> tuple[Any, ...]:
    values: tuple[Any, ...] = ast.literal_eval(f"({text},)")
    return values


def _among(value: Any, choices: tuple[Any, ...]) -> bool:
    return any(value == choice and isinstance(value, bool) == isinstance(choice, bool) for choice in choices)


_STRING_LITERALS = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")


def _names_in(annotation: str) -> set[str]:
    """The names an annotation uses, leaving out the text of its Literal values."""
    return set(_NAMES.findall(_STRING_LITERALS.sub("", annotation)))


def _names_used_by(model: ModelClass) -> set[str]:
    """The names a class statement uses: its bases, and its fields' types, arguments and
    defaults (a base spelled `RootModel["Pet"]` names Pet in its own module, its field too)."""
    found: set[str] = set()
    for base in model.bases:
        found |= _names_in(base)
    for model_field in model.fields:
        found |= _names_in(f"{model_field.full_annotation} = {model_field.default}")
    if model.config:
        found.add("ConfigDict")
    return found


def _without_metadata(annotation: str) -> str:
    """`Annotated[A | B, Field(...)]` -> `A | B`; any other annotation as it is."""
    if not (annotation.startswith("Annotated[") and annotation.endswith("]")):
        return annotation
    parts = _split_top_level(annotation[len("Annotated[") : -1], ",")
    return parts[0] if len(parts) > 1 else annotation


def _shaping_members(schema: dict[str, Any]) -> list[Any]:
    members = schema.get("allOf")
    return [member for member in members if not is_annotation_only(member)] if isinstance(members, list) else []


def _one_way(schema: Any) -> bool:
    """A readOnly or writeOnly property, never required: one model serves requests and responses."""
    return isinstance(schema, dict) and (schema.get("readOnly") is True or schema.get("writeOnly") is True)


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


def _is_number(value: Any) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except (re.error, RecursionError, OverflowError):
        return False
    return True
