"""The DigitalOcean spec (2,900 files, 659 operations), read as written from `../shared`.

The corpus is not part of this project: where it is absent these tests skip and say so.
The package is generated once, imported, type-checked, and its mock is run against a
schemathesis sample of operations, which must never answer with a 5xx.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ROOT, mypy_strict, run_generator, serve

CORPUS_ROOT = ROOT.parent / "shared" / "corpus" / "digitalocean" / "DigitalOcean-public.v2.yaml"
# Every SAMPLE_STEP-th operation id, sorted: the same sample on every run.
SAMPLE_STEP = 8
MAX_EXAMPLES = 10

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not CORPUS_ROOT.is_file(),
        reason=f"the DigitalOcean corpus is not at {CORPUS_ROOT.relative_to(ROOT.parent)}: corpus tests skipped",
    ),
]


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    out = tmp_path_factory.mktemp("corpus")
    run = run_generator("generate", CORPUS_ROOT, "--out", out, "--name", "digitalocean")
    assert run.returncode == 0, run.stderr[-3000:]
    assert "error" not in run.stderr.replace("warning", "")  # warnings only
    sys.path.insert(0, str(out / "digitalocean"))
    try:
        yield out / "digitalocean"
    finally:
        sys.path.remove(str(out / "digitalocean"))


def test_every_module_imports_and_every_operation_is_routed(package: Path) -> None:
    modules = ["", ".client", ".errors", ".models", ".server", "._base_client"]
    for module in modules:
        importlib.import_module("digitalocean_api" + module)
    server = importlib.import_module("digitalocean_api.server")
    client = importlib.import_module("digitalocean_api").Client
    document = json.loads((package / "digitalocean_api" / "openapi.json").read_text())
    operations = [op for item in document["paths"].values() for key, op in item.items() if key != "parameters"]
    routes = [route for route in server.create_app(server.InMemoryHandler()).routes if route.name != "openapi_document"]
    assert len(operations) == 659
    assert len([r for r in routes if getattr(r, "methods", None)]) >= 659
    assert sum(1 for name in vars(client) if not name.startswith("_")) >= 659


def test_mypy_strict_passes_on_the_package(package: Path) -> None:
    run = mypy_strict(package, "digitalocean_api")
    assert run.returncode == 0, run.stdout[-3000:]


def test_the_mock_answers_a_schemathesis_sample_without_a_5xx(package: Path) -> None:
    server = importlib.import_module("digitalocean_api.server")
    document = json.loads((package / "digitalocean_api" / "openapi.json").read_text())
    ids = sorted(
        op["operationId"]
        for item in document["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    )
    sample = [argument for operation_id in ids[::SAMPLE_STEP] for argument in ("--include-operation-id", operation_id)]
    st = Path(sys.executable).parent / "st"
    with serve(server.create_app(server.InMemoryHandler())) as url:
        run = subprocess.run(
            [
                str(st),
                "run",
                f"{url}/openapi.json",
                "--url",
                url,
                "--checks",
                "not_a_server_error",
                "--max-examples",
                str(MAX_EXAMPLES),
                "--seed",
                "20261121",
                "--no-color",
                "-H",
                "Authorization: Bearer schemathesis",
                *sample,
            ],
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    report = run.stdout[run.stdout.find("FAILURES") :] if "FAILURES" in run.stdout else run.stdout[-3000:]
    assert run.returncode == 0, report[:6000] + run.stderr[-2000:]
    assert f"Selected: {len(sample) // 2}/" in run.stdout
