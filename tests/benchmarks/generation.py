"""Generation speed and memory: the floor, the published corpus, the vendor specs, synthetic specs.

Every run is a fresh `python -m generator generate` process, as `make generate` starts
one; wall time is measured around it and peak memory (max RSS) is the process's own,
reported by a small wrapper. For each spec of the corpus, openapi-python-client (from its
own environment, `.venv-peer/`, which `make bench` creates) and datamodel-code-generator
run on the same spec in alternation with ours, in the same run; a multi-file spec reaches
them as our bundled `openapi.json`, since they cannot read it split. Next to each time: the
operations each tool produced (ours: methods of the generated client; openapi-python-client:
its endpoint modules), or why it failed.

The floor is what no generator of this spec can avoid: reading and parsing its files. It
is measured as a fresh process that parses every file DigitalOcean's spec is made of with
libyaml and does nothing else, in alternation with our full generation of that spec, with
each models backend (ours, and datamodel-code-generator where its extra is installed).
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support import CORPUS, PUBLISHED, ROOT, SPECS, spec_operations

PEER_VENV = ROOT / ".venv-peer"  # openapi-python-client, isolated: `make bench` creates it
ROUNDS = 3
FLOOR_ROUNDS = 5
SCALES = (10, 100, 1000, 5000)
FLOOR_GOAL, PEER_GOAL = 3.0, 0.10  # ours / the floor; ours / openapi-python-client
MEMORY_GOAL_MB = 122  # the generating process's peak

# Runs the generator in-process and prints peak memory last, in KiB: its own, and the
# largest of its child processes (ruff, and the forked workers that build the models and render the routes).
_WRAPPER = """
import os, resource, sys
from generator.cli.main import main
code = main(sys.argv[1:], process_ends=True)  # as `python -m generator` runs it, and ends it:
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("maxrss", own, children, file=sys.stderr)
sys.stdout.flush()
sys.stderr.flush()
os._exit(code)
"""

# The files a spec is made of, one per line, into a list file.
_LIST_FILES = """
import sys
from pathlib import Path
from generator.load.bundle import bundle
Path(sys.argv[2]).write_text("\\n".join(sorted(map(str, bundle(Path(sys.argv[1]))[0].files))), encoding="utf-8")
"""

# The floor: parse every file named in the list file with libyaml, nothing more.
_FLOOR = """
import resource, sys, yaml
with open(sys.argv[1], encoding="utf-8") as listed:
    paths = listed.read().splitlines()
for path in paths:
    with open(path, "rb") as stream:
        yaml.load(stream, Loader=yaml.CSafeLoader)
print("maxrss", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, 0, file=sys.stderr)
"""


@dataclass
class Run:
    seconds: float
    peak_mb: float  # the generator's process
    helper_peak_mb: float  # its largest child process
    stdout: str
    returncode: int = 0
    stderr: str = ""


def run(command: str, *arguments: str | Path, cwd: Path = ROOT) -> Run:
    """`python -m generator COMMAND ...` in a fresh process, timed, with its peak memory."""
    return _python(_WRAPPER, command, *arguments, cwd=cwd)


def _python(script: str, *arguments: str | Path, cwd: Path = ROOT) -> Run:
    """`script` in a fresh Python process, timed, with the peak memory it prints last."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", script, *map(str, arguments)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    seconds = time.perf_counter() - started
    peaks = next((line.split()[1:] for line in result.stderr.splitlines() if line.startswith("maxrss")), ["0", "0"])
    own, children = (int(peak) / 1024 for peak in peaks)
    return Run(seconds, own, children, result.stdout, result.returncode, result.stderr)


def generate(*arguments: str | Path, cwd: Path = ROOT) -> Run:
    result = run("generate", *arguments, cwd=cwd)
    if result.returncode != 0:
        raise RuntimeError(f"generation failed:\n{result.stderr[-2000:]}")
    return result


