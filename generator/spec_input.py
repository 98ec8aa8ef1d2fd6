"""What to generate: a spec's root file and the name of its package."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class SpecInput:
    """A spec to generate: its root file and the name of its package."""

    path: Path
    name: str

    @classmethod
    def from_path(cls, path: Path, name: str | None = None) -> SpecInput:
        return cls(path, name or path.stem)
