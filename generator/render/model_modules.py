"""Which submodule of the models package defines each model class.

A big spec has thousands of models, and importing them all costs a second; the models
package imports a submodule only when one of its names is first used. So that one
operation's models load without the rest, classes are grouped by the operations that use
them: an operation's group is its first tag, or for a spec without tags the first segment
of its path after the prefix every path shares.

A class reached (through references) from one group's operations goes to that group's
module, one reached from several to `_shared`, and one that no operation reaches to
`_other`. Whatever reaches a class reaches everything it references, so a class's groups
include those of every class referencing it: references go from a group module to
`_shared` or within a module, and from `_other` anywhere, never around a cycle.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from generator import naming, pointers
from generator.load.bundle import operations_of
from generator.schemas import SCHEMA_REF_PREFIX
from generator.traverse import objects

BASE_MODULE = "_base"  # ApiModel and the helpers every module shares
SHARED_MODULE = "_shared"
OTHER_MODULE = "_other"
_MAX_MODULE_NAME = 40
_LOWER_TO_UPPER = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class PlannedModule:
    name: str  # the submodule: `_droplets`, `_shared`
    description: str  # what its classes have in common: plain text, for a docstring
    classes: tuple[str, ...]  # in definition order


@dataclass(frozen=True, slots=True)
class _Group:
    name: str
    description: str
    roots: frozenset[str]  # the classes its operations reference themselves


def plan_modules(document: dict[str, Any], order: list[str], uses: Mapping[str, set[str]]) -> list[PlannedModule]:
    """The submodules of the models package, each with its classes (kept in `order`).

    `uses` holds, for each class, the classes its definition names (bases, annotations,
    defaults); every such reference must stay inside a module or lead to one imported first.
    """
    groups = _operation_groups(document, set(order))
    reached = _reaching_groups(order, uses, [group.roots for group in groups])
    members: dict[str, list[str]] = {}
    for name in order:
        bits = reached[name]
        if bits == 0:
            module = OTHER_MODULE
        elif bits & (bits - 1):  # more than one bit: more than one group
            module = SHARED_MODULE
        else:
            module = groups[bits.bit_length() - 1].name
        members.setdefault(module, []).append(name)
    descriptions = {group.name: group.description for group in groups}
    descriptions[SHARED_MODULE] = "Models that the operations of several groups use."
    descriptions[OTHER_MODULE] = (
        "Models that no operation uses: component schemas kept for reference."
        if groups
        else "Models of the document's component schemas."
    )
    # Dependencies first, so a reader meets `_shared` before the modules importing it.
    names = [SHARED_MODULE, *(group.name for group in groups), OTHER_MODULE]
    return [PlannedModule(name, descriptions[name], tuple(members[name])) for name in names if name in members]


def _operation_groups(document: dict[str, Any], classes: set[str]) -> list[_Group]:
    """The groups of the spec's operations, in the order the spec first names each."""
    paths = document.get("paths")
    items = [(path, item) for path, item in paths.items() if isinstance(item, dict)] if isinstance(paths, dict) else []
    prefix = _common_prefix([path for path, _ in items])
    roots: dict[tuple[str, str], set[str]] = {}
    for path, item in items:
        shared_parameters = item.get("parameters")
        for _, operation in operations_of(item):
            key = _group_of(operation, path, prefix)
            found = roots.setdefault(key, set())
            found |= _referenced_classes([operation, shared_parameters], document) & classes
    taken = {BASE_MODULE, SHARED_MODULE, OTHER_MODULE}
    module_names = naming.unique((_module_name(label) for _, label in roots), taken=taken)
    return [
        _Group(module, _describe(kind, label), frozenset(found))
        for ((kind, label), found), module in zip(roots.items(), module_names, strict=True)
    ]


