"""Following `$ref`s across files into one self-contained document.

A spec split over many files becomes one document in which every schema reference points
at `#/components/schemas/<name>`: schemas that live elsewhere (another file, or a place
other than `components/schemas`) are hoisted there under a deterministic name, and every
other referenced object (path items, parameters, responses, ...) is inlined. References to
the root file's own components stay as they are.

Each node of the result remembers the file and pointer it came from, so later stages can
report a problem at the line the user wrote.

References are confined: they resolve only to files inside the reference roots (the root
spec's directory, and any `--ref-root`), after symlinks are resolved, so a spec cannot
make the generator read `/etc/passwd` or `../secrets.yaml` and copy it into a package.
Inlining is counted against the same node budget as reading: references that multiply
(ten parameters, each referring ten times to the next, ...) stop at the limit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

from generator import pointers
from generator.diagnostics import Diagnostic, Location, SpecError, error, has_errors, in_document_order, warning
from generator.load.limits import DEFAULT, Limits
from generator.load.paths import RealPaths, reference_roots, referenced_file
from generator.load.read_ahead import ReadAhead, reading_ahead
from generator.load.sources import Budget, FileProblem, MissingFile, SourceFile, count_values, display_path, read_source
from generator.load.spec_input import LoadOptions
from generator.traverse import SCHEMA_MAPS

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace", "query")
ADDITIONAL_OPERATIONS = "additionalOperations"  # OpenAPI 3.2: other methods, by their own name


def operation_tokens(method: str) -> tuple[str, ...]:
    """Where a path item keeps the operation of `method` (as `operations_of` names it)."""
    return (method,) if method in HTTP_METHODS else (ADDITIONAL_OPERATIONS, method)


def operation_at(document: dict[str, Any], path: str, method: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The path item of `path`, its operation of `method` and that operation's pointer."""
    item: dict[str, Any] = document["paths"][path]
    tokens = operation_tokens(method)
    return item, pointers.walk(item, pointers.from_tokens(tokens)), pointers.join("/paths", path, *tokens)


def operations_of(path_item: Any) -> list[tuple[str, dict[str, Any]]]:
    """(method, operation) of a path item: its fixed fields, then 3.2's `additionalOperations`
    under the method name they are written with (`LINK`)."""
    if not isinstance(path_item, dict):
        return []
    found = [(method, path_item[method]) for method in HTTP_METHODS if isinstance(path_item.get(method), dict)]
    additional = path_item.get(ADDITIONAL_OPERATIONS)
    if isinstance(additional, dict):
        found += [
            (method, operation)
            for method, operation in additional.items()
            if isinstance(operation, dict) and method.lower() not in HTTP_METHODS
        ]
    return found


# Keywords whose value is a schema, a list of schemas or a map of schemas (JSON Schema 2020-12).
_SCHEMA_VALUED = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
)
_SCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "prefixItems")
# Keywords whose value is instance data, copied untouched even when it holds a "$ref" key.
_DATA_VALUED = ("example", "examples", "default", "enum", "const")
_CONTAINERS = (dict, list)

_COMPONENT_KINDS = (
    "parameters",
    "responses",
    "requestBodies",
    "headers",
    "examples",
    "links",
    "callbacks",
    "pathItems",
    "securitySchemes",
)

Origin = tuple[SourceFile, str]
_Node = TypeVar("_Node")


@dataclass
class Bundle:
    """A spec as one document, with where each of its nodes was written."""

    document: dict[str, Any]
    root: SourceFile
    files: dict[Path, SourceFile]
    origins: dict[int, Origin]
    limits: Limits = DEFAULT

    @property
    def wide_integers(self) -> bool:
        """Whether a file of the spec writes an integer of 19 digits or more (wider than 64
        bits, maybe)."""
        return any(source.wide_integers for source in self.files.values())

    def locate(self, pointer: str) -> Location:
        """The source location of the node at `pointer` in the bundled document."""
        node: Any = self.document
        origin: Origin = (self.root, "")
        rest: list[str] = []
        for token in pointers.split(pointer):
            child = _child(node, token)
            if child is None:
                rest.append(token)
                node = None
                continue
            node = child
            if id(node) in self.origins and not rest:
                origin = self.origins[id(node)]
            elif not rest:
                origin = (origin[0], pointers.join(origin[1], token))
        source, source_pointer = origin
        full = pointers.join(source_pointer, *rest)
        return Location(source.display, full, source.line_of(full))


