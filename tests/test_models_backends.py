"""The models backends: our builder (the default) and datamodel-code-generator.

The packages generated with datamodel-code-generator's models go through the same client,
server, mock and schemathesis tests as the committed ones: each of those test modules runs
again, in a pytest process of its own, with `PYAPIGEN_TEST_PACKAGES` pointing at them (see
`tests/support.py`), so no test is copied. Here too: the setting and the option, what a
project's `[tool.datamodel-codegen]` keeps and what pyapigen overrides, and a clear refusal
where the library is not installed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import FIXTURES, ROOT, SPECS, VENDORS, importable, mypy_strict, run_generator, serve, snapshot

BACKEND = "datamodel-code-generator"
# The vendor tests, one module for each of clients, servers, the mock and schemathesis,
# and the end-to-end calls through all of them.
VENDOR_TEST_MODULES = (
    "tests/test_clients.py",
    "tests/test_servers.py",
    "tests/test_end_to_end.py",
    "tests/test_mock_server.py",
    "tests/test_schemathesis.py",
)


@pytest.fixture(scope="module")
def datamodel_packages(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four vendor specs generated with datamodel-code-generator's models."""
    out = tmp_path_factory.mktemp("datamodel-packages")
    run = run_generator(
        "generate", "--strict", "--models", BACKEND, "--out", out, *(SPECS / f"{v}.yaml" for v in VENDORS)
    )
    assert run.returncode == 0, run.stderr
    return out


def test_the_models_module_is_datamodel_code_generators_on_our_base(datamodel_packages: Path) -> None:
    models = datamodel_packages / "meteroid" / "meteroid_api" / "models"
    assert sorted(path.name for path in models.glob("*.py")) == ["__init__.py", "_base.py", "_models.py"]
    code = (models / "_models.py").read_text()
    assert "The models are datamodel-code-generator's" in code
    assert "from ._base import ApiModel, OpenEnum" in code
    assert re.search(r"^class Customer\(ApiModel\):", code, re.MULTILINE)
    # The repository's [tool.datamodel-codegen]: snake-case fields (by alias), upper-case members.
    assert re.search(r"^class ErrorCode\(OpenEnum, StrEnum\):\n    BAD_REQUEST = \"BAD_REQUEST\"", code, re.MULTILINE)
    assert 'alias="invoicingEmails"' not in code  # wire names that are Python names stay as they are
    assert (models / "_base.py").read_bytes() == (ROOT / "generated/meteroid/meteroid_api/models/_base.py").read_bytes()


def test_the_packages_pass_mypy_strict_and_ruff(datamodel_packages: Path) -> None:
    for name in VENDORS:
        checked = mypy_strict(datamodel_packages / name, ".")
        assert checked.returncode == 0, f"{name}: {checked.stdout}"
    ruff = Path(sys.executable).parent / "ruff"
    for command in (["check", "--no-cache"], ["format", "--check", "--no-cache"]):
        run = subprocess.run([str(ruff), *command, str(datamodel_packages)], capture_output=True, text=True, cwd=ROOT)
        assert run.returncode == 0, run.stdout + run.stderr


@pytest.mark.slow
@pytest.mark.parametrize("module", VENDOR_TEST_MODULES)
def test_the_vendor_tests_pass_on_datamodel_code_generator_models(datamodel_packages: Path, module: str) -> None:
    """The module's tests, unchanged, importing the packages made with the other backend
    (the main run is the same tests on the committed, builtin ones)."""
    environment = {
        **os.environ,
        "PYAPIGEN_TEST_PACKAGES": str(datamodel_packages),
        "PYAPIGEN_TEST_MODELS": BACKEND,
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--no-header", module],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment,
        check=False,
        timeout=900,
    )
    summary = run.stdout.strip().splitlines()[-1] if run.stdout.strip() else ""
    print(f"{module} on datamodel-code-generator models: {summary}")
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert " passed" in summary and "skipped" not in summary, summary


def _project(tmp_path: Path, settings: str) -> Path:
    project = tmp_path / "project"
    (project / "specs").mkdir(parents=True)
    (project / "specs" / "meteroid.yaml").write_bytes((SPECS / "meteroid.yaml").read_bytes())
    (project / "pyproject.toml").write_text(settings)
    return project


def test_the_setting_chooses_the_backend_and_the_projects_settings_apply(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        '[tool.pyapigen]\nmodels = "datamodel-code-generator"\n\n'
        '[tool.datamodel-codegen]\noutput-model-type = "dataclasses.dataclass"\nuse-title-as-name = false\n'
        "use-annotated = true\n",
    )
    run = run_generator("generate", "--strict", cwd=project)
    assert run.returncode == 0, run.stderr
    # Overridden, and said why; the project's other settings are kept.
    assert "[tool.datamodel-codegen] output-model-type is pyapigen's here: clients, servers and the mock" in run.stderr
    code = (project / "generated/meteroid/meteroid_api/models/_models.py").read_text()
    assert "class Customer(ApiModel):" in code
    assert "rate: Annotated[str, Field(description=" in code  # use-annotated
    assert "dataclass" not in code
    checked = mypy_strict(project / "generated" / "meteroid", ".")
    assert checked.returncode == 0, checked.stdout
    # The choice is part of the package's stamp: back to the builtin models, it is generated anew.
    again = run_generator("generate", "--strict", "--models", "builtin", cwd=project)
    assert again.returncode == 0, again.stderr
    assert "meteroid: unchanged" not in again.stdout
    assert not (project / "generated/meteroid/meteroid_api/models/_models.py").exists()