def _group_of(operation: dict[str, Any], path: str, prefix: int) -> tuple[str, str]:
    tags = operation.get("tags")
    if isinstance(tags, list) and tags and isinstance(tags[0], str) and tags[0].strip():
        return ("tag", tags[0])
    # The first fixed segment after the shared prefix (`/v2/droplets/{id}`: droplets), or
    # the prefix's last where none follows (`/pets` and `/pets/{id}` are both pets).
    segments = [segment for segment in path.split("/") if segment]
    fixed = [segment for segment in segments[prefix:] if "{" not in segment] or segments[:prefix][-1:]
    return ("path", fixed[0] if fixed else "")


def _common_prefix(paths: list[str]) -> int:
    """How many leading segments every path shares (`/v2/droplets`, `/v2/images`: 1), so
    that a spec whose paths all start `/v2` is not one group. A template is never shared."""
    split = [[segment for segment in path.split("/") if segment] for path in paths]
    if len(split) < 2:
        return 0
    count = 0
    for column in zip(*split, strict=False):
        if len(set(column)) != 1 or "{" in column[0]:
            break
        count += 1
    return count


def _module_name(label: str) -> str:
    """`Floating IPs` -> `_floating_ips`, `dropletActions` -> `_droplet_actions`."""
    folded = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode("ascii")
    words = _LOWER_TO_UPPER.sub("_", folded)  # acronyms stay whole: `VPCs`, `IPv6`
    name = "_".join(re.findall(r"[0-9A-Za-z]+", words)).lower()[:_MAX_MODULE_NAME].strip("_")
    return f"_{name or 'group'}"


def _describe(kind: str, label: str) -> str:
    if kind == "tag":
        return f"Models that only the operations tagged {label!r} use."
    if not label:
        return "Models that only the operations at the root path use."
    return f"Models that only the operations under {label!r} use."


def _referenced_classes(nodes: Iterable[Any], document: dict[str, Any]) -> set[str]:
    """The component schemas `nodes` reference, following references to other components
    (responses, parameters, request bodies) on the way. A pointer into a schema counts as
    its component: a class of its own is one the component's class uses."""
    found: set[str] = set()
    followed: set[str] = set()
    stack = list(nodes)
    while stack:
        for node in objects(stack.pop()):
            ref = node.get("$ref")
            if not isinstance(ref, str) or not ref.startswith("#/"):
                continue
            if ref.startswith(SCHEMA_REF_PREFIX):
                found.add(pointers.unescape(ref[len(SCHEMA_REF_PREFIX) :].split("/")[0]))
            elif ref not in followed:
                followed.add(ref)
                with contextlib.suppress(KeyError):  # one that leads nowhere: validation says so
                    stack.append(pointers.walk(document, ref[1:]))
    return found


def _reaching_groups(order: list[str], uses: Mapping[str, set[str]], roots: list[frozenset[str]]) -> dict[str, int]:
    """For each class, the groups that reach it, as bits (group i is bit i).

    Classes that reference each other in a cycle are reached together, so the graph's
    strongly connected components are visited, referrers before what they reference, and
    each passes its bits on: linear in the references, whatever the number of groups.
    """
    bits = dict.fromkeys(order, 0)
    for index, group_roots in enumerate(roots):
        for name in group_roots:
            bits[name] |= 1 << index
    for component in _components_referrers_first(order, uses):
        combined = 0
        for name in component:
            combined |= bits[name]
        for name in component:
            bits[name] = combined
        for name in component:
            for used in uses[name]:
                bits[used] |= combined
    return bits


def _components_referrers_first(order: list[str], uses: Mapping[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components, iteratively; Tarjan finds a component after
    every component it references, so the reversed list puts referrers first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    for start in order:
        if start in index:
            continue
        work: list[tuple[str, list[str]]] = [(start, sorted(uses[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            name, pending = work[-1]
            if pending:
                used = pending.pop()
                if used not in index:
                    index[used] = low[used] = len(index)
                    stack.append(used)
                    on_stack.add(used)
                    work.append((used, sorted(uses[used])))
                elif used in on_stack:
                    low[name] = min(low[name], index[used])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[name])
            if low[name] == index[name]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == name:
                        break
                found.append(component)
    found.reverse()
    return found
