"""Settings a project keeps in its pyproject.toml, under `[tool.pyapigen]`.

[tool.pyapigen]
templates = "house-templates"   # override templates, as --templates DIR
"""

from __future__ import annotations

import tomllib
from pathlib import Path


def templates_setting(project_dir: Path) -> Path | None:
    """The override template directory named in `project_dir/pyproject.toml`, if any."""
    pyproject = project_dir / "pyproject.toml"
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    value = data.get("tool", {}).get("pyapigen", {}).get("templates")
    return project_dir / value if isinstance(value, str) and value else None
