"""A spec as it was at a git revision, checked out into a temporary directory."""

from __future__ import annotations

import io
import subprocess
import tarfile
import tempfile
from pathlib import Path
from types import TracebackType

from generator.diagnostics import Location, SpecError, error


class Checkout:
    """`with Checkout(spec, rev) as path:` the spec's file at `rev` (None if it did not exist).

    The spec's whole directory is taken from the revision, so `$ref`s to neighbouring
    files resolve as they did then. Without a revision, the spec itself.
    """

    def __init__(self, spec: Path, revision: str | None) -> None:
        self.spec = spec
        self.revision = revision
        self._scratch: tempfile.TemporaryDirectory[str] | None = None

    def __enter__(self) -> Path | None:
        if self.revision is None:
            return self.spec
        folder = self.spec.resolve().parent
        top = Path(_git(folder, "rev-parse", "--show-toplevel").decode().strip())
        _git(top, "rev-parse", "--verify", "--quiet", f"{self.revision}^{{commit}}")  # a revision that exists
        relative = folder.relative_to(top).as_posix() or "."
        try:
            archive = _git(top, "archive", "--format=tar", self.revision, "--", relative)
        except SpecError:
            return None  # the directory did not exist at that revision
        self._scratch = tempfile.TemporaryDirectory(prefix="pyapigen-rev-")
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(self._scratch.name, filter="data")
        old = Path(self._scratch.name) / relative / self.spec.name
        return old if old.is_file() else None

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, traceback: TracebackType | None
    ) -> None:
        if self._scratch is not None:
            self._scratch.cleanup()


def spec_at(spec: Path, revision: str) -> Checkout:
    return Checkout(spec, revision)


def _git(cwd: Path, *arguments: str) -> bytes:
    result = subprocess.run(["git", *arguments], cwd=cwd, capture_output=True, check=False)
    if result.returncode != 0:
        message = result.stderr.decode(errors="replace").strip().splitlines()
        raise SpecError([error(Location(str(cwd)), f"git {arguments[0]}: {message[-1] if message else 'failed'}")])
    return result.stdout
