"""A spec is untrusted input: what a hostile one must not be able to make the generator do.

Each case runs the real command in a project of its own and checks the exit code, the
message, and that nothing around the output (the project, its other packages, files
outside it) changed: a snapshot of the whole temporary tree before and after.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import SPECS, Run, run_generator, snapshot

SECRET = "hunter2-the-secret-password"
ONE_OPERATION = """openapi: 3.0.3
info: {title: Probe, version: "1"}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "REF"}
"""


@pytest.fixture(scope="module")
def sequence_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated package to put in projects, so a test can show it survives untouched."""
    out = tmp_path_factory.mktemp("generated")
    assert run_generator("generate", SPECS / "sequence.yaml", "--out", out).returncode == 0
    return out / "sequence"


@pytest.fixture
def project(tmp_path: Path, sequence_package: Path) -> Path:
    """A project with a spec directory, a generated package, and a secret beside it."""
    root = tmp_path / "project"
    (root / "specs").mkdir(parents=True)
    shutil.copy(SPECS / "sequence.yaml", root / "specs" / "sequence.yaml")
    shutil.copytree(sequence_package, root / "generated" / "sequence")
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.yaml").write_text(f"type: string\ndescription: {SECRET}\n")
    return root


def generator(project: Path, *arguments: str | Path) -> Run:
    return run_generator(*arguments, cwd=project)


def assert_refused(run: Run, *words: str) -> None:
    assert run.returncode == 1, run.stdout + run.stderr
    for word in words:
        assert word in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
    assert "internal error" not in run.stderr


# --- package names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec_file", "name"),
    [
        ("...yaml", None),  # the stem is `..`: the package directory would be the project itself
        ("..yaml", None),
        ("api.yaml", ".."),
        ("api.yaml", "../x"),
        ("api.yaml", "/tmp/pyapigen-absolute-name"),
        ("api.yaml", "a" * 300),
        ("api.yaml", ".hidden"),
    ],
)
def test_a_name_that_cannot_name_a_package_is_refused_and_nothing_changes(
    project: Path, spec_file: str, name: str | None
) -> None:
    shutil.copy(SPECS / "sequence.yaml", project / "specs" / spec_file)
    before = snapshot(project.parent)
    arguments = ["generate", "--out", "generated"]
    arguments += ["--specs-dir", "specs"] if name is None else [f"specs/{spec_file}", "--name", name]
    run = generator(project, *arguments)
    assert_refused(run, "error: ")
    assert "cannot name a package" in run.stderr or "at most 64" in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1
    assert snapshot(project.parent) == before
    assert not Path("/tmp/pyapigen-absolute-name").exists()


# --- $ref confinement --------------------------------------------------------------------


def _spec_with_ref(project: Path, ref: str) -> Path:
    spec = project / "specs" / "probe.yaml"
    spec.write_text(ONE_OPERATION.replace("REF", ref))
    return spec


@pytest.mark.parametrize("how", ["relative", "absolute", "symlink", "symlink-directory", "encoded"])
def test_a_ref_cannot_leave_the_reference_root(project: Path, how: str) -> None:
    secret = project.parent / "outside" / "secret.yaml"
    ref = {
        "relative": "../../outside/secret.yaml",
        "absolute": str(secret),
        "symlink": "innocent.yaml",
        "symlink-directory": "shared/secret.yaml",
        "encoded": "%2E%2E/%2E%2E/outside/secret.yaml",
    }[how]
    if how == "symlink":
        (project / "specs" / "innocent.yaml").symlink_to(secret)
    if how == "symlink-directory":
        (project / "specs" / "shared").symlink_to(secret.parent)
    spec = _spec_with_ref(project, ref)
    before = snapshot(project.parent)
    for command in (["validate", spec], ["generate", spec, "--out", "generated"]):
        run = generator(project, *command)
        assert_refused(run, "leaves the reference root", "--ref-root", "probe.yaml:12")
        assert SECRET not in run.stdout + run.stderr
    assert snapshot(project.parent) == before


def test_system_files_are_refused_without_quoting_them(project: Path) -> None:
    spec = _spec_with_ref(project, "/etc/passwd")
    run = generator(project, "generate", spec, "--out", "generated")
    assert_refused(run, "leaves the reference root")
    assert "root:" not in run.stderr


def test_the_reference_root_can_be_widened(project: Path) -> None:
    spec = _spec_with_ref(project, "../../outside/secret.yaml")
    run = generator(project, "generate", spec, "--out", "generated", "--ref-root", "../outside")
    assert run.returncode == 0, run.stderr
    # The same through the project's settings.
    (project / "pyproject.toml").write_text('[tool.pyapigen]\nref-root = "../outside"\n')
    run = generator(project, "validate", spec)
    assert run.returncode == 0, run.stderr


