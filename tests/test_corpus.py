"""Published specs from `../shared/corpus/`, each generated and proven on its own.

The corpus is not part of this project: where a spec is absent its tests skip and say so.
For each spec: generation exits 0; every operation of the spec, counted from the spec's own
files, is a method of both clients and a route of the server; every module imports;
`mypy --strict` passes on the package; the server app builds; and schemathesis (examples
and fuzzing phases, fixed seed) finds no 5xx and no response outside its schema when run
against the in-memory mock.

`make test` runs schemathesis on a fixed sample of SAMPLE operations per spec with
MAX_EXAMPLES examples; `make corpus` (`pytest -m corpus --corpus-full`) runs it on every
operation with FULL_MAX_EXAMPLES. Everything else is the same in both.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import json
import logging
import re
import subprocess
import sys
import traceback
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from starlette.routing import Match

from tests.support import (
    CORPUS,
    PUBLISHED,
    ROOT,
    Published,
    Run,
    importable,
    mypy_strict,
    run_generator,
    serve,
    spec_operations,
)

SAMPLE = 40  # operations per spec in `make test`, evenly spread over the sorted operations
MAX_EXAMPLES = 10
FULL_MAX_EXAMPLES = 40
SEED = "20261121"
# Sent with every request: a bearer token and an API key in `Authorization` both accept it.
AUTHORIZATION = "Authorization: Bearer schemathesis"


pytestmark = [pytest.mark.slow, pytest.mark.corpus]


@dataclass
class Generated:
    spec: Published
    run: Run
    directory: Path  # the package's project directory (holding pyproject.toml)
    module: str  # its import name


def _param(spec: Published) -> Any:
    absent = not spec.path.is_file()
    reason = f"{spec.root} is not in ../{CORPUS.relative_to(ROOT.parent).as_posix()}/: corpus test skipped"
    return pytest.param(spec, id=spec.name, marks=pytest.mark.skipif(absent, reason=reason))


@pytest.fixture(scope="module", params=[_param(spec) for spec in PUBLISHED])
def generated(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Generated]:
    """The spec's package, generated once for all its tests; one spec at a time."""
    spec: Published = request.param
    out = tmp_path_factory.mktemp(spec.name)
    run = run_generator("generate", spec.path, "--out", out, "--name", spec.name, cwd=out)
    directory = out / spec.name
    modules = sorted(init.parent.name for init in directory.glob("*/__init__.py"))
    module = modules[0] if run.returncode == 0 and len(modules) == 1 else ""
    with importable(directory):
        yield Generated(spec, run, directory, module)


@pytest.fixture
def package(generated: Generated) -> Generated:
    """The generated package, for the tests that need one: they fail when there is none."""
    if not generated.module:
        pytest.fail(f"{generated.spec.root} did not generate a package: see test_generation_exits_0", pytrace=False)
    return generated


def test_generation_exits_0(generated: Generated) -> None:
    run = generated.run
    assert run.returncode == 0, _tail(run.stderr)
    errors = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert not errors, "\n".join(errors[:20])
    assert generated.module, f"not one package in {generated.directory}"


def test_every_module_imports(package: Generated) -> None:
    source = package.directory / package.module
    failures = []
    for file in sorted(source.rglob("*.py")):
        parts = file.relative_to(package.directory).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        try:
            importlib.import_module(name)
        except Exception as error:
            failures.append(f"{name}: {''.join(traceback.format_exception_only(error)).strip()[:1000]}")
    assert not failures, "\n".join(failures)


def test_the_server_app_builds(package: Generated) -> None:
    server = importlib.import_module(f"{package.module}.server")
    assert server.create_app(server.InMemoryHandler()).routes
    assert server.create_app(server.InMemoryHandler(), authenticate=lambda credentials: True).routes


def test_every_operation_is_a_client_method_and_a_server_route(package: Generated) -> None:
    operations = Counter((method, _shape(path)) for method, path in spec_operations(package.spec.path))
    server = importlib.import_module(f"{package.module}.server")
    routes = [route for route in server.create_app(server.InMemoryHandler()).routes if _in_schema(route)]
    routed = Counter((method, _shape(route.path)) for route in routes for method in route.methods)
    client = importlib.import_module(f"{package.module}.client")
    sync = _client_operations(client, client.Client)
    asynchronous = _client_operations(client, client.AsyncClient)

    assert _difference(operations, routed) == "", "server routes against the spec's operations"
    assert _difference(operations, sync) == "", "Client methods against the spec's operations"
    assert _difference(operations, asynchronous) == "", "AsyncClient methods against the spec's operations"
    total = sum(operations.values())
    assert (sum(routed.values()), sum(sync.values()), sum(asynchronous.values())) == (total, total, total)


