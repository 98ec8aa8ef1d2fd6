"""The whole path from spec files to package files, stage by stage.

load + bundle -> validate -> normalize -> IR -> render (models and templates) -> format.
Nothing here writes to the output directory: `generator.writer` does, after every
package of the run has rendered and formatted without error.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

from generator.bundle import bundle
from generator.diagnostics import Diagnostic, SpecError, has_errors
from generator.formatting import format_tree
from generator.ir import Api
from generator.ir_builder import build_api
from generator.literals import comment_text
from generator.models import render_models
from generator.normalize import normalize
from generator.render import notice, render_package
from generator.validate import validate

# ruff formats Python files and the Python code blocks of Markdown files.
FORMATTED_SUFFIXES = (".py", ".md")


@dataclass(frozen=True, slots=True)
class SpecInput:
    """A spec to generate: its root file and the name of its package."""

    path: Path
    name: str

    @classmethod
    def from_path(cls, path: Path, name: str | None = None) -> SpecInput:
        return cls(path, name or path.stem)


@dataclass
class RenderedPackage:
    spec: SpecInput
    api: Api
    files: dict[str, bytes]
    warnings: list[Diagnostic] = field(default_factory=list)


def source_label(path: Path) -> str:
    """How generated files name their spec: relative to the working directory, never absolute."""
    relative = os.path.relpath(path.resolve(), Path.cwd())
    return Path(relative).as_posix() if not relative.startswith("..") else path.name


def check_spec(spec: SpecInput) -> list[Diagnostic]:
    """Load and validate a spec; every diagnostic, errors and warnings."""
    try:
        loaded, diagnostics = bundle(spec.path)
    except SpecError as exc:
        return list(exc.diagnostics)
    return diagnostics + validate(loaded)


def render_spec(spec: SpecInput, env: jinja2.Environment) -> RenderedPackage:
    """Every file of one spec's package, not yet formatted. Raises SpecError."""
    loaded, diagnostics = bundle(spec.path)
    problems = validate(loaded)
    if has_errors(problems):
        raise SpecError(problems)
    spec_json = json.dumps(loaded.document, indent=2, ensure_ascii=False) + "\n"
    document = loaded.document
    normalize(document)
    api, warnings = build_api(document, loaded, spec.name, source_label(spec.path))
    header = "# " + comment_text(notice(api))
    models_source = render_models(document, api, header)
    files = render_package(env, api, models_source, spec_json)
    encoded = {path: text.encode("utf-8") for path, text in files.items()}
    return RenderedPackage(spec, api, encoded, diagnostics + problems + warnings)


def format_packages(packages: Sequence[RenderedPackage]) -> None:
    """Format the Python files of every package with one ruff run, in place."""
    with tempfile.TemporaryDirectory(prefix="pyapigen-") as scratch:
        root = Path(scratch)
        for index, package in enumerate(packages):
            for path, content in package.files.items():
                if path.endswith(FORMATTED_SUFFIXES):
                    target = root / f"{index}-{package.spec.name}" / path
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(content)
        format_tree(root)
        for index, package in enumerate(packages):
            for path in package.files:
                if path.endswith(FORMATTED_SUFFIXES):
                    package.files[path] = (root / f"{index}-{package.spec.name}" / path).read_bytes()
