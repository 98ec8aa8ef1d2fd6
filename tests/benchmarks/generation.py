"""Generation speed and memory: the DigitalOcean corpus, the vendor specs, synthetic specs.

Every run is a fresh `python -m generator generate` process, as `make generate` starts
one; wall time is measured around it and peak memory (max RSS) is the process's own,
reported by a small wrapper. When openapi-python-client is installed it runs on the same
spec (our bundled `openapi.json`, since it cannot read split files) in alternation.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support import ROOT, SPECS

CORPUS = ROOT.parent / "shared" / "corpus" / "digitalocean" / "DigitalOcean-public.v2.yaml"
ROUNDS = 3
SCALES = (10, 100, 1000, 5000)

# Runs the generator in-process and prints peak memory last, in KiB: its own, and the
# largest of its child processes (ruff, and the forked validation).
_WRAPPER = """
import resource, sys
from generator.cli import main
code = main(sys.argv[1:])
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print("maxrss", own, children, file=sys.stderr)
sys.exit(code)
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
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-c", _WRAPPER, command, *map(str, arguments)],
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


def corpus() -> None:
    print("DigitalOcean (659 operations, 1,509 files), full generation from the root file:")
    if not CORPUS.is_file():
        print(f"  skipped: the corpus is not at {CORPUS.relative_to(ROOT.parent)}")
        return
    # The peer may live in this environment or anywhere on PATH (its own virtual environment).
    peer = shutil.which("openapi-python-client", path=str(Path(sys.executable).parent)) or shutil.which(
        "openapi-python-client"
    )
    models_peer = shutil.which("datamodel-codegen", path=str(Path(sys.executable).parent))
    ours: list[Run] = []
    theirs: list[float] = []
    models_only: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        bundled = Path(scratch) / "bundled.json"
        for round_ in range(ROUNDS):
            out = Path(scratch) / f"ours-{round_}"
            ours.append(generate(CORPUS, "--out", out, "--name", "digitalocean"))
            if round_ == 0:
                shutil.copy(out / "digitalocean" / "digitalocean_api" / "openapi.json", bundled)
            if peer:
                theirs.append(_peer(peer, bundled, Path(scratch) / f"peer-{round_}"))
            if models_peer:
                models_only.append(_models_peer(models_peer, bundled, Path(scratch) / f"models-{round_}.py"))
    ours_median = statistics.median(r.seconds for r in ours)
    print(
        f"  pyapigen: {ours_median:.2f} s median of {ROUNDS}, peak {max(r.peak_mb for r in ours):.0f} MB "
        f"(largest helper process {max(r.helper_peak_mb for r in ours):.0f} MB)"
    )
    if peer:
        peer_median = statistics.median(theirs)
        print(
            f"  openapi-python-client (client only): {peer_median:.2f} s; ours / theirs = {ours_median / peer_median:.2f}x"
        )
    else:
        print("  openapi-python-client is not installed in this environment: no peer run")
    if models_only:
        models_median = statistics.median(models_only)
        print(
            f"  datamodel-code-generator (models only, no formatter): {models_median:.2f} s; "
            f"ours / theirs = {ours_median / models_median:.2f}x"
        )
    else:
        print("  datamodel-code-generator is not installed in this environment: no peer run")


def _peer(executable: str, spec: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [executable, "generate", "--path", str(spec), "--output-path", str(out), "--overwrite"],
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - started


def _models_peer(executable: str, spec: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
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
        check=False,
    )
    return time.perf_counter() - started


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


def report() -> None:
    corpus()
    print()
    vendors()
    print()
    scaling()


if __name__ == "__main__":
    report()
