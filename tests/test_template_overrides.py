"""Template overrides: a directory of templates replaces built-in ones by name.

One package (sequence) is regenerated with tests/fixtures/override/templates/, which holds
only README.md.jinja. The overridden file is locked against a committed snapshot; every
other file must be exactly the committed package, built from the built-in templates.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support import FIXTURES, GENERATED, ROOT, SPECS, run_generator, snapshot

OVERRIDE = FIXTURES / "override"
UPDATE_HINT = "if the change is intended, copy the generated README over tests/fixtures/override/expected-README.md"


def _check(package: Path) -> None:
    produced = snapshot(package)
    expected = snapshot(GENERATED / "sequence")
    assert produced["README.md"] == (OVERRIDE / "expected-README.md").read_bytes(), UPDATE_HINT
    del produced["README.md"], expected["README.md"]
    assert produced == expected  # every template not overridden falls back to the built-in one


def test_templates_option_overrides_by_name_and_falls_back(tmp_path: Path) -> None:
    run = run_generator("generate", SPECS / "sequence.yaml", "--out", tmp_path, "--templates", OVERRIDE / "templates")
    assert run.returncode == 0, run.stderr
    _check(tmp_path / "sequence")


def test_pyproject_setting_names_the_override_directory(tmp_path: Path) -> None:
    (tmp_path / "specs").mkdir()
    shutil.copy(SPECS / "sequence.yaml", tmp_path / "specs")
    shutil.copytree(OVERRIDE / "templates", tmp_path / "house-templates")
    (tmp_path / "pyproject.toml").write_text('[tool.pyapigen]\ntemplates = "house-templates"\n')
    run = run_generator("generate", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    # The spec's label in the notice is relative to where generation ran: specs/sequence.yaml, as here.
    _check(tmp_path / "generated" / "sequence")


def test_a_route_template_that_makes_broken_code_fails_the_run_and_writes_nothing(tmp_path: Path) -> None:
    # The route modules are rendered and formatted in a child process: its failure must
    # reach the user as the same error, and leave the output untouched.
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "routes.py.jinja").write_text("def broken(:\n    pass\n")
    out = tmp_path / "out"
    run = run_generator("generate", SPECS / "sequence.yaml", "--out", out, "--templates", templates)
    assert run.returncode != 0
    assert "generated code does not parse (a generator bug)" in run.stderr
    assert "Traceback" not in run.stderr
    assert not out.exists() or not any(out.iterdir())


def test_a_models_template_of_ones_own_is_rendered_with_the_whole_api(tmp_path: Path) -> None:
    # The built-in models templates are rendered beside the IR, from the package's heading;
    # one's own gets the IR itself, as every other template does.
    templates = tmp_path / "templates"
    templates.mkdir()
    base = (ROOT / "templates" / "models_base.py.jinja").read_text()
    (templates / "models_base.py.jinja").write_text(
        "# {{ api.operations | length }} operations, {{ api.groups | length }} groups\n" + base
    )
    out = tmp_path / "out"
    run = run_generator("generate", SPECS / "sequence.yaml", "--out", out, "--templates", templates)
    assert run.returncode == 0, run.stderr
    produced = snapshot(out / "sequence")
    expected = snapshot(GENERATED / "sequence")
    base_module = "sequence_api/models/_base.py"
    assert produced[base_module].startswith(b"# 1 operations, 1 groups\n")
    assert produced[base_module].endswith(expected[base_module])
    del produced[base_module], expected[base_module]
    assert produced == expected
