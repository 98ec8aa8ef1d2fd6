"""Formatting generated Python with ruff, a batch of files at a time, in the background.

One `ruff check --fix` (import sorting, unused imports) and one `ruff format` over a
temporary directory cost far less than a formatter call per file. The settings are given
on the command line, so the output does not depend on any configuration file around it.
Ruff runs in its own process: while it formats one batch (a package's clients and server),
the generator goes on rendering the next (its models) on the other core.
"""

from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from ruff.__main__ import find_ruff_bin

from generator.diagnostics import Location, SpecError, error

# ruff formats Python files and the Python code blocks of Markdown files.
FORMATTED_SUFFIXES = (".py", ".md")
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


def format_files(files: Mapping[str, bytes]) -> dict[str, bytes]:
    """The Python and Markdown files among `files` (path -> content), formatted."""
    wanted = {path: content for path, content in files.items() if path.endswith(FORMATTED_SUFFIXES)}
    if not wanted:
        return {}
    with tempfile.TemporaryDirectory(prefix="pyapigen-") as scratch:
        root = Path(scratch)
        for path, content in wanted.items():
            target = root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        format_tree(root)
        return {path: (root / path).read_bytes() for path in wanted}


class BackgroundFormatter:
    """Formats batches of files one after another on a worker thread (ruff is a subprocess)."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ruff")

    def submit(self, files: Mapping[str, bytes]) -> Future[dict[str, bytes]]:
        """Start formatting a batch; the future gives the formatted files or raises SpecError."""
        return self._pool.submit(format_files, dict(files))

    def __enter__(self) -> BackgroundFormatter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
