"""Formatting generated Python with ruff, once per run over the whole output tree.

One `ruff check --fix` (import sorting, unused imports) and one `ruff format` over a
temporary directory cost far less than a formatter call per file. The settings are given
on the command line, so the output does not depend on any configuration file around it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from ruff.__main__ import find_ruff_bin

from generator.diagnostics import Location, SpecError, error

LINE_LENGTH = 120
TARGET_VERSION = "py311"
_COMMON = ["--isolated", "--line-length", str(LINE_LENGTH), "--target-version", TARGET_VERSION]


def format_tree(root: Path) -> None:
    """Sort imports, drop unused ones and format every Python file under `root`, in place."""
    ruff = find_ruff_bin()
    commands = [
        [ruff, "check", *_COMMON, "--fix-only", "--select", "I,F401,UP,RUF022", "--exit-zero", str(root)],
        [ruff, "format", *_COMMON, str(root)],
    ]
    for command in commands:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            # The templates produced code ruff cannot parse: a bug in a template.
            message = (result.stderr.strip() or result.stdout.strip()).replace(f"{root}/", "")
            raise SpecError(
                [error(Location("templates"), f"generated code does not parse (a generator bug): {message}")]
            )
