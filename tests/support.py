"""Helpers shared by the tests: paths, running the command line, serving an app."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.validate.json_schema import to_json_schema

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
GENERATED = ROOT / "generated"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# The vendor packages the client, server, mock and schemathesis tests import: generated/ as
# committed, or the same specs generated with datamodel-code-generator's models when
# tests/test_models_backends.py runs those tests again on them (its `PYAPIGEN_TEST_*`).
PACKAGES = Path(os.environ.get("PYAPIGEN_TEST_PACKAGES") or GENERATED)
# The models backend the tests' own generations use (`--models`).
MODELS_BACKEND = os.environ.get("PYAPIGEN_TEST_MODELS") or "builtin"
VENDORS = ("bigcapital", "chargeover", "meteroid", "sequence")
# Published specs, read as written; not part of this project, so absent on some machines.
CORPUS = ROOT.parent / "shared" / "corpus"
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Published:
    """A spec of the corpus and the package name it is generated under."""

    name: str  # the package name given to --name
    root: str  # the spec's root file, relative to the corpus directory
    # Other tools read the package's bundled `openapi.json` instead of the root file: the
    # spec `$ref`s whole operations into other files, which they do not follow.
    bundled: bool = False

    @property
    def path(self) -> Path:
        return CORPUS / self.root


PUBLISHED = (
    Published("digitalocean", "digitalocean/DigitalOcean-public.v2.yaml", bundled=True),
    Published("discord", "discord.json"),
    Published("square", "square.json"),
    Published("xero-accounting", "xero-accounting.yaml"),
    Published("spotify", "spotify.yml"),
)

# A valid Sequence update, for the tests that drive its client and mock.
SEQUENCE_ID = "e309e948-088e-4d77-b654-cd85498f1555"
SEQUENCE_BODY = {
    "address": {"country": "GB", "line1": "Flat 1", "postCode": "AB1 2EF", "town": "London"},
    "email": "john@example.com",
    "legalName": "John Doe",
    "taxStatus": "TAXED",
}


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str


def run_generator(*arguments: str | Path, cwd: Path = ROOT) -> Run:
    """Run `python -m generator ...` as a user would, in a subprocess (generating with the
    models backend under test)."""
    generates = arguments[:1] in (("generate",), ("check",)) and "--models" not in arguments
    backend = ["--models", MODELS_BACKEND] if generates and MODELS_BACKEND != "builtin" else []
    result = subprocess.run(
        [sys.executable, "-m", "generator", *map(str, arguments), *backend],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    return Run(result.returncode, result.stdout, result.stderr)


def readme_section_example(readme: Path, heading: str) -> str:
    """The first Python example of the README's section whose heading starts with `heading`."""
    text = readme.read_text(encoding="utf-8")
    section = text.split(f" {heading}", 1)[1].split("\n##", 1)[0]  # to the next heading
    return section.split("```python\n", 1)[1].split("```", 1)[0]


def snapshot(directory: Path) -> dict[str, bytes]:
    """Every file under `directory` with its bytes, to prove a run left it untouched.

    Bytecode is left out: importing a package (as tests and servers do) writes `__pycache__`
    beside it, which no generation makes or changes."""
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


@contextlib.contextmanager
def importable(*folders: Path) -> Iterator[None]:
    """Generated packages in `folders` importable for the block; their modules are
    forgotten after it, so a later test generating the same name imports its own."""
    before = set(sys.modules)
    sys.path[:0] = [str(folder) for folder in folders]
    try:
        yield
    finally:
        for folder in folders:
            sys.path.remove(str(folder))
        for name in set(sys.modules) - before:
            if any(Path(getattr(sys.modules[name], "__file__", None) or "/").is_relative_to(f) for f in folders):
                del sys.modules[name]


@contextlib.contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn on 127.0.0.1 and a free port; yields its base URL."""
    import uvicorn

    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=0,
        log_level="warning",
        lifespan="off",
        # Fuzzers send path parameters of 100 KB; h11's 16 KB default would reset the
        # connection before the app could answer them.
        h11_max_incomplete_event_size=4 * 1024 * 1024,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def mypy_strict(cwd: Path, *targets: str) -> subprocess.CompletedProcess[str]:
    """`mypy --strict` on generated code, without a cache, as a user's CI would run it."""
    mypy = Path(sys.executable).parent / "mypy"
    return subprocess.run(
        [str(mypy), "--strict", "--no-incremental", "--cache-dir=/dev/null", *targets],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def spec_operations(root: Path) -> list[tuple[str, str]]:
    """(METHOD, path) of every operation in a spec, read from its own files.

    A path item may be a `$ref` to another file (followed); an operation may be one too
    (counted where it is written, under its method).
    """
    document = _load(root)
    operations = []
    for path, item in document.get("paths", {}).items():
        if isinstance(item, dict) and isinstance(item.get("$ref"), str):
            item = _resolve(root, item["$ref"])
        operations += [(method.upper(), path) for method in HTTP_METHODS if method in item]
    return operations


def _load(file: Path) -> Any:
    text = file.read_text(encoding="utf-8")
    if file.suffix == ".json":
        return json.loads(text)
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _resolve(base: Path, reference: str) -> Any:
    location, _, pointer = reference.partition("#")
    file = (base.parent / location) if location else base
    value = _load(file)
    for token in filter(None, pointer.split("/")):
        value = value[token.replace("~1", "/").replace("~0", "~")]
    return value


def all_definitions(components: dict[str, Any], *, openapi_30: bool) -> dict[str, Any]:
    """Every component schema, converted to JSON Schema: the `$defs` any check may need."""
    return {name: to_json_schema(schema, openapi_30=openapi_30) for name, schema in components.items()}
