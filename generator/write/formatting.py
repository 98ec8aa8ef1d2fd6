"""Formatting generated Python with ruff, a batch of files at a time, in the background.

One `ruff check --fix` (import sorting, unused imports) and one `ruff format` over a
temporary directory cost far less than a formatter call per file. The check is left out
for a batch whose templates already write their imports as it would leave them (see
`generator.render.module_imports`): over half of ruff's time, for a big API. The settings
are given on the command line, so the output does not depend on any configuration file
around it.
Ruff runs in its own process: while it formats one batch (a package's clients), the
generator goes on rendering the next (its models) on the other core; the process rendering
the route modules formats them itself (`formatted`). The batch's files are written and read
back by the generator's own thread: a worker thread doing it would wait for the interpreter
lock at every file operation while the generator renders. They are written in memory where
the system offers it (see `_memory_directory`).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from types import TracebackType

from ruff.__main__ import find_ruff_bin

from generator.diagnostics import Location, SpecError, error
from generator.render.import_order import LINE_LENGTH  # the templates wrap imports at it too

# ruff formats Python files and the Python code blocks of Markdown files.
FORMATTED_SUFFIXES = (".py", ".md")
TARGET_VERSION = "py311"
# Without a cache: ruff would keep one in the working directory (`.ruff_cache/`), of batches
# in temporary directories it could never use again.
_COMMON = ["--isolated", "--no-cache", "--line-length", str(LINE_LENGTH), "--target-version", TARGET_VERSION]


@functools.cache
def ruff_binary() -> str:
    """ruff's executable. Found once, before any worker thread runs: finding it reads
    `sysconfig`, whose first use is not thread-safe (two threads may see `EXE` as None)."""
    return str(find_ruff_bin())


def format_tree(root: Path, check_imports: bool = True) -> None:
    """Format every Python file under `root`, in place; with `check_imports`, sort imports
    and drop unused ones first."""
    ruff = ruff_binary()
    commands = [[ruff, "format", *_COMMON, str(root)]]
    if check_imports:
        check = [ruff, "check", *_COMMON, "--fix-only", "--select", "I,F401,UP,RUF022", "--exit-zero", str(root)]
        commands.insert(0, check)
    for command in commands:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            # The templates produced code ruff cannot parse: a bug in a template.
            message = (result.stderr.strip() or result.stdout.strip()).replace(f"{root}/", "")
            raise SpecError(
                [error(Location("templates"), f"generated code does not parse (a generator bug): {message}")]
            )


def _formatted_only(files: Mapping[str, bytes]) -> dict[str, bytes]:
    return {path: content for path, content in files.items() if path.endswith(FORMATTED_SUFFIXES)}


def formatted(files: Mapping[str, bytes], check_imports: bool = True) -> dict[str, bytes]:
    """The Python and Markdown files of a batch, formatted, here and now (in a child process
    that renders a share of a package); `check_imports` as for `format_tree`. Raises SpecError."""
    wanted = _formatted_only(files)
    if not wanted:
        return {}
    root = _written(wanted)
    try:
        format_tree(root, check_imports)
        return {path: (root / path).read_bytes() for path in wanted}
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _written(files: Mapping[str, bytes]) -> Path:
    """A new temporary directory holding `files`: in memory where the system offers a place
    for it, else in the usual temporary directory."""
    memory = _memory_directory()
    if memory is not None:
        root = Path(tempfile.mkdtemp(prefix="pyapigen-", dir=memory))
        try:
            _write_all(root, files)
        except OSError:  # out of room there: the usual place
            shutil.rmtree(root, ignore_errors=True)
        else:
            return root
    root = Path(tempfile.mkdtemp(prefix="pyapigen-"))
    _write_all(root, files)
    return root


def _write_all(root: Path, files: Mapping[str, bytes]) -> None:
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)


@functools.cache
def _memory_directory() -> str | None:
    """A directory in memory (Linux's /dev/shm) for the batches ruff formats. On a disk, a
    formatted file has been written out by the time it is removed, and removing a batch's
    files then waited on the disk: 0.2-0.4 s for DigitalOcean's on a virtual machine."""
    shared = "/dev/shm"
    return shared if os.path.isdir(shared) and os.access(shared, os.W_OK | os.X_OK) else None


class FormattingBatch:
    """A batch of files ruff is formatting; `result()` waits and gives them formatted."""

    def __init__(self, root: Path | None, paths: list[str], running: Future[None] | None) -> None:
        self._root, self._paths, self._running = root, paths, running

    def result(self) -> dict[str, bytes]:
        """The formatted files (path -> content). Raises SpecError."""
        if self._root is None or self._running is None:
            return {}
        self._running.result()
        return {path: (self._root / path).read_bytes() for path in self._paths}


class BackgroundFormatter:
    """Formats batches of files on worker threads (ruff is a subprocess).

    Two at a time: the models, rendered last, need not wait behind the clients and server,
    the largest batch; 0.06 s sooner for DigitalOcean.
    """

    def __init__(self) -> None:
        ruff_binary()  # on this thread, before the workers start
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="ruff")
        self._scratch: list[Path] = []  # removed when the formatter closes

    def submit(self, files: Mapping[str, bytes], check_imports: bool = True) -> FormattingBatch:
        """Start formatting a batch: its Python and Markdown files. Without `check_imports`,
        their imports are taken as they are (see `format_tree`)."""
        wanted = _formatted_only(files)
        if not wanted:
            return FormattingBatch(None, [], None)
        root = _written(wanted)
        self._scratch.append(root)
        return FormattingBatch(root, list(wanted), self._pool.submit(format_tree, root, check_imports))

    def __enter__(self) -> BackgroundFormatter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        for root in self._scratch:
            shutil.rmtree(root, ignore_errors=True)