@pytest.mark.parametrize("kind", ["device", "fifo", "directory", "too-large"])
def test_a_ref_to_something_that_is_not_a_small_regular_file_is_refused(project: Path, kind: str) -> None:
    specs = project / "specs"
    arguments: list[str | Path] = []
    if kind == "device":
        ref, arguments = "/dev/zero", ["--ref-root", "/dev"]
    elif kind == "fifo":
        os.mkfifo(specs / "pipe.yaml")
        ref = "pipe.yaml"
    elif kind == "directory":
        (specs / "folder.yaml").mkdir()
        ref = "folder.yaml"
    else:
        (specs / "big.yaml").write_text("type: string\ndescription: " + "x" * 5000 + "\n")
        ref, arguments = "big.yaml", ["--limit", "max-file-bytes=4096"]
    spec = _spec_with_ref(project, ref)
    # A hang (reading a FIFO, reading /dev/zero) fails the test through the timeout.
    result = subprocess.run(
        [sys.executable, "-m", "generator", "validate", str(spec), *map(str, arguments)],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=30,
        env={"PYTHONPATH": str(Path(__file__).resolve().parent.parent), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    run = Run(result.returncode, result.stdout, result.stderr)
    expected = "max-file-bytes" if kind == "too-large" else "not a regular file"
    assert_refused(run, expected, "probe.yaml:12")


# --- budgets -----------------------------------------------------------------------------


def _alias_bomb(where: str) -> str:
    levels = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 10)]
    head = "openapi: 3.1.0\ninfo: {title: Bomb, version: '1'}\npaths: {}\n"
    if where == "extension":
        return head + "x-bomb:\n" + "".join(f"  {line}\n" for line in levels)
    if where == "example":
        body = "".join(f"        {line}\n" for line in levels)
        return head + "components:\n  schemas:\n    Bomb:\n      type: object\n      example:\n" + body
    # In nested properties: each level's properties are the level below, ten times over.
    lines = [head + "components:\n  schemas:\n    Bomb:\n      type: object\n      x-levels:\n"]
    lines.append("        l0: &l0 {type: object, properties: {a: {type: string}}}\n")
    for level in range(1, 10):
        members = ", ".join(f"p{n}: *l{level - 1}" for n in range(10))
        lines.append(f"        l{level}: &l{level} {{type: object, properties: {{{members}}}}}\n")
    lines.append("      properties:\n        top: *l9\n")
    return "".join(lines)


@pytest.mark.parametrize("where", ["extension", "example", "properties"])
@pytest.mark.parametrize("command", ["validate", "generate"])
def test_an_alias_bomb_is_refused_at_once(project: Path, where: str, command: str) -> None:
    spec = project / "specs" / "bomb.yaml"
    spec.write_text(_alias_bomb(where))
    assert len(spec.read_bytes()) < 1500
    before = snapshot(project.parent)
    extra = ["--out", "generated"] if command == "generate" else []
    run = generator(project, command, spec, *extra)
    assert_refused(run, "max-alias-nodes", "bomb.yaml:")
    assert snapshot(project.parent) == before


def _deep(levels: int, style: str) -> tuple[str, str]:
    """A spec whose `example` nests `levels` deep, in YAML flow, YAML block or JSON."""
    if style == "json":
        nested = "[" * levels + "]" * levels
        return "deep.json", json.dumps({"openapi": "3.0.3", "info": {"title": "D", "version": "1"}})[:-1] + (
            f', "paths": {{}}, "x-deep": {nested}}}'
        )
    head = "openapi: 3.0.3\ninfo: {title: D, version: '1'}\npaths: {}\n"
    if style == "flow":
        return "deep.yaml", head + "x-deep: " + "[" * levels + "]" * levels + "\n"
    block = "".join(f"{'  ' * i}p{i}:\n" for i in range(levels)) + "  " * levels + "leaf: 1\n"
    return "deep.yaml", head + "components:\n  schemas:\n    Deep:\n      x-levels:\n" + _indent(block, 8)


def _indent(text: str, spaces: int) -> str:
    return "".join(" " * spaces + line + "\n" for line in text.splitlines())


