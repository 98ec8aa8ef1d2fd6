"""`python -m generator watch`, driven for real: files edited on disk, output read as it comes."""

from __future__ import annotations

import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ROOT, SPECS, snapshot

pytestmark = pytest.mark.slow


class Watcher:
    """The watch command in a subprocess; its output lines arrive on a queue."""

    def __init__(self, project: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-u", "-m", "generator", "watch", "--templates", "overrides"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def wait_for(self, words: str, timeout: float = 20) -> list[str]:
        """Lines up to and including the first that contains `words`."""
        deadline = time.monotonic() + timeout
        got: list[str] = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                continue
            got.append(line)
            self.seen.append(line)
            if words in line:
                return got
        raise AssertionError(f"no line with {words!r} in {timeout}s; output so far: {self.seen}")


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Path]:
    (tmp_path / "specs").mkdir()
    (tmp_path / "overrides").mkdir()
    shutil.copy(SPECS / "sequence.yaml", tmp_path / "specs" / "sequence.yaml")
    shutil.copy(SPECS / "meteroid.yaml", tmp_path / "specs" / "meteroid.yaml")
    yield tmp_path


def test_watch_regenerates_what_changed_survives_a_broken_save_and_stops_cleanly(project: Path) -> None:
    spec = project / "specs" / "sequence.yaml"
    generated = project / "generated"
    watcher = Watcher(project)
    try:
        watcher.wait_for("watching")
        watcher.wait_for("generated 2 packages")  # the first pass brings generated/ up to date
        time.sleep(0.5)

        # An edit to one spec regenerates that package alone, one line with files and time.
        spec.write_text(spec.read_text().replace("title: Sequence API", "title: Sequence Billing API"))
        (line,) = watcher.wait_for("sequence:")[-1:]
        assert "changed" in line and " in " in line and line.endswith("s")
        assert "Sequence Billing API" in (generated / "sequence" / "README.md").read_text()
        assert not any(line.startswith("meteroid:") for line in watcher.seen[2:])

        # A broken save: diagnostics, generated/ untouched, the watcher keeps going.
        before = snapshot(generated)
        good = spec.read_text()
        spec.write_text(good + "broken: [\n")
        lines = watcher.wait_for("nothing was written")
        assert any("sequence.yaml:" in line and "error: invalid YAML" in line for line in lines)
        assert snapshot(generated) == before
        spec.write_text(good.replace("Sequence Billing API", "Sequence API"))
        watcher.wait_for("sequence:")
        assert "Sequence Billing API" not in (generated / "sequence" / "README.md").read_text()

        # A template override regenerates every package.
        (project / "overrides" / "README.md.jinja").write_text("# {{ api.title | markdown }}, our way\n")
        lines = watcher.wait_for("sequence:")  # packages come in name order: meteroid first
        assert any(line.startswith("meteroid:") for line in lines)
        assert (generated / "meteroid" / "README.md").read_text() == "# Meteroid API, our way\n"
        assert (generated / "sequence" / "README.md").read_text() == "# Sequence API, our way\n"
    finally:
        watcher.process.send_signal(signal.SIGINT)
        try:
            code = watcher.process.wait(timeout=10)
        finally:
            watcher.process.kill()
    watcher.wait_for("stopped watching", timeout=5)
    assert code == 0
    assert not any("Traceback" in line for line in watcher.seen)