def test_every_operation_reaches_its_own_route(package: Generated) -> None:
    """A request to each operation's path is matched by that operation's route first.

    Routes match in the order they were added: `/items/{id}` added before `/items/latest`
    takes `GET /items/latest` for itself, and the literal route is never reached.
    """
    server = importlib.import_module(f"{package.module}.server")
    app = server.create_app(server.InMemoryHandler())
    shadowed = []
    routes = [route for route in app.routes if _in_schema(route)]
    # Paths that differ only in parameter names (Xero's `/Contacts/{ContactID}` and
    # `/Contacts/{ContactNumber}`) are told apart by format where one parameter is a UUID;
    # where none is, generation warns and the first declared takes the request.
    shapes = Counter(_shape(route.path) for route in routes)
    typed_shapes = {_shape(route.path) for route in routes if ":uuid_text}" in route.path}
    for route in routes:
        shape = _shape(route.path)
        if shapes[shape] > 1 and shape not in typed_shapes:
            continue
        for method in sorted(route.methods):
            # A parameter's value is one no literal segment of these specs is; a UUID where
            # the route asks for one, and a value that is not one where a sibling route does.
            path = re.sub(r"\{[^}:]*:uuid_text\}", "8f4ec2ce-5f36-4f55-9a4b-6c2b8e1d7a10", route.path)
            scope = {"type": "http", "method": method, "path": re.sub(r"\{[^}]*\}", "1", path), "root_path": ""}
            first = next((r for r in app.router.routes if r.matches(scope)[0] == Match.FULL), None)
            if first is not route:
                shadowed.append(f"{method} {route.path} is answered by the route of {getattr(first, 'path', None)}")
    assert not shadowed, "\n".join(shadowed)
    if package.spec.name == "xero-accounting":
        assert {"/Contacts/{contact_id:uuid_text}", "/Contacts/{contact_number}"} <= {route.path for route in routes}


def test_mypy_strict_passes_on_the_package(package: Generated) -> None:
    run = mypy_strict(package.directory, package.module)
    assert run.returncode == 0, _tail(run.stdout, 6000)


