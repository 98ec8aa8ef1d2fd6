"""Writing generated packages: only files that changed, and nothing at all on failure.

Packages are rendered and formatted completely in memory and a temporary directory
before this module touches the target. Then files whose bytes differ are replaced
(each by an atomic rename) and files that are no longer generated are deleted.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Change:
    path: str
    kind: str  # "added", "changed" or "removed"


def existing_files(directory: Path) -> dict[str, bytes]:
    if not directory.is_dir():
        return {}
    files = {}
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if path.is_file() and not _is_build_artefact(relative):
            files[relative.as_posix()] = path.read_bytes()
    return files


def _is_build_artefact(relative: Path) -> bool:
    """Files pip, setuptools and Python leave in a package directory are not ours to manage."""
    return (
        relative.parts[0] in ("build", "dist")
        or relative.suffix == ".pyc"
        or any(part == "__pycache__" or part.endswith(".egg-info") for part in relative.parts)
    )


def plan(directory: Path, files: dict[str, bytes]) -> list[Change]:
    """The changes that make `directory` hold exactly `files`."""
    return _changes(existing_files(directory), files)


def _changes(current: dict[str, bytes], files: dict[str, bytes]) -> list[Change]:
    changes = [Change(path, "added") for path in files if path not in current]
    changes += [Change(path, "changed") for path in files if path in current and current[path] != files[path]]
    changes += [Change(path, "removed") for path in current if path not in files]
    return sorted(changes, key=lambda change: change.path)


def apply(directory: Path, files: dict[str, bytes], changes: list[Change]) -> None:
    for change in changes:
        target = directory / change.path
        if change.kind == "removed":
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
        with os.fdopen(handle, "wb") as stream:
            stream.write(files[change.path])
        os.replace(temporary, target)
    for change in changes:
        if change.kind == "removed":
            _remove_empty_parents((directory / change.path).parent, directory)


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def unified_diff(directory: Path, files: dict[str, bytes], label: str) -> str:
    """A readable diff from what is on disk to what should be there."""
    current = existing_files(directory)
    chunks: list[str] = []
    for change in _changes(current, files):
        old = current.get(change.path, b"").decode("utf-8", "replace").splitlines(keepends=True)
        new = files.get(change.path, b"").decode("utf-8", "replace").splitlines(keepends=True)
        name = f"{label}/{change.path}"
        chunks.extend(difflib.unified_diff(old, new, f"a/{name} (on disk)", f"b/{name} (generated)"))
        if chunks and not chunks[-1].endswith("\n"):
            chunks[-1] += "\n"
    return "".join(chunks)