def floor() -> None:
    """DigitalOcean's full generation against the floor, and against openapi-python-client."""
    spec = next(spec for spec in PUBLISHED if spec.name == "digitalocean")
    if not spec.path.is_file():
        print(f"Floor: skipped, {spec.root} is not in ../{CORPUS.relative_to(ROOT.parent).as_posix()}/")
        return
    peer = _peer_executable()
    with_datamodel = _has_datamodel_code_generator()
    ours: list[Run] = []
    ours_datamodel: list[Run] = []  # the same generation, datamodel-code-generator making the models
    parsing: list[Run] = []
    theirs: list[Peer] = []
    with tempfile.TemporaryDirectory() as scratch:
        # Listed by a process of its own: peak memory is inherited across fork and exec, so
        # the bench's own process must stay small for the floor's peak to be its own.
        listed = Path(scratch) / "files.txt"
        if _python(_LIST_FILES, spec.path, listed).returncode != 0:
            raise RuntimeError(f"could not list the files of {spec.root}")
        count = len(listed.read_text(encoding="utf-8").splitlines())
        print(f"Floor: {spec.name}, {count:,} files; median of {FLOOR_ROUNDS} fresh processes each, in alternation")
        bundled = Path(scratch) / "bundled.json"
        for round_ in range(FLOOR_ROUNDS):
            out = Path(scratch) / f"ours-{round_}"  # a fresh directory: nothing is skipped as current
            ours.append(generate(spec.path, "--out", out, "--name", spec.name, cwd=Path(scratch)))
            if round_ == 0:
                shutil.copy(next((out / spec.name).glob("*/openapi.json")), bundled)
            shutil.rmtree(out)
            if with_datamodel:
                models_by_them = ("--models", "datamodel-code-generator")
                ours_datamodel.append(
                    generate(spec.path, "--out", out, "--name", spec.name, *models_by_them, cwd=Path(scratch))
                )
                shutil.rmtree(out)
            parsing.append(_python(_FLOOR, listed))
            if parsing[-1].returncode != 0:
                raise RuntimeError(f"the floor failed:\n{parsing[-1].stderr[-2000:]}")
            if peer:
                theirs.append(_peer(peer, bundled, Path(scratch) / f"peer-{round_}"))
    ours_seconds = statistics.median(r.seconds for r in ours)
    floor_seconds = statistics.median(r.seconds for r in parsing)
    print(
        f"  {'pyapigen, full generation':<44} {ours_seconds:>6.2f} s   peak {max(r.peak_mb for r in ours):.0f} MB "
        f"(goal: at most {MEMORY_GOAL_MB} MB; its largest child {max(r.helper_peak_mb for r in ours):.0f} MB, "
        "a forked worker sharing its pages, or ruff)"
    )
    if ours_datamodel:
        datamodel_seconds = statistics.median(r.seconds for r in ours_datamodel)
        peak = max(r.peak_mb for r in ours_datamodel)
        print(f"  {'pyapigen, datamodel-code-generator models':<44} {datamodel_seconds:>6.2f} s   peak {peak:.0f} MB")
        print(f"  {'  difference (the models backend alone)':<44} {datamodel_seconds - ours_seconds:>+6.2f} s")
    else:
        print("  datamodel-code-generator is not installed (the extra of the same name): one models backend")
    print(
        f"  {'floor: every file parsed by libyaml':<44} {floor_seconds:>6.2f} s   "
        f"peak {max(r.peak_mb for r in parsing):.0f} MB"
    )
    print(f"  {'pyapigen / floor':<44} {ours_seconds / floor_seconds:>6.2f}x  (goal: at most {FLOOR_GOAL:.0f}x)")
    if not peer:
        print(f"  openapi-python-client is not installed ({PEER_VENV.name}/): no peer run")
        return
    peer_seconds = statistics.median(r.seconds for r in theirs)
    failed = next((r for r in theirs if r.returncode != 0), None)
    outcome = f"failed (exit {failed.returncode}): {_why(failed.stderr)}" if failed else f"{theirs[0].operations} ops"
    print(f"  {'openapi-python-client, our bundled spec':<44} {peer_seconds:>6.2f} s   {outcome}")
    print(
        f"  {'pyapigen / openapi-python-client':<44} {ours_seconds / peer_seconds:>6.2f}x  (goal: at most {PEER_GOAL}x)"
    )