@pytest.mark.parametrize("style", ["flow", "block", "json"])
@pytest.mark.parametrize("levels", [150, 5000])
def test_deep_nesting_is_a_diagnostic_not_a_recursion_error(project: Path, style: str, levels: int) -> None:
    name, text = _deep(levels, style)
    spec = project / "specs" / name
    spec.write_text(text)
    for command in (["validate", spec], ["generate", spec, "--out", "generated"]):
        run = generator(project, *command)
        assert_refused(run, "max-depth", f"{name}:")


def test_a_limit_can_be_raised_on_the_command_line_and_in_pyproject(project: Path) -> None:
    name, text = _deep(150, "flow")
    spec = project / "specs" / name
    spec.write_text(text)
    assert generator(project, "validate", spec, "--limit", "max-depth=200").returncode == 0
    (project / "pyproject.toml").write_text("[tool.pyapigen.limits]\nmax-depth = 200\n")
    assert generator(project, "validate", spec).returncode == 0
    (project / "pyproject.toml").write_text("[tool.pyapigen.limits]\nmax-dept = 200\n")
    assert_refused(generator(project, "validate", spec), "unknown limit 'max-dept'")
    (project / "pyproject.toml").unlink()
    run = generator(project, "validate", spec, "--limit", "max-depth=lots")
    assert run.returncode == 2
    assert "positive whole number" in run.stderr


@pytest.mark.parametrize(
    ("name", "text", "words", "line"),
    [
        ("int.yaml", "maximum: " + "9" * 5000, "5,000 digits", 9),
        ("int.json", '"maximum": ' + "9" * 5000, "5,000 digits", 9),
        ("inf.yaml", "maximum: 1e400", "1e400 is not a finite number", 9),
        ("nan.yaml", "maximum: .nan", ".nan is not a finite number", 9),
        ("inf.json", '"maximum": 1e400', "1e400 is not a finite number", 9),
        ("nan.json", '"maximum": NaN', "NaN is not a JSON number", 9),
        ("infinity.json", '"maximum": -Infinity', "-Infinity is not a JSON number", 9),
        ("duplicate.json", '"type": "string"', "duplicate key 'type'", 9),
    ],
)
def test_values_generated_code_cannot_carry_are_diagnostics_at_their_line(
    project: Path, name: str, text: str, words: str, line: int
) -> None:
    """The number's schema starts on line 7; the offending keyword sits on line 9."""
    if name.endswith(".json"):
        content = (
            '{"openapi": "3.0.3", "info": {"title": "N", "version": "1"}, "paths": {},\n'
            '"components": {\n"schemas": {\n"N": {\n\n\n'
            '"type": "number",\n\n' + text + "\n}}}}\n"
        )
    else:
        content = (
            "openapi: 3.0.3\ninfo: {title: N, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
            "\n    N:\n      type: number\n      " + text + "\n"
        )
    spec = project / "specs" / name
    spec.write_text(content)
    run = generator(project, "generate", spec, "--out", "generated")
    assert_refused(run, words, f"{name}:{line}: /components/schemas/N/")


@pytest.mark.parametrize(
    ("schemas", "cycle"),
    [
        ({"A": {"$ref": "#/components/schemas/A"}}, "A -> A"),
        (
            {"A": {"$ref": "#/components/schemas/B"}, "B": {"allOf": [{"$ref": "#/components/schemas/A"}]}},
            "A -> B -> A",
        ),
    ],
)
def test_a_ref_cycle_with_no_content_becomes_any_with_a_warning(
    project: Path, schemas: dict[str, object], cycle: str
) -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "C", "version": "1"},
        "paths": {},
        "components": {"schemas": schemas},
    }
    spec = project / "specs" / "cycle.json"
    spec.write_text(json.dumps(document, indent=1))
    assert_refused(
        generator(project, "generate", "--strict", spec, "--out", "generated"), cycle, "/components/schemas/A"
    )
    run = generator(project, "generate", "-v", spec, "--out", "generated")
    assert run.returncode == 0, run.stderr
    assert f"/components/schemas/A: warning: $ref cycle with no content ({cycle}): taken as any value" in run.stderr
    models = (project / "generated" / "cycle" / "cycle_api" / "models" / "_other.py").read_text()  # no operation uses A
    assert "A = Any" in models or "A: TypeAlias = Any" in models or "RootModel[Any]" in models, models


# --- writing -----------------------------------------------------------------------------


