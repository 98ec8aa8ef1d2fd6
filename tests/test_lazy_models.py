"""The models package: classes in submodules by the operations that use them, each
submodule imported the first time one of its names is used, validators built on first use.

`tests/fixtures/lazy/clinic.yaml` spreads its models over every kind of submodule (two
tags' own, the shared one, the one no operation uses) with references, recursion and
inheritance across them. What loads when is checked in fresh interpreters.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pydantic
import pytest

from tests.support import FIXTURES, importable, mypy_strict, run_generator, serve

CLINIC = FIXTURES / "lazy" / "clinic.yaml"
SUBMODULES = ["__init__.py", "_base.py", "_other.py", "_pets.py", "_shared.py", "_vets.py"]
PET = {
    "id": 1,
    "name": "Rex",
    "owner": {"name": "Ann", "address": {"city": "Oslo"}, "history": {"note": "a", "children": [{"note": "b"}]}},
    "parent": {"id": 0, "name": "Max", "owner": {"name": "Bo"}, "parent": None},
    "category": {"name": "dogs", "children": [{"name": "terriers", "parent": {"name": "dogs"}}]},
}


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lazy")
    run = run_generator("generate", "--strict", CLINIC, "--out", out)
    assert run.returncode == 0, run.stderr
    return out / "clinic"


@pytest.fixture
def clinic(package: Path) -> Iterator[ModuleType]:
    with importable(package):
        yield importlib.import_module("clinic_api")


def _loaded_after(package: Path, script: str, name: str = "clinic_api") -> Any:
    """Run `script` in a fresh interpreter; it prints JSON, read back here.

    `loaded()` in the script names the models' submodules imported so far; `bare_package()`
    stands in for the package's `__init__` (and the client it imports), to watch the models
    package on its own.
    """
    prelude = textwrap.dedent(
        """
        import json, sys, types

        def loaded():
            return sorted(name.rsplit(".", 1)[1] for name in sys.modules if name.startswith("clinic_api.models."))

        def bare_package():
            package = types.ModuleType("clinic_api")
            package.__path__ = ["clinic_api"]
            sys.modules["clinic_api"] = package
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", prelude.replace("clinic_api", name) + textwrap.dedent(script)],
        cwd=package,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_each_group_of_operations_has_its_own_submodule(package: Path) -> None:
    models = package / "clinic_api" / "models"
    assert sorted(p.name for p in models.iterdir()) == SUBMODULES
    # Pet's references stay in its module or lead to `_shared`; Archive, which no operation
    # uses, may import from any group.
    assert "from ._shared import Owner" in (models / "_pets.py").read_text()
    assert "from ._pets import Pet" in (models / "_other.py").read_text()
    assert "import" not in (models / "_shared.py").read_text().split("from ._base import ApiModel", 1)[1]
    assert "clinic_api.models" in (package / "pyproject.toml").read_text()  # the subpackage is installed


def test_the_models_package_imports_a_submodule_when_one_of_its_names_is_first_used(package: Path) -> None:
    seen = _loaded_after(
        package,
        """
        bare_package()
        import clinic_api.models as models
        found = {"package": loaded()}
        from clinic_api.models import Vet
        found["Vet"] = loaded()
        models.Pet
        found["Pet"] = loaded()
        found["dir"] = "Archive" in dir(models) and "Subcategory" in dir(models)
        found["all"] = sorted(models.__all__)
        print(json.dumps(found))
        """,
    )
    assert seen["package"] == []
    assert seen["Vet"] == ["_base", "_shared", "_vets"]
    assert seen["Pet"] == ["_base", "_pets", "_shared", "_vets"]
    assert seen["dir"] is True  # dir() lists names not loaded yet (Archive)
    assert seen["all"] == sorted(
        ["ApiModel", "Address", "Archive", "Category", "Node", "Owner", "Pet", "PetList", "Subcategory", "Vet"]
    )


def test_a_model_name_resolves_from_the_package_and_from_models_to_one_class(package: Path) -> None:
    seen = _loaded_after(
        package,
        """
        import clinic_api
        from clinic_api import Vet
        from clinic_api.models import Vet as Same
        import clinic_api.models
        found = {
            "same": Vet is Same is clinic_api.Vet is clinic_api.models.Vet,
            "module": Vet.__module__,
            "dir": "Archive" in dir(clinic_api) and "Client" in dir(clinic_api),
        }
        try:
            clinic_api.NoSuchModel
        except AttributeError as error:
            found["missing"] = str(error)
        print(json.dumps(found))
        """,
    )
    assert seen == {
        "same": True,
        "module": "clinic_api.models._vets",
        "dir": True,
        "missing": "module 'clinic_api' has no attribute 'NoSuchModel'",
    }