def corpus() -> None:
    """Each published spec: our time and operations next to openapi-python-client's."""
    print(
        f"Published specs from ../{CORPUS.relative_to(ROOT.parent).as_posix()}/, full generation, median of {ROUNDS} runs each"
    )
    peer = _peer_executable()
    models_peer = shutil.which("datamodel-codegen", path=str(Path(sys.executable).parent))
    if peer is None:
        print(
            f"  openapi-python-client is not installed (`make bench` puts it in {PEER_VENV.name}/ when it can"
            " reach the package index): no peer run"
        )
    header = f"  {'spec':<16} {'operations':>10}  {'pyapigen':<34}  {'openapi-python-client (client only)':<58}"
    print(header + ("  datamodel-code-generator (models only)" if models_peer else ""))
    for spec in PUBLISHED:
        if not spec.path.is_file():
            print(f"  {spec.name:<16} skipped: {spec.root} is not in ../{CORPUS.relative_to(ROOT.parent).as_posix()}/")
            continue
        operations = len(spec_operations(spec.path))
        ours: list[Run] = []
        theirs: list[Peer] = []
        models_only: list[Peer] = []
        produced = 0
        with tempfile.TemporaryDirectory() as scratch:
            # The peers read split files no better than schemathesis: they get our bundle.
            source = Path(scratch) / "bundled.json" if spec.bundled else spec.path
            for round_ in range(ROUNDS):
                out = Path(scratch) / f"ours-{round_}"
                ours.append(run("generate", spec.path, "--out", out, "--name", spec.name, cwd=Path(scratch)))
                package = out / spec.name
                if round_ == 0 and ours[0].returncode == 0 and spec.bundled:
                    shutil.copy(next(package.glob("*/openapi.json")), source)
                if round_ == 0:
                    produced = _client_methods(package)
                if peer and source.is_file():
                    theirs.append(_peer(peer, source, Path(scratch) / f"peer-{round_}"))
                if models_peer and source.is_file():
                    models_only.append(_models_peer(models_peer, source, Path(scratch) / f"models-{round_}.py"))
        cells = [_ours_cell(ours, produced), _peer_cell(theirs, peer, source_ok=bool(theirs))]
        if models_peer:
            cells.append(_peer_cell(models_only, models_peer, source_ok=bool(models_only), counts=False))
        print(
            f"  {spec.name:<16} {operations:>10}  {cells[0]:<34}  {cells[1]:<58}"
            + (f"  {cells[2]}" if models_peer else "")
        )
    print("  (operations: in the spec; after each tool, the operations it produced, or why it failed)")


def _has_datamodel_code_generator() -> bool:
    """Whether the other models backend can run (`pip install 'pyapigen[datamodel-code-generator]'`)."""
    try:
        import datamodel_code_generator  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class Peer:
    seconds: float
    returncode: int
    operations: int
    stderr: str


def _peer_executable() -> str | None:
    """openapi-python-client: in its own environment (`make bench`), this one, or on PATH."""
    candidates = [PEER_VENV / "bin" / "openapi-python-client", Path(sys.executable).parent / "openapi-python-client"]
    found = next((str(path) for path in candidates if path.is_file()), None)
    return found or shutil.which("openapi-python-client")


def _client_methods(package: Path) -> int:
    """The public methods of the generated sync `Client`, read from its source: the plain
    (not `async`) methods of the `...Resource` classes of its per-tag modules, `_resources/`."""
    methods = 0
    for module in sorted(package.glob("*/_resources/*.py")):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        methods += sum(
            1
            for cls in tree.body
            if isinstance(cls, ast.ClassDef) and cls.name.endswith("Resource")
            for node in cls.body
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("_")
        )
    return methods


def _ours_cell(runs: list[Run], produced: int) -> str:
    failed = next((r for r in runs if r.returncode != 0), None)
    if failed is not None:
        return f"failed (exit {failed.returncode}): {_why(failed.stderr)}"
    peak = max(r.peak_mb for r in runs)
    return f"{statistics.median(r.seconds for r in runs):.2f} s, {produced} ops, {peak:.0f} MB"


def _peer_cell(runs: list[Peer], executable: str | None, *, source_ok: bool, counts: bool = True) -> str:
    if executable is None:
        return "not installed"
    if not source_ok:
        return "not run: no bundled spec to give it"
    seconds = statistics.median(r.seconds for r in runs)
    failed = next((r for r in runs if r.returncode != 0), None)
    if failed is not None:
        return f"failed (exit {failed.returncode}) in {seconds:.2f} s: {_why(failed.stderr)}"
    return f"{seconds:.2f} s" + (f", {runs[0].operations} ops" if counts else "")


