"""The built-in templates write only the imports a module uses, sorted as ruff sorts them,
and `__all__` in order, so formatting skips `ruff check --fix`; an override is checked.

The modules are taken as rendered, before any formatting, and ruff's import check (the one
`generator.write.formatting` would run) must find nothing to fix in them.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping
from pathlib import Path

import pytest

from generator import pipeline
from generator.assets import TEMPLATES_DIR
from generator.load.spec_input import SpecInput
from generator.pipeline import render_spec
from generator.render import import_order
from generator.render.render import environment
from generator.write.formatting import FormattingBatch, ruff_binary
from tests.support import FIXTURES, GENERATED, SPECS, run_generator, snapshot

# Every spec of specs/ and the fixtures that each exercise a feature of the templates.
RENDERED = sorted(
    [
        *SPECS.glob("*.yaml"),
        *(FIXTURES / "specs").glob("*.yaml"),
        *(FIXTURES / "breadth").glob("*.yaml"),
        *(FIXTURES / "realworld").glob("*.yaml"),
        *(FIXTURES / "lazy").glob("*.yaml"),
        FIXTURES / "multifile" / "api.yaml",
    ]
)
IMPORT_CHECK = ["--isolated", "--line-length", "120", "--target-version", "py311", "--select", "I,F401,UP,RUF022"]


class _Batches:
    """Stands in for the formatter: keeps each batch as rendered, and whether it asked for the check."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.batches: list[tuple[Mapping[str, bytes], bool]] = []
        # The route modules and the models are formatted by the child processes that render
        # them: here, in this process (no fork), through `formatted`, recorded as batches too.
        monkeypatch.delattr(os, "fork", raising=False)
        monkeypatch.setattr(pipeline, "formatted", self.formatted)

    def submit(self, files: Mapping[str, bytes], check_imports: bool = True) -> FormattingBatch:
        self.batches.append((files, check_imports))
        return FormattingBatch(None, [], None)

    def formatted(self, files: Mapping[str, bytes], check_imports: bool = True) -> dict[str, bytes]:
        self.batches.append((files, check_imports))
        return dict(files)


# The batches of a package: the clients' resource modules, the rest of the code, the models,
# the server's route modules, the README.
BATCHES = 5


def _fixes(root: Path) -> str:
    """What `ruff check --fix` would change under `root` (a diff), empty where nothing."""
    command = [ruff_binary(), "check", *IMPORT_CHECK, "--fix-only", "--diff", str(root)]
    return subprocess.run(command, capture_output=True, text=True, check=False).stdout


def test_built_in_templates_leave_ruff_nothing_to_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = environment()
    for spec in RENDERED:
        batches = _Batches(monkeypatch)
        render_spec(SpecInput.from_path(spec), env, batches)  # type: ignore[arg-type]
        assert [check for _, check in batches.batches] == [False] * BATCHES, spec
        for files, _ in batches.batches:
            for path, content in files.items():
                if path.endswith(".py"):
                    target = tmp_path / spec.stem / path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(content)
    assert _fixes(tmp_path) == ""


def test_an_override_is_checked(tmp_path: Path) -> None:
    """A template of the user's may import what it likes: ruff still sorts the imports and
    drops what goes unused, in the clients' batch and in the models'."""
    templates = tmp_path / "templates"
    templates.mkdir()
    for name, before in [("resource.py.jinja", "import functools\n"), ("models.py.jinja", "{{ import_block(")]:
        built_in = (TEMPLATES_DIR / name).read_text()
        assert built_in.count(before) == 1
        (templates / name).write_text(built_in.replace(before, f"import os\nfrom typing import Any, Literal\n{before}"))
    run = run_generator("generate", SPECS / "sequence.yaml", "--out", tmp_path, "--templates", templates)
    assert run.returncode == 0, run.stderr
    assert snapshot(tmp_path / "sequence") == snapshot(GENERATED / "sequence")


def test_an_override_of_another_template_keeps_the_check_for_its_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    env = environment([FIXTURES / "override" / "templates"])  # README.md.jinja only: no Python
    batches = _Batches(monkeypatch)
    render_spec(SpecInput.from_path(SPECS / "sequence.yaml"), env, batches)  # type: ignore[arg-type]
    assert [check for _, check in batches.batches] == [False] * BATCHES


@pytest.mark.parametrize(
    "names",
    [
        ["Item10", "Item2", "item1", "ITEM", "I", "_private", "Item_2", "Item02", "item01", "A1b", "A01b", "a_b", "ab"],
        ["V2Resource", "AsyncV2Resource", "V10Resource", "v2", "V", "URL", "Url", "url", "HTTPError", "HttpError"],
        ["ResourceModel", "Resource", "ResourceWithRawResponse", "AsyncResource", "NOT_GIVEN", "Zeta", "alpha"],
    ],
)
def test_import_order_is_ruffs(tmp_path: Path, names: list[str]) -> None:
    """Natural order, constants before classes before the rest, case aside among imports
    (not in `__all__`), sections apart, long statements wrapped: ruff agrees."""
    block = import_order.import_block(
        [("pydantic", names), ("typing", names[:3]), ("collections.abc", names[-2:])],
        [("_models2", names), ("_models10", names[:1]), ("_Other", names[1:2])],
    )
    exported = ", ".join(f'"{name}"' for name in import_order.sorted_all(names))
    (tmp_path / "module.py").write_text(f"{block}\n\n__all__ = [{exported}]\n")
    assert _fixes(tmp_path) == ""