def test_schemathesis_finds_nothing_on_the_mock(
    package: Generated, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    full = bool(request.config.getoption("--corpus-full"))
    labels = sorted(f"{method} {path}" for method, path in spec_operations(package.spec.path))
    sample = labels if full or len(labels) <= SAMPLE else [labels[i * len(labels) // SAMPLE] for i in range(SAMPLE)]
    # The document the package ships: the spec bundled into one file, with what the generator
    # repaired (an unresolvable `$ref` taken as any value, say) as the server implements it.
    location = tmp_path / "openapi.json"
    document = json.loads((package.directory / package.module / "openapi.json").read_text(encoding="utf-8"))
    location.write_text(json.dumps(_example_refs_hidden(document)), encoding="utf-8")
    server = importlib.import_module(f"{package.module}.server")
    failed = _HandlerFailures(package.directory)
    logger = logging.getLogger(server.__name__)
    logger.addHandler(failed)
    logger.propagate = False
    try:
        with serve(server.create_app(server.InMemoryHandler())) as url:
            run = subprocess.run(
                [
                    str(Path(sys.executable).parent / "st"),
                    "run",
                    str(location),
                    "--url",
                    url,
                    "--phases",
                    "examples,fuzzing",
                    "--checks",
                    "not_a_server_error,response_schema_conformance",
                    "--max-examples",
                    str(FULL_MAX_EXAMPLES if full else MAX_EXAMPLES),
                    "--seed",
                    SEED,
                    "--workers",
                    "1",
                    "--generation-database",
                    "none",
                    "--no-color",
                    "-H",
                    AUTHORIZATION,
                    *[argument for label in sample for argument in ("--include-name", label)],
                ],
                cwd=tmp_path,
                capture_output=True,
                text=True,
                timeout=7200 if full else 900,
                check=False,
            )
    finally:
        logger.removeHandler(failed)
        logger.propagate = True
    assert run.returncode == 0, _schemathesis_report(run.stdout) + failed.report() + _tail(run.stderr, 2000)
    assert f"Selected: {len(sample)}/{len(labels)}" in run.stdout, _tail(run.stdout)


def _example_refs_hidden(node: Any, in_example: bool = False) -> Any:
    """The document with `$ref` keys inside example values renamed. An example is data, and
    Square's hold JSON Schema documents (`{"$ref": "https://.../common.json#..."}`), which
    schemathesis tries to resolve as references, erroring out on the whole operation."""
    if isinstance(node, dict):
        return {
            ("x-example-ref" if in_example and key == "$ref" else key): _example_refs_hidden(
                value, in_example or key in ("example", "examples")
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_example_refs_hidden(item, in_example) for item in node]
    return node


def _shape(path: str) -> str:
    """A path with its parameter names dropped: `/a/{id}` and `/a/{a_id}` are one route."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def _in_schema(route: Any) -> bool:
    return bool(getattr(route, "methods", None)) and getattr(route, "include_in_schema", False)


# The methods a client class has beside its operations: copies of itself with other options.
_CLIENT_OPTIONS = frozenset({"copy", "with_options"})


def _client_operations(client: Any, cls: type) -> Counter[tuple[str, str]]:
    """(METHOD, path) of the endpoint each public method of a client class sends to: each
    is called, with None for every required argument, on a stand-in for the client that
    keeps the `Endpoint` it is asked to send instead of sending it."""
    base = importlib.import_module(client.__package__ + "._base_client")
    found: Counter[tuple[str, str]] = Counter()
    for name in dir(cls):
        value = getattr(cls, name)
        if (
            name.startswith("_")
            or not callable(value)
            or hasattr(base.SyncApiClient, name)
            or hasattr(base.AsyncApiClient, name)
            or name in _CLIENT_OPTIONS
        ):
            continue
        function = inspect.unwrap(value)  # without the warning of `@deprecated`
        endpoints: list[Any] = []
        stand_in = _RecordingClient(endpoints, asynchronous=inspect.iscoroutinefunction(function))
        parameters = list(inspect.signature(function).parameters.values())[1:]
        required = [p for p in parameters if p.default is inspect.Parameter.empty]
        positional = [None for p in required if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD]
        keywords = {p.name: None for p in required if p.kind is inspect.Parameter.KEYWORD_ONLY}
        call = function(stand_in, *positional, **keywords)
        if inspect.iscoroutine(call):
            with contextlib.suppress(StopIteration):
                call.send(None)  # nothing is awaited for real: one step runs it to its end
        if len(endpoints) == 1 and isinstance(endpoints[0], base.Endpoint):
            found[(endpoints[0].method, _shape(endpoints[0].path))] += 1
        else:
            found[("?", f"{cls.__name__}.{name} sends to {len(endpoints)} endpoints")] += 1
    return found


class _RecordingClient:
    """Stands in for `self` in a client's method: `_request` (and `_request_page`, for a
    paged operation) keeps the endpoint it is given."""

    def __init__(self, endpoints: list[Any], *, asynchronous: bool) -> None:
        self._endpoints = endpoints
        self._asynchronous = asynchronous

    def _request(self, endpoint: Any, **parts: Any) -> Any:
        self._endpoints.append(endpoint)
        return self._answer() if self._asynchronous else None

    def _request_page(self, endpoint: Any, **parts: Any) -> Any:
        """A paged operation's first request, kept as any other."""
        return self._request(endpoint, **parts)

    @staticmethod
    async def _answer() -> None:
        return None


def _difference(expected: Counter[tuple[str, str]], actual: Counter[tuple[str, str]]) -> str:
    missing = sorted((expected - actual).elements())
    extra = sorted((actual - expected).elements())
    lines = [f"missing {method} {path}" for method, path in missing] + [f"extra {m} {p}" for m, p in extra]
    return "\n".join(lines[:50]) + (f"\n... {len(lines) - 50} more" if len(lines) > 50 else "")


class _HandlerFailures(logging.Handler):
    """What the generated server logged while schemathesis ran: the causes behind its 5xx.

    Kept here (and not passed on to pytest's log capture) as one entry per message, with
    the exception and the package's own frames it went through.
    """

    def __init__(self, package: Path) -> None:
        super().__init__(logging.ERROR)
        self.package = str(package)
        self.failures: dict[str, str] = {}

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            frames = [
                f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"
                for frame in traceback.extract_tb(error.__traceback__)
                if frame.filename.startswith(self.package)
            ]
            lines = [", ".join(frames[-2:]), *"".join(traceback.format_exception_only(error)).splitlines()[:7]]
            message += "\n    " + "\n    ".join(line[:200] for line in lines)
        self.failures.setdefault(message.partition("\n")[0], message)

    def report(self) -> str:
        if not self.failures:
            return ""
        shown = list(self.failures.values())[:30]
        return f"\n\nthe server logged {len(self.failures)} distinct failure(s):\n" + "\n".join(shown)


def _schemathesis_report(stdout: str) -> str:
    """Each failing operation with its failures, then schemathesis's summary; long lines cut."""
    body = stdout[: stdout.find("= SUMMARY =")] if "= SUMMARY =" in stdout else stdout
    body = body[: body.find("= WARNINGS =")] if "= WARNINGS =" in body else body
    blocks = re.split(r"^_{3,} (.+?) _{3,}$", body, flags=re.MULTILINE)
    failing = []
    for title, block in zip(blocks[1::2], blocks[2::2], strict=True):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        checks = [i for i, line in enumerate(lines) if re.match(r"- ST\d+ ", line)]
        found = [f"{lines[i]}: {lines[i + 1] if i + 1 < len(lines) else ''}" for i in checks] or [": ".join(lines[:2])]
        failing += [title] + [f"    {line[:300]}" for line in found]
    summary = (
        stdout[stdout.rfind("\n", 0, stdout.find("= SUMMARY =")) + 1 :] if "= SUMMARY =" in stdout else stdout[-3000:]
    )
    return "\n".join(failing[:300]) + "\n\n" + "\n".join(line[:300] for line in summary.splitlines())


def _tail(text: str, size: int = 3000) -> str:
    return text[-size:]
