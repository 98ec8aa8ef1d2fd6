"""Template overrides: a directory of templates replaces built-in ones by name.

One package (sequence) is regenerated with tests/fixtures/override/templates/, which holds
only README.md.jinja. The overridden file is locked against a committed snapshot; every
other file must be exactly the committed package, built from the built-in templates.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.support import FIXTURES, GENERATED, SPECS, run_generator, snapshot

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