def _why(output: str) -> str:
    """What a failed run said, short: its count of errors, or its first error line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    counted = [line for line in lines if re.search(r"\b\d+ (validation )?errors?\b", line)]
    errors = [line for line in lines if "error" in line.lower() and not line.startswith("For further")]
    line = (counted or errors or lines or ["no output"])[0]
    return re.sub(r"^\S+: (?=\d+ errors?$)", "", line)[:50]


def _peer(executable: str, spec: Path, out: Path) -> Peer:
    # Its post-generation hooks run ruff from PATH: its own environment comes first.
    path = f"{Path(executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    started = time.perf_counter()
    result = subprocess.run(
        [executable, "generate", "--path", str(spec), "--output-path", str(out), "--overwrite"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": path},
    )
    seconds = time.perf_counter() - started
    # One module per operation under <package>/api/<tag>/, each with sync and asyncio functions.
    modules = [m for m in out.glob("*/api/**/*.py") if m.name != "__init__.py"] if out.is_dir() else []
    return Peer(seconds, result.returncode, len(modules), result.stderr + result.stdout)


def _models_peer(executable: str, spec: Path, out: Path) -> Peer:
    started = time.perf_counter()
    result = subprocess.run(
        [
            executable,
            "--input",
            str(spec),
            "--input-file-type",
            "openapi",
            "--output-model-type",
            "pydantic_v2.BaseModel",
            "--formatters",
            "builtin",
            "--output",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return Peer(time.perf_counter() - started, result.returncode, 0, result.stderr)


def vendors() -> None:
    print("The four vendor specs (make generate):")
    with tempfile.TemporaryDirectory() as scratch:
        project = Path(scratch)
        shutil.copytree(SPECS, project / "specs")
        cold = generate("--out", project / "generated", cwd=project)
        warm = [generate("--out", project / "generated", cwd=project) for _ in range(ROUNDS)]
        rewritten = sum("unchanged" not in line for line in warm[-1].stdout.splitlines()[:-1])
        spec = project / "specs" / "sequence.yaml"
        spec.write_text(spec.read_text().replace("title: Sequence API", "title: Sequence Billing API"))
        one = generate("--out", project / "generated", cwd=project)
    print(f"  from scratch: {cold.seconds:.2f} s, peak {cold.peak_mb:.0f} MB")
    print(
        f"  again, nothing changed: {statistics.median(r.seconds for r in warm):.2f} s median, "
        f"{rewritten} package(s) rewritten"
    )
    lines = [line for line in one.stdout.splitlines() if ":" in line and not line.startswith("generated")]
    print(f"  one spec changed: {one.seconds:.2f} s; " + "; ".join(lines))


def synthetic_spec(operations: int) -> dict[str, object]:
    """`operations` operations over operations/2 resources, each with its own model."""
    paths: dict[str, object] = {}
    schemas: dict[str, object] = {}
    for index in range(0, operations, 2):
        name = f"Item{index}"
        schemas[name] = {
            "type": "object",
            "required": ["id", "name"],
            "properties": {
                "id": {"type": "integer"},
                "name": {"type": "string", "maxLength": 50},
                "tags": {"type": "array", "items": {"type": "string"}},
                "status": {"type": "string", "enum": ["on", "off"]},
            },
        }
        ref = {"$ref": f"#/components/schemas/{name}"}
        item = {"description": "The item.", "content": {"application/json": {"schema": ref}}}
        path_parameter = {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}}
        paths[f"/items{index}/{{id}}"] = {
            "get": {"operationId": f"getItem{index}", "parameters": [path_parameter], "responses": {"200": item}},
            "put": {
                "operationId": f"putItem{index}",
                "parameters": [path_parameter],
                "requestBody": {"required": True, "content": {"application/json": {"schema": ref}}},
                "responses": {"200": item},
            },
        }
    return {
        "openapi": "3.1.0",
        "info": {"title": f"Synthetic {operations}", "version": "1.0.0"},
        "paths": paths,
        "components": {"schemas": schemas},
    }


def scaling() -> None:
    print("Synthetic specs (two operations and one model per resource):")
    print(f"  {'operations':>10}  {'seconds':>8}  {'peak MB':>8}  {'ms per operation':>16}")
    per_operation: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as scratch:
        for operations in SCALES:
            spec = Path(scratch) / f"synthetic{operations}.json"
            spec.write_text(json.dumps(synthetic_spec(operations)))
            run = generate(spec, "--out", Path(scratch) / "out", "--name", f"synthetic{operations}")
            per_operation[operations] = run.seconds / operations * 1000
            print(f"  {operations:>10}  {run.seconds:>8.2f}  {run.peak_mb:>8.0f}  {per_operation[operations]:>16.2f}")
    ratio = per_operation[SCALES[-1]] / per_operation[SCALES[1]]
    print(f"  time per operation, {SCALES[-1]} vs {SCALES[1]}: {ratio:.2f}x")


SECTIONS = {"floor": floor, "corpus": corpus, "vendors": vendors, "scaling": scaling}


def report(sections: list[str] | None = None) -> None:
    """Every section, or those named (`python -m tests.benchmarks.generation floor scaling`)."""
    for index, name in enumerate(sections or list(SECTIONS)):
        if index:
            print()
        SECTIONS[name]()


if __name__ == "__main__":
    report(sys.argv[1:])
