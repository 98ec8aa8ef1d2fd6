"""What a program pays before its first call: importing a big generated package, building
its server, making one call, next to `import httpx, pydantic` (what any client of the API
imports anyway) measured in the same run.

The package is DigitalOcean's (about 1,800 models, 659 operations), generated from
`../shared/corpus/` into a temporary directory and byte-compiled, as an installed package
is. Each figure is the median over fresh interpreters, the scenarios taking turns round by
round; each interpreter times its own statements, so its start-up is left out.
"""

from __future__ import annotations

import ast
import statistics
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

from tests.support import CORPUS, PUBLISHED, ROOT

ROUNDS = 7
PACKAGE = "digitalocean_api"
PEER = "import httpx, pydantic"
# The first call: GET /v2/droplets/{droplet_id} against an in-process app (an httpx
# transport) answering with the server's own example, parsed into the Droplet models.
OPERATION = "droplets_get"
_EXAMPLE = "_DROPLETS_GET_EXAMPLE"
# What any pydantic program pays before its first model: `import pydantic` alone loads lazily.
MODEL_PEER = "import httpx; from pydantic import BaseModel"
SCENARIOS = {
    PEER: PEER,
    MODEL_PEER: MODEL_PEER,
    f"import {PACKAGE}": f"import {PACKAGE}",
    "import server; create_app(...)": f"""
        import {PACKAGE}.server as server
        server.create_app(server.InMemoryHandler())
    """,
    f"first call ({OPERATION})": f"""
        import httpx
        from {PACKAGE} import Client
        answer = httpx.Response(200, content=BODY, headers={{"content-type": "application/json"}})
        http_client = httpx.Client(transport=httpx.MockTransport(lambda request: answer))
        with Client(base_url="https://api.test", bearer_auth_token="t", http_client=http_client) as client:
            assert client.{OPERATION}(3164444).droplet is not None
    """,
}
GOALS = {f"import {PACKAGE}": 1.5, f"first call ({OPERATION})": 2.0}


def _seconds(package_dir: Path, code: str, body: Path) -> float:
    """The time `code` takes in a fresh interpreter (reading the answer's bytes excepted)."""
    script = (
        f"import time\nBODY = open({str(body)!r}, 'rb').read()\nstarted = time.perf_counter()\n"
        + textwrap.dedent(code).strip()
        + "\nprint(time.perf_counter() - started)\n"
    )
    run = subprocess.run([sys.executable, "-c", script], cwd=package_dir, capture_output=True, text=True, check=False)
    if run.returncode != 0:
        raise RuntimeError(run.stderr.strip().splitlines()[-1] if run.stderr.strip() else "failed")
    return float(run.stdout.split()[-1])


def _prepare(out: Path) -> tuple[Path, Path, int]:
    """The generated, byte-compiled package, the example answer and the number of models."""
    spec = next(spec for spec in PUBLISHED if spec.name == "digitalocean")
    command = [sys.executable, "-m", "generator", "generate", str(spec.path), "--out", str(out), "--name", spec.name]
    subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
    package_dir = out / spec.name
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package_dir)], check=True)
    body = out / "answer.json"
    dump = f"import json\nfrom {PACKAGE}._routes import droplets\nprint(json.dumps(droplets.{_EXAMPLE}))"
    example = subprocess.run([sys.executable, "-c", dump], cwd=package_dir, capture_output=True, text=True, check=True)
    body.write_text(example.stdout)
    exports = ast.parse((package_dir / PACKAGE / "models" / "__init__.py").read_text(encoding="utf-8"))
    names = next(
        node.value
        for node in exports.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "__all__"
    )
    models = len(names.elts) - 1 if isinstance(names, ast.List) else 0  # ApiModel is not one
    return package_dir, body, models


def run(rounds: int = ROUNDS) -> tuple[int, dict[str, float | str]]:
    """(models, scenario -> median seconds, or why it failed)."""
    with tempfile.TemporaryDirectory(prefix="pyapigen-import-") as scratch:
        package_dir, body, models = _prepare(Path(scratch))
        samples: dict[str, list[float]] = {name: [] for name in SCENARIOS}
        failed: dict[str, str] = {}
        for name, code in SCENARIOS.items():  # warm up: the file system cache
            try:
                _seconds(package_dir, code, body)
            except RuntimeError as error:
                failed[name] = str(error)
        for _ in range(rounds):
            for name, code in SCENARIOS.items():
                if name not in failed:
                    samples[name].append(_seconds(package_dir, code, body))
    return models, {name: failed.get(name) or statistics.median(samples[name]) for name in SCENARIOS}


def report() -> None:
    root = next(spec for spec in PUBLISHED if spec.name == "digitalocean")
    where = f"../{CORPUS.relative_to(ROOT.parent).as_posix()}/"
    if not root.path.exists():
        print(f"import time of a big package: skipped, {root.root} is not in {where}")
        return
    models, times = run()
    print(
        f"import time of a big package (DigitalOcean, {models:,} models; median s of {ROUNDS} fresh interpreters; "
        f"goals: import ≤ {GOALS[f'import {PACKAGE}']}×, first call ≤ {GOALS[f'first call ({OPERATION})']}× the peer)"
    )
    print(f"  {'what':<46}{'seconds':>10}{'× peer':>9}")
    peer = times[PEER]
    for name, value in times.items():
        if isinstance(value, str):
            print(f"  {name:<46}  failed: {value}")
        else:
            ratio = f"{value / peer:>8.2f}×" if isinstance(peer, float) else ""
            print(f"  {name:<46}{value:>10.3f}{ratio}")


if __name__ == "__main__":
    report()