def _child(node: Any, token: str) -> Any:
    if isinstance(node, dict):
        return node.get(token)
    if isinstance(node, list) and token.isdigit() and int(token) < len(node):
        return node[int(token)]
    return None


# What a walk returns for a node that leads nowhere (an unresolvable `$ref`): its parent
# leaves it out.
_GONE: Any = object()


def _present(walked: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in walked.items() if value is not _GONE}


class _OverBudget(Exception):
    """Inlining references made the document grow past the node budget."""


@dataclass
class _Inlined:
    """One walk of an object that references inline: copied for every other place."""

    result: Any
    kept: set[int]  # ids of the nodes the walk made (the rest of `result` is shared data)
    diagnostics: list[Diagnostic]
    nodes: int  # what the walk added to the node budget
    # Of each node the walk made, by id: the keys (or indexes) of the nodes it made below it.
    # Worked out on the first copy: DigitalOcean copies its `Error` response 3,200 times.
    plan: dict[int, tuple[Any, ...]] | None = None

    def copy_plan(self) -> dict[int, tuple[Any, ...]]:
        if self.plan is None:
            self.plan = {}
            kept = self.kept
            made = [self.result] if isinstance(self.result, _CONTAINERS) and id(self.result) in kept else []
            while made:
                node = made.pop()
                entries = node.items() if isinstance(node, dict) else enumerate(node)
                below = tuple(key for key, value in entries if isinstance(value, _CONTAINERS) and id(value) in kept)
                self.plan[id(node)] = below
                made.extend(node[key] for key in below)
        return self.plan


