"""Models for the schema shapes of published specs, and public names that never clash.

The fixtures under tests/fixtures/realworld/ are generated once, imported and checked
with mypy --strict; each construct then goes through the generated client to the
generated mock server and back over HTTP.
"""

from __future__ import annotations

import ast
import asyncio
import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from generator import naming
from generator.diagnostics import Diagnostic
from generator.formatting import BackgroundFormatter
from generator.pipeline import finish_formatting, render_spec
from generator.render import environment
from generator.spec_input import SpecInput
from tests.support import FIXTURES, mypy_strict, run_generator, serve

REALWORLD = FIXTURES / "realworld"
SPECS = [REALWORLD / "name_collisions.yaml"]


class Generated:
    def __init__(self, out: Path, stderr: str) -> None:
        self.out = out
        self.stderr = stderr

    def package(self, name: str) -> ModuleType:
        return importlib.import_module(f"{name}_api")

    def models(self, name: str) -> ModuleType:
        return importlib.import_module(f"{name}_api.models")

    def server(self, name: str) -> ModuleType:
        return importlib.import_module(f"{name}_api.server")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    out = tmp_path_factory.mktemp("realworld")
    run = run_generator("generate", "-v", *SPECS, "--out", out, cwd=REALWORLD)
    assert run.returncode == 0, run.stderr
    folders = [out / spec.stem for spec in SPECS]
    sys.path[:0] = [str(folder) for folder in folders]
    try:
        yield Generated(out, run.stderr)
    finally:
        for folder in folders:
            sys.path.remove(str(folder))


@pytest.fixture(scope="module")
def warnings() -> list[Diagnostic]:
    with BackgroundFormatter() as formatter:
        packages = [render_spec(SpecInput.from_path(spec), environment(), formatter) for spec in SPECS]
        finish_formatting(packages)
    return [diagnostic for package in packages for diagnostic in package.warnings]


def line_of(spec: Path, text: str, after: str | None = None) -> int:
    """The line number of `text` in `spec` (the first after the line `after`)."""
    lines = spec.read_text(encoding="utf-8").splitlines()
    start = lines.index(after) if after is not None else 0
    return lines.index(text, start) + 1


def test_the_packages_import_and_type_check(generated: Generated) -> None:
    for spec in SPECS:
        server = generated.server(spec.stem)
        assert server.create_app(server.InMemoryHandler()).routes
    run = mypy_strict(generated.out, *[str(generated.out / spec.stem / f"{spec.stem}_api") for spec in SPECS])
    assert run.returncode == 0, run.stdout


# --- names ----------------------------------------------------------------------------------


def test_a_model_named_like_one_of_our_symbols_is_renamed_everywhere(generated: Generated) -> None:
    api, models = generated.package("name_collisions"), generated.models("name_collisions")
    server = generated.server("name_collisions")
    # The package's own names keep their meaning...
    assert issubclass(api.ConflictError, api.ApiStatusError) and issubclass(api.NotFoundError, api.ApiStatusError)
    assert api.Client.__module__ == "name_collisions_api.client"
    assert issubclass(server.InMemoryHandler, server.Handler)
    # ...and the models take the next free name, `ConflictErrorModel` being a schema's own.
    assert api.ConflictErrorModel2 is models.ConflictErrorModel2 and issubclass(
        models.ConflictErrorModel, models.ApiModel
    )
    for name in ("ClientModel", "NotFoundErrorModel", "InMemoryHandlerModel", "TModel", "ExceptionModel", "Pet2"):
        assert hasattr(api, name), name
    assert not hasattr(models, "ConflictError") and not hasattr(models, "Client")
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        stored = client.create_conflict(body=models.ConflictErrorModel2(message="m", other={"id": 1}))
        assert isinstance(stored, models.ConflictErrorModel2) and stored.other == models.ConflictErrorModel(id=1)
        body = {
            "id": 7,
            "handler": {"name": "h"},
            "redirect": "always",
            "error": {"code": 3},
            "async": ["a"],
            "t": {"value": "v"},
            "exception": {"trace": "x"},
            "pets": [{"name": "Rex"}],
            "little_pets": [{"size": "s"}],
        }
        found = client.put_client(7, body=body)
        assert isinstance(found, models.ClientModel) and found.redirect is models.RedirectErrorModel.ALWAYS
        assert isinstance(found.async_, models.AsyncClientModel) and isinstance(found.t, models.TModel)
        assert isinstance(found.pets[0], models.Pet) and isinstance(found.little_pets[0], models.Pet2)
        assert found.model_dump(by_alias=True, exclude_unset=True) == body
        with pytest.raises(api.NotFoundError) as missing:
            client.get_client(8)
        assert isinstance(missing.value.body, models.NotFoundErrorModel)  # the exception, carrying the model

    async def read_async() -> Any:
        async with api.AsyncClient(url) as client:
            return await client.create_conflict(body={"message": "async"})

    with serve(server.create_app(server.InMemoryHandler())) as url:
        assert asyncio.run(read_async()).message == "async"


def test_renames_are_listed_in_the_readme_and_warned_about(generated: Generated, warnings: list[Diagnostic]) -> None:
    readme = (generated.out / "name_collisions" / "README.md").read_text(encoding="utf-8")
    assert "## Renamed models" in readme
    assert "- `ConflictError` is `name_collisions_api.ConflictErrorModel2`" in readme
    assert "- `pet` is `name_collisions_api.Pet2`" in readme
    assert "ConflictErrorModel`" not in readme.split("## Renamed models")[1].split("##")[0].replace("Model2`", "")
    spec = REALWORLD / "name_collisions.yaml"
    renamed = {d.location.pointer: d for d in warnings if d.kind == "model-renamed"}
    conflict = renamed["/components/schemas/ConflictError"]
    assert conflict.location.line == line_of(spec, "    ConflictError:")
    assert "ConflictErrorModel2" in conflict.message and "package defines" in conflict.message
    assert "another schema" in renamed["/components/schemas/pet"].message
    assert "builtin" in renamed["/components/schemas/Exception"].message
    assert f"name_collisions.yaml:{conflict.location.line}: /components/schemas/ConflictError: warning:" in (
        generated.stderr
    )
    assert "name_collisions.yaml: 10 warnings (10 model-renamed)" in generated.stderr


def test_the_reserved_names_are_every_name_the_generated_modules_define(generated: Generated) -> None:
    """Read from the templates, the reserved set holds every name a generated module defines
    or imports (the models excepted): a model by any of those names would shadow it."""
    package_dir = generated.out / "name_collisions" / "name_collisions_api"
    found: set[str] = set()
    for module in ("__init__.py", "client.py", "server.py", "errors.py", "_base_client.py", "models.py"):
        for node in ast.parse((package_dir / module).read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef) and module != "models.py":
                found.add(node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found |= {target.id for target in targets if isinstance(target, ast.Name)}
            elif isinstance(node, ast.ImportFrom) and node.module != "models":
                found |= {alias.asname or alias.name for alias in node.names}
    found.add("ApiModel")
    capitalised = {name for name in found if name[:1].isupper()}  # what a class name can be
    assert capitalised <= naming.GENERATED_SYMBOLS, capitalised - naming.GENERATED_SYMBOLS
    assert {"ConflictError", "NotFoundError", "RedirectError", "InMemoryHandler", "T"} <= naming.GENERATED_SYMBOLS
