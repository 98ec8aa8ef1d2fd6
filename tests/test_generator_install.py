"""The generator installs from a wheel and works without the repository around it.

Its templates and the runtime it copies into every package live beside `generator/` in
the repository; a wheel carries them inside the `generator` package. Installed that way
and run from a directory that holds nothing but the specs, it must write exactly the
packages committed under `generated/`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support import GENERATED, ROOT, SPECS, snapshot

pytestmark = pytest.mark.slow


def test_an_installed_generator_writes_the_committed_packages(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(wheels), str(ROOT)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = wheels.glob("pyapigen-*.whl")
    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr

    project = tmp_path / "project"
    shutil.copytree(SPECS, project / "specs")
    # The installed copy comes first on the path: the checkout's `generator` is not reachable.
    environment = {**os.environ, "PYTHONPATH": str(site)}
    where = subprocess.run(
        [sys.executable, "-c", "import generator.assets as a; print(a.TEMPLATES_DIR); print(a.RUNTIME_DIR)"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.split() == [str(site / "generator" / "_templates"), str(site / "generator" / "_runtime")]

    run = subprocess.run(
        [sys.executable, "-m", "generator", "generate", "--strict"],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert snapshot(project / "generated") == snapshot(GENERATED)
