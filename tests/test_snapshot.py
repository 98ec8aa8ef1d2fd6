"""The snapshot lock: generated/ is exactly what the specs and templates produce."""

from __future__ import annotations

import difflib
from pathlib import Path

from generator.load.spec_input import SpecInput
from generator.pipeline import finish_formatting, render_spec
from generator.render.render import environment
from generator.write import writer
from generator.write.formatting import BackgroundFormatter
from tests.support import GENERATED, SPECS


def test_generated_packages_match_a_fresh_generation() -> None:
    env = environment()
    with BackgroundFormatter() as formatter:
        packages = [render_spec(SpecInput.from_path(path), env, formatter) for path in sorted(SPECS.glob("*.yaml"))]
        finish_formatting(packages)
    problems = []
    for package in packages:
        target = GENERATED / package.spec.name
        for change in writer.plan(target, package.files):
            path = f"generated/{package.spec.name}/{change.path}"
            old = (target / change.path).read_text() if change.kind != "added" else ""
            new = package.files.get(change.path, b"").decode()
            diff = "".join(
                difflib.unified_diff(old.splitlines(True), new.splitlines(True), path, f"{path} (generated)", n=1)
            )
            problems.append(f"{path} is {change.kind} by a fresh generation (run `make generate`):\n{diff[:2000]}")
    assert not problems, "\n".join(problems)


def test_generation_is_deterministic(tmp_path: Path) -> None:
    env = environment()
    with BackgroundFormatter() as formatter:
        first = render_spec(SpecInput.from_path(SPECS / "meteroid.yaml"), env, formatter)
        second = render_spec(SpecInput.from_path(SPECS / "meteroid.yaml"), env, formatter)
        finish_formatting([first, second])
    assert first.files == second.files
    for content in first.files.values():
        assert str(Path.cwd()).encode() not in content  # no machine paths in the output