def test_a_spec_without_schemas_generates_a_package_that_imports(project: Path) -> None:
    spec = project / "specs" / "ping.yaml"
    spec.write_text(
        "openapi: 3.0.3\ninfo: {title: Ping, version: '1'}\n"
        "paths:\n  /ping:\n    get:\n      operationId: ping\n      responses:\n        '204': {description: ok}\n"
    )
    run = generator(project, "generate", spec, "--out", "generated")
    assert run.returncode == 0, run.stderr
    package = project / "generated" / "ping"
    imported = subprocess.run(
        [sys.executable, "-c", "import ping_api, ping_api.server; print(ping_api.Client)"],
        cwd=package,
        capture_output=True,
        text=True,
        check=False,
    )
    assert imported.returncode == 0, imported.stderr


def test_generated_files_have_the_usual_modes(project: Path) -> None:
    shutil.rmtree(project / "generated")
    previous = os.umask(0o022)
    try:
        assert generator(project, "generate", "--out", "generated").returncode == 0
    finally:
        os.umask(previous)
    for path in (project / "generated").rglob("*"):
        expected = 0o755 if path.is_dir() else 0o644
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_out_naming_a_file_is_a_one_line_error(project: Path) -> None:
    (project / "not-a-directory").write_text("keep me\n")
    before = snapshot(project.parent)
    run = generator(project, "generate", "--out", "not-a-directory")
    assert_refused(run, "--out not-a-directory: not a directory")
    assert snapshot(project.parent) == before


def test_files_in_a_package_that_the_generator_did_not_write_are_kept(project: Path) -> None:
    package = project / "generated" / "sequence"
    (package / "NOTES.txt").write_text("mine\n")
    (package / "sequence_api" / "local_patch.py").write_text("x = 1\n")
    (project / "specs" / "sequence.yaml").write_text(
        (project / "specs" / "sequence.yaml").read_text().replace("title: Sequence", "title: Sequence Two", 1)
    )
    assert generator(project, "generate", "--out", "generated").returncode == 0
    assert (package / "NOTES.txt").read_text() == "mine\n"
    assert (package / "sequence_api" / "local_patch.py").read_text() == "x = 1\n"
    # A package whose spec is gone loses only what the generator wrote.
    (project / "specs" / "sequence.yaml").unlink()
    (project / "specs" / "other.yaml").write_text((SPECS / "meteroid.yaml").read_text())
    run = generator(project, "generate", "--out", "generated")
    assert "sequence: removed" in run.stdout
    assert sorted(p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()) == [
        "NOTES.txt",
        "sequence_api/local_patch.py",
    ]


def test_a_run_killed_while_swapping_is_recovered_by_the_next(project: Path) -> None:
    generated = project / "generated"
    before = snapshot(generated / "sequence")
    # Killed between the two renames: the old package moved aside, the new one staged.
    (generated / "sequence").rename(generated / ".sequence.old-0a1b2c3d")
    (generated / ".sequence.new-4e5f6a7b").mkdir()
    (generated / ".sequence.new-4e5f6a7b" / "half.py").write_text("")
    run = generator(project, "generate", "--out", "generated")
    assert run.returncode == 0, run.stderr
    assert sorted(p.name for p in generated.iterdir()) == ["sequence"]
    assert snapshot(generated / "sequence") == before


@contextlib.contextmanager
def small_file_system(path: Path, size_kb: int) -> Iterator[Path]:
    """A tmpfs of `size_kb` mounted at `path` (root only; the test skips elsewhere)."""
    path.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small file system here (needs root): " + mounted.stderr.decode().strip())
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _package_size(directory: Path) -> int:
    return sum(path.stat().st_size for path in directory.rglob("*") if path.is_file())


@pytest.mark.parametrize("failure", ["disk-full", "read-only"])
def test_a_write_that_fails_leaves_the_previous_package_byte_identical(
    project: Path, sequence_package: Path, failure: str
) -> None:
    size = _package_size(sequence_package) // 1024
    with small_file_system(project / "mnt", size * 2 + 64) as disk:
        out = disk / "generated"
        shutil.copytree(sequence_package, out / "sequence")
        if failure == "disk-full":
            free = shutil.disk_usage(disk).free
            (disk / "filler").write_bytes(b"\0" * max(free - size * 1024 // 2, 0))
        else:
            subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        before = snapshot(disk)
        spec = project / "specs" / "sequence.yaml"
        spec.write_text(spec.read_text().replace("title: Sequence", "title: Sequence Changed", 1))
        run = generator(project, "generate", spec, "--out", out)
        assert_refused(run, "error: cannot ", "no package was changed")
        assert len([line for line in run.stderr.splitlines() if line.startswith("error:")]) == 1
        assert snapshot(disk) == before
        assert sorted(p.name for p in out.iterdir()) == ["sequence"]  # no staging directory left
