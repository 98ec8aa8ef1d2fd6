"""Models for the schema shapes of published specs, and public names that never clash.

The fixtures under tests/fixtures/realworld/ are generated once, imported and checked
with mypy --strict; each construct then goes through the generated client to the
generated mock server and back over HTTP. What the validator still refuses (a default
of the wrong type, a discriminator mapping to nothing) is fed to the model builder
directly.
"""

from __future__ import annotations

import ast
import asyncio
import importlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pydantic
import pytest

from generator import naming
from generator.diagnostics import Diagnostic, Location
from generator.load.spec_input import SpecInput
from generator.pipeline import finish_formatting, render_spec
from generator.render.model_builder import build_models
from generator.render.render import environment
from generator.write.formatting import BackgroundFormatter
from tests.support import FIXTURES, importable, mypy_strict, run_generator, serve

REALWORLD = FIXTURES / "realworld"
SPECS = [REALWORLD / "model_shapes.yaml", REALWORLD / "name_collisions.yaml", REALWORLD / "required_elsewhere.yaml"]


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
    with importable(*(out / spec.stem for spec in SPECS)):
        yield Generated(out, run.stderr)


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
    assert "## Renamed models" not in (generated.out / "model_shapes" / "README.md").read_text(encoding="utf-8")
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
    """Read from the templates and the runtime, the reserved set holds every name a generated
    module defines or imports (the models excepted): a model by any of those names would
    shadow it. The classes named after a tag give way to the models instead."""
    package_dir = generated.out / "name_collisions" / "name_collisions_api"
    found: set[str] = set()
    per_tag: set[str] = set()
    for path in sorted(package_dir.rglob("*.py")):
        module = path.relative_to(package_dir).as_posix()
        in_models = module.startswith("models/")
        for node in _module_level(ast.parse(path.read_text(encoding="utf-8")).body):
            if isinstance(node, ast.ClassDef) and module.startswith(("_resources/", "_routes/")):
                per_tag.add(node.name)
            elif isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                if not (in_models and isinstance(node, ast.ClassDef)):  # the models themselves
                    found.add(node.name)
            elif isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found |= {target.id for target in targets if isinstance(target, ast.Name)}
            elif isinstance(node, ast.ImportFrom) and not (node.module == "models" or (in_models and node.level)):
                found |= {alias.asname or alias.name for alias in node.names}
    found.add("ApiModel")
    models = set(dir(generated.models("name_collisions")))
    assert per_tag and not per_tag & models
    # What a class name can be: model names never hold `_`, which every tag's constant does.
    capitalised = {name for name in found - per_tag if name[:1].isupper() and "_" not in name}
    assert capitalised <= naming.GENERATED_SYMBOLS, capitalised - naming.GENERATED_SYMBOLS
    assert {"ConflictError", "NotFoundError", "RedirectError", "InMemoryHandler", "T"} <= naming.GENERATED_SYMBOLS


