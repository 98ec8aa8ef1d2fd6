"""The changelog a generated package keeps in `CHANGES.json` and shows in its README.

Each regeneration that changes the API adds its changes under the spec's version; changes
to a version already at the top join that entry. The file is read back from the previous
output, so the history survives every regeneration.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from generator.change.spec_diff import ApiChange

FILE_NAME = "CHANGES.json"


@dataclass(frozen=True, slots=True)
class Entry:
    version: str
    breaking: tuple[str, ...]
    compatible: tuple[str, ...]


def read(package_dir: Path) -> list[Entry]:
    """The history of a generated package; empty when there is none or it is unreadable."""
    try:
        raw = json.loads((package_dir / FILE_NAME).read_text(encoding="utf-8"))
        return [
            Entry(str(item["version"]), tuple(map(str, item["breaking"])), tuple(map(str, item["compatible"])))
            for item in raw
        ]
    except (OSError, ValueError, KeyError, TypeError):
        return []


def merged(history: list[Entry], version: str, changes: list[ApiChange]) -> list[Entry]:
    """The history with `changes` added at the top, under `version`."""
    if not changes:
        return history
    # Imported here: only a regeneration that changed the API has changes to class; a first
    # generation never loads the spec comparison.
    from generator.change.spec_diff import Impact

    breaking = tuple(f"{c.subject}: {c.description}" for c in changes if c.impact is Impact.BREAKING)
    compatible = tuple(f"{c.subject}: {c.description}" for c in changes if c.impact is Impact.COMPATIBLE)
    if history and history[0].version == version:
        top = history[0]
        return [
            Entry(
                version, top.breaking + _new(breaking, top.breaking), top.compatible + _new(compatible, top.compatible)
            ),
            *history[1:],
        ]
    return [Entry(version, breaking, compatible), *history]


def _new(items: tuple[str, ...], present: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(item for item in items if item not in present)


def dump(history: list[Entry]) -> str:
    items = [{"version": e.version, "breaking": list(e.breaking), "compatible": list(e.compatible)} for e in history]
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
