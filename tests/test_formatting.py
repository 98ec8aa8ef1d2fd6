"""Ruff over a batch of generated files, written where it costs least to remove them."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest

from generator.write import formatting

UNFORMATTED = {"pkg/module.py": b"x = {'a':1}\n", "pkg/README.md": b"# Title\n", "pkg/data.json": b"{}"}
FORMATTED = {"pkg/module.py": b'x = {"a": 1}\n', "pkg/README.md": b"# Title\n"}


@pytest.mark.parametrize("in_memory", [True, False], ids=["in memory", "on disk"])
def test_a_batch_comes_back_formatted_and_its_directory_is_removed(
    in_memory: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(formatting, "_memory_directory", lambda: str(tmp_path) if in_memory else None)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "disk"))
    (tmp_path / "disk").mkdir()
    assert formatting.formatted(UNFORMATTED) == FORMATTED
    assert [path.name for path in tmp_path.iterdir()] == ["disk"]  # no batch directory left
    assert list((tmp_path / "disk").iterdir()) == []


def test_formatting_leaves_nothing_in_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # ruff keeps a cache of what it formatted (`.ruff_cache/`) where it runs: of batches in
    # temporary directories, it could never be used, and it is not the user's to clean up.
    monkeypatch.chdir(tmp_path)
    assert formatting.formatted(UNFORMATTED) == FORMATTED
    assert formatting.formatted(UNFORMATTED, check_imports=False) == FORMATTED
    assert list(tmp_path.iterdir()) == []


def test_a_batch_the_memory_directory_cannot_hold_is_written_on_disk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    memory, disk = tmp_path / "memory", tmp_path / "disk"
    memory.mkdir()
    disk.mkdir()
    monkeypatch.setattr(formatting, "_memory_directory", lambda: str(memory))
    monkeypatch.setattr(tempfile, "tempdir", str(disk))
    write_all = formatting._write_all
    roots: list[Path] = []

    def full_in_memory(root: Path, files: Any) -> None:
        roots.append(root)
        if root.parent == memory:
            raise OSError(28, "No space left on device")
        write_all(root, files)

    monkeypatch.setattr(formatting, "_write_all", full_in_memory)
    assert formatting.formatted(UNFORMATTED) == FORMATTED
    assert [root.parent for root in roots] == [memory, disk]
    assert list(memory.iterdir()) == [] and list(disk.iterdir()) == []