def _module_level(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements of a module, those under its `if` blocks (`if TYPE_CHECKING:`) too."""
    found: list[ast.stmt] = []
    for node in body:
        found += _module_level(node.body + node.orelse) if isinstance(node, ast.If) else [node]
    return found


# --- values Literal cannot spell --------------------------------------------------------------


CHOICES = {
    "ratio": 1.5,
    "scale": 0.25,
    "mixed": 1.5,
    "whole": 2,
    "shape": {"kind": "square", "sides": 4},
    "corners": [0, 90, 180, 270],
    "half": 0.5,
}


def test_float_enums_mixed_enums_and_object_constants(generated: Generated) -> None:
    api, models, server = (
        generated.package("model_shapes"),
        generated.models("model_shapes"),
        generated.server("model_shapes"),
    )
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        choices = client.post_choices(body=CHOICES)
        assert choices.model_dump(mode="json", exclude_unset=True) == CHOICES
        assert client.post_choices(body={**CHOICES, "mixed": "a", "scale": 4}).mixed == "a"
        assert client.post_choices(body={**CHOICES, "mixed": None}).mixed is None
        assert httpx.post(f"{url}/choices", json={**CHOICES, "ratio": 2.5}).status_code == 400
        # Inline in an operation, the client's signature says `list[float]`; the gate checks.
        assert set(client.post_ratios(body=[0.5, 1.5])) <= {0.5, 1.5}
        assert httpx.post(f"{url}/ratios", json=[0.5, 2.5]).status_code == 400
    for wrong in ({"ratio": 2.5}, {"scale": 0.5}, {"mixed": "b"}, {"mixed": 2.5}, {"whole": 3}, {"half": 1.5}):
        with pytest.raises(pydantic.ValidationError):
            models.Choices.model_validate({**CHOICES, **wrong})
    with pytest.raises(pydantic.ValidationError, match="must be one of"):
        models.Choices.model_validate({**CHOICES, "shape": {"kind": "circle"}})
    with pytest.raises(pydantic.ValidationError, match="must be one of"):
        models.Choices.model_validate({**CHOICES, "corners": [0, 90]})

    # The client checks what the API answers the same way.
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={**CHOICES, "ratio": 3.5})

    transport = httpx.Client(transport=httpx.MockTransport(answer))
    with (
        api.Client("https://shapes.test", http_client=transport) as client,
        pytest.raises(api.ApiResponseValidationError),
    ):
        client.post_choices(body=CHOICES)


# --- constraints ------------------------------------------------------------------------------


BOUNDS = {
    "code": "abc",
    "step": 6,
    "big": 10**19,
    "label": "abcde",
    "id": "0b5fb1b4-4a44-4b5e-9d05-46f4f6b62d11",
    "at": "2026-01-02T03:04:05Z",
    "either": "ab",
    "twice": {"tag": "ab"},
}


def test_all_of_members_constraining_one_value_and_constraints_by_kind(generated: Generated) -> None:
    api, models, server = (
        generated.package("model_shapes"),
        generated.models("model_shapes"),
        generated.server("model_shapes"),
    )
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        bounds = client.post_bounds(body=BOUNDS)
        assert bounds.code == "abc" and bounds.step == 6 and bounds.label == "abcde"
        assert bounds.id == uuid.UUID(BOUNDS["id"]) and bounds.at.year == 2026  # formats with lengths: no TypeError
        assert client.post_bounds(body={**BOUNDS, "either": ["x", "y"]}).either == ["x", "y"]
        assert client.post_bounds(body={**BOUNDS, "either": None}).either is None
        for wrong in ({"code": "abcde"}, {"step": 4}, {"label": "abcdef"}, {"either": []}):
            assert httpx.post(f"{url}/bounds", json={**BOUNDS, **wrong}).status_code == 400, wrong
    # Every member's bound holds: the stricter of each, both patterns, both multiples.
    wrong_values = [
        {"code": "a"},  # minLength 2 of the first member
        {"code": "abcde"},  # the second member's pattern (and maxLength 6 still lets it through)
        {"code": "AB"},  # the first member's pattern
        {"step": 4},  # a multiple of 2, not of 3
        {"step": 0},  # exclusiveMinimum 0
        {"step": 102},  # maximum 100
        {"big": 0},  # minimum 0.5, for an integer: 1
        {"big": 10**20 + 1},  # maximum 1e20, a float in JSON, an int for pydantic
        {"label": "abcdef"},  # the maxLength next to the reference
        {"either": "a"},  # minLength, for text
        {"either": ["a", "b", "c"]},  # maxItems, for arrays
        {"twice": {"tag": "a"}},  # minLength of one allOf member's `tag`
        {"twice": {"tag": "abcd"}},  # maxLength of the other's
    ]
    for wrong in wrong_values:
        with pytest.raises(pydantic.ValidationError):
            models.Bounds.model_validate({**BOUNDS, **wrong})
    assert models.Bounds.model_validate({**BOUNDS, "step": 12, "either": ["a"]}).step == 12


# --- discriminators ------------------------------------------------------------------------------


def test_a_discriminator_the_members_support_and_one_they_do_not(
    generated: Generated, warnings: list[Diagnostic]
) -> None:
    api, models, server = (
        generated.package("model_shapes"),
        generated.models("model_shapes"),
        generated.server("model_shapes"),
    )
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        dog = client.post_pet(body={"pet-type": "dog", "good": True})
        assert isinstance(dog.root, models.Dog) and dog.root.good is True
        cat = client.post_pet(body=models.Pet(models.Cat(pet_type="cat", lives=9)))
        assert isinstance(cat.root, models.Cat) and cat.root.lives == 9
        assert httpx.post(f"{url}/pets", json={"pet-type": "fish"}).status_code == 400
        # Fish declares no `kind`: the models' union is a plain one, each member tried in
        # turn, while the server's gate still wants the discriminator's value.
        bird = client.post_animal(body={"kind": "Bird", "wings": 2})
        assert isinstance(bird.root, models.Bird) and bird.root.wings == 2
        # (A Fish model has no `kind` to send: the gate takes one the spec's way, raw.) The
        # Fish the mock stores has no `kind` either, so it answers with the example, which
        # carries the discriminator as the schema the server checks with asks.
        fish = httpx.post(f"{url}/animals", json={"kind": "Fish", "fins": 3})
        assert fish.status_code == 200 and "kind" in fish.json()
        assert isinstance(models.Animal.model_validate(fish.json()).root, models.Bird | models.Fish)
        assert httpx.post(f"{url}/animals", json={"kind": "Cow", "fins": 3}).status_code == 400
    with pytest.raises(pydantic.ValidationError, match="pet-type"):
        models.Pet.model_validate({"pet-type": "fish"})  # the tag picks the member
    spec = REALWORLD / "model_shapes.yaml"
    (dropped,) = [d for d in warnings if d.kind == "discriminator-dropped"]
    assert dropped.location.pointer == "/components/schemas/Animal/discriminator"
    assert dropped.location.line == line_of(spec, "      discriminator:", after="    Animal:")
    assert "Fish has no property 'kind'" in dropped.message


# --- nullable values, maps, recursion, names ---------------------------------------------------------


def test_nullable_references_and_type_arrays(generated: Generated) -> None:
    api, models, server = (
        generated.package("model_shapes"),
        generated.models("model_shapes"),
        generated.server("model_shapes"),
    )
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        empty = client.post_nullables(body={"colour": None, "point": None, "note": None})
        assert empty.colour is None and empty.point is None and empty.note is None
        full = client.post_nullables(
            body={"colour": "red", "point": {"x": 1}, "note": "n", "count": 2, "either": None, "anything": [1]}
        )
        assert full.colour is models.Colour.RED and full.point == models.Point(x=1) and full.count == 2
        assert full.anything is not None and full.anything.root == [1]  # `Anything: true`, any value
        assert httpx.post(f"{url}/nullables", json={"colour": "blue", "point": None, "note": None}).status_code == 400
    for wrong in ({"colour": "blue"}, {"note": "x" * 11}, {"count": 0}, {"point": {}}):
        with pytest.raises(pydantic.ValidationError):
            models.Nullables.model_validate({"colour": None, "point": None, "note": None, **wrong})


def test_typed_pattern_and_sized_maps(generated: Generated) -> None:
    api, models, server = (
        generated.package("model_shapes"),
        generated.models("model_shapes"),
        generated.server("model_shapes"),
    )
    body = {"counts": {"a": 1}, "labels": {"ab": "x"}, "tagged": {"name": "n", "x-one": 1}, "sized": {"a": "b"}}
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        maps = client.post_maps(body=body)
        assert maps.counts == {"a": 1} and maps.labels == {"ab": "x"} and maps.sized == {"a": "b"}
        assert maps.tagged.name == "n" and maps.tagged.model_extra == {"x-one": 1}  # kept, not refused
        assert maps.model_dump(by_alias=True, exclude_unset=True) == body
        for wrong in ({"labels": {"AB": "x"}}, {"tagged": {"name": "n", "other": 1}}, {"sized": {}}):
            assert httpx.post(f"{url}/maps", json=wrong).status_code == 400, wrong
    for wrong in ({"counts": {"a": "x"}}, {"labels": {"ab": 1}}, {"sized": {}}, {"sized": {"a": "", "b": "", "c": ""}}):
        with pytest.raises(pydantic.ValidationError):
            models.Maps.model_validate(wrong)


def test_recursive_models(generated: Generated) -> None:
    api, models, server = (
        generated.package("model_shapes"),
        generated.models("model_shapes"),
        generated.server("model_shapes"),
    )
    body = {
        "name": "root",
        "children": [{"name": "leaf", "children": []}],
        "parent": None,
        "forest": {"other": {"name": "other", "parent": {"name": "up"}}},
    }
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        tree = client.post_tree(body=body)
    assert isinstance(tree.children[0], models.Tree) and tree.parent is None
    assert isinstance(tree.forest, models.Forest) and tree.forest.root["other"].parent.name == "up"
    assert tree.model_dump(exclude_unset=True) == body


def test_property_names_that_are_keywords_digits_or_the_same_once_converted(generated: Generated) -> None:
    api, server = generated.package("model_shapes"), generated.server("model_shapes")
    body = {
        "class": "c",
        "import": "i",
        "2nd": "2",
        "sec-ond": "dash",
        "sec_ond": "underscore",
        "Second": "upper",
        "second": "lower",
        "self": "s",
        "model_config": "m",
        "@type": "t",
    }
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        names = client.post_names(body=body)
    # A wire name that is a Python name already keeps it; the others take what is left.
    assert (names.sec_ond, names.sec_ond_2, names.second, names.second_2) == ("underscore", "dash", "lower", "upper")
    assert (names.class_, names.import_, names.field_2nd, names.self, names.model_config_) == ("c", "i", "2", "s", "m")
    assert names.type == "t"
    assert names.model_dump(by_alias=True, exclude_unset=True) == body


# --- required at another level than the property, nullable beside a composition ----------------------


def test_a_property_is_required_whichever_level_says_so(generated: Generated) -> None:
    api, models, server = (
        generated.package("required_elsewhere"),
        generated.models("required_elsewhere"),
        generated.server("required_elsewhere"),
    )
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        # The base requires `items`, a subclass's allOf member defines it.
        page = client.post_playlists(body={"href": "h", "total": 1, "items": [{"name": "n"}]})
        assert isinstance(page, models.PlaylistPage) and page.items == [models.Playlist(name="n")]
        # Required and defined nowhere: any value, null too, under its own wire name.
        body = {"endpoint": None, "ingest-url": [1], "class": "c"}
        logtail = client.post_destination(body=body)
        assert (logtail.endpoint, logtail.ingest_url, logtail.class_) == (None, [1], "c")
        assert logtail.model_dump(by_alias=True, exclude_unset=True) == body
        # `required` beside an allOf, the property in a base or in an inline member.
        totals = client.post_totals(body={"total": 1, "pages": 2})
        assert (totals.total, totals.pages) == (1, 2)
        # One base requires what the other defines.
        assert client.post_pair(body={"name": "n"}).name == "n"
        missing = [
            ("playlists", {"href": "h", "total": 1}),
            ("destinations", {"ingest-url": 1, "class": "c"}),
            ("totals", {"pages": 2}),
            ("totals", {"total": 1}),
            ("pairs", {"size": 2}),
        ]
        for path, wrong in missing:
            assert httpx.post(f"{url}/{path}", json=wrong).status_code == 400, (path, wrong)
    for model, wrong in [
        (models.PlaylistPage, {"href": "h", "total": 1}),
        (models.Paging, {"href": "h", "total": 1}),
        (models.LogtailSpec, {"endpoint": 1, "ingest-url": 1}),
        (models.Totals, {"pages": 2}),
        (models.Pair, {"size": 2}),
    ]:
        with pytest.raises(pydantic.ValidationError):
            model.model_validate(wrong)
    assert models.PlaylistPage.model_fields["items"].annotation == list[models.Playlist]
    assert models.Pair.model_fields["name"].annotation is str


BACKUP_FIELDS = ["next", "choice", "either", "limit", "dressed", "typed", "member", "sibling"]


def test_nullable_beside_a_reference_or_a_composition(generated: Generated) -> None:
    api, models, server = (
        generated.package("required_elsewhere"),
        generated.models("required_elsewhere"),
        generated.server("required_elsewhere"),
    )
    window = {"start": "2026-01-02T03:04:05Z"}
    nulls = dict.fromkeys(BACKUP_FIELDS)
    values = {**dict.fromkeys(BACKUP_FIELDS, window), "choice": 2, "either": "x", "limit": 3}
    with serve(server.create_app(server.InMemoryHandler())) as url, api.Client(url) as client:
        # The server's gate takes null where the model does, and the model builds.
        empty = client.post_backups(body=nulls)
        assert empty.model_dump(exclude_unset=True) == nulls
        full = client.post_backups(body=values)
        assert isinstance(full.next, models.Window) and isinstance(full.typed, models.Window)
        assert full.limit == models.Limit(3) and full.choice == models.Limit(2) and full.either == "x"
        # Nullable is not optional, and null is no licence for another value.
        for wrong in ({"limit": 0}, {"typed": {}}, {"member": 1}, {"sibling": "x"}):
            assert httpx.post(f"{url}/backups", json={**values, **wrong}).status_code == 400, wrong
        for field in BACKUP_FIELDS:
            absent = {key: value for key, value in values.items() if key != field}
            assert httpx.post(f"{url}/backups", json=absent).status_code == 400, field
    for field in BACKUP_FIELDS:
        with pytest.raises(pydantic.ValidationError):
            models.Backups.model_validate({key: value for key, value in nulls.items() if key != field})
    assert models.Backups.model_validate({**nulls, "later": None}).later is None

    # A whole response that is a nullable union: the client takes null.
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"null", headers={"content-type": "application/json"})

    transport = httpx.Client(transport=httpx.MockTransport(answer))
    with api.Client("https://backups.test", http_client=transport) as client:
        assert client.post_window(body=window).root is None


# --- what the validator still refuses, given to the model builder ------------------------------------


def test_a_default_of_another_type_is_left_out() -> None:
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "components": {
            "schemas": {
                "Invoice": {
                    "type": "object",
                    "properties": {
                        "paid": {"type": "boolean", "default": "false"},
                        "sent": {"type": "boolean", "default": False},
                        "tags": {"type": "array", "items": {"type": "string"}, "default": [1]},
                        "kind": {"type": "string", "enum": ["a", "b"], "default": "c"},
                        "ratio": {"type": "number", "enum": [0.5, 1.5], "default": 1.5},
                    },
                }
            }
        },
    }
    models, _ = build_models(document)
    (invoice,) = models.classes
    defaults = {field.name: field.default for field in invoice.fields}
    assert defaults == {"paid": "None", "sent": "False", "tags": "None", "kind": "None", "ratio": "1.5"}
    annotations = {field.name: field.annotation for field in invoice.fields}
    assert annotations["paid"] == "bool | None"


def test_a_discriminator_mapping_to_a_missing_schema_or_an_inline_member_is_dropped() -> None:
    member = {"type": "object", "properties": {"kind": {"type": "string"}}}
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "components": {
            "schemas": {
                "A": member,
                "B": member,
                "Missing": {
                    "oneOf": [{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}],
                    "discriminator": {
                        "propertyName": "kind",
                        "mapping": {"a": "#/components/schemas/A", "b": "#/components/schemas/Gone"},
                    },
                },
                "Inline": {"anyOf": [member, {"type": "string"}], "discriminator": {"propertyName": "kind"}},
            }
        },
    }
    models, found = build_models(document, lambda pointer: Location("spec.yaml", pointer, 1))
    roots = {model.name: model.fields[0].annotation for model in models.classes if model.name in ("Missing", "Inline")}
    assert roots == {"Missing": "A | B", "Inline": "Inline1 | str"}
    assert [(d.kind, d.location.pointer) for d in found] == [
        ("discriminator-dropped", "/components/schemas/Missing/discriminator"),
        ("discriminator-dropped", "/components/schemas/Inline/discriminator"),
    ]
    assert "'#/components/schemas/Gone', which is not a member" in found[0].message
    assert "member 1 is not a reference" in found[1].message


def test_a_mapping_value_the_member_does_not_allow_leaves_the_union_plain() -> None:
    """Spotify's union of TrackObject and EpisodeObject has no mapping: its values are the
    schema names, which their own `type: {enum: [episode]}` excludes. Narrowing the member's
    field to `Literal["EpisodeObject"]` would refuse every episode (found by the models
    differential): the union tries each member instead, and the member keeps its values."""
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "components": {
            "schemas": {
                "Track": {"type": "object", "properties": {"type": {"type": "string", "enum": ["track"]}}},
                "Episode": {"type": "object", "properties": {"type": {"type": "string", "enum": ["episode"]}}},
                "Item": {
                    "oneOf": [{"$ref": "#/components/schemas/Track"}, {"$ref": "#/components/schemas/Episode"}],
                    "discriminator": {
                        "propertyName": "type",
                        "mapping": {"Track": "#/components/schemas/Track", "Episode": "#/components/schemas/Episode"},
                    },
                },
            }
        },
    }
    models, found = build_models(document, lambda pointer: Location("spec.yaml", pointer, 1))
    classes = {model.name: model for model in models.classes}
    assert classes["Item"].fields[0].annotation == "Track | Episode"
    assert classes["Episode"].fields[0].annotation == "Annotated[Literal['episode'], open_enum] | None"
    assert [(d.kind, d.location.pointer) for d in found] == [
        ("discriminator-dropped", "/components/schemas/Item/discriminator")
    ]
    assert "Track's 'type' takes ['track'], not the mapping's ['Track']" in found[0].message


def test_required_fields_follow_pythons_order_of_bases() -> None:
    """Whichever base pydantic takes a field from, the class's field is required where any
    base requires it and typed where any base defines it; readOnly stays optional."""
    document: dict[str, Any] = {
        "openapi": "3.0.3",
        "components": {
            "schemas": {
                "Named": {"type": "object", "properties": {"name": {"type": "string"}}},
                "NameRequired": {"type": "object", "required": ["name", "id"], "properties": {"size": {}}},
                "RequiredFirst": {
                    "allOf": [{"$ref": "#/components/schemas/NameRequired"}, {"$ref": "#/components/schemas/Named"}]
                },
                "Resource": {
                    "allOf": [
                        {"$ref": "#/components/schemas/NameRequired"},
                        {"properties": {"id": {"type": "integer", "readOnly": True}}},
                    ]
                },
            }
        },
    }
    models, _ = build_models(document)
    fields = {
        (model.name, field.name): (field.annotation, field.default)
        for model in models.classes
        for field in model.fields
    }
    assert fields[("NameRequired", "name")] == ("Any", None)
    assert fields[("RequiredFirst", "name")] == ("str", None)  # not NameRequired's `Any`
    assert fields[("Resource", "id")] == ("int | None", "None")
    assert ("Resource", "name") not in fields  # inherited as NameRequired has it


def test_nullable_beside_a_reference_is_no_keyword_of_openapi_3_1() -> None:
    window = {"type": "object", "properties": {"start": {"type": "string"}}}
    holder = {
        "type": "object",
        "required": ["sibling", "member"],
        "properties": {
            "sibling": {"$ref": "#/components/schemas/Window", "nullable": True},
            "member": {"allOf": [{"$ref": "#/components/schemas/Window"}, {"nullable": True}]},
        },
    }
    annotations = {}
    for version in ("3.0.3", "3.1.0"):
        document: dict[str, Any] = {"openapi": version, "components": {"schemas": {"Window": window, "Holder": holder}}}
        models, _ = build_models(document)
        annotations[version] = {
            field.annotation for model in models.classes if model.name == "Holder" for field in model.fields
        }
    assert annotations == {"3.0.3": {"Window | None"}, "3.1.0": {"Window"}}


def test_a_scalar_composition_that_comes_back_to_itself_is_merged_once() -> None:
    document: dict[str, Any] = {
        "openapi": "3.1.0",
        "components": {
            "schemas": {
                "Short": {"type": "string", "allOf": [{"$ref": "#/components/schemas/Named"}], "maxLength": 3},
                "Named": {"allOf": [{"$ref": "#/components/schemas/Short"}], "minLength": 1},
            }
        },
    }
    models, _ = build_models(document)
    roots = {model.name: (model.fields[0].annotation, model.fields[0].field_arguments) for model in models.classes}
    # Not two root models around each other, which no value could ever validate against.
    assert roots["Short"] == ("str", (("min_length", "1"), ("max_length", "3")))
    assert roots["Named"] == ("str", (("min_length", "1"), ("max_length", "3")))
