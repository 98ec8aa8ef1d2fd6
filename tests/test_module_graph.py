"""The generator's modules import each other in one direction: no cycles, stages in order.

The graph is read from the source with `ast`, imports inside functions included (a
function-level import is how a cycle hides). A stage package may import the shared
utilities, its own modules and the stages before it, never a later one; the shared
utilities import only each other.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "generator"

# Modules every stage may use; they import only each other.
SHARED = frozenset(
    {
        "generator",
        "generator.assets",
        "generator.diagnostics",
        "generator.in_child",
        "generator.literals",
        "generator.media_types",
        "generator.naming",
        "generator.pointers",
        "generator.schemas",
        "generator.traverse",
    }
)
# The pipeline's order; a module may import from its own place in it or an earlier one.
ORDER = (
    "generator.load",
    "generator.validate",
    "generator.normalize",
    "generator.ir",
    "generator.change",  # the IR of two versions compared, for the changelog rendered next
    "generator.render",
    "generator.write",
    "generator.pipeline",  # every stage, one spec at a time
    "generator.cli",
    "generator.__main__",
)


def module_files() -> dict[str, Path]:
    """Every module of the generator by dotted name (a package by its own name)."""
    found = {}
    for path in sorted(GENERATOR.rglob("*.py")):
        parts = path.relative_to(GENERATOR.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imported_modules(path: Path, name: str, known: frozenset[str]) -> Iterator[str]:
    """The generator modules `path` imports anywhere in its code (`from P import m` names
    the submodule m when there is one, else the package P)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in known:
                    yield submodule
                elif base in known:
                    yield base


def import_graph() -> dict[str, set[str]]:
    files = module_files()
    known = frozenset(files)
    return {name: set(imported_modules(path, name, known)) - {name} for name, path in files.items()}


def find_cycle(graph: Mapping[str, set[str]]) -> list[str] | None:
    """One cycle of `graph` as the path that closes it (`[a, b, a]`), or None."""
    done: set[str] = set()
    for start in sorted(graph):
        if start in done:
            continue
        path, on_path = [start], {start}
        stack = [iter(sorted(graph[start]))]
        while stack:
            following = next(stack[-1], None)
            if following is None:
                stack.pop()
                done.add(path[-1])
                on_path.discard(path.pop())
            elif following in on_path:
                return [*path[path.index(following) :], following]
            elif following not in done:
                path.append(following)
                on_path.add(following)
                stack.append(iter(sorted(graph.get(following, ()))))
    return None


def rank(module: str) -> int:
    """0 for a shared utility, else 1 + the place of the module's stage in ORDER."""
    if module in SHARED:
        return 0
    for place, prefix in enumerate(ORDER, start=1):
        if module == prefix or module.startswith(prefix + "."):
            return place
    raise AssertionError(f"{module} belongs to no stage: add it to SHARED or move it into a stage package")


def test_the_graph_is_read_from_the_source_with_function_level_imports() -> None:
    graph = import_graph()
    assert "generator.load.bundle" in graph["generator.pipeline"]
    assert "generator.change.changelog" in graph["generator.pipeline"]  # `from generator.change import changelog`
    # `generator.pipeline` is imported inside the command functions only.
    assert "generator.pipeline" in graph["generator.cli.main"]


def test_find_cycle_reports_the_cycle_it_finds() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": {"b2", "a"}, "b2": set()}) == ["a", "b", "a"]


def test_no_module_imports_itself_through_others() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle or ())


def test_every_module_imports_only_shared_utilities_and_earlier_stages() -> None:
    backwards = [
        f"{module} imports {target}"
        for module, targets in sorted(import_graph().items())
        for target in sorted(targets)
        if rank(target) > rank(module)
    ]
    assert backwards == []


def test_the_readme_lists_the_modules_of_every_stage_package() -> None:
    rows = re.findall(
        r"^\| [\w ]+ \| `(\w+)/` \| (.+?) \|", (ROOT / "README.md").read_text(encoding="utf-8"), re.MULTILINE
    )
    listed = {package: set(re.findall(r"`(\w+\.py)`", modules)) for package, modules in rows}
    stages = [prefix.removeprefix("generator.") for prefix in ORDER[: ORDER.index("generator.pipeline")]]
    assert list(listed) == stages  # in the pipeline's order
    for package, modules in listed.items():
        assert modules == {p.name for p in (GENERATOR / package).glob("*.py") if p.name != "__init__.py"}, package