class _Bundler:
    def __init__(self, root: SourceFile, budget: Budget, real_paths: RealPaths, read_ahead: ReadAhead) -> None:
        self.root = root
        self.budget = budget
        self.real_paths = real_paths  # and the reference roots files must lie in
        self.read_ahead = read_ahead
        self._sizes: dict[int, int] = {}  # data values copied by reference: their size, by id
        self.files: dict[Path, SourceFile] = {root.path: root}
        self.origins: dict[int, Origin] = {}
        self.diagnostics: list[Diagnostic] = []
        self.schemas: dict[str, Any] = {}
        self.schema_names: dict[tuple[Path, str], str] = {}
        self.inlining: list[tuple[Path, str]] = []
        self.hoisting = 0  # schemas of other files being hoisted, one inside the next
        self._taken: set[str] = set()  # every schema name given out (schema_names' values)
        # Each reference is followed once per file that writes it; DigitalOcean writes
        # 22,000 references to 2,100 places.
        self._files_by_name: dict[str, SourceFile] = {str(root.path): root}
        self._paths: dict[tuple[str, str], str] = {}
        self._resolved: dict[tuple[SourceFile, str], tuple[SourceFile, str, Any]] = {}
        self._schema_refs: dict[tuple[SourceFile, str], str] = {}
        self._inlined: dict[tuple[SourceFile, str, str, tuple[str, ...]], _Inlined] = {}
        self._kept_log: list[int] = []  # ids of the nodes kept while an inlined object is walked
        self._recording = 0  # inlined objects being walked, one inside the next
        self._grown = 0  # values the bundle added to the budget (reading files adds the rest)
        self._cuts = 0  # circular or over-long chains cut so far: a walk that cut one depends on its context

    # --- files and references -------------------------------------------------------------

    def _file(self, name: str, referrer: SourceFile, at: str) -> SourceFile | None:
        source = self._files_by_name.get(name)
        if source is None:
            path = Path(name)
            real = self.real_paths.of(name)
            if real is None:
                missing = f"$ref points at a missing file {display_path(path)!r}"
                self.diagnostics.append(error(referrer.location(at), missing))
                return None
            if not self.real_paths.inside_roots(real):
                roots = ", ".join(f"{display_path(root)}/" for root in self.real_paths.roots)
                link = f" (a link to {real})" if real != name else ""
                self.diagnostics.append(
                    error(
                        referrer.location(at),
                        f"$ref to {display_path(path)}{link} leaves the reference root ({roots}); refused "
                        "(widen it with --ref-root DIR)",
                    )
                )
                return None
            ahead = self.read_ahead.take(name)
            if ahead is not None and self.budget.admit(len(ahead.content), ahead.nodes, ahead.alias_nodes):
                source = ahead.source_file(path)
            else:
                try:
                    # Its lines are found from its text when asked, as for a file the child
                    # parsed: the same lines, whichever process parsed it.
                    source = read_source(path, self.budget, read_from=Path(real), lines=False)
                except MissingFile:
                    self.diagnostics.append(
                        error(referrer.location(at), f"$ref points at a missing file {display_path(path)}")
                    )
                    return None
                except FileProblem as exc:
                    self.diagnostics.append(error(referrer.location(at), f"$ref to {display_path(path)}: {exc}"))
                    return None
                except SpecError as exc:
                    self.diagnostics.extend(exc.diagnostics)
                    return None
            self.files[path] = self._files_by_name[name] = source
        return source

    def _resolve(self, ref: Any, source: SourceFile, at: str) -> tuple[SourceFile, str, Any] | None:
        """The file, pointer and node a `$ref` names, or None after recording why not."""
        if isinstance(ref, str):
            found = self._resolved.get((source, ref))
            if found is not None:
                return found
        found = self._follow(ref, source, at)
        if found is not None:
            self._resolved[(source, ref)] = found
        return found

    def _follow(self, ref: Any, source: SourceFile, at: str) -> tuple[SourceFile, str, Any] | None:
        if not isinstance(ref, str):
            self.diagnostics.append(
                warning(source.location(at), "$ref must be a string: taken as any value", "unresolvable-ref")
            )
            return None
        address, _, fragment = ref.partition("#")
        if "://" in address:
            self.diagnostics.append(
                warning(
                    source.location(at),
                    f"remote $ref {ref!r} is not followed (download the file): taken as any value",
                    "remote-ref",
                )
            )
            return None
        fragment = unquote(fragment)
        if fragment and not fragment.startswith("/"):
            self.diagnostics.append(
                warning(
                    source.location(at),
                    f"$ref {ref!r}: only JSON-pointer fragments are followed: taken as any value",
                    "unresolvable-ref",
                )
            )
            return None
        target = source if not address else self._file(self._path(str(source.path), address), source, at)
        if target is None:
            return None
        try:
            node = pointers.walk(target.data, fragment)
        except KeyError:
            where = f"{target.display}#{fragment}" if address else f"#{fragment}"
            self.diagnostics.append(
                warning(
                    source.location(at),
                    f"unresolvable $ref {ref!r}: nothing at {where}; taken as any value",
                    "unresolvable-ref",
                )
            )
            return None
        return target, fragment, node

    def _path(self, referrer: str, address: str) -> str:
        """The file a relative address names, once per referrer and address: DigitalOcean
        writes 22,000 references."""
        key = (referrer, address)
        path = self._paths.get(key)
        if path is None:
            path = self._paths[key] = referenced_file(referrer, address)
        return path

    def _chain_too_long(self) -> str:
        limit = self.budget.limits.max_depth
        return f"a chain of more than {limit} $refs, each leading to the next (limit max-depth)"

    def _keep(self, node: _Node, source: SourceFile, at: str) -> _Node:
        self.origins[id(node)] = (source, at)
        if self._recording:
            self._kept_log.append(id(node))
        self._grow(1)
        return node

    def _grow(self, nodes: int) -> None:
        self._grown += nodes
        budget = self.budget
        budget.nodes += nodes
        if budget.nodes > budget.limits.max_nodes:
            raise _OverBudget

    def _copied(self, value: Any) -> Any:
        """A data value (an example, a default) placed in the output as it is: it is shared,
        not copied, but later stages walk it once per place, so it counts once per place."""
        if isinstance(value, dict | list):
            size = self._sizes.get(id(value))
            if size is None:
                size = self._sizes[id(value)] = count_values(value)
            self._grow(size)
        return value

    # --- the OpenAPI object tree ------------------------------------------------------------

    def bundle(self) -> dict[str, Any]:
        data = self.root.data
        if not isinstance(data, dict):
            raise SpecError([error(self.root.location(""), "the document must be a mapping (an OpenAPI object)")])
        # The root's own schemas keep their names; register them first so that references
        # from other files to them resolve to the same component.
        root_schemas = data.get("components", {}).get("schemas", {}) if isinstance(data.get("components"), dict) else {}
        if isinstance(root_schemas, dict):
            for name in root_schemas:
                self.schema_names[(self.root.path, pointers.join("/components/schemas", name))] = name
                self._taken.add(name)
        out: dict[str, Any] = {}
        for key, value in data.items():
            at = pointers.join("", key)
            if key in ("paths", "webhooks") and isinstance(value, dict):
                out[key] = self._map(value, self.root, at, self._path_item)
            elif key == "components" and isinstance(value, dict):
                out[key] = self._components(value, at)
            else:
                out[key] = self._free_form(value, self.root, at)
        out = _present(out)
        if self.schemas:
            out.setdefault("components", {}).setdefault("schemas", self.schemas)
        return self._keep(out, self.root, "")

    def _components(self, components: dict[str, Any], at: str) -> dict[str, Any]:
        walkers: dict[str, Callable[[Any, SourceFile, str], Any]] = {
            "parameters": self._parameter,
            "responses": self._response,
            "requestBodies": self._request_body,
            "headers": self._parameter,
            "pathItems": self._path_item,
            "callbacks": self._callback,
        }
        out: dict[str, Any] = {}
        for kind, members in components.items():
            kind_at = pointers.join(at, kind)
            if kind == "schemas" and isinstance(members, dict):
                out[kind] = self.schemas  # filled further as other files' schemas are hoisted
                for name, schema in members.items():
                    self.schemas[name] = self._schema(schema, self.root, pointers.join(kind_at, name))
            elif isinstance(members, dict):
                walk = walkers.get(kind, self._plain)
                out[kind] = self._map(members, self.root, kind_at, walk)
            else:
                out[kind] = members
        return self._keep(out, self.root, at)

    def _map(
        self, node: dict[str, Any], source: SourceFile, at: str, walk: Callable[[Any, SourceFile, str], Any]
    ) -> dict[str, Any]:
        walked = {key: walk(value, source, pointers.join(at, key)) for key, value in node.items()}
        return self._keep(_present(walked), source, at)

    def _list(
        self, node: list[Any], source: SourceFile, at: str, walk: Callable[[Any, SourceFile, str], Any]
    ) -> list[Any]:
        walked = [walk(item, source, pointers.join(at, index)) for index, item in enumerate(node)]
        return self._keep([item for item in walked if item is not _GONE], source, at)

    def _object(
        self,
        node: Any,
        source: SourceFile,
        at: str,
        kind: str,
        fields: dict[str, Callable[[Any, SourceFile, str], Any]],
    ) -> Any:
        """Walk a non-schema object, inlining it when it is a `$ref` that is not a root component."""
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            resolved = self._resolve(node["$ref"], source, pointers.join(at, "$ref"))
            if resolved is None:
                return _GONE
            target, fragment, target_node = resolved
            if target is self.root and fragment.startswith(f"/components/{kind}/") and fragment.count("/") == 3:
                return self._keep({"$ref": "#" + fragment}, source, at)
            key = (target.path, fragment)
            if key in self.inlining:
                self._cuts += 1
                self.diagnostics.append(
                    warning(source.location(at), f"circular $ref {node['$ref']!r}: ignored", "circular-ref")
                )
                return _GONE
            if len(self.inlining) >= self.budget.limits.max_depth:
                self._cuts += 1
                self.diagnostics.append(error(source.location(at), self._chain_too_long()))
                return node
            return self._inline(target_node, target, fragment, kind, fields)
        out: dict[str, Any] = {}
        for key, value in node.items():
            walk = fields.get(key)
            if walk is not None:
                out[key] = walk(value, source, pointers.join(at, key))
            elif key in _DATA_VALUED or key == "value" or key.startswith("x-"):
                out[key] = self._copied(value)
            else:
                out[key] = self._free_form(value, source, pointers.join(at, key))
        return self._keep(_present(out), source, at)

    def _inline(
        self,
        node: Any,
        source: SourceFile,
        at: str,
        kind: str,
        fields: dict[str, Callable[[Any, SourceFile, str], Any]],
    ) -> Any:
        """The object at `at` of `source`, walked for a place that refers to it.

        It is walked once; every other place that refers to it gets a copy of the walk (the
        same nodes, origins, diagnostics and budget), unless the walk cut a circular or
        over-long chain of references, which depends on where the walk came from.
        """
        key = (source, at, kind, tuple(fields))
        done = self._inlined.get(key)
        if done is not None:
            self.diagnostics.extend(done.diagnostics)
            self._grow(done.nodes)
            plan = done.copy_plan()
            return self._copy(done.result, plan) if id(done.result) in plan else done.result
        diagnostics, nodes, cuts = len(self.diagnostics), self._grown, self._cuts
        log_start = len(self._kept_log)
        self._recording += 1
        self.inlining.append((source.path, at))
        try:
            result = self._object(node, source, at, kind, fields)
        finally:
            self.inlining.pop()
            self._recording -= 1
        if self._cuts == cuts:
            kept = set(self._kept_log[log_start:])
            self._inlined[key] = _Inlined(result, kept, self.diagnostics[diagnostics:], self._grown - nodes)
        if not self._recording:
            self._kept_log.clear()
        return result

    def _copy(self, node: Any, plan: dict[int, tuple[Any, ...]]) -> Any:
        """A node the walk made, copied with the nodes it made below it (`plan`); the data
        they hold (examples, defaults) is shared. Each is copied shallowly, then what the
        walk made below it in turn."""
        copied = node.copy()
        for key in plan[id(node)]:
            copied[key] = self._copy(node[key], plan)
        self.origins[id(copied)] = self.origins[id(node)]
        if self._recording:
            self._kept_log.append(id(copied))
        return copied

    def _free_form(self, node: Any, source: SourceFile, at: str) -> Any:
        """Text and data where some specs still use `$ref` (a tag's description, say).

        Extension (`x-...`) members are user data for other tools and are left untouched.
        """
        if isinstance(node, list):
            return self._list(node, source, at, self._free_form)
        if not isinstance(node, dict):
            return node
        if "$ref" in node:
            return self._object(node, source, at, "", {})
        walked = {
            key: self._copied(value) if key.startswith("x-") else self._free_form(value, source, pointers.join(at, key))
            for key, value in node.items()
        }
        return self._keep(_present(walked), source, at)

    def _plain(self, node: Any, source: SourceFile, at: str) -> Any:
        return self._object(node, source, at, "", {})

    def _path_item(self, node: Any, source: SourceFile, at: str) -> Any:
        fields: dict[str, Callable[[Any, SourceFile, str], Any]] = {method: self._operation for method in HTTP_METHODS}
        fields["parameters"] = self._parameters
        fields[ADDITIONAL_OPERATIONS] = lambda n, s, a: (
            self._map(n, s, a, self._operation) if isinstance(n, dict) else n
        )
        return self._object(node, source, at, "pathItems", fields)

    def _operation(self, node: Any, source: SourceFile, at: str) -> Any:
        return self._object(
            node,
            source,
            at,
            "",
            {
                "parameters": self._parameters,
                "requestBody": self._request_body,
                "responses": lambda n, s, a: self._map(n, s, a, self._response) if isinstance(n, dict) else n,
                "callbacks": lambda n, s, a: self._map(n, s, a, self._callback) if isinstance(n, dict) else n,
            },
        )

    def _callback(self, node: Any, source: SourceFile, at: str) -> Any:
        if not isinstance(node, dict) or "$ref" in node:
            return self._object(node, source, at, "callbacks", {})
        return self._map(node, source, at, self._path_item)

    def _parameters(self, node: Any, source: SourceFile, at: str) -> Any:
        return self._list(node, source, at, self._parameter) if isinstance(node, list) else node

    def _parameter(self, node: Any, source: SourceFile, at: str) -> Any:
        kind = "headers" if "/headers/" in at else "parameters"
        return self._object(
            node, source, at, kind, {"schema": self._schema, "content": self._content, "examples": self._examples}
        )

    def _request_body(self, node: Any, source: SourceFile, at: str) -> Any:
        return self._object(node, source, at, "requestBodies", {"content": self._content})

    def _response(self, node: Any, source: SourceFile, at: str) -> Any:
        return self._object(
            node,
            source,
            at,
            "responses",
            {
                "content": self._content,
                "headers": lambda n, s, a: self._map(n, s, a, self._parameter) if isinstance(n, dict) else n,
                "links": lambda n, s, a: self._map(n, s, a, self._plain) if isinstance(n, dict) else n,
            },
        )

    def _content(self, node: Any, source: SourceFile, at: str) -> Any:
        if not isinstance(node, dict):
            return node
        return self._map(
            node,
            source,
            at,
            lambda n, s, a: self._object(
                n, s, a, "", {"schema": self._schema, "itemSchema": self._schema, "examples": self._examples}
            ),
        )

    def _examples(self, node: Any, source: SourceFile, at: str) -> Any:
        if not isinstance(node, dict):
            return node
        return self._map(node, source, at, lambda n, s, a: self._object(n, s, a, "examples", {}))

    # --- schemas ----------------------------------------------------------------------------

    def _schema(self, node: Any, source: SourceFile, at: str) -> Any:
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            child_at = pointers.join(at, key)
            if key == "$ref":
                target = self._schema_ref(value, source, child_at)
                if target is not None:  # else: unresolvable, the schema allows any value
                    out[key] = target
            elif key == "discriminator" and isinstance(value, dict) and isinstance(value.get("mapping"), dict):
                out[key] = self._discriminator(value, source, child_at)
            elif key in _DATA_VALUED:
                out[key] = self._copied(value)
            elif key in _SCHEMA_VALUED:
                out[key] = self._schema(value, source, child_at)
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                out[key] = self._list(value, source, child_at, self._schema)
            elif key in SCHEMA_MAPS and isinstance(value, dict):
                out[key] = self._schema_map(value, source, child_at)
            else:
                out[key] = value
        return self._keep(out, source, at)

    def _discriminator(self, node: dict[str, Any], source: SourceFile, at: str) -> dict[str, Any]:
        """Mapping values are references too (`models/pet.yml#/Cat`): point them at the components."""
        mapping_at = pointers.join(at, "mapping")
        mapping = {
            value: target
            if not _is_reference(target)
            else self._schema_ref(target, source, pointers.join(mapping_at, value))
            for value, target in node["mapping"].items()
        }
        mapping = {value: target for value, target in mapping.items() if target is not None}
        return self._keep({**node, "mapping": self._keep(mapping, source, mapping_at)}, source, at)

    def _schema_map(self, node: dict[str, Any], source: SourceFile, at: str) -> dict[str, Any]:
        """A map of schemas; some specs write the whole map as a `$ref` to a map elsewhere."""
        if "$ref" not in node:
            return self._map(node, source, at, self._schema)
        resolved = self._resolve(node["$ref"], source, pointers.join(at, "$ref"))
        if resolved is None or not isinstance(resolved[2], dict):
            return {}
        target, fragment, target_node = resolved
        return self._schema_map(target_node, target, fragment)

    def _schema_ref(self, ref: Any, source: SourceFile, at: str) -> str | None:
        """The component reference a schema `$ref` becomes; None where it leads nowhere."""
        if isinstance(ref, str):
            known = self._schema_refs.get((source, ref))
            if known is not None:
                return known
        component = self._hoisted(ref, source, at)
        if component is not None:
            self._schema_refs[(source, ref)] = component
        return component

    def _hoisted(self, ref: Any, source: SourceFile, at: str) -> str | None:
        resolved = self._resolve(ref, source, at)
        if resolved is None:
            return None
        target, fragment, target_node = resolved
        key = (target.path, fragment)
        name = self.schema_names.get(key)
        if name is None:
            if self.hoisting >= self.budget.limits.max_depth:
                self._cuts += 1
                self.diagnostics.append(error(source.location(at), self._chain_too_long()))
                return None
            name = self._free_name(target, fragment)
            self.schema_names[key] = name
            self._taken.add(name)
            self.schemas[name] = {}  # reserve the slot: the schema may refer to itself
            self.hoisting += 1
            try:
                self.schemas[name] = self._schema(target_node, target, fragment)
            finally:
                self.hoisting -= 1
        return "#/components/schemas/" + pointers.escape(name)

    def _free_name(self, target: SourceFile, fragment: str) -> str:
        tokens = pointers.split(fragment)
        base = tokens[-1] if tokens else target.path.stem
        if tokens[-2:-1] in (["items"], ["additionalProperties"]) or base.isdigit():
            base = "_".join(tokens[-3:]) if tokens else base
        name, counter = base, 1
        while name in self._taken:
            counter += 1
            name = f"{base}{counter}"
        return name


