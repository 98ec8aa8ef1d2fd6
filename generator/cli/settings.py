"""Settings a project keeps in its pyproject.toml, under `[tool.pyapigen]`.

[tool.pyapigen]
templates = "house-templates"   # override templates, as --templates DIR
ref-root = "shared-schemas"     # another directory `$ref`s may reach, as --ref-root DIR
strict = true                   # warnings are errors, as --strict
models = "datamodel-code-generator"  # who makes models.py, as --models (default: "builtin")

[tool.pyapigen.limits]          # budgets for reading a spec, as --limit NAME=VALUE
max-depth = 200
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from generator.load.limits import DEFAULT, Limits


class SettingsError(ValueError):
    """A setting that cannot be used, in one line naming it."""


def _section(project_dir: Path) -> dict[str, Any]:
    try:
        return _parsed_section((project_dir / "pyproject.toml").read_text(encoding="utf-8"))
    except OSError:
        return {}


@functools.lru_cache(maxsize=4)
def _parsed_section(pyproject: str) -> dict[str, Any]:
    """The `[tool.pyapigen]` table of a pyproject.toml's text, shared: read it, never change it.
    Cached by the text: a command asks for five settings, and parsing the file is what
    reading one costs (1 ms each)."""
    import tomllib  # here: a run without a pyproject.toml starts reading its spec 10 ms sooner

    try:
        data = tomllib.loads(pyproject)
    except tomllib.TOMLDecodeError:
        return {}
    section = data.get("tool", {}).get("pyapigen", {})
    return section if isinstance(section, dict) else {}


def templates_setting(project_dir: Path) -> Path | None:
    """The override template directory named in `project_dir/pyproject.toml`, if any."""
    value = _section(project_dir).get("templates")
    return project_dir / value if isinstance(value, str) and value else None


def ref_roots_setting(project_dir: Path) -> list[Path]:
    """Directories besides each spec's own that `$ref`s may reach (`ref-root`: one or a list)."""
    value = _section(project_dir).get("ref-root")
    values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    if not all(isinstance(item, str) and item for item in values):
        raise SettingsError("pyproject.toml: [tool.pyapigen] ref-root must be a directory or a list of them")
    return [project_dir / item for item in values]


def limits_setting(project_dir: Path, base: Limits = DEFAULT) -> Limits:
    """`base` with the `[tool.pyapigen.limits]` of `project_dir/pyproject.toml` applied."""
    table = _section(project_dir).get("limits", {})
    if not isinstance(table, dict):
        raise SettingsError("pyproject.toml: [tool.pyapigen.limits] must be a table")
    try:
        return base.with_settings(table, "pyproject.toml [tool.pyapigen.limits]")
    except ValueError as exc:
        raise SettingsError(str(exc)) from None


def strict_setting(project_dir: Path) -> bool:
    """Whether `project_dir/pyproject.toml` asks for warnings to be errors (`strict = true`)."""
    value = _section(project_dir).get("strict", False)
    if not isinstance(value, bool):
        raise SettingsError("pyproject.toml: [tool.pyapigen] strict must be true or false")
    return value


BUILTIN_MODELS = "builtin"
DATAMODEL_MODELS = "datamodel-code-generator"
MODELS_BACKENDS = (BUILTIN_MODELS, DATAMODEL_MODELS)


def models_setting(project_dir: Path) -> str:
    """Who makes the models: our builder (`builtin`, the default) or datamodel-code-generator."""
    value = _section(project_dir).get("models", BUILTIN_MODELS)
    if value not in MODELS_BACKENDS:
        raise SettingsError(
            f"pyproject.toml: [tool.pyapigen] models must be one of {', '.join(map(repr, MODELS_BACKENDS))}"
        )
    return str(value)
