"""What `python -m generator generate` imports: a plain generation loads neither the spec
comparison nor the datamodel-code-generator backend, and nothing before it reads the spec
loads importlib.metadata. Each is a part of the start-up time they would silently add to
every run."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.support import FIXTURES, ROOT

# Runs the command line as `python -m generator` does and writes to argv[1], as JSON, the
# modules imported when the spec is about to be bundled and those imported by the end.
_RECORDING_RUN = """
import json, os, runpy, sys

import generator.load.bundle as loading

modules = {}
real_bundle = loading.bundle

def recording_bundle(*arguments, **keywords):
    modules.setdefault("at_bundle", sorted(sys.modules))
    return real_bundle(*arguments, **keywords)

loading.bundle = recording_bundle  # before generator.pipeline imports it by name
record, sys.argv = sys.argv[1], ["generator", *sys.argv[2:]]

def write_record(code):
    modules["exit_code"] = code
    modules["at_exit"] = sorted(sys.modules)
    with open(record, "w") as stream:
        json.dump(modules, stream)

# `python -m generator` ends with os._exit; its forked helpers too, which record nothing.
real_exit, main_process = os._exit, os.getpid()

def recording_exit(code):
    if os.getpid() == main_process:
        write_record(code)
    real_exit(code)

os._exit = recording_exit
try:
    runpy.run_module("generator", run_name="__main__", alter_sys=True)
except SystemExit as exit:
    write_record(exit.code)
"""

# Needed only to compare two versions of a spec (a regeneration that changed it, `check`,
# `diff`) or by the other models backend; `difflib` only by `check`.
ONLY_WHEN_ASKED = (
    "generator.change.spec_diff",
    "generator.change.revisions",
    "generator.render.datamodel_models",
    "difflib",
)
# Needed only for the tools' versions, which a first generation reads for the stamp it
# writes last; see generator.write.stamps.
NOT_BEFORE_THE_SPEC = ("importlib.metadata",)


def _generate(spec: Path, out: Path, cwd: Path) -> dict[str, Any]:
    record = cwd / "modules.json"
    arguments = ["generate", str(spec), "--out", str(out), "--name", "pets", "--models", "builtin"]
    run = subprocess.run(
        [sys.executable, "-c", _RECORDING_RUN, str(record), *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    modules: dict[str, Any] = json.loads(record.read_text())
    assert modules["exit_code"] == 0, run.stderr
    assert "at_bundle" in modules, "the spec was never bundled through generator.load.bundle.bundle"
    return modules


def test_a_first_generation_imports_only_what_it_uses(tmp_path: Path) -> None:
    spec = tmp_path / "petstore.yaml"
    shutil.copy(FIXTURES / "specs" / "petstore.yaml", spec)
    modules = _generate(spec, tmp_path / "out", tmp_path)
    assert (tmp_path / "out" / "pets" / "pets_api" / "client.py").is_file()
    assert [name for name in ONLY_WHEN_ASKED if name in modules["at_exit"]] == []
    assert [name for name in NOT_BEFORE_THE_SPEC if name in modules["at_bundle"]] == []


def test_regenerating_an_edited_spec_finds_the_edit_before_reading_tool_versions(tmp_path: Path) -> None:
    spec = tmp_path / "petstore.yaml"
    shutil.copy(FIXTURES / "specs" / "petstore.yaml", spec)
    out = tmp_path / "out"
    _generate(spec, out, tmp_path)  # writes the package and its stamp
    spec.write_text(spec.read_text().replace("title: Pet Store", "title: Pet Shop").replace("  /pets:", "  /animals:"))
    modules = _generate(spec, out, tmp_path)
    assert "Pet Shop" in (out / "pets" / "README.md").read_text()
    assert [name for name in NOT_BEFORE_THE_SPEC if name in modules["at_bundle"]] == []
    # The earlier package is compared with the new one (in a child process) and the changes
    # summed up: what is imported lazily still works.
    assert "/pets" in (out / "pets" / "CHANGES.json").read_text()
    assert "generator.change.spec_diff" in modules["at_exit"]