def bundle(
    root_path: Path, options: LoadOptions | None = None, *, check: Callable[[Bundle], list[Diagnostic]] | None = None
) -> tuple[Bundle, list[Diagnostic]]:
    """Load the spec rooted at `root_path` and everything it references.

    Raises SpecError when a file cannot be read or a reference cannot be followed; the
    error also holds what `check` (the validate stage, passed in by the pipeline) finds in
    the rest of the document, so one run reports every problem.
    """
    options = options or LoadOptions()
    budget = Budget(options.limits)
    resolved = root_path.resolve()
    try:
        root = read_source(resolved, budget)
    except FileProblem as exc:
        raise SpecError([error(Location(display_path(root_path)), str(exc))]) from None
    real_paths = RealPaths(reference_roots(resolved, options.ref_roots))
    read_ahead = reading_ahead(str(resolved), real_paths, options.limits)
    bundler = _Bundler(root, budget, real_paths, read_ahead)
    try:
        document = bundler.bundle()
    except _OverBudget:
        limit = options.limits.max_nodes
        raise SpecError(
            [
                error(
                    root.location(""),
                    f"with its $refs followed, the spec grows past {limit:,} values (limit max-nodes)",
                )
            ]
        ) from None
    finally:
        read_ahead.close()
    # A referenced file's values are in the document now, copied or shared, and its lines are
    # found from its text: what only the file held is let go (6 MB of DigitalOcean's run).
    for source in bundler.files.values():
        if source.text is not None:
            source.data = None
    loaded = Bundle(document, root, bundler.files, bundler.origins, options.limits)
    if has_errors(bundler.diagnostics):
        raise SpecError(_sorted(bundler.diagnostics + (check(loaded) if check else [])))
    return loaded, bundler.diagnostics


def _is_reference(target: Any) -> bool:
    """A discriminator mapping value that is a reference, not a bare schema name."""
    return isinstance(target, str) and ("#" in target or "/" in target or target.endswith((".yaml", ".yml", ".json")))


def _sorted(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return in_document_order(dict.fromkeys(diagnostics))
