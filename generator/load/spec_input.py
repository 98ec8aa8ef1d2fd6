"""What to generate: a spec's root file, the name of its package, and how to read it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.load.limits import DEFAULT, Limits

# A package name is a directory under --out, a pip distribution name and, with `_api`, an
# import name: letters, digits, `-` and `_`, starting with a letter. No `.`, no `/`: a
# spec called `...yaml` must not make `generated/..` a package directory.
_PACKAGE_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
MAX_NAME_LENGTH = 64


class BadPackageName(ValueError):
    pass


def check_package_name(name: str, origin: str) -> str:
    """`name` when it can name a package; BadPackageName saying why not, otherwise."""
    if not _PACKAGE_NAME.match(name):
        raise BadPackageName(
            f"{origin}: {name!r} cannot name a package: use letters, digits, '-' and '_', "
            "starting with a letter (choose one with --name)"
        )
    if len(name) > MAX_NAME_LENGTH:
        raise BadPackageName(f"{origin}: package name of {len(name)} characters; at most {MAX_NAME_LENGTH}")
    return name


@dataclass(frozen=True, slots=True)
class LoadOptions:
    """How a spec's files are read: where `$ref`s may lead, and the budgets."""

    # Directories `$ref`s may reach besides the root spec's own directory.
    ref_roots: tuple[Path, ...] = ()
    limits: Limits = DEFAULT


@dataclass(frozen=True, slots=True)
class SpecInput:
    """A spec to generate: its root file and the name of its package."""

    path: Path
    name: str
    load: LoadOptions = field(default=LoadOptions(), compare=False)

    @classmethod
    def from_path(cls, path: Path, name: str | None = None, load: LoadOptions | None = None) -> SpecInput:
        """Raises BadPackageName when the name (given, or the file's stem) cannot name a package."""
        origin = "--name" if name else str(path)
        return cls(path, check_package_name(name or path.stem, origin), load or LoadOptions())