def test_importing_the_package_loads_no_model(package: Path) -> None:
    assert _loaded_after(package, "import clinic_api\nprint(json.dumps(loaded()))") == []


def test_importing_a_package_of_models_only_loads_no_model(tmp_path: Path) -> None:
    run = run_generator("generate", "--strict", FIXTURES / "realworld" / "components_only.yaml", "--out", tmp_path)
    assert run.returncode == 0, run.stderr
    script = """
        import components_only_api
        found = [loaded()]
        components_only_api.Customer
        found.append(loaded())
        print(json.dumps(found))
    """
    assert _loaded_after(tmp_path / "components_only", script, "components_only_api") == [
        [],
        ["_base", "_other"],
    ]


def test_validators_are_built_on_first_use(package: Path) -> None:
    seen = _loaded_after(
        package,
        """
        from clinic_api.models import Pet, PetList
        found = {"before": [Pet.__pydantic_complete__, PetList.__pydantic_complete__]}
        Pet.model_validate({"id": 1, "name": "Rex", "owner": {"name": "Ann"}})
        found["after"] = Pet.__pydantic_complete__
        print(json.dumps(found))
        """,
    )
    assert seen == {"before": [False, False], "after": True}


def test_models_validate_and_serialise_across_submodules(clinic: ModuleType) -> None:
    pet = clinic.Pet.model_validate(PET)
    assert type(pet.owner) is clinic.Owner and type(pet.owner.history.children[0]) is clinic.models.Node
    assert pet.parent.owner.name == "Bo" and pet.category.children[0].parent.name == "dogs"
    assert pet.model_dump(mode="json", exclude_unset=True) == PET
    pets = clinic.PetList.model_validate([PET, PET])
    assert pets.root[1].owner.address.city == "Oslo"
    vet = clinic.Vet.model_validate({"name": "Dr No", "license": "NO-1", "history": {"note": "x"}})
    assert isinstance(vet, clinic.Owner) and vet.history.note == "x"
    with pytest.raises(pydantic.ValidationError):
        clinic.Vet.model_validate({"name": "Dr No", "license": "no"})
    with pytest.raises(pydantic.ValidationError):
        clinic.Pet.model_validate({**PET, "parent": {"id": 2, "name": "Ida", "owner": {}}})  # deep inside
    archive = clinic.models.Archive.model_validate({"pets": [PET]})
    assert archive.pets[0].category.name == "dogs"
    schema = clinic.Pet.model_json_schema()
    assert {"Owner", "Node", "Category", "Subcategory", "Address"} <= set(schema["$defs"])


def test_a_cross_module_model_travels_through_client_and_mock(clinic: ModuleType) -> None:
    server = importlib.import_module("clinic_api.server")
    handler = server.InMemoryHandler()
    vet = {"name": "Dr No", "license": "NO-1", "history": {"note": "x", "children": [{"note": "y"}]}}
    with serve(server.create_app(handler)) as url, clinic.Client(base_url=url) as client:
        client.put_vet(7, body=vet)
        found = client.get_vet(7)
        assert isinstance(found, clinic.Vet) and found.model_dump(mode="json", exclude_unset=True) == vet
        assert isinstance(found.history.children[0], clinic.models.Node)
        with pytest.raises(pydantic.ValidationError):  # Vet's own check, in a module of its own
            client.put_vet(8, body={"name": "Dr No", "license": "no"})
        assert isinstance(client.list_pets(), clinic.PetList)


def test_mypy_strict_passes_on_a_package_of_several_submodules(package: Path) -> None:
    run = mypy_strict(package, "clinic_api")
    assert run.returncode == 0, run.stdout
    # Type checkers see every model through the package and its models, and refuse a typo.
    (package / "uses.py").write_text(
        "from clinic_api import Pet\nfrom clinic_api.models import Vet, Vett\n\n"
        "pet: Pet = Pet.model_validate({})\nvet: Vet = Vet.model_validate({})\n"
    )
    try:
        run = mypy_strict(package, "uses.py")
    finally:
        (package / "uses.py").unlink()
    assert run.returncode == 1 and 'Module "clinic_api.models" has no attribute "Vett"' in run.stdout, run.stdout
    assert run.stdout.count("error:") == 1, run.stdout