def test_camel_case_fields_of_the_library_reach_the_clients(tmp_path: Path) -> None:
    """Without `snake-case-field` the library keeps wire names as attributes; the
    clients and the server work on them as they are."""
    project = _project(tmp_path, "[tool.datamodel-codegen]\ncapitalise-enum-members = false\n")
    # Its own package name: the committed `bigcapital_api` may be imported already.
    spec = project / "specs" / "camel.yaml"
    spec.write_bytes((SPECS / "bigcapital.yaml").read_bytes())
    run = run_generator("generate", "--strict", "--models", BACKEND, spec, cwd=project)
    assert run.returncode == 0, run.stderr
    package = project / "generated" / "camel"
    code = (package / "camel_api/models/_models.py").read_text()
    assert re.search(r"^    displayName: ", code, re.MULTILINE)
    with importable(package):
        import camel_api  # type: ignore[import-not-found]
        import camel_api.server as server  # type: ignore[import-not-found]

        with serve(server.create_app(server.InMemoryHandler())) as url, camel_api.Client(url, token="bc_t") as client:
            updated = client.update_customer(1, body={"customerType": "business", "displayName": "D"})
        assert type(updated).__module__ == "camel_api.models._models"
        assert updated.displayName == "D"
    assert mypy_strict(package, ".").returncode == 0


def test_an_unknown_backend_setting_is_refused(tmp_path: Path) -> None:
    project = _project(tmp_path, '[tool.pyapigen]\nmodels = "pydantic-magic"\n')
    run = run_generator("generate", cwd=project)
    assert run.returncode == 1
    assert "[tool.pyapigen] models must be one of 'builtin', 'datamodel-code-generator'" in run.stderr


def test_without_the_extra_the_backend_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    project = _project(tmp_path, '[tool.pyapigen]\nmodels = "datamodel-code-generator"\n')
    assert run_generator("generate", "--models", "builtin", cwd=project).returncode == 0
    before = snapshot(project / "generated")
    # An environment without the library: its import fails, as where the extra is not installed.
    blocked = tmp_path / "blocked" / "datamodel_code_generator"
    blocked.mkdir(parents=True)
    (blocked / "__init__.py").write_text("raise ImportError('not installed')\n")
    run = subprocess.run(
        [sys.executable, "-m", "generator", "generate"],
        cwd=project,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": f"{blocked.parent}{os.pathsep}{ROOT}", "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert run.returncode == 1
    assert (
        "needs datamodel-code-generator, which is not installed: pip install 'pyapigen[datamodel-code-generator]'"
        in run.stderr
    )
    assert "Traceback" not in run.stderr
    assert snapshot(project / "generated") == before


def test_the_breadth_fixtures_generate_and_type_check(tmp_path: Path) -> None:
    """Every kind of schema the breadth fixtures hold, through the other backend."""
    out = tmp_path / "out"
    specs = sorted((FIXTURES / "breadth").glob("*.yaml"))
    run = run_generator("generate", "--models", BACKEND, "--out", out, *specs)
    assert run.returncode == 0, run.stderr
    packages = [f"{spec.stem}/{spec.stem}_api" for spec in specs]
    checked = mypy_strict(out, *packages)
    assert checked.returncode == 0, checked.stdout


@pytest.mark.parametrize(("fixture", "component"), [("paged", "Event"), ("webhooks", "OrderCreated")])
def test_every_model_name_the_templates_read_follows_the_librarys_class_names(fixture: str, component: str) -> None:
    """Where the library names a class otherwise than the IR, pages' items and webhook
    events are typed by its name too, as responses and bodies are."""
    from generator.ir.ir_builder import build_api
    from generator.load.bundle import bundle
    from generator.normalize.normalize import normalize
    from generator.render.datamodel_models import renamed_api

    loaded, _ = bundle(FIXTURES / "specs" / f"{fixture}.yaml")
    normalize(loaded.document)
    api = build_api(loaded.document, loaded, fixture, f"{fixture}.yaml")[0]
    renamed = renamed_api(api, {component: f"{component}Record"})
    names = [o.pagination.item_type for o in renamed.operations if o.pagination]
    names += [event.model_name for event in (renamed.webhooks.events if renamed.webhooks else ())]
    assert f"{component}Record" in names and component not in names
